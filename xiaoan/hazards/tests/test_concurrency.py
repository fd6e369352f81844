"""Two people take the same step on one hazard at the same moment, each in its own connection
and transaction: exactly one succeeds, the other is refused, the history holds one event."""

from __future__ import annotations

import contextvars
import datetime
import threading
from collections.abc import Callable
from typing import Any

import pytest
from django.db import connection, connections

from xiaoan.core.errors import Stale
from xiaoan.core.models import ChangeLog
from xiaoan.hazards.models import Hazard

from .conftest import to_stage

# SQLite's test database serialises writers (transactions begin IMMEDIATE), so the race this
# tests cannot happen there; PostgreSQL's row locks make the second UPDATE wait and re-check.
pytestmark = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="needs a server with parallel transactions"
)


def race(hazard_pk: int, steps: list[Callable[[Hazard], Any]]) -> list[str]:
    """Run each step in its own thread on its own copy of the hazard, released together."""
    start = threading.Barrier(len(steps))
    outcomes: list[str] = []

    def run(step: Callable[[Hazard], Any]) -> None:
        try:
            copy = Hazard.objects.get(pk=hazard_pk)
            start.wait()
            step(copy)
            outcomes.append("done")
        except Stale:
            outcomes.append("stale")
        finally:
            connections.close_all()

    # Each thread takes the test's day with it (`replaying`, a context variable threads do not
    # inherit): a copy of the context per thread.
    threads = [
        threading.Thread(target=contextvars.copy_context().run, args=(run, step)) for step in steps
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return sorted(outcomes)


def test_two_assigns_at_once_one_wins(transactional_db, make_hazard, bureau_admin, fire):
    hazard = make_hazard()
    deadline = datetime.date(2014, 9, 15)
    outcomes = race(
        hazard.pk,
        [
            lambda h: h.assign(bureau_admin, opinion="立即清理", deadline=deadline),
            lambda h: h.assign(bureau_admin, opinion="限期整改", deadline=deadline),
        ],
    )
    assert outcomes == ["done", "stale"]
    hazard.refresh_from_db()
    assert (hazard.status, hazard.version) == ("assigned", 2)
    assert hazard.events.filter(kind="assigned").count() == 1
    steps = ChangeLog.objects.filter(content_type__model="hazard", object_id=str(hazard.pk))
    assert steps.filter(action="state").count() == 1


def test_a_pass_and_a_fail_at_once_one_wins(transactional_db, make_hazard, bureau_admin, alice):
    hazard = to_stage(make_hazard(), "awaiting_verification", bureau_admin, alice)
    outcomes = race(
        hazard.pk,
        [
            lambda h: h.verify(bureau_admin, passed=True),
            lambda h: h.verify(bureau_admin, passed=False, comment="整改不彻底"),
        ],
    )
    assert outcomes == ["done", "stale"]
    hazard.refresh_from_db()
    verdicts = hazard.events.filter(kind__in=["verified", "verification_failed"])
    assert verdicts.count() == 1
    assert (
        hazard.status
        == {"verified": "closed", "verification_failed": "rectifying"}[verdicts.get().kind]
    )


def test_concurrent_steps_on_hazards_of_one_school_lose_no_count(
    transactional_db, make_hazard, bureau_admin, bureau
):
    """Six assigns at once move six hazards between the same two rows of today's counts (the
    school's and the district's)."""
    from xiaoan.hazards import counts
    from xiaoan.hazards.models import HazardCount, HazardDistrictCount

    hazards = [make_hazard() for _ in range(6)]
    counts.rebuild([bureau.pk])
    start = threading.Barrier(len(hazards))
    deadline = datetime.date(2014, 9, 15)

    def assign(pk: int) -> None:
        try:
            copy = Hazard.objects.get(pk=pk)
            start.wait()
            copy.assign(bureau_admin, opinion="清理", deadline=deadline)
        finally:
            connections.close_all()

    threads = [
        threading.Thread(target=contextvars.copy_context().run, args=(assign, h.pk))
        for h in hazards
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    kept = dict(HazardCount.objects.values_list("status", "count"))
    assert (kept.get("reported"), kept.get("assigned")) == (0, 6)
    district = dict(HazardDistrictCount.objects.values_list("status", "count"))
    assert (district.get("reported"), district.get("assigned")) == (0, 6)
