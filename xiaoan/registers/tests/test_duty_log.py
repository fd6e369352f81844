"""The duty log says who wrote each line, and a new line opens with the time now and the shift
on duty from today's roster."""

from __future__ import annotations

import datetime

import time_machine
from django.urls import reverse
from rest_framework.test import APIClient

from xiaoan.registers.models import DutyLogEntry, DutyShift

from .conftest import TZ

NOW = datetime.datetime(2014, 9, 3, 21, 17, 42, tzinfo=TZ)
NEW = reverse("registers:create", args=["duty-log"])


def _shift(school, person, start_hour, hours, **extra) -> DutyShift:
    start = NOW.replace(hour=start_hour, minute=0, second=0)
    return DutyShift.objects.create(
        school=school,
        person=person,
        starts_at=start,
        ends_at=start + datetime.timedelta(hours=hours),
        **extra,
    )


@time_machine.travel(NOW, tick=False)
def test_a_new_line_opens_with_the_time_now_and_the_shift_on_duty(as_user, carol, school_a):
    _shift(school_a, "白班王老师", 8, 10)
    night = _shift(school_a, "夜班李老师", 18, 14)
    form = as_user(carol).get(NEW).context["form"]
    assert form["occurred_at"].value() == NOW.replace(second=0, tzinfo=None)  # local time
    assert form["shift"].value() == night.pk
    page = as_user(carol).get(NEW).content.decode()
    assert 'value="2014-09-03T21:17"' in page


@time_machine.travel(NOW, tick=False)
def test_between_shifts_the_days_roster_is_offered_and_without_one_no_shift(
    as_user, carol, school_a, school_b, bob
):
    morning = _shift(school_a, "白班王老师", 8, 10)
    assert as_user(carol).get(NEW).context["form"]["shift"].value() == morning.pk
    # School B keeps no roster today: the time is pre-filled, the shift left to choose.
    form = as_user(bob).get(NEW).context["form"]
    assert form["shift"].value() is None and form["occurred_at"].value() is not None


@time_machine.travel(NOW, tick=False)
def test_the_writer_is_recorded_from_the_user_and_shown_on_the_list_detail_and_api(
    as_user, carol, alice, school_a
):
    night = _shift(school_a, "夜班李老师", 18, 14)
    response = as_user(carol).post(
        NEW,
        {"shift": night.pk, "kind": "patrol", "occurred_at": "2014-09-03T21:10", "content": "巡查"},
    )
    assert response.status_code == 302
    entry = DutyLogEntry.objects.get()
    assert entry.recorded_by == carol
    listing = as_user(alice).get(reverse("registers:list", args=["duty-log"]))
    assert "记录人" in listing.content.decode() and "Carol" in listing.content.decode()
    detail = as_user(alice).get(reverse("registers:detail", args=["duty-log", entry.pk]))
    assert ("记录人", "Carol") in detail.context["cells"]
    # An edit by someone else keeps the writer; the API shows it and never takes it.
    client = APIClient()
    client.force_authenticate(alice)
    url = f"/api/v1/registers/duty-log/{entry.pk}/"
    changed = client.patch(url, {"content": "巡查，无异常", "author": "alice"}, format="json")
    assert changed.status_code == 200 and changed.json()["author"] == "Carol"
    entry.refresh_from_db()
    assert entry.recorded_by == carol and entry.content == "巡查，无异常"


@time_machine.travel(NOW, tick=False)
def test_a_line_written_through_the_api_names_its_writer(carol, school_a):
    client = APIClient()
    client.force_authenticate(carol)
    response = client.post(
        "/api/v1/registers/duty-log/",
        {
            "kind": "event",
            "occurred_at": "2014-09-03T21:00",
            "content": "停电十分钟",
            "author": "x",
        },
        format="json",
    )
    assert response.status_code == 201, response.json()
    assert response.json()["author"] == "Carol"
    assert DutyLogEntry.objects.get().recorded_by == carol
