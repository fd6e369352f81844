"""Today's counts kept by the workflow equal the counts rebuilt from the hazards, whatever the
steps taken (random workflows, hypothesis)."""

from __future__ import annotations

import datetime

import pytest
import time_machine
from django.db import transaction
from django.db.models import Sum
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from xiaoan import views as home
from xiaoan.core.errors import Invalid, NotAllowed, Refused, Stale
from xiaoan.hazards import counts
from xiaoan.hazards.choices import HazardLevel
from xiaoan.hazards.models import Area, Hazard, HazardCount, HazardDistrictCount
from xiaoan.hazards.stats import summary, summary_of
from xiaoan.reports import stats

from .conftest import after_photo

pytestmark = pytest.mark.django_db

DEADLINE = datetime.date(2014, 9, 15)
STEPS = [
    "report",
    "assign",
    "start",
    "submit",
    "pass",
    "fail",
    "reject",
    "supervise",
    "lift",
    "edit",
]


def _kept() -> dict:
    """The schools' kept rows, and the districts' (each its schools' rows summed)."""
    schools = {
        (row.school_id, row.area_id, row.level, row.status, row.supervised): row.count
        for row in HazardCount.objects.exclude(count=0)
    }
    districts = {
        (row.bureau_id, row.area_id, row.level, row.status, row.supervised): row.count
        for row in HazardDistrictCount.objects.exclude(count=0)
    }
    return {"schools": schools, "districts": districts}


def _take(step: str, hazard: Hazard | None, pick: int, people: dict, make_hazard) -> None:
    areas = list(Area.objects.order_by("pk"))
    if step == "report" or hazard is None:
        school = people["alice"].membership.school if pick % 2 else people["bob"].membership.school
        user = people["alice"] if pick % 2 else people["bob"]
        level = HazardLevel.MAJOR if pick % 3 == 0 else HazardLevel.GENERAL
        make_hazard(school=school, user=user, level=level, area=areas[pick % len(areas)])
        return
    admin = (
        people["alice"]
        if hazard.school_id == people["alice"].membership.school_id
        else people["bob"]
    )
    bureau, leader = people["bureau_admin"], people["leader"]
    actions = {
        "assign": lambda: hazard.assign(bureau, opinion="整改", deadline=DEADLINE),
        "start": lambda: hazard.start(admin),
        "submit": lambda: hazard.submit(admin, measures="已整改", photos=[after_photo()]),
        "pass": lambda: hazard.verify(bureau, passed=True),
        "fail": lambda: hazard.verify(bureau, passed=False, comment="未整改到位"),
        "reject": lambda: hazard.reject(bureau, reason="不属实"),
        "supervise": lambda: hazard.supervise(leader),
        "lift": lambda: hazard.lift_supervision(leader),
        "edit": lambda: hazard.edit(
            admin,
            version=hazard.version,
            area=areas[pick % len(areas)],
            level=HazardLevel.MAJOR if pick % 2 else HazardLevel.GENERAL,
        ),
    }
    try:
        actions[step]()
    except (Invalid, NotAllowed, Refused, Stale):
        pass  # a step the state or the role refuses changes nothing


@settings(
    max_examples=12,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    steps=st.lists(
        st.tuples(st.sampled_from(STEPS), st.integers(0, 5), st.integers(0, 11)),
        min_size=5,
        max_size=40,
    )
)
# A hazard taken to its close: the close-out's time is the clock's, so the clock is the day's
# (a replayed day alone would leave it in the present, after the day's end).
@example(
    steps=[("report", 0, 0), ("assign", 0, 0), ("start", 0, 0), ("submit", 0, 0), ("pass", 0, 0)]
)
@pytest.mark.real_clock
def test_counts_kept_by_the_workflow_equal_the_rebuilt_ones(
    steps, make_hazard, alice, bob, bureau_admin, leader, bureau
):
    people = {"alice": alice, "bob": bob, "bureau_admin": bureau_admin, "leader": leader}
    # Ten in the morning in the bureau's zone, on the day the hazards tests tell.
    morning = datetime.datetime(2014, 9, 2, 2, 0, tzinfo=datetime.UTC)
    with time_machine.travel(morning, tick=True), transaction.atomic():
        for step, which, pick in steps:
            hazards = list(Hazard.objects.order_by("pk"))
            hazard = hazards[which % len(hazards)] if hazards else None
            _take(step, hazard, pick, people, make_hazard)
        kept = _kept()
        counts.rebuild([bureau.pk])
        assert _kept() == kept
        # What the stats summary, the home page and the dashboard read from them is what
        # they count live.
        for user in (bureau_admin, alice, bob):
            hazards = Hazard.objects.for_user(user)
            rows = counts.kept_rows(user)
            schools = counts.kept_rows(user, per_school=True)
            assert rows is not None and schools is not None
            assert summary_of(rows, schools, hazards.overdue().count()) == summary(hazards)
            assert home._from_counts(rows) == home._counted(hazards)
            assert stats.by_area(hazards, rows) == stats.by_area(hazards)
            assert stats.funnel(hazards, rows) == stats.funnel(hazards)
            assert stats.trend(hazards, kept=rows) == stats.trend(hazards)
            assert stats.ranking(hazards, kept=schools) == stats.ranking(hazards)
        transaction.set_rollback(True)


def test_counts_are_read_only_once_built(alice, bureau, make_hazard):
    make_hazard()
    assert counts.kept_rows(alice) is None  # never built: the pages count live
    counts.rebuild([bureau.pk])
    assert counts.kept_rows(alice).aggregate(n=Sum("count"))["n"] == 1
    make_hazard()
    assert counts.kept_rows(alice).aggregate(n=Sum("count"))["n"] == 2


def test_a_department_inspector_is_counted_live(fire, bureau):
    counts.rebuild([bureau.pk])
    assert counts.kept_rows(fire) is None


@pytest.mark.real_clock
def test_an_import_keeps_the_counts_of_new_and_updated_hazards(
    bureau_admin, bureau, school_a, school_b
):
    from .test_import import CLOSED, HEADER, OPEN, REPORTED, check, run

    counts.rebuild([bureau.pk])
    row = ("YH-2014-0050", *OPEN[1:])
    run(bureau_admin, CLOSED, row, REPORTED)
    done = list(row)
    done[HEADER.index("整改措施")] = "已加固"
    done[HEADER.index("销号日期")] = datetime.date(2014, 12, 15)
    plan = check(bureau_admin, done)
    plan.importer.write(plan)
    kept = _kept()
    assert sum(kept["schools"].values()) == sum(kept["districts"].values()) == 3
    counts.rebuild([bureau.pk])
    assert _kept() == kept
