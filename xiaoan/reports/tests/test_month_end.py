"""Stored month-end figures: the same as the live computation, stored once, corrected by new
batches, read by the dashboard's trend."""

from __future__ import annotations

import datetime
import io

import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from conftest import committed_for_the_scope
from xiaoan.accounts.access import membership_of
from xiaoan.accounts.choices import Role
from xiaoan.campaigns.models import Campaign
from xiaoan.hazards.models import Hazard
from xiaoan.reports import monthend, stats
from xiaoan.reports.models import MonthEndBatch, MonthEndFigure
from xiaoan.schools.choices import SchoolKind

from .conftest import at

pytestmark = pytest.mark.django_db


def _trends(user, data: dict | None = None, bureau_id: int | None = None) -> tuple[list, list]:
    """The trend read from the stored month ends, and computed live, for the same filters."""
    form = stats.StatsFilterForm(data or {}, user=user, bureau_id=bureau_id)
    hazards = stats._hazards(user, form, bureau_id)
    scope = stats.stored_scope(user, form, bureau_id)
    assert scope is not None
    return stats.trend(hazards, scope), stats.trend(hazards)


def _stored_months(user, data: dict | None = None) -> int:
    form = stats.StatsFilterForm(data or {}, user=user)
    hazards = stats._hazards(user, form, None)
    months = [datetime.date(y, m, 1) for y, m in stats._months(hazards)]
    scope = stats.stored_scope(user, form, None)
    return len(monthend.month_totals(scope, months, scope["campaign"], scope["kind"]))


@pytest.fixture(scope="class")
def demo(django_db_setup, django_db_blocker, tmp_path_factory):
    """The demo district, loaded once for the class's tests."""
    with committed_for_the_scope(django_db_blocker, tmp_path_factory):
        call_command("demo", stdout=io.StringIO())
        yield get_user_model().objects.get(username="bureau")


class TestTheDemo:
    """The demo district, loaded once: its stored months, and a second load."""

    @pytest.mark.real_clock
    def test_demo_stores_its_past_months_and_they_say_what_the_live_figures_say(self, demo):
        assert MonthEndBatch.objects.filter(bureau=membership_of(demo).bureau_id).exists()
        stored, live = _trends(demo)
        assert stored == live and len(stored) == 6  # July to December 2014
        assert _stored_months(demo) == 6  # every month of the trend was read from the store
        campaign = Campaign.objects.filter(bureau=membership_of(demo).bureau_id).first()
        for data in ({"kind": SchoolKind.KINDERGARTEN}, {"campaign": campaign.pk}):
            stored, live = _trends(demo, data)
            assert stored == live
        school_user = get_user_model().objects.get(username="school001")
        stored, live = _trends(school_user)
        assert stored == live
        city = get_user_model().objects.get(username="city")
        stored, live = _trends(city)
        assert stored == live and _stored_months(city) == len(stored)

    @pytest.mark.real_clock
    def test_demo_loaded_again_stores_nothing_new(self, demo):
        batches = MonthEndBatch.objects.count()
        call_command("demo", stdout=io.StringIO())
        assert MonthEndBatch.objects.count() == batches


@pytest.mark.real_clock
@pytest.mark.parametrize("seed", [1, 2, 3])
def test_a_generated_district_reads_the_same_from_the_store(seed):
    from benchmarks._district import generate, member
    from xiaoan.core.dates import local_today

    today = local_today()
    district = generate(
        code=f"39{seed:04d}",
        schools=12,
        hazards=600,
        start=today - datetime.timedelta(days=420),
        days=400,
        open_share=lambda age: 0.6 if age < 60 else 0.15,
        seed=seed,
    )
    user = member(district, f"officer{seed}", Role.BUREAU_ADMIN)
    monthend.rebuild([district.bureau.pk])
    # Each batch's area totals (what the unfiltered trend reads) are its figures summed.
    for batch in MonthEndBatch.objects.filter(bureau=district.bureau):
        totals = {
            t["area"]: {k: t[k] for k in monthend.COUNTS}
            for t in batch.area_totals.values("area", *monthend.COUNTS)
        }
        assert totals == monthend.area_totals(monthend.stored_rows(batch))
    for data in ({}, {"kind": SchoolKind.PRIMARY}, {"kind": SchoolKind.KINDERGARTEN}):
        stored, live = _trends(user, data)
        assert stored == live
    school = district.schools[seed]
    staff = member(district, f"head{seed}", Role.SCHOOL_ADMIN, school)
    stored, live = _trends(staff)
    assert stored == live


def test_stored_figures_are_per_school_area_level_and_month(
    bureau, school_a, school_b, september_ledger
):
    batch = monthend.store(bureau.pk, datetime.date(2014, 9, 1))
    rows = {
        (f.school.code, f.area.code, f.level): f
        for f in MonthEndFigure.objects.filter(batch=batch).select_related("school", "area")
    }
    # The hand count of the September ledger (reports/tests/conftest.py), on 30 September.
    fire = rows[("S001", "fire", "general")]
    assert (fire.found, fire.found_in_month, fire.closed, fire.open, fire.overdue) == (
        2,
        2,
        1,
        1,
        1,
    )
    building = rows[("S001", "building", "general")]
    assert (building.found, building.found_in_month, building.closed_in_month) == (1, 0, 1)
    assert ("S001", "lab", "general") not in rows  # found in October
    assert rows[("S002", "vehicle", "general")].open == 1


def test_a_month_stored_again_unchanged_writes_nothing(bureau, september_ledger):
    september = datetime.date(2014, 9, 1)
    assert monthend.store(bureau.pk, september) is not None
    assert monthend.store(bureau.pk, september) is None
    assert MonthEndBatch.objects.filter(month=september).count() == 1


def test_a_correction_is_a_new_batch_with_its_reason_and_readers_take_it(
    bureau, bureau_admin, september_ledger
):
    september = datetime.date(2014, 9, 1)
    first = monthend.store(bureau.pk, september)
    stored_before = monthend.stored_rows(first)
    # A hazard closed on 20 September was in fact closed in October (data put right by hand).
    Hazard.objects.filter(closed_at=at(datetime.date(2014, 9, 20))).update(
        closed_at=at(datetime.date(2014, 10, 2))
    )
    call_command(
        "figures",
        "rebuild",
        "--from",
        "2014-09",
        "--reason",
        "closing day put right",
        stdout=io.StringIO(),
    )
    corrected = monthend.latest(bureau.pk, september)
    assert corrected.pk != first.pk and corrected.reason == "closing day put right"
    assert monthend.stored_rows(first) == stored_before  # the first batch is kept as it was
    totals = monthend.month_totals(monthend.reach(bureau_admin), [september])[september]
    assert (totals["closed"], totals["open"]) == (1, 4)


def test_rebuild_starts_at_the_first_hazard_and_refuses_a_bad_month(bureau, september_ledger):
    out = io.StringIO()
    call_command("figures", "rebuild", "--bureau", str(bureau.pk), stdout=out)
    months = set(MonthEndBatch.objects.filter(bureau=bureau).values_list("month", flat=True))
    assert min(months) == datetime.date(2014, 8, 1)
    assert max(months) == monthend.last_over()
    with pytest.raises(CommandError):
        call_command("figures", "rebuild", "--from", "2014/09", stdout=out)


def test_a_month_not_over_is_not_stored(bureau):
    with pytest.raises(ValueError):
        monthend.store(bureau.pk, monthend.first_of(datetime.date.today()))


def test_the_worker_job_stores_each_month_once(bureau, school_a, make_hazard):
    make_hazard(school_a, "fire", datetime.date.today() - datetime.timedelta(days=40))
    first = monthend.run_job()
    assert first["stored"] >= 1
    assert monthend.latest(bureau.pk, monthend.last_over()) is not None
    assert monthend.run_job() == {"stored": 0}


def test_a_month_missing_from_the_store_is_computed_live(bureau_admin, bureau, september_ledger):
    monthend.store(bureau.pk, datetime.date(2014, 8, 1))
    stored, live = _trends(bureau_admin)
    assert stored == live
    assert _stored_months(bureau_admin) == 1


def test_the_trend_reads_the_store_in_fewer_queries(bureau_admin, bureau, september_ledger):
    monthend.rebuild([bureau.pk])
    form = stats.StatsFilterForm({}, user=bureau_admin)
    hazards = stats._hazards(bureau_admin, form, None)
    scope = stats.stored_scope(bureau_admin, form, None)
    with CaptureQueriesContext(connection) as stored:
        stats.trend(hazards, scope)
    with CaptureQueriesContext(connection) as live:
        stats.trend(hazards)
    assert len(stored) < len(live)
    # Whatever the number of months: the span, the reach, the batches, their sums.
    assert len(stored) <= 4


def test_a_period_filter_or_a_department_is_computed_live(bureau_admin, fire):
    form = stats.StatsFilterForm({"start": "2014-09-01"}, user=bureau_admin)
    assert stats.stored_scope(bureau_admin, form, None) is None
    assert monthend.reach(fire) is None


def test_school_users_read_their_own_school(alice, school_a):
    assert monthend.reach(alice) == {"bureaus": [school_a.bureau_id], "school": school_a.pk}
