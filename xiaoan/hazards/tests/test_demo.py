"""The demo reproduces the seed's 103 hazards and their breakdown, with realistic histories."""

from __future__ import annotations

import pytest
from rest_framework.test import APIClient

from conftest import committed_for_the_scope, load_demo
from xiaoan.hazards import demo
from xiaoan.hazards.models import Hazard, HazardEvent, HazardPhoto

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def demo_district(django_db_setup, django_db_blocker, tmp_path_factory):
    """Loaded once for the module's tests (the second load inside one is rolled back with it)."""
    with committed_for_the_scope(django_db_blocker, tmp_path_factory):
        load_demo()
        yield


@pytest.mark.real_clock
def test_stats_endpoint_returns_the_seed_figures(demo_district):
    from django.contrib.auth import get_user_model

    client = APIClient()
    client.force_authenticate(get_user_model().objects.get(username="bureau"))
    body = client.get("/api/v1/stats/summary/").json()
    assert body["total"] == 103
    assert body["by_area"] == {
        "vehicle": 8,
        "building": 29,
        "fire": 29,
        "food": 14,
        "lab": 12,
        "security": 11,
    }
    assert body["by_status"] == {
        "reported": 4,
        "assigned": 5,
        "rectifying": 11,
        "awaiting_verification": 6,
        "closed": 74,
        "rejected": 3,
    }
    assert body["overdue"] == 5
    assert body["supervised"] >= 1


@pytest.mark.real_clock
def test_demo_histories_and_dates_and_a_second_load_adds_nothing(demo_district):
    hazards = Hazard.objects.all()
    assert not hazards.exclude(found_on__year=2014).exists()
    assert hazards.order_by("found_on").first().found_on.month >= 7
    assert hazards.filter(level="major", supervised=True, status="rectifying").exists()
    assert hazards.filter(department__kind="fire").exists()
    assert hazards.filter(department__kind="traffic_police").exists()
    assert hazards.values("school").distinct().count() >= 50
    closed = hazards.filter(status="closed").first()
    kinds = list(closed.events.values_list("kind", flat=True))
    assert kinds[0] == "reported" and kinds[-1] in ("verified", "supervision_lifted")
    assert not HazardEvent.objects.exclude(created_at__year=2014).exists()
    # Every submission for verification carries its after-photo, dated with the step.
    submitted = HazardEvent.objects.filter(kind="submitted")
    assert submitted.count() >= 80
    assert not submitted.filter(photos__isnull=True).exists()
    assert not HazardPhoto.objects.exclude(created_at__year=2014).exists()
    assert Hazard.objects.filter(code="YH-2014-0001").exists()
    # The person responsible reads as Chinese does: 李秀英（保卫科长）.
    assert hazards.filter(responsible_person__contains="（").exists()
    assert not hazards.filter(responsible_person__contains="(").exists()
    # Running the demo again creates nothing new.
    before = (Hazard.objects.count(), HazardEvent.objects.count())
    demo.load()
    assert (Hazard.objects.count(), HazardEvent.objects.count()) == before
