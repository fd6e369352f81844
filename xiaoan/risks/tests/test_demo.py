"""The demo district's risk register: a handful of points per school, a few red and orange,
demo hazards linked to them, recurrences re-assessed or waiting; loading twice adds nothing."""

from __future__ import annotations

import pytest

from conftest import committed_for_the_scope, load_demo
from xiaoan.hazards.models import Hazard
from xiaoan.risks import demo
from xiaoan.risks.models import RiskAssessment, RiskPoint
from xiaoan.schools.demo import demo_bureau
from xiaoan.schools.models import School

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def demo_district(django_db_setup, django_db_blocker, tmp_path_factory):
    """Loaded once for the module's tests, which only read it (a load again inside a test
    is rolled back with the test)."""
    with committed_for_the_scope(django_db_blocker, tmp_path_factory):
        load_demo("registers", "risks")
        yield demo_bureau()


def test_the_demo_register_tells_a_plausible_story(demo_district):
    points = RiskPoint.objects.filter(school__bureau=demo_district)
    schools = School.objects.filter(bureau=demo_district)
    per_school = [points.filter(school=s).count() for s in schools]
    assert min(per_school) >= 4 and max(per_school) <= 9
    counts = points.level_counts()
    assert 3 <= counts["red"] <= 10
    assert counts["orange"] > counts["red"]
    assert counts["yellow"] + counts["blue"] > counts["red"] + counts["orange"]
    assert RiskAssessment.objects.filter(point__in=points, reason="identified").count() == len(
        points
    )
    assert points.filter(school__code="S001").exists()
    assert points.filter(school__code="S002").exists()


def test_demo_hazards_are_linked_and_recurrences_followed(demo_district):
    linked = Hazard.objects.filter(bureau=demo_district, risk_point__isnull=False)
    assert linked.count() > 50
    assert all(h.risk_point.school_id == h.school_id for h in linked.select_related("risk_point"))
    assert RiskAssessment.objects.filter(reason="recurrence").exists()
    assert RiskPoint.objects.filter(needs_reassessment=True).count() == demo.STILL_FLAGGED
    # The seed's figures stand: 103 hazards, none added.
    assert Hazard.objects.filter(bureau=demo_district).count() == 103


def test_loading_twice_adds_nothing(demo_district):
    before = RiskPoint.objects.count(), RiskAssessment.objects.count()
    demo.load()
    assert (RiskPoint.objects.count(), RiskAssessment.objects.count()) == before
