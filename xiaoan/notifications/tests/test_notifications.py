"""Notifications store a kind and its parameters and are put into words in the reader's
language; the same reminder reaches a user once a day; the list and the unread count."""

from __future__ import annotations

import datetime

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import translation

from xiaoan.notifications.choices import MESSAGES, NotificationKind
from xiaoan.notifications.models import Notification
from xiaoan.notifications.sending import notify

pytestmark = pytest.mark.django_db

OVERDUE = {"code": "YH-2014-0001", "school": "清溪区实验小学", "days": 3}


def test_a_chinese_reader_reads_chinese_and_an_english_reader_english(as_user, alice):
    notify(alice, NotificationKind.HAZARD_OVERDUE, OVERDUE, link="/hazards/1/")
    chinese = as_user(alice).get(reverse("reports:notifications")).content.decode()
    assert "隐患YH-2014-0001（清溪区实验小学）已超过整改期限3天，请尽快整改。" in chinese
    client = as_user(alice)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    english = client.get(reverse("reports:notifications")).content.decode()
    assert "Hazard YH-2014-0001 (清溪区实验小学) is 3 days past its deadline" in english


def test_codes_among_the_parameters_are_translated_too(alice):
    params = {"school": "甲小学", "plate": "浙A12345", "paper": "insurance", "state": "expired"}
    notice = notify(alice, NotificationKind.VEHICLE_PAPERS, {**params, "due": "2014-12-20"})
    assert notice is not None
    assert notice.message == "甲小学车辆浙A12345的保险已过期（2014-12-20），请及时办理。"
    with translation.override("en"):
        assert "the insurance of vehicle 浙A12345 has expired" in notice.message


def test_every_kind_has_its_sentence():
    assert set(MESSAGES) == set(NotificationKind)


def test_an_earlier_free_text_message_keeps_its_text(alice):
    notice = Notification.objects.create(
        recipient=alice, kind=NotificationKind.LEGACY, params={"text": "九月月报尚未报送"}
    )
    with translation.override("en"):
        assert notice.message == "九月月报尚未报送"


def test_the_same_reminder_reaches_a_user_once_a_day(alice, bob):
    day = datetime.date(2014, 10, 8)
    args = (NotificationKind.HAZARD_OVERDUE, OVERDUE)
    assert notify(alice, *args, key="YH-2014-0001", day=day) is not None
    assert notify(alice, *args, key="YH-2014-0001", day=day) is None
    assert notify(bob, *args, key="YH-2014-0001", day=day) is not None
    assert notify(alice, *args, key="YH-2014-0001", day=day + datetime.timedelta(days=1))
    assert Notification.objects.filter(recipient=alice).count() == 2


def test_the_unread_count_and_reading(as_user, alice, bob):
    first = notify(alice, NotificationKind.HAZARD_OVERDUE, OVERDUE, link="/hazards/")
    notify(alice, NotificationKind.HAZARD_OVERDUE, OVERDUE)
    client = as_user(alice)
    assert '<span class="badge text-bg-danger" id="unread-count">2</span>' in (
        client.get(reverse("home")).content.decode()
    )
    assert first is not None
    assert (
        as_user(bob).post(reverse("reports:notification_read", args=[first.pk])).status_code == 404
    )
    opened = client.post(reverse("reports:notification_read", args=[first.pk]))
    assert opened.url == "/hazards/"
    client.post(reverse("reports:notifications_read_all"))
    assert not Notification.objects.for_user(alice).unread().exists()
    assert client.get(reverse("reports:notifications_read_all")).status_code == 405


def test_a_sentence_passed_by_older_code_is_kept_as_it_was_written(alice):
    notice = Notification.objects.create(recipient=alice, kind="overdue", text="旧的提醒")
    notice.refresh_from_db()
    assert notice.message == notice.text == "旧的提醒"
