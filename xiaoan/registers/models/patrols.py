"""Patrols with QR codes (巡查打卡): the school's patrol points, its routes with their times, and
each patrol recorded by scanning a point's code with a phone.

A route lists points and the times of day a round starts (`07:30 12:00 21:30`). A round of a
point is **on time** when the point is patrolled from `EARLY` before the time until the route's
window after it, **late** when it is patrolled after the window and before the route's next
round (or the day's end), **missed** when neither happened once the window has passed, and
**due** while it may still be done on time. One patrol counts for one round only.
`rounds(school, day)` gives every round of a day; `patrol_figures` counts them for a period.
"""

from __future__ import annotations

import datetime
import re
import uuid
from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from xiaoan.core.dates import day_start, local_today
from xiaoan.core.errors import Invalid

from .base import GATE_WRITERS, SchoolRecord, check_writer

EARLY = datetime.timedelta(minutes=15)
# A patrol recorded on a phone without a network is sent later with the time it was made; one
# older than this is refused (it would rewrite a closed period's figures).
OFFLINE_DAYS = 7
TIME_RE = re.compile(r"^([01]?\d|2[0-3]):([0-5]\d)$")


class RoundStatus(models.TextChoices):
    ON_TIME = "on_time", _("On time")
    LATE = "late", _("Late round")
    MISSED = "missed", _("Missed round")
    DUE = "due", _("Due")


def parse_times(text: str) -> list[datetime.time]:
    """`07:30 12:00, 21:30` → the times in order; ValidationError on anything else."""
    parts = [p for p in re.split(r"[\s,，、;；]+", text.strip()) if p]
    times = []
    for part in parts:
        match = TIME_RE.match(part)
        if not match:
            raise ValidationError(
                gettext("“%(value)s” is not a time of day such as 07:30.") % {"value": part}
            )
        times.append(datetime.time(int(match[1]), int(match[2])))
    return sorted(set(times))


def patrol_photo_path(instance: Any, filename: str) -> str:
    return f"patrols/{uuid.uuid4().hex}.jpg"


class PatrolPoint(SchoolRecord):
    """A place on the school's patrol (the gate, the boiler room, a lab, the pond by the road),
    with its QR code on the printed sheet."""

    name = models.CharField(_("name"), max_length=100)
    location = models.CharField(_("location"), max_length=200, blank=True)
    order = models.PositiveIntegerField(_("order"), default=0)
    is_active = models.BooleanField(_("in use"), default=True)

    class Meta:
        verbose_name = _("patrol point")
        verbose_name_plural = _("patrol points")
        ordering = ["school", "order", "name"]
        constraints = [
            models.UniqueConstraint(fields=["school", "name"], name="patrolpoint_unique_name")
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        return reverse("registers:patrol-scan", args=[self.pk])

    def check_record(self, user: Any) -> None:
        check_writer(user, GATE_WRITERS, self.school)

    def record(
        self,
        user: Any,
        *,
        at: datetime.datetime | None = None,
        note: str = "",
        photo: Any = None,
        hazard: dict[str, Any] | None = None,
    ) -> Patrol:
        """Record a patrol of this point (by the school's staff), with an optional photo and an
        optional hazard found there (reported to the ledger in the same transaction).

        `at`: when it happened, for a patrol sent later from a phone; not in the future, not
        older than `OFFLINE_DAYS`.
        """
        self.check_record(user)
        if not self.is_active:
            raise Invalid(gettext("This patrol point is no longer in use."))
        now = timezone.now()
        at = at or now
        if at > now + datetime.timedelta(minutes=5):
            raise Invalid(gettext("This time is still to come; enter when it happened."))
        if at < now - datetime.timedelta(days=OFFLINE_DAYS):
            raise Invalid(gettext("A patrol is recorded within a week."))
        processed = None
        if photo is not None:
            from xiaoan.hazards.photos import process_upload

            processed = process_upload(photo)
        with transaction.atomic():
            patrol = Patrol(school=self.school, point=self, patrolled_at=at, note=note.strip())
            patrol.recorded_by = user
            if processed is not None:
                patrol.photo.save("photo.jpg", ContentFile(processed.jpeg), save=False)
            if hazard:
                patrol.hazard = self._report_hazard(user, at, note, hazard, processed)
            patrol.save()
        return patrol

    def _report_hazard(
        self, user: Any, at: datetime.datetime, note: str, hazard: dict[str, Any], photo: Any
    ) -> Any:
        from xiaoan.hazards.choices import HazardLevel, HazardSource, PhotoKind
        from xiaoan.hazards.models import Hazard

        description = (hazard.get("description") or note).strip()
        if not description:
            raise Invalid(gettext("Describe the hazard found."))
        found = Hazard.objects.report(
            school=self.school,
            area=hazard["area"],
            level=hazard.get("level") or HazardLevel.GENERAL,
            description=description,
            location=self.location or self.name,
            found_on=timezone.localdate(at),
            reported_by=user,
            source=HazardSource.SELF_REPORT,
        )
        if photo is not None:
            found.add_photo(user, ContentFile(photo.jpeg, name="photo.jpg"), PhotoKind.BEFORE)
        return found


class PatrolRoute(SchoolRecord):
    """Points patrolled together, and the times of day each round starts."""

    name = models.CharField(_("name"), max_length=100)
    points = models.ManyToManyField(PatrolPoint, related_name="routes", verbose_name=_("points"))
    times = models.CharField(
        _("times of day"),
        max_length=200,
        help_text=_("When each round starts, e.g. 07:30 12:00 21:30."),
    )
    window_minutes = models.PositiveIntegerField(
        _("minutes allowed"),
        default=60,
        help_text=_("A round done within this many minutes of its time is on time."),
    )
    is_active = models.BooleanField(_("in use"), default=True)

    class Meta:
        verbose_name = _("patrol route")
        verbose_name_plural = _("patrol routes")
        ordering = ["school", "name"]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        super().clean()
        try:
            if not parse_times(self.times):
                raise ValidationError(gettext("Give at least one time of day, e.g. 07:30."))
        except ValidationError as error:
            raise ValidationError({"times": error.messages}) from error
        if not 1 <= self.window_minutes <= 24 * 60:
            raise ValidationError({"window_minutes": gettext("Between 1 minute and a day.")})

    @property
    def window(self) -> datetime.timedelta:
        return datetime.timedelta(minutes=self.window_minutes)

    def time_list(self) -> list[datetime.time]:
        try:
            return parse_times(self.times)
        except ValidationError:
            return []


class Patrol(SchoolRecord):
    """A point patrolled: when, by whom (the recorder), a note, a photo, a hazard found."""

    writers = GATE_WRITERS

    point = models.ForeignKey(
        PatrolPoint, models.PROTECT, related_name="patrols", verbose_name=_("patrol point")
    )
    patrolled_at = models.DateTimeField(_("patrolled at"), default=timezone.now)
    note = models.CharField(_("note"), max_length=500, blank=True)
    photo = models.FileField(_("photo"), upload_to=patrol_photo_path, blank=True)
    hazard = models.OneToOneField(
        "hazards.Hazard",
        models.PROTECT,
        null=True,
        blank=True,
        related_name="patrol",
        verbose_name=_("hazard found"),
    )

    class Meta:
        verbose_name = _("patrol")
        verbose_name_plural = _("patrols")
        ordering = ["-patrolled_at"]
        indexes = [
            models.Index(fields=["school", "patrolled_at"], name="patrol_school_time_idx"),
            models.Index(fields=["point", "patrolled_at"], name="patrol_point_time_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.point} {timezone.localtime(self.patrolled_at):%Y-%m-%d %H:%M}"


@dataclass
class Round:
    """One point of one route at one time of one day, and what happened."""

    route: PatrolRoute
    point: PatrolPoint
    due_at: datetime.datetime
    status: str
    patrol_at: datetime.datetime | None = None

    @property
    def status_label(self) -> str:
        return str(RoundStatus(self.status).label)


@dataclass
class _Slot:
    route: PatrolRoute
    point: PatrolPoint
    due_at: datetime.datetime
    on_time: tuple[datetime.datetime, datetime.datetime]  # inclusive
    late: tuple[datetime.datetime, datetime.datetime]  # exclusive
    status: str = ""
    patrol_at: datetime.datetime | None = None

    def takes(self, status: str, when: datetime.datetime) -> bool:
        if status == RoundStatus.ON_TIME:
            return self.on_time[0] <= when <= self.on_time[1]
        return self.late[0] < when < self.late[1]


def _slots(routes: list[PatrolRoute], day: datetime.date) -> list[_Slot]:
    start = day_start(day)
    end = start + datetime.timedelta(days=1)
    slots = []
    for route in routes:
        due = [
            start + datetime.timedelta(hours=t.hour, minutes=t.minute) for t in route.time_list()
        ]
        for index, due_at in enumerate(due):
            until = due[index + 1] if index + 1 < len(due) else end
            on_time = (due_at - EARLY, due_at + route.window)
            late = (due_at + route.window, until)
            for point in route.points.all():
                if point.is_active:
                    slots.append(_Slot(route, point, due_at, on_time, late))
    return slots


def _day_rounds(
    routes: list[PatrolRoute],
    day: datetime.date,
    times_by_point: dict[int, list[datetime.datetime]],
    now: datetime.datetime,
) -> list[Round]:
    slots = _slots(routes, day)
    used: dict[int, set[datetime.datetime]] = defaultdict(set)
    # A patrol on time for one round counts there before it counts as late for an earlier one.
    for kind in (RoundStatus.ON_TIME, RoundStatus.LATE):
        for slot in slots:
            if slot.status:
                continue
            for when in times_by_point.get(slot.point.pk, ()):
                if when not in used[slot.point.pk] and slot.takes(kind, when):
                    used[slot.point.pk].add(when)
                    slot.status, slot.patrol_at = kind, when
                    break
    result = []
    for slot in slots:
        status = slot.status or (RoundStatus.MISSED if now > slot.on_time[1] else RoundStatus.DUE)
        result.append(Round(slot.route, slot.point, slot.due_at, status, slot.patrol_at))
    return sorted(result, key=lambda r: (r.due_at, r.point.order, r.point.name))


def _routes_of(schools: Any) -> dict[int, list[PatrolRoute]]:
    routes = PatrolRoute.objects.filter(school__in=schools, is_active=True).prefetch_related(
        "points"
    )
    by_school: dict[int, list[PatrolRoute]] = defaultdict(list)
    for route in routes.order_by("name"):
        by_school[route.school_id].append(route)
    return by_school


def _patrol_times(
    schools: Any, start: datetime.date, end: datetime.date
) -> dict[int, list[datetime.datetime]]:
    rows = Patrol.objects.filter(
        school__in=schools,
        patrolled_at__gte=day_start(start) - EARLY,
        patrolled_at__lt=day_start(end + datetime.timedelta(days=1)),
    ).values_list("point_id", "patrolled_at")
    times: dict[int, list[datetime.datetime]] = defaultdict(list)
    for point_id, at in rows.order_by("patrolled_at"):
        times[point_id].append(at)
    return times


def rounds(school: Any, day: datetime.date, now: datetime.datetime | None = None) -> list[Round]:
    """Every round of the school's routes on `day`, with its status now."""
    routes = _routes_of([school.pk]).get(school.pk, [])
    times = _patrol_times([school.pk], day, day)
    return _day_rounds(routes, day, times, now or timezone.now())


def patrol_figures(
    schools: Any, start: datetime.date, end: datetime.date, now: datetime.datetime | None = None
) -> dict[int, dict[str, int]]:
    """For each school (ids or a queryset), its rounds from `start` to `end` (inclusive,
    not after today) counted by status: `{school_id: {"rounds", "on_time", "late", "missed"}}`.
    What the monthly report and the board read."""
    now = now or timezone.now()
    end = min(end, local_today())
    routes = _routes_of(schools)
    times = _patrol_times(schools, start, end)
    figures: dict[int, dict[str, int]] = {}
    for school_id, school_routes in routes.items():
        counts = dict.fromkeys(["rounds", *RoundStatus.values], 0)
        day = start
        while day <= end:
            for item in _day_rounds(school_routes, day, times, now):
                counts["rounds"] += 1
                counts[item.status] += 1
            day += datetime.timedelta(days=1)
        figures[school_id] = counts
    return figures
