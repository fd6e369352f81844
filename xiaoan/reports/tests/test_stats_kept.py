"""A generated province (two cities, four districts, 800 hazards with their history, stored
month ends): the statistics dashboard, the stats summary and the home page read today's kept
counts and the stored month ends for every kind of user, and say what counting the hazards
says."""

from __future__ import annotations

import pytest

from xiaoan import views as home
from xiaoan.hazards import counts
from xiaoan.hazards.models import Hazard
from xiaoan.hazards.stats import summary, summary_of
from xiaoan.reports import stats

pytestmark = [pytest.mark.django_db, pytest.mark.real_clock]


@pytest.fixture
def province():
    from benchmarks._province import Sizes, generate

    sizes = Sizes(cities=2, districts=4, schools=12, hazards=800, days=120)
    return generate(sizes, code="38", seed=7)


def _users(province) -> list:
    district = province.districts[0]
    city = next(
        admin
        for bureau, admin in province.cities
        if bureau.region_id == district.bureau.region.parent_id
    )
    return [province.admin, city, district.admin, district.school_admins[district.schools[0].pk]]


def _counted(hazards) -> dict:
    """Every part of the dashboard counted over the hazards, month by month."""
    return {
        "by_area": stats.by_area(hazards),
        "funnel": stats.funnel(hazards),
        "trend": stats.trend(hazards),
        "ranking": stats.ranking(hazards),
    }


def test_the_dashboard_reads_the_kept_and_stored_figures_and_says_what_counting_says(province):
    assert Hazard.objects.overdue().exists()  # the deadlines of the generated history ran out
    for user in _users(province):
        form = stats.StatsFilterForm(user=user)
        assert counts.kept_rows(user) is not None
        assert stats.stored_scope(user, form, None) is not None
        dashboard = stats.dashboard(user, form)
        assert {name: dashboard[name] for name in _counted(Hazard.objects.none())} == _counted(
            Hazard.objects.for_user(user)
        )


def test_a_district_drilled_down_to_says_what_counting_its_hazards_says(province):
    district = province.districts[1].bureau
    form = stats.StatsFilterForm(user=province.admin, bureau_id=district.pk)
    dashboard = stats.dashboard(province.admin, form, bureau_id=district.pk)
    hazards = Hazard.objects.for_user(province.admin).filter(bureau=district)
    assert {name: dashboard[name] for name in _counted(hazards)} == _counted(hazards)
    assert dashboard["by_area"] != stats.by_area(Hazard.objects.for_user(province.admin))


def test_the_stats_summary_and_the_home_page_say_what_counting_says(province):
    for user in _users(province):
        hazards = Hazard.objects.for_user(user)
        kept, schools = counts.kept_rows(user), counts.kept_rows(user, per_school=True)
        assert kept is not None and schools is not None
        assert summary_of(kept, schools, hazards.overdue().count()) == summary(hazards)
        assert home._from_counts(kept) == home._counted(hazards)


def test_the_ranking_read_from_the_overdue_schools_kept_rows_is_the_counted_one(province):
    """Whatever the length asked for: shorter than the schools with overdue hazards (only
    the schools level with the last of those are read), or longer (every school's)."""
    user = province.admin
    hazards = Hazard.objects.for_user(user)
    kept = counts.kept_rows(user, per_school=True)
    overdue_schools = hazards.overdue().values("school").distinct().count()
    assert overdue_schools > 3
    for limit in (1, 2, 3, overdue_schools - 1, overdue_schools, overdue_schools + 5):
        counted = stats._ranking_counted(hazards, limit)
        assert stats.ranking(hazards, limit, kept) == counted, limit
        assert len(counted) == limit or limit > overdue_schools
