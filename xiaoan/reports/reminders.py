"""Reminders: find what needs someone's attention and tell them once a day, no more.

Safe to run from cron every few minutes: a ReminderLog row per (kind, object, recipient, day)
is created before a notification is sent, and the unique constraint lets only one run win.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.conf import settings
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.urls import reverse

from xiaoan.accounts.choices import Role
from xiaoan.accounts.models import Membership
from xiaoan.core.dates import local_today
from xiaoan.hazards.choices import HazardStatus
from xiaoan.hazards.models import Hazard

from .choices import Compliance, ReminderKind
from .models import MonthlyReport, Notification, ReminderLog, compliance_of


def notify(
    user: Any, kind: str, object_key: str, text: str, link: str = "", day: Any = None
) -> Notification | None:
    """Notify `user` unless the same reminder already went out that day; None if it did."""
    day = day or local_today()
    try:
        with transaction.atomic():
            ReminderLog.objects.create(kind=kind, object_key=object_key, recipient=user, day=day)
            notification = Notification.objects.create(
                recipient=user, kind=kind, text=text[:300], link=link
            )
    except IntegrityError:
        return None
    if user.email:
        send_mail(
            text[:78],
            f"{text}\n{link}",
            settings.DEFAULT_FROM_EMAIL,
            [user.email],
            fail_silently=True,
        )
    return notification


def _school_admins(school_ids: set[int]) -> dict[int, list[Any]]:
    admins: dict[int, list[Any]] = {}
    for m in Membership.objects.filter(
        role=Role.SCHOOL_ADMIN, school_id__in=school_ids, is_active=True
    ).select_related("user"):
        if m.school_id is not None:
            admins.setdefault(m.school_id, []).append(m.user)
    return admins


def _bureau_admins(bureau_ids: set[int]) -> dict[int, list[Any]]:
    admins: dict[int, list[Any]] = {}
    for m in Membership.objects.filter(
        role=Role.BUREAU_ADMIN, bureau_id__in=bureau_ids, is_active=True
    ).select_related("user"):
        admins.setdefault(m.bureau_id, []).append(m.user)
    return admins


def hazard_reminders(today: datetime.date, days: int) -> int:
    """Due within `days` → the school's admins; overdue → also the bureau's safety officers."""
    hazards = list(
        Hazard.objects.filter(
            status__in=HazardStatus.overdue_states(),
            deadline__lte=today + datetime.timedelta(days=days),
        ).select_related("school")
    )
    schools = _school_admins({h.school_id for h in hazards})
    bureaus = _bureau_admins({h.bureau_id for h in hazards})
    sent = 0
    for h in hazards:
        link = reverse("hazards:detail", args=[h.pk])
        if h.deadline < today:
            kind = ReminderKind.HAZARD_OVERDUE
            text = f"隐患{h.code}({h.school.name})已超过整改期限{(today - h.deadline).days}天,请尽快整改。"
            users = schools.get(h.school_id, []) + bureaus.get(h.bureau_id, [])
        else:
            kind = ReminderKind.HAZARD_DUE
            text = f"隐患{h.code}({h.school.name})整改期限为{h.deadline:%Y-%m-%d},请按期完成整改。"
            users = schools.get(h.school_id, [])
        sent += sum(1 for u in users if notify(u, kind, h.code, text, link, today))
    return sent


def previous_month(today: datetime.date) -> tuple[int, int]:
    return (today.year - 1, 12) if today.month == 1 else (today.year, today.month - 1)


def monthly_reminders(
    today: datetime.date,
    school_ids: set[int] | None = None,
    year: int | None = None,
    month: int | None = None,
) -> int:
    """A month's report (default: last month) missing or returned after its due date → the
    school's admins."""
    from xiaoan.schools.models import School

    if year is None or month is None:
        year, month = previous_month(today)
    schools = School.objects.filter(is_active=True)
    if school_ids is not None:
        schools = schools.filter(pk__in=school_ids)
    reports = {r.school_id: r for r in MonthlyReport.objects.filter(year=year, month=month)}
    late = [
        s
        for s in schools
        if compliance_of(reports.get(s.pk), year, month, today)
        in (Compliance.MISSING, Compliance.RETURNED)
    ]
    admins = _school_admins({s.pk for s in late})
    link = reverse("reports:monthly_list")
    sent = 0
    for school in late:
        text = f"{school.name}{year}年{month}月安全月报尚未报送,请尽快编制并提交。"
        key = f"{school.pk}:{year}-{month:02d}"
        sent += sum(
            1
            for u in admins.get(school.pk, [])
            if notify(u, ReminderKind.MONTHLY_MISSING, key, text, link, today)
        )
    return sent


def vehicle_paper_reminders(today: datetime.date, days: int) -> int:
    """Expiring vehicle papers, from the vehicles and drivers register."""
    from xiaoan.registers.reminders import expiring_vehicle_papers

    sent = 0
    for item in expiring_vehicle_papers(today=today, days=days):
        for user in item.get("recipients", []):
            if notify(
                user,
                ReminderKind.VEHICLE_PAPERS,
                str(item["key"]),
                str(item["text"]),
                str(item.get("link", "")),
                today,
            ):
                sent += 1
    return sent


def send_reminders(today: datetime.date | None = None, days: int = 3) -> dict[str, int]:
    today = today or local_today()
    return {
        "hazards": hazard_reminders(today, days),
        "monthly": monthly_reminders(today),
        "vehicles": vehicle_paper_reminders(today, days),
    }
