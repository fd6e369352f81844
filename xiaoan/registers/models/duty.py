"""24-hour duty (值班): who is on duty when, what they saw, and the hours nobody covers."""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from typing import Any

from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from xiaoan.core.dates import day_start
from xiaoan.core.validators import validate_phone

from ..choices import DutyLogKind
from .base import GATE_WRITERS, SchoolRecord


class DutyShift(SchoolRecord):
    """One named person on duty at one school from one moment to another."""

    writers = GATE_WRITERS

    person = models.CharField(_("person on duty"), max_length=50)
    phone = models.CharField(_("phone"), max_length=30, blank=True, validators=[validate_phone])
    is_leader = models.BooleanField(_("leader on duty"), default=False)
    starts_at = models.DateTimeField(_("on duty from"))
    ends_at = models.DateTimeField(_("on duty until"))

    class Meta:
        verbose_name = _("duty shift")
        verbose_name_plural = _("duty roster")
        ordering = ["-starts_at", "school"]
        constraints = [
            models.CheckConstraint(
                name="dutyshift_ends_after_start",
                condition=Q(ends_at__gt=F("starts_at")),
                violation_error_message=_("The shift must end after it starts."),
            )
        ]
        indexes = [models.Index(fields=["school", "starts_at"], name="dutyshift_school_start_idx")]

    def __str__(self) -> str:
        return f"{self.person} {timezone.localtime(self.starts_at):%Y-%m-%d %H:%M}"


def shift_at(school: Any, moment: datetime.datetime) -> DutyShift | None:
    """The school's shift on duty at `moment` (a leader's first), else the first of that day's
    roster; None when the day has no roster."""
    shifts = DutyShift.objects.filter(school=school)
    now = shifts.filter(starts_at__lte=moment, ends_at__gt=moment)
    start, end = day_bounds(timezone.localdate(moment))
    today = shifts.filter(starts_at__lt=end, ends_at__gt=start)
    return now.order_by("-is_leader", "starts_at").first() or today.order_by("starts_at").first()


class DutyLogEntry(SchoolRecord):
    """A line of the duty log: a patrol, an event, a handover. Who wrote it is `recorded_by`
    (the user who added it, on the page or through the API; an edit keeps it)."""

    writers = GATE_WRITERS

    shift = models.ForeignKey(
        DutyShift,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="entries",
        verbose_name=_("duty shift"),
    )
    kind = models.CharField(_("kind"), max_length=10, choices=DutyLogKind.choices)
    occurred_at = models.DateTimeField(_("time"))
    content = models.TextField(_("content"))

    class Meta:
        verbose_name = _("duty log entry")
        verbose_name_plural = _("duty log")
        ordering = ["-occurred_at"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {timezone.localtime(self.occurred_at):%Y-%m-%d %H:%M}"


def day_bounds(day: datetime.date) -> tuple[datetime.datetime, datetime.datetime]:
    """The bureau's calendar day (the TIME_ZONE setting) as aware datetimes."""
    start = day_start(day)
    return start, start + datetime.timedelta(days=1)


def gaps_in(
    intervals: list[tuple[datetime.datetime, datetime.datetime]],
    start: datetime.datetime,
    end: datetime.datetime,
) -> list[tuple[datetime.datetime, datetime.datetime]]:
    """The parts of [start, end) that no interval covers, in order."""
    gaps = []
    cursor = start
    for begin, finish in sorted(intervals):
        if finish <= cursor:
            continue
        if begin > cursor:
            gaps.append((cursor, min(begin, end)))
        cursor = max(cursor, finish)
        if cursor >= end:
            break
    if cursor < end:
        gaps.append((cursor, end))
    return [(a, b) for a, b in gaps if a < b]


def duty_gaps(
    shifts: models.QuerySet[DutyShift], day: datetime.date
) -> dict[int, list[tuple[datetime.datetime, datetime.datetime]]]:
    """For each school of `shifts`' schools: the stretches of `day` with nobody on duty.

    Only schools that appear in `shifts` at all are reported; call with a queryset already
    limited to the schools wanted (schools without any shift are the caller's to list).
    """
    start, end = day_bounds(day)
    by_school: dict[int, list[tuple[datetime.datetime, datetime.datetime]]] = {}
    for school_id, begin, finish in shifts.filter(starts_at__lt=end, ends_at__gt=start).values_list(
        "school_id", "starts_at", "ends_at"
    ):
        by_school.setdefault(school_id, []).append((begin, finish))
    return {school_id: gaps_in(spans, start, end) for school_id, spans in by_school.items()}


def uncovered_hours(gaps: list[tuple[datetime.datetime, datetime.datetime]]) -> float:
    return round(sum((b - a).total_seconds() for a, b in gaps) / 3600, 1)


def district_cover(
    schools: Iterable[Any], shifts: models.QuerySet[DutyShift], day: datetime.date
) -> list[dict[str, Any]]:
    """Per school: rostered that day at all, the uncovered stretches, the uncovered hours.

    A school with no shift touching the day is not rostered and counts 24 hours uncovered.
    """
    gaps = duty_gaps(shifts, day)
    rows = []
    for school in schools:
        school_gaps = gaps.get(school.pk)
        rows.append(
            {
                "school": school,
                "rostered": school_gaps is not None,
                "gaps": school_gaps or [],
                "hours": uncovered_hours(school_gaps) if school_gaps is not None else 24.0,
            }
        )
    return rows
