"""The notifications API: the user's own, newest first, exact rows; unread filter; marking one
read and all read; another user's notification answers 404."""

from __future__ import annotations

import datetime

import pytest
import time_machine
from rest_framework.test import APIClient

from xiaoan.hazards.choices import HazardSource
from xiaoan.hazards.models import Area, Hazard
from xiaoan.notifications.models import Notification

pytestmark = pytest.mark.django_db

URL = "/api/v1/notifications/"


def api_for(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


@pytest.fixture
def assigned(bureau_admin, alice, carol) -> Hazard:
    """Reported by the gate keeper (alice and the bureau are told), then assigned (alice)."""
    with time_machine.travel(datetime.datetime(2014, 9, 1, 1, 0, tzinfo=datetime.UTC)):
        hazard = Hazard.objects.report(
            school=alice.membership.school,
            area=Area.objects.get(code="fire"),
            level="general",
            description="消防通道堆放杂物",
            reported_by=carol,
            source=HazardSource.SELF_REPORT,
            found_on=datetime.date(2014, 9, 1),
        )
    with time_machine.travel(datetime.datetime(2014, 9, 2, 1, 0, tzinfo=datetime.UTC), tick=False):
        hazard.assign(bureau_admin, opinion="立即清理", deadline=datetime.date(2014, 9, 15))
    return hazard


def test_a_user_reads_their_own_newest_first_with_code_and_link(alice, assigned):
    rows = api_for(alice).get(URL).json()["results"]
    newest = Notification.objects.get(recipient=alice, kind="hazard_assigned")
    assert rows[0] == {
        "id": newest.pk,
        "kind": "hazard_assigned",
        "urgent": False,
        "message": "隐患YH-2014-0001已下达整改意见，请于2014-09-15前完成整改。",
        "code": "YH-2014-0001",
        "link": f"/hazards/{assigned.pk}/",
        "params": {"code": "YH-2014-0001", "school": "清溪区实验小学", "deadline": "2014-09-15"},
        "created_at": "2014-09-02T09:00:00+08:00",
        "read_at": None,
    }
    assert [r["kind"] for r in rows] == ["hazard_assigned", "hazard_reported"]


def test_the_message_follows_the_requests_language(alice, assigned):
    rows = api_for(alice).get(URL, HTTP_ACCEPT_LANGUAGE="en").json()["results"]
    assert rows[0]["message"] == (
        "Hazard YH-2014-0001: the rectification opinion was issued; rectify it by 2014-09-15."
    )


def test_unread_filter_and_marking_one_read(alice, assigned):
    client = api_for(alice)
    first = client.get(URL).json()["results"][0]
    answer = client.post(f"{URL}{first['id']}/read/")
    assert answer.status_code == 200 and answer.json()["read_at"] is not None
    unread = client.get(URL, {"unread": "true"}).json()["results"]
    assert [r["kind"] for r in unread] == ["hazard_reported"]
    read = client.get(URL, {"unread": "false"}).json()["results"]
    assert [r["id"] for r in read] == [first["id"]]


def test_marking_all_read(alice, bureau_admin, assigned):
    assert api_for(alice).post(f"{URL}read-all/").json() == {"marked": 2}
    assert not Notification.objects.filter(recipient=alice, read_at__isnull=True).exists()
    # The bureau's own are left as they were.
    assert Notification.objects.filter(recipient=bureau_admin, read_at__isnull=True).count() == 1


def test_another_users_notification_is_not_found(alice, bob, assigned):
    mine = Notification.objects.filter(recipient=alice).first()
    assert mine is not None
    client = api_for(bob)
    assert client.get(URL).json()["results"] == []
    assert client.get(f"{URL}{mine.pk}/").status_code == 404
    assert client.post(f"{URL}{mine.pk}/read/").status_code == 404
    assert Notification.objects.get(pk=mine.pk).read_at is None


def test_anonymous_is_refused():
    assert APIClient().get(URL).status_code in (401, 403)
