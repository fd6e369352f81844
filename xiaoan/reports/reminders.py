"""Reminders: find what needs someone's attention and tell them once a day, no more.

Safe to run from cron every few minutes: `notifications.sending.notify` keeps one guard row per
(kind, object, recipient, day), and its unique constraint lets only one run win. Each reminder
is stored as a kind and its parameters and put into words in the reader's language.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.urls import reverse

from xiaoan.accounts.choices import Role
from xiaoan.accounts.models import Membership
from xiaoan.core.dates import local_today
from xiaoan.hazards.choices import HazardStatus
from xiaoan.hazards.models import Hazard
from xiaoan.notifications.choices import NotificationKind
from xiaoan.notifications.sending import notify

from .choices import Compliance
from .figures import month_bounds
from .models import DocumentReceipt, MonthlyReport, compliance_of


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
        params: dict[str, Any] = {"code": h.code, "school": h.school.name}
        if h.deadline < today:
            kind = NotificationKind.HAZARD_OVERDUE
            params["days"] = (today - h.deadline).days
            users = schools.get(h.school_id, []) + bureaus.get(h.bureau_id, [])
        else:
            kind = NotificationKind.HAZARD_DUE
            params["deadline"] = h.deadline.isoformat()
            users = schools.get(h.school_id, [])
        sent += sum(1 for u in users if notify(u, kind, params, link=link, key=h.code, day=today))
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
    # The schools that owed the month's report: those on the registry at its end.
    schools = School.objects.as_of(min(month_bounds(year, month)[1], today))
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
        params = {"school": school.name, "year": year, "month": month}
        key = f"{school.pk}:{year}-{month:02d}"
        sent += sum(
            1
            for u in admins.get(school.pk, [])
            if notify(u, NotificationKind.MONTHLY_MISSING, params, link=link, key=key, day=today)
        )
    return sent


def vehicle_paper_reminders(today: datetime.date, days: int) -> int:
    """Vehicle inspections and insurance, and driving licences, due within `days` (or past)
    → the school's admins."""
    from xiaoan.registers.reminders import expiring

    vehicles, drivers = expiring(today, days)
    admins = _school_admins({v.school_id for v in vehicles} | {d.school_id for d in drivers})
    link = reverse("registers:papers")
    until = today + datetime.timedelta(days=days)
    sent = 0
    for vehicle in vehicles:
        for paper, due in vehicle.papers_due(until):
            params = {
                "school": vehicle.school.name,
                "plate": vehicle.plate,
                "paper": paper,
                "state": "expired" if due < today else "expiring",
                "due": due.isoformat(),
            }
            key = f"vehicle:{vehicle.pk}:{paper}:{due.isoformat()}"
            sent += _tell(
                admins.get(vehicle.school_id, []),
                NotificationKind.VEHICLE_PAPERS,
                params,
                link,
                key,
                today,
            )
    for driver in drivers:
        due = driver.licence_valid_until
        params = {
            "school": driver.school.name,
            "driver": driver.name,
            "state": "expired" if due < today else "expiring",
            "due": due.isoformat(),
        }
        key = f"driver:{driver.pk}:licence:{due.isoformat()}"
        sent += _tell(
            admins.get(driver.school_id, []),
            NotificationKind.DRIVER_LICENCE,
            params,
            link,
            key,
            today,
        )
    return sent


def _tell(
    users: list[Any], kind: str, params: dict[str, Any], link: str, key: str, day: datetime.date
) -> int:
    return sum(1 for u in users if notify(u, kind, params, link=link, key=key, day=day))


def receipt_reminders(today: datetime.date) -> int:
    """A document still not signed for the day after its deadline → the school's admins, once:
    the receipt's `reminded_at` is taken by one run only (and the notification's guard is
    keyed on the deadline, not on today), so a later run tells nobody again."""
    from django.db import transaction
    from django.utils import timezone

    late = list(
        DocumentReceipt.objects.unsigned()
        .filter(reminded_at__isnull=True, document__sign_by__lt=today)
        .select_related("document", "school")
    )
    admins = _school_admins({r.school_id for r in late})
    sent = 0
    for receipt in late:
        document = receipt.document
        with transaction.atomic():
            taken = DocumentReceipt.objects.filter(
                pk=receipt.pk, reminded_at__isnull=True, signed_at__isnull=True
            ).update(reminded_at=timezone.now())
            if not taken:
                continue
            params = {
                "title": document.title,
                "sign_by": document.sign_by.isoformat(),
                "school": receipt.school.name,
            }
            sent += _tell(
                admins.get(receipt.school_id, []),
                NotificationKind.DOCUMENT_UNSIGNED,
                params,
                document.get_absolute_url(),
                f"receipt:{receipt.pk}",
                document.sign_by,
            )
    return sent


def food_sample_reminders(now: datetime.datetime) -> int:
    """A meal of today or yesterday left without its food sample by the meal's end (the
    bureau's meal times, `registers.models.food`) → the school's admins, once per meal: the
    guard is keyed on the school, the day and the meal, so the hourly runs after it tell
    nobody again."""
    from django.utils import timezone

    from xiaoan.registers.models import missed_meals
    from xiaoan.schools.models import School

    today = timezone.localdate(now)
    schools = School.objects.as_of(today).filter(canteen=True)
    missed = missed_meals(schools, today - datetime.timedelta(days=1), today, now)
    admins = _school_admins({school.pk for school, _day, _meal in missed})
    link = reverse("registers:food-board")
    sent = 0
    for school, day, meal in missed:
        params = {
            "school": school.name,
            "meal": meal.meal,
            "day": day.isoformat(),
            "ends": f"{timezone.localtime(meal.ends):%H:%M}",
        }
        key = f"sample:{school.pk}:{day.isoformat()}:{meal.meal}"
        sent += _tell(
            admins.get(school.pk, []),
            NotificationKind.FOOD_SAMPLE_MISSED,
            params,
            f"{link}?day={day.isoformat()}",
            key,
            day,
        )
    return sent


def school_paper_reminders(today: datetime.date) -> int:
    """A school's licence or certificate 30 and 7 days before it expires → the school's
    admins, once each: the guard is keyed on the paper, its expiry and the reminder, and dated
    the expiry day, so the hourly and daily runs after it tell nobody again (a paper entered
    with 20 days left gets the 30-day one at once, and the 7-day one later)."""
    from xiaoan.registers.models import SchoolPaper
    from xiaoan.registers.models.papers import REMINDER_DAYS

    until = today + datetime.timedelta(days=max(REMINDER_DAYS))
    papers = list(
        SchoolPaper.objects.filter(valid_until__gte=today, valid_until__lte=until)
        .filter(school__in=_on_registry(today))
        .select_related("school", "kind")
    )
    admins = _school_admins({p.school_id for p in papers})
    sent = 0
    for paper in papers:
        stage = paper.reminder_due(today)
        if stage is None or paper.valid_until is None:
            continue
        due = paper.valid_until
        params = {
            "school": paper.school.name,
            "kind": paper.kind.name,
            "paper": f"{paper.holder} {paper.number}".strip(),
            "days": (due - today).days,
            "due": due.isoformat(),
        }
        key = f"paper:{paper.pk}:{due.isoformat()}:{stage}"
        link = reverse("registers:detail", args=["school-papers", paper.pk])
        sent += _tell(
            admins.get(paper.school_id, []),
            NotificationKind.SCHOOL_PAPER_EXPIRING,
            params,
            link,
            key,
            due,
        )
    return sent


def _on_registry(today: datetime.date) -> Any:
    from xiaoan.schools.models import School

    return School.objects.as_of(today)


def _moment(today: datetime.date) -> datetime.datetime:
    """Now, or the last moment of `today` when the reminders are run for another day."""
    from django.utils import timezone

    if today == local_today():
        return timezone.now()
    return timezone.make_aware(datetime.datetime.combine(today, datetime.time(23, 59, 59)))


def send_reminders(today: datetime.date | None = None, days: int = 3) -> dict[str, int]:
    today = today or local_today()
    return {
        "hazards": hazard_reminders(today, days),
        "monthly": monthly_reminders(today),
        "vehicles": vehicle_paper_reminders(today, days),
        "receipts": receipt_reminders(today),
        "food_samples": food_sample_reminders(_moment(today)),
        "school_papers": school_paper_reminders(today),
    }
