"""`xiaoan remind`: the right people told once, never twice the same day."""

from __future__ import annotations

import datetime
import io

import pytest
import time_machine
from django.core import mail
from django.core.management import call_command

from xiaoan.notifications.models import Delivery, Notification, ReminderLog
from xiaoan.notifications.tasks import attempt
from xiaoan.reports.models import MonthlyReport
from xiaoan.reports.reminders import send_reminders

pytestmark = pytest.mark.django_db

OCT_8 = datetime.date(2014, 10, 8)


def test_remind_sends_once_not_twice(
    alice, bob, bureau_admin, september_ledger, django_capture_on_commit_callbacks
):
    alice.email = "alice@example.org"
    alice.save()
    with django_capture_on_commit_callbacks(execute=True):
        first = send_reminders(today=OCT_8, days=3)
    # September's fire hazard (deadline 25 Sep) is overdue → alice and the bureau officer;
    # the food hazard is due 10 Oct (within 3 days) → alice; both schools' September reports
    # are missing after 5 Oct → alice and bob.
    assert first == {
        "hazards": 3,
        "monthly": 2,
        "vehicles": 0,
        "receipts": 0,
        "food_samples": 0,
        "school_papers": 0,
    }
    again = send_reminders(today=OCT_8, days=3)
    assert again == {
        "hazards": 0,
        "monthly": 0,
        "vehicles": 0,
        "receipts": 0,
        "food_samples": 0,
        "school_papers": 0,
    }
    texts = sorted(Notification.objects.filter(recipient=alice).values_list("kind", flat=True))
    assert texts == ["hazard_due", "hazard_overdue", "monthly_missing"]
    assert Notification.objects.filter(recipient=bureau_admin).count() == 1
    assert ReminderLog.objects.count() == 5
    # Only alice has an email address; the worker sends them, in Chinese.
    emails = Delivery.objects.filter(channel="email", status="queued")
    assert emails.count() == 3
    for delivery in emails:
        attempt(delivery.pk)
    assert len(mail.outbox) == 3
    assert any("请按期完成整改" in message.body for message in mail.outbox)


def test_a_submitted_report_is_not_reminded(alice, bob, school_a):
    with time_machine.travel(datetime.datetime(2014, 10, 3, tzinfo=datetime.UTC), tick=False):
        MonthlyReport.for_month(school_a, 2014, 9).submit(alice)
    assert send_reminders(today=OCT_8)["monthly"] == 1  # bob only
    assert not Notification.objects.filter(recipient=alice).exists()


def test_remind_command_is_idempotent(alice, september_ledger):
    with time_machine.travel(datetime.datetime(2014, 10, 8, 2, tzinfo=datetime.UTC)):
        out = io.StringIO()
        call_command("remind", stdout=out)
        call_command("remind", stdout=out)
    lines = out.getvalue().splitlines()
    assert lines[1] == (
        "reminders sent: hazards 0, monthly reports 0, vehicle papers 0, documents not signed "
        "for 0, meals without their food samples 0, licences and certificates expiring 0"
    )
    assert lines[0] != lines[1]
