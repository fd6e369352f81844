"""Incidents and accidents (安全事故): what happened, how it was reported, what followed."""

from __future__ import annotations

import datetime
from typing import Any

from django.db import models, transaction
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from xiaoan.accounts.choices import Role
from xiaoan.notifications.choices import NotificationKind
from xiaoan.notifications.recipients import About, announce

from ..choices import IncidentKind, Severity
from ..querysets import RegisterQuerySet
from .base import SchoolRecord

# The bureau's rule for telling it: a major accident at once (within the hour), a serious one
# within two hours, anything else the same day.
REPORT_LIMIT_HOURS = {Severity.MAJOR: 1, Severity.SERIOUS: 2, Severity.MINOR: 24}


class IncidentQuerySet(RegisterQuerySet):
    def major_liability(self) -> IncidentQuerySet:
        return self.filter(severity=Severity.MAJOR, school_liable=True)


class Incident(SchoolRecord):
    """A safety incident or accident at a school and its report chain."""

    writers = (Role.SCHOOL_ADMIN, Role.BUREAU_ADMIN)

    occurred_at = models.DateTimeField(_("occurred at"))
    kind = models.CharField(_("kind"), max_length=10, choices=IncidentKind.choices)
    severity = models.CharField(_("severity"), max_length=10, choices=Severity.choices)
    deaths = models.PositiveSmallIntegerField(_("deaths"), default=0)
    injuries = models.PositiveSmallIntegerField(_("injuries"), default=0)
    description = models.TextField(_("what happened"))
    school_liable = models.BooleanField(_("school liable"), default=False)
    reported_at = models.DateTimeField(_("reported to the bureau at"))
    follow_up = models.TextField(_("follow-up"), blank=True)

    objects = IncidentQuerySet.as_manager()  # type: ignore[misc]

    class Meta:
        verbose_name = _("incident")
        verbose_name_plural = _("incident register")
        ordering = ["-occurred_at"]
        constraints = [
            models.CheckConstraint(
                name="incident_reported_after_occurring",
                condition=Q(reported_at__gte=F("occurred_at")),
                violation_error_message=_("An incident is reported after it happened, not before."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.school} {self.get_kind_display()}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        """A new incident is reported to the bureau at once (in the same transaction)."""
        adding = self._state.adding
        with transaction.atomic():
            super().save(*args, **kwargs)
            if adding:
                self._announce()

    def _announce(self) -> None:
        params = {
            "school": self.school.name,
            "severity": self.severity,
            "time": timezone.localtime(self.occurred_at).strftime("%Y-%m-%d %H:%M"),
            "description": self.description[:80],
        }
        announce(
            NotificationKind.INCIDENT_REPORTED,
            About(bureau_id=self.school.bureau_id, school_ids=(self.school_id,)),
            actor=self.recorded_by,
            params=params,
            link=reverse("registers:detail", args=["incidents", self.pk]),
            code=self.school.code,
        )

    @property
    def report_limit(self) -> datetime.timedelta:
        return datetime.timedelta(hours=REPORT_LIMIT_HOURS[Severity(self.severity)])

    @property
    def reported_late(self) -> bool:
        return self.reported_at - self.occurred_at > self.report_limit

    @property
    def is_major_liability(self) -> bool:
        """A major liability accident: the school is flagged for the one-vote veto."""
        return self.severity == Severity.MAJOR and self.school_liable
