"""The benchmarks' generated province (`benchmarks/_province.py`), at a tiny size: its rows are
those the workflow would have left (codes, bureaus, states, history, kept counts, month ends)."""

from __future__ import annotations

import datetime
import itertools
import re
from collections import Counter

import pytest
from django.db.models import Count
from django.utils import timezone

from xiaoan.accounts.choices import REGIONAL_LEVEL, Role
from xiaoan.accounts.models import Membership
from xiaoan.hazards import counts
from xiaoan.hazards.choices import EventKind, HazardLevel, HazardStatus
from xiaoan.hazards.models import (
    ExtensionRequest,
    Hazard,
    HazardCount,
    HazardCounter,
    HazardCountsBuilt,
    HazardEvent,
)
from xiaoan.reports import monthend
from xiaoan.reports.models import MonthEndBatch, MonthlyReport

pytestmark = [pytest.mark.django_db, pytest.mark.real_clock]


@pytest.fixture
def province():
    from benchmarks._province import Sizes, generate

    sizes = Sizes(cities=2, districts=4, schools=12, hazards=800, days=120)
    return generate(sizes, code="38", seed=7)


def test_every_hazard_is_of_its_schools_bureau_with_a_code_numbered_in_the_order_found(
    province,
):
    hazards = list(Hazard.objects.select_related("school").order_by("found_on", "id"))
    assert len(hazards) == 800
    numbers: Counter = Counter()
    for hazard in hazards:
        assert hazard.bureau_id == hazard.school.bureau_id
        year, number = re.fullmatch(r"YH-(\d{4})-(\d{4,})", hazard.code).groups()  # type: ignore[union-attr]
        assert int(year) == hazard.found_on.year
        numbers[hazard.bureau_id, hazard.found_on.year] += 1
        assert int(number) == numbers[hazard.bureau_id, hazard.found_on.year]
    counters = {(c.bureau_id, c.year): c.last for c in HazardCounter.objects.all()}
    assert counters == dict(numbers)


def test_every_hazard_passes_the_models_validation(province):
    for hazard in Hazard.objects.all():
        hazard.full_clean()


def test_state_deadline_and_history_agree_as_the_workflow_leaves_them(province):
    now = timezone.now()
    events: dict[int, list[HazardEvent]] = {}
    for event in HazardEvent.objects.order_by("created_at", "id"):
        events.setdefault(event.hazard_id, []).append(event)
    for hazard in Hazard.objects.all():
        steps = events[hazard.pk]
        assert steps[0].kind == EventKind.REPORTED and steps[0].from_status == ""
        for before, after in itertools.pairwise(steps):
            assert after.from_status == before.to_status
        assert steps[-1].to_status == hazard.status
        assert hazard.version == len(steps)
        assert all(step.created_at <= now for step in steps)
        assert steps[0].created_at.date() <= hazard.found_on + datetime.timedelta(days=1)
        set_by = [s for s in steps if s.kind in (EventKind.ASSIGNED, EventKind.EXTENSION_APPROVED)]
        if hazard.status in (HazardStatus.REPORTED, HazardStatus.REJECTED):
            assert hazard.deadline is None and not set_by
        else:
            last = set_by[-1].data.get("deadline") or set_by[-1].data["requested"]
            assert hazard.deadline == datetime.date.fromisoformat(last) >= hazard.found_on
        if hazard.status == HazardStatus.CLOSED:
            assert hazard.closed_at == steps[-1].created_at
        else:
            assert hazard.closed_at is None
        if hazard.supervised:
            assert hazard.level == HazardLevel.MAJOR and hazard.is_open
            assert any(s.kind == EventKind.SUPERVISED for s in steps)


def test_each_extension_is_its_requests_approved_request(province):
    asked = HazardEvent.objects.filter(kind=EventKind.EXTENSION_REQUESTED)
    requests = ExtensionRequest.objects.all()
    assert asked.count() == requests.count() > 0
    for request in requests.select_related("request_event", "hazard"):
        assert request.request_event.hazard_id == request.hazard_id
        assert request.requested_deadline == request.hazard.deadline
        assert request.status == "approved"


def test_kept_counts_equal_the_counted_hazards(province):
    kept = {
        (row.school_id, row.area_id, row.level, row.status, row.supervised): row.count
        for row in HazardCount.objects.filter(count__gt=0)
    }
    counted = Hazard.objects.values(*counts.KEY).annotate(n=Count("id")).order_by()
    assert kept == {tuple(row[k] for k in counts.KEY): row["n"] for row in counted}
    assert HazardCountsBuilt.objects.count() == len(province.districts)


def test_the_month_ends_are_stored_and_agree_with_the_hazards(province):
    for district in province.districts:
        assert MonthEndBatch.objects.filter(bureau=district.bureau).count() >= 4
    assert monthend.rebuild([d.bureau.pk for d in province.districts]) == []


def test_one_user_of_each_kind_at_the_organisation_of_its_level(province):
    roles = Counter(Membership.objects.values_list("role", flat=True))
    assert roles == {
        Role.PROVINCE_ADMIN: 1,
        Role.CITY_ADMIN: 2,
        Role.BUREAU_ADMIN: 4,
        Role.BUREAU_LEADER: 4,
        Role.SCHOOL_ADMIN: 12,
    }
    for membership in Membership.objects.select_related("bureau__region", "school"):
        level = REGIONAL_LEVEL.get(membership.role, "district")  # type: ignore[call-overload]
        assert membership.bureau.region.level == level
        if membership.school is not None:
            assert membership.school.bureau_id == membership.bureau_id


def test_the_province_and_a_city_see_their_districts_hazards(province):
    assert Hazard.objects.for_user(province.admin).count() == 800
    city, admin = province.cities[0]
    below = [d.bureau.pk for d in province.districts if d.bureau.region.parent_id == city.region_id]
    assert Hazard.objects.for_user(admin).count() == Hazard.objects.filter(bureau__in=below).count()
    assert MonthlyReport.objects.count() > 0
