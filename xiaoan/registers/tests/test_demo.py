"""The demo district's registers state the seed's figures, and loading twice adds nothing."""

from __future__ import annotations

import datetime

import pytest

from conftest import committed_for_the_scope, load_demo
from xiaoan.registers import demo, figures, identity, reminders
from xiaoan.registers.models import DutyShift, EscortTeam, Visitor, duty_gaps
from xiaoan.schools.demo import demo_bureau
from xiaoan.schools.models import School

pytestmark = pytest.mark.django_db

YEAR = (datetime.date(2014, 1, 1), datetime.date(2014, 12, 31))


@pytest.fixture(scope="module")
def demo_district(django_db_setup, django_db_blocker, tmp_path_factory):
    """Loaded once for the module's tests, which only read it (a load again inside a test
    is rolled back with the test)."""
    with committed_for_the_scope(django_db_blocker, tmp_path_factory):
        load_demo("registers")
        yield demo_bureau()


def test_demo_states_the_seed_key_measures(demo_district):
    f = figures.figures(demo_district.pk, *YEAR)
    assert f["new_police_rooms"] == 7
    assert f["auxiliary_police"] == 118
    assert f["defence_funding"] == 3_500_000
    assert f["vehicle_schools"] == 23
    assert f["escort_team_schools"] == 2
    assert f["drowning_activities"] > 0 and f["special_group_activities"] > 0
    migrant = School.objects.filter(bureau=demo_district, kind="migrant")
    assert migrant.count() == 3
    assert all(s.registers_vehicles.exists() for s in migrant)
    measures = {m["label"]: m for m in figures.key_measures(demo_district.pk, *YEAR)}
    assert measures["新建校园警务室"]["value"] == 7
    assert measures["物防技防投入"] == {
        "key": "defence_funding",
        "label": "物防技防投入",
        "value": 350.0,
        "unit": "万元",
    }


def test_demo_has_visitor_logs_duty_rosters_and_gaps(demo_district):
    for code in ("S001", "S002"):
        assert Visitor.objects.filter(school__code=code, school__bureau=demo_district).exists()
    gaps = duty_gaps(DutyShift.objects.filter(school__bureau=demo_district), demo.DUTY_DAY)
    with_gaps = {s.code for s in School.objects.filter(pk__in=[k for k, v in gaps.items() if v])}
    assert with_gaps == set(demo.SCHOOLS_WITH_GAPS)


def test_demo_papers_fall_due_for_the_reminders(demo_district):
    items = list(reminders.expiring_vehicle_papers(today=datetime.date(2014, 12, 15), days=30))
    assert items and all(
        "年检" in i["text"] or "保险" in i["text"] or "驾驶证" in i["text"] for i in items
    )
    assert all(i["recipients"] for i in items)
    assert len({i["key"] for i in items}) == len(items)


def test_demo_is_idempotent(demo_district):
    counts = [m.objects.count() for m in (Visitor, DutyShift)]
    demo.load()
    assert [m.objects.count() for m in (Visitor, DutyShift)] == counts


def test_demo_escort_teams_are_the_two_pilot_schools_with_their_shifts(demo_district):
    teams = EscortTeam.objects.filter(school__bureau=demo_district)
    assert {t.school.code for t in teams} == {"S001", "S002"}
    assert all(t.is_pilot and t.shifts.exists() for t in teams)


def test_demo_visitors_keep_the_full_id_number_for_the_schools_admin(demo_district):
    admitted = Visitor.objects.filter(school__bureau=demo_district, refused=False)
    assert admitted.exists()
    for visitor in admitted:
        number = identity.decrypt(visitor.id_encrypted)
        assert number and identity.mask(number) == visitor.id_masked
        assert identity.resident_id_error(number) is None


def test_demo_drills_most_schools_and_leaves_a_few_behind(demo_district):
    from xiaoan.registers.choices import DrillStanding
    from xiaoan.registers.models import DrillRule, standings

    f = figures.figures(demo_district.pk, *YEAR)
    schools = School.objects.filter(bureau=demo_district)
    assert f["drill_schools"] == schools.count()
    rules = DrillRule.objects.filter(bureau=demo_district)
    assert {(r.scenario, r.period, r.count) for r in rules} == {
        ("fire", "term", 1),
        ("earthquake", "term", 1),
    }
    table = standings(schools, rules, datetime.date(2015, 1, 31))
    behind = {
        s.code
        for s in schools
        if any(item.status == DrillStanding.BEHIND for item in table[s.pk].values())
    }
    assert behind == {"S015", "S027", "S033", "S048", "S066", "S071"}
    spring = standings(schools, rules, datetime.date(2014, 8, 31))
    assert all(
        item.status == DrillStanding.MET for items in spring.values() for item in items.values()
    )


def test_demo_canteens_keep_two_november_weeks_with_a_few_meals_missed(demo_district):
    from xiaoan.registers.models import MorningCheck
    from xiaoan.registers.models.food import missed_by_school

    canteens = School.objects.filter(bureau=demo_district, canteen=True)
    assert canteens.count() == 15
    assert MorningCheck.objects.filter(school__in=canteens).count() == 15 * len(demo.FOOD_DAYS)
    november = (datetime.date(2014, 11, 1), datetime.date(2014, 11, 30))
    missed = missed_by_school(canteens, *november)
    assert {School.objects.get(pk=pk).code for pk in missed} == {"S002", "S024", "S033"}
    f = figures.figures(demo_district.pk, *november)
    assert f["samples_missed"] == 3 and f["workers_off_duty"] == 3
    demo.load()  # again: nothing added
    assert MorningCheck.objects.filter(school__in=canteens).count() == 15 * len(demo.FOOD_DAYS)


def test_demo_papers_end_around_december_2014(demo_district):
    from xiaoan.registers.models import SchoolPaper

    papers = SchoolPaper.objects.filter(school__bureau=demo_district)
    assert papers.count() > 100
    december = datetime.date(2014, 12, 1)
    expired = papers.filter(valid_until__lt=december)
    assert sorted(p.school.code for p in expired) == ["S003", "S020"]
    soon = papers.filter(valid_until__gte=december, valid_until__lte=datetime.date(2015, 1, 31))
    assert {p.school.code for p in soon} >= {"S001", "S002", "S005", "S012"}
    assert papers.filter(school__code__in=("S001", "S002")).exclude(attachment="").count() >= 4
    assert all(p.issued_on <= p.valid_until for p in papers)
    count = papers.count()
    demo.load()
    assert SchoolPaper.objects.filter(school__bureau=demo_district).count() == count
