"""Two people at once, each in its own connection and transaction: one step wins, the other is
refused (`core.errors.Refused` / `Stale`), and the history holds one step, not two."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.db import connection, connections
from rest_framework.test import APIClient

from xiaoan.assessments.models import Assessment
from xiaoan.core.changelog import history
from xiaoan.core.models import ChangeAction
from xiaoan.registers.models import Visitor

from .conftest import VALID_ID

# SQLite's test database serialises writers (every transaction begins IMMEDIATE) and its
# in-memory file cannot be shared by threads that way; a server with row locks is needed.
pytestmark = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="needs a server with concurrent transactions"
)


def _race(calls: list) -> list[int]:
    """Run each call in its own thread and connection, all released at once; their statuses."""
    barrier = threading.Barrier(len(calls))

    def run(call) -> int:
        try:
            barrier.wait()
            return call()
        finally:
            connections.close_all()

    with ThreadPoolExecutor(max_workers=len(calls)) as pool:
        return sorted(pool.map(run, calls))


def _client(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def test_two_gates_signing_out_the_same_visitor_one_is_refused(
    transactional_db, school_a, alice, carol
):
    visitor = Visitor.register(
        school=school_a,
        user=alice,
        name="钱七",
        id_type="resident",
        id_number=VALID_ID,
        purpose="x",
    )
    url = f"/api/v1/registers/visitors/{visitor.pk}/sign-out/"
    statuses = _race(
        [lambda: _client(alice).post(url).status_code, lambda: _client(carol).post(url).status_code]
    )
    assert statuses == [200, 409]
    assert history(visitor).filter(action=ChangeAction.STATE).count() == 1


def test_two_edits_of_the_same_version_one_is_refused(transactional_db, school_a, alice, carol):
    visitor = Visitor.register(
        school=school_a,
        user=alice,
        name="钱七",
        id_type="resident",
        id_number=VALID_ID,
        purpose="x",
    )
    url = f"/api/v1/registers/visitors/{visitor.pk}/"
    statuses = _race(
        [
            lambda: (
                _client(alice).patch(url, {"host": "甲", "version": 1}, format="json").status_code
            ),
            lambda: (
                _client(carol).patch(url, {"host": "乙", "version": 1}, format="json").status_code
            ),
        ]
    )
    assert statuses == [200, 409]
    visitor.refresh_from_db()
    assert visitor.version == 2 and visitor.host in {"甲", "乙"}


def test_a_veto_and_a_score_at_once_one_is_refused(
    transactional_db, school_a, leader, bureau_admin
):
    assessment = Assessment.objects.create(school=school_a, year=2014)
    url = f"/api/v1/registers/assessments/{assessment.pk}/"
    statuses = _race(
        [
            lambda: (
                _client(leader)
                .post(f"{url}veto/", {"reason": "事故", "version": 1}, format="json")
                .status_code
            ),
            lambda: (
                _client(bureau_admin)
                .post(f"{url}score/", {"inspections_score": "80", "version": 1}, format="json")
                .status_code
            ),
        ]
    )
    assert statuses == [200, 409]
    assert assessment.events.count() == 1
