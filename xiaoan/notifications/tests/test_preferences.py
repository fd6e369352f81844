"""Each user chooses per kind: at once, in the daily digest, or not at all (urgent kinds always
at once); the digest is one email a day; group robots keep quiet hours for non-urgent news."""

from __future__ import annotations

import datetime
import zoneinfo

import pytest
import time_machine
from django.core import mail
from django.urls import reverse

from xiaoan.notifications import choices
from xiaoan.notifications.choices import DeliveryStatus, NotificationKind, Platform, Timing
from xiaoan.notifications.digests import send_digests
from xiaoan.notifications.models import Delivery, Notification, Preference, Webhook
from xiaoan.notifications.sending import notify

from .receivers import Robot, run_worker, start_robot

OVERDUE = {"code": "YH-2014-0001", "school": "清溪区实验小学", "days": 3}
MISSING = {"school": "清溪区实验小学", "month": 9, "year": 2014}
SHANGHAI = zoneinfo.ZoneInfo("Asia/Shanghai")


@pytest.fixture
def alice_mail(alice):
    alice.email = "alice@example.cn"
    alice.save(update_fields=["email"])
    return alice


@pytest.fixture
def urgent_overdue(monkeypatch):
    monkeypatch.setattr(choices, "URGENT_KINDS", frozenset({NotificationKind.HAZARD_OVERDUE}))


@pytest.mark.django_db
def test_every_user_sets_their_preferences_on_a_page(alice, as_user, urgent_overdue):
    client = as_user(alice)
    page = client.get(reverse("reports:notification_preferences")).content.decode()
    assert "每日摘要" in page and "不接收" in page and "紧急：始终立即发送。" in page
    answer = client.post(
        reverse("reports:notification_preferences"),
        {"monthly_missing": "digest", "vehicle_papers": "off", "hazard_overdue": "off"},
    )
    assert answer.status_code == 302
    chosen = dict(Preference.objects.filter(user=alice).values_list("kind", "timing"))
    # The urgent kind cannot be switched off; the kinds not posted are back to at once.
    assert chosen == {"monthly_missing": "digest", "vehicle_papers": "off"}
    assert (
        'value="digest" selected'
        in client.get(reverse("reports:notification_preferences")).content.decode()
    )


@pytest.mark.django_db
def test_preferences_decide_what_leaves_the_site(alice_mail, urgent_overdue):
    Preference.objects.create(user=alice_mail, kind="monthly_missing", timing=Timing.DIGEST)
    Preference.objects.create(user=alice_mail, kind="hazard_due", timing=Timing.OFF)
    # A row left from before the kind became urgent changes nothing.
    Preference.objects.create(user=alice_mail, kind="hazard_overdue", timing=Timing.OFF)
    notify(alice_mail, NotificationKind.MONTHLY_MISSING, MISSING)
    notify(alice_mail, NotificationKind.HAZARD_DUE, {**OVERDUE, "deadline": "2014-10-09"})
    notify(alice_mail, NotificationKind.HAZARD_OVERDUE, OVERDUE)
    notify(alice_mail, NotificationKind.VEHICLE_PAPERS, {"school": "甲", "plate": "浙A1"})
    by_kind = {
        d.notification.kind: d.status for d in Delivery.objects.select_related("notification")
    }
    assert by_kind == {
        "monthly_missing": DeliveryStatus.HELD,
        "hazard_overdue": DeliveryStatus.QUEUED,
        "vehicle_papers": DeliveryStatus.QUEUED,
    }
    assert Notification.objects.for_user(alice_mail).count() == 4  # in the app, always


@pytest.mark.django_db(transaction=True)
def test_the_daily_digest_gathers_the_held_ones_in_one_email(alice_mail, bob):
    bob.email = "bob@example.cn"
    bob.save(update_fields=["email"])
    for user in (alice_mail, bob):
        Preference.objects.create(user=user, kind="monthly_missing", timing=Timing.DIGEST)
        Preference.objects.create(user=user, kind="hazard_overdue", timing=Timing.DIGEST)
    notify(alice_mail, NotificationKind.MONTHLY_MISSING, MISSING, link="/reports/monthly/")
    notify(alice_mail, NotificationKind.HAZARD_OVERDUE, OVERDUE, link="/hazards/1/")
    notify(bob, NotificationKind.HAZARD_OVERDUE, OVERDUE)
    run_worker()
    assert mail.outbox == []  # held until the digest
    assert send_digests() == {"digests": 2}
    run_worker()
    to_alice = next(m for m in mail.outbox if m.to == ["alice@example.cn"])
    assert to_alice.subject == "校安每日摘要：2条通知"
    assert "清溪区实验小学2014年9月安全月报尚未报送，请尽快编制并提交。" in to_alice.body
    assert "隐患YH-2014-0001（清溪区实验小学）已超过整改期限3天" in to_alice.body
    assert to_alice.body.index("月报") < to_alice.body.index("隐患YH")  # oldest first
    assert "http://127.0.0.1:8000/hazards/1/" in to_alice.body
    assert len(mail.outbox) == 2
    assert send_digests() == {"digests": 0}  # nothing held twice
    assert Delivery.objects.filter(status=DeliveryStatus.DIGESTED).count() == 3


def quiet_robot(robot, school_a):
    return Webhook.objects.create(
        bureau=school_a.bureau,
        school=school_a,
        name="实验小学安全群",
        platform=Platform.WECOM,
        url=robot.url,
        quiet_from=datetime.time(22, 0),
        quiet_until=datetime.time(7, 0),
    )


@pytest.fixture
def robot():
    robot = Robot()
    server = start_robot(robot)
    yield robot
    server.shutdown()
    server.server_close()


@pytest.mark.django_db(transaction=True)
def test_a_group_hears_nothing_in_its_quiet_hours_but_what_is_urgent(
    alice, carol, robot, school_a, urgent_overdue
):
    quiet_robot(robot, school_a)
    with time_machine.travel(datetime.datetime(2014, 10, 8, 23, 30, tzinfo=SHANGHAI), tick=True):
        notify(alice, NotificationKind.MONTHLY_MISSING, MISSING)
        notify(carol, NotificationKind.HAZARD_OVERDUE, OVERDUE)
        run_worker()
        assert [r["body"]["markdown"]["content"] for r in robot.received] == [
            "**隐患逾期未整改**\n\n隐患YH-2014-0001（清溪区实验小学）已超过整改期限3天，请尽快整改。"
        ]
    waiting = Delivery.objects.get(status=DeliveryStatus.QUEUED)
    assert waiting.next_attempt_at == datetime.datetime(2014, 10, 9, 7, 0, tzinfo=SHANGHAI)
    with time_machine.travel(datetime.datetime(2014, 10, 9, 6, 59, tzinfo=SHANGHAI), tick=True):
        run_worker()
        assert len(robot.received) == 1
    with time_machine.travel(datetime.datetime(2014, 10, 9, 7, 0, 5, tzinfo=SHANGHAI), tick=True):
        run_worker()
    assert len(robot.received) == 2
    assert "月报尚未报送" in robot.received[1]["body"]["markdown"]["content"]


@pytest.mark.django_db
def test_quiet_hours_within_one_day_and_across_midnight(school_a):
    robot = Webhook(quiet_from=datetime.time(12, 0), quiet_until=datetime.time(14, 0))

    def at(hour, minute=0):
        return datetime.datetime(2014, 10, 8, hour, minute, tzinfo=SHANGHAI)

    assert robot.quiet_end(at(11, 59)) is None
    assert robot.quiet_end(at(12, 30)) == at(14)
    assert robot.quiet_end(at(14)) is None
    robot.quiet_from, robot.quiet_until = datetime.time(22, 0), datetime.time(7, 0)
    assert robot.quiet_end(at(21, 59)) is None
    assert robot.quiet_end(at(22)) == at(7) + datetime.timedelta(days=1)
    assert robot.quiet_end(at(6, 30)) == at(7)
    assert robot.quiet_end(at(7)) is None
