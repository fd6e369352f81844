"""Deliveries: by email, text message and group robots (a real HTTP server answers as the robot
does), queued on commit and never on a rollback, retried with backoff, failures listed for the
bureau. The worker is django_tasks_db's own, run against the test database."""

from __future__ import annotations

import datetime
import socket

import pytest
from django.core import mail
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from xiaoan.accounts.models import Membership
from xiaoan.notifications import choices
from xiaoan.notifications.choices import Channel, DeliveryStatus, NotificationKind, Platform
from xiaoan.notifications.models import Delivery, Notification, Webhook
from xiaoan.notifications.sending import notify

from .receivers import SECRET, Robot, run_worker, start_robot

pytestmark = pytest.mark.django_db(transaction=True)

OVERDUE = {"code": "YH-2014-0001", "school": "清溪区实验小学", "days": 3}
SENTENCE = "隐患YH-2014-0001（清溪区实验小学）已超过整改期限3天，请尽快整改。"


@pytest.fixture
def robot():
    robot = Robot()
    server = start_robot(robot)
    yield robot
    server.shutdown()
    server.server_close()


@pytest.fixture(autouse=True)
def _fast_retries(settings):
    settings.DELIVERY_RETRY_DELAYS = [0, 0]
    settings.SITE_URL = "https://xiaoan.example"


def with_email(user, address):
    user.email = address
    user.save(update_fields=["email"])
    return user


def school_robot(robot, school, platform=Platform.WECOM, secret=""):
    return Webhook.objects.create(
        bureau=school.bureau,
        school=school,
        name="实验小学安全群",
        platform=platform,
        url=robot.url,
        secret=secret,
    )


def test_the_email_goes_out_from_the_worker_once_the_action_commits(alice):
    with_email(alice, "alice@example.cn")
    with transaction.atomic():
        notify(alice, NotificationKind.HAZARD_OVERDUE, OVERDUE, link="/hazards/1/")
        assert not DBTaskResult.objects.exists()  # nothing is queued before the commit
    assert mail.outbox == []  # the action did not send it: the worker does
    run_worker()
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["alice@example.cn"]
    assert mail.outbox[0].body == f"{SENTENCE}\nhttps://xiaoan.example/hazards/1/"
    delivery = Delivery.objects.get()
    assert (delivery.status, delivery.attempts, delivery.channel) == ("sent", 1, Channel.EMAIL)


def test_a_rolled_back_action_sends_nothing(alice, robot, school_a):
    with_email(alice, "alice@example.cn")
    school_robot(robot, school_a)
    with pytest.raises(RuntimeError), transaction.atomic():
        notify(alice, NotificationKind.HAZARD_OVERDUE, OVERDUE)
        raise RuntimeError("the step failed after notifying")
    run_worker()
    assert not Notification.objects.exists()
    assert not Delivery.objects.exists()
    assert not DBTaskResult.objects.exists()
    assert mail.outbox == [] and robot.received == []


def test_a_school_group_hears_of_an_event_once_however_many_are_told(alice, carol, robot, school_a):
    school_robot(robot, school_a)
    with transaction.atomic():
        for user in (alice, carol):
            notify(user, NotificationKind.HAZARD_OVERDUE, OVERDUE, link="/hazards/1/")
    run_worker()
    assert len(robot.received) == 1
    body = robot.received[0]["body"]
    assert body["msgtype"] == "markdown"
    assert body["markdown"]["content"] == (
        f"**隐患逾期未整改**\n\n{SENTENCE}\n\n"
        "[https://xiaoan.example/hazards/1/](https://xiaoan.example/hazards/1/)"
    )
    # The next event, in its own transaction, is its own message.
    notify(alice, NotificationKind.HAZARD_OVERDUE, {**OVERDUE, "days": 4})
    run_worker()
    assert len(robot.received) == 2


def test_the_group_of_another_school_hears_nothing(alice, bob, robot, school_b):
    school_robot(robot, school_b)
    notify(alice, NotificationKind.HAZARD_OVERDUE, OVERDUE)
    run_worker()
    assert robot.received == []
    notify(bob, NotificationKind.HAZARD_OVERDUE, OVERDUE)
    run_worker()
    assert len(robot.received) == 1


def test_a_dingtalk_request_is_signed_and_the_robot_accepts_the_signature(alice, robot, school_a):
    robot.secret = SECRET
    school_robot(robot, school_a, Platform.DINGTALK, secret=SECRET)
    notify(alice, NotificationKind.HAZARD_OVERDUE, OVERDUE, link="/hazards/1/")
    run_worker()
    assert robot.refused == []
    [received] = robot.received
    assert received["query"]["access_token"] == ["abc"]
    assert {"timestamp", "sign"} <= set(received["query"])
    assert received["body"]["msgtype"] == "markdown"
    assert received["body"]["markdown"]["title"] == "隐患逾期未整改"
    assert SENTENCE in received["body"]["markdown"]["text"]


def test_a_wrong_dingtalk_secret_is_refused_by_the_robot_and_listed(alice, robot, school_a):
    robot.secret = SECRET
    school_robot(robot, school_a, Platform.DINGTALK, secret="SECnot-the-robots")
    notify(alice, NotificationKind.HAZARD_OVERDUE, OVERDUE)
    run_worker()
    assert robot.received == [] and robot.refused == ["bad sign"] * 3
    delivery = Delivery.objects.get()
    assert (delivery.status, delivery.attempts) == (DeliveryStatus.FAILED, 3)
    assert "errcode 310000" in delivery.last_error


def test_a_failing_robot_is_tried_again_until_it_answers(alice, robot, school_a):
    robot.answers = [(502, 0), (200, 45009), (200, 0)]  # a proxy error, a rate limit, then ok
    school_robot(robot, school_a)
    notify(alice, NotificationKind.HAZARD_OVERDUE, OVERDUE)
    run_worker()
    delivery = Delivery.objects.get()
    assert (delivery.status, delivery.attempts, delivery.last_error) == ("sent", 3, "")
    assert len(robot.received) == 1


def test_a_retry_waits_its_delay(alice, robot, school_a, settings):
    settings.DELIVERY_RETRY_DELAYS = [600]
    robot.answers = [(500, 0), (200, 0)]
    school_robot(robot, school_a)
    notify(alice, NotificationKind.HAZARD_OVERDUE, OVERDUE)
    run_worker()
    delivery = Delivery.objects.get()
    assert (delivery.status, delivery.attempts, delivery.last_error) == (
        "queued",
        1,
        "DeliveryFailed: HTTP 500",
    )
    wait = delivery.next_attempt_at - timezone.now()
    assert datetime.timedelta(seconds=590) < wait <= datetime.timedelta(seconds=600)
    waiting = DBTaskResult.objects.filter(status="READY").get()
    assert waiting.run_after == delivery.next_attempt_at
    assert robot.received == []


def test_an_unreachable_mail_server_never_breaks_the_action(alice, settings, as_user):
    with socket.socket() as probe:  # a port nobody listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", port, 2
    with_email(alice, "alice@example.cn")
    assert notify(alice, NotificationKind.HAZARD_OVERDUE, OVERDUE) is not None
    run_worker()
    delivery = Delivery.objects.get()
    assert delivery.status == DeliveryStatus.FAILED
    assert "Connection refused" in delivery.last_error or "Errno" in delivery.last_error
    assert Notification.objects.for_user(alice).count() == 1  # the app still has it


def test_failures_are_listed_for_the_bureau_and_sent_again(
    alice, bureau_admin, outsider, robot, school_a, as_user
):
    robot.answers = [(500, 0)]
    school_robot(robot, school_a)
    notify(alice, NotificationKind.HAZARD_OVERDUE, OVERDUE)
    run_worker()
    failed = Delivery.objects.get(status=DeliveryStatus.FAILED)
    page = as_user(bureau_admin).get(reverse("reports:failed_deliveries"))
    text = page.content.decode()
    assert "实验小学安全群" in text and "DeliveryFailed: HTTP 500" in text
    assert SENTENCE[:30] in text
    assert (
        "实验小学安全群"
        not in as_user(outsider).get(reverse("reports:failed_deliveries")).content.decode()
    )
    assert as_user(alice).get(reverse("reports:failed_deliveries")).status_code == 403
    # Another bureau cannot send this bureau's deliveries again.
    as_user(outsider).post(reverse("reports:delivery_retry"), {"delivery": failed.pk})
    assert Delivery.objects.get().status == DeliveryStatus.FAILED
    robot.answers = [(200, 0)]
    answer = as_user(bureau_admin).post(reverse("reports:delivery_retry"), {"delivery": failed.pk})
    assert answer.status_code == 302
    run_worker()
    assert Delivery.objects.get().status == DeliveryStatus.SENT
    assert len(robot.received) == 1


def test_urgent_kinds_go_by_text_message_too(alice, capfd, monkeypatch):
    monkeypatch.setattr(choices, "URGENT_KINDS", frozenset({NotificationKind.HAZARD_OVERDUE}))
    Membership.objects.filter(user=alice).update(phone="13800000001")
    alice = type(alice).objects.get(pk=alice.pk)
    notify(alice, NotificationKind.HAZARD_OVERDUE, OVERDUE)
    notify(alice, NotificationKind.HAZARD_DUE, {**OVERDUE, "deadline": "2014-10-09"})
    run_worker()
    printed = capfd.readouterr().out
    assert f"SMS to 13800000001: {SENTENCE}" in printed
    assert printed.count("SMS to") == 1
    assert Delivery.objects.filter(channel=Channel.SMS, status="sent").count() == 1
