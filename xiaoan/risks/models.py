"""The risk register (风险分级管控): each school's risk points, assessed likelihood × severity
(L×S, each 1–5) into four levels 红橙黄蓝 (`choices.level_for`).

A point's descriptive fields are edited as any versioned record (every save in the change log);
its level changes only by an assessment (`identify` first, then `reassess`), each one a
`RiskAssessment` row with who, when, the scores and why, never edited. A hazard linked to a
point that already had one within a year (`RECURRENCE_DAYS`) flags the point for
re-assessment (`hazard_linked`), tells the school and puts it on its to-do list.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models, transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from xiaoan.accounts.access import is_superuser, member
from xiaoan.accounts.choices import Role
from xiaoan.core.changelog import guarded_update
from xiaoan.core.dates import local_today
from xiaoan.core.errors import Invalid, NotAllowed, Refused
from xiaoan.core.models import ActiveDuring, TimeStampedModel, Versioned, span_in_order
from xiaoan.core.validators import validate_phone
from xiaoan.core.workflow import Actions
from xiaoan.hazards.querysets import RECURRENCE_DAYS as HAZARD_RECURRENCE_DAYS
from xiaoan.notifications.choices import NotificationKind
from xiaoan.notifications.recipients import About, announce

from .choices import (
    LIKELIHOOD_CHOICES,
    SCALE,
    SEVERITY_CHOICES,
    AssessmentReason,
    RiskLevel,
    level_for,
)
from .querysets import AssessmentQuerySet, RiskPointQuerySet

# Who keeps a school's register: its safety administrator, and the bureau's safety section.
WRITERS = (Role.SCHOOL_ADMIN, Role.BUREAU_ADMIN)
# The ledger's recurrence window: a hazard found at most this many days after an earlier founded
# one of the same point recurs there (the point's controls did not hold).
RECURRENCE_DAYS = HAZARD_RECURRENCE_DAYS
# Hazard states that do not count as an earlier occurrence (the report was not founded).
NOT_FOUNDED = ("rejected",)


def _score_field(label: Any, choices: Any) -> models.PositiveSmallIntegerField:
    return models.PositiveSmallIntegerField(
        label,
        choices=choices,
        validators=[MinValueValidator(1), MaxValueValidator(5)],
    )


def _scores_valid(prefix: str) -> models.CheckConstraint:
    return models.CheckConstraint(
        name=f"{prefix}_scores_1_to_5",
        condition=Q(likelihood__gte=1, likelihood__lte=5, severity__gte=1, severity__lte=5),
        violation_error_message=_("Likelihood and severity are scored from 1 to 5."),
    )


class RiskPointManager(models.Manager.from_queryset(RiskPointQuerySet)):  # type: ignore[misc]
    def identify(
        self,
        user: Any,
        *,
        school: Any,
        likelihood: int,
        severity: int,
        comment: str = "",
        **fields: Any,
    ) -> RiskPoint:
        """A new point with its first assessment (both in the change log), in one transaction."""
        check_writer(user, school)
        _check_scores(likelihood, severity)
        point = self.model(
            school=school,
            likelihood=likelihood,
            severity=severity,
            level=level_for(likelihood, severity),
            recorded_by=user,
            **fields,
        )
        if point.identified_on is None:
            point.identified_on = local_today()
        with transaction.atomic():
            point.save()
            point._assessment(user, AssessmentReason.IDENTIFIED, comment)
        return point


class RiskPoint(Actions, ActiveDuring, Versioned, TimeStampedModel):
    """A place or activity of a school where harm may come (风险点): what could go wrong, how it
    is controlled and by whom, and its level from its latest assessment."""

    active_span = ("identified_on", "retired_on")

    school = models.ForeignKey(
        "schools.School", models.PROTECT, related_name="risk_points", verbose_name=_("school")
    )
    name = models.CharField(_("risk point"), max_length=100)
    location = models.CharField(_("location"), max_length=200, blank=True)
    area = models.ForeignKey(
        "hazards.Area", models.PROTECT, related_name="risk_points", verbose_name=_("area")
    )
    hazard_sources = models.TextField(
        _("hazard sources"), help_text=_("What could cause harm here, one a line.")
    )
    consequences = models.TextField(
        _("possible consequences"), help_text=_("e.g. fire, crushing, poisoning, drowning.")
    )
    control_measures = models.TextField(_("control measures"))
    responsible = models.CharField(_("person responsible"), max_length=50)
    responsible_phone = models.CharField(
        _("phone of the person responsible"), max_length=30, validators=[validate_phone]
    )
    likelihood = _score_field(_("likelihood (L)"), LIKELIHOOD_CHOICES)
    severity = _score_field(_("severity (S)"), SEVERITY_CHOICES)
    level = models.CharField(_("risk level"), max_length=10, choices=RiskLevel.choices)
    identified_on = models.DateField(_("identified on"), null=True, blank=True)
    retired_on = models.DateField(
        _("retired on"),
        null=True,
        blank=True,
        help_text=_("The day the point left the register (the risk was removed)."),
    )
    retire_reason = models.CharField(_("reason for retiring"), max_length=200, blank=True)
    needs_reassessment = models.BooleanField(_("to be re-assessed"), default=False)
    flagged_by = models.ForeignKey(
        "hazards.Hazard",
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("recurring hazard"),
    )
    flagged_at = models.DateTimeField(_("flagged at"), null=True, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("recorded by"),
    )

    objects = RiskPointManager()

    class Meta:
        verbose_name = _("risk point")
        verbose_name_plural = _("risk points")
        ordering = ["school__code", "name", "id"]
        constraints = [
            _scores_valid("riskpoint"),
            models.CheckConstraint(
                name="riskpoint_level_valid", condition=Q(level__in=RiskLevel.values)
            ),
            span_in_order("riskpoint_retired_after_identified", "identified_on", "retired_on"),
            models.UniqueConstraint(
                fields=["school", "name"],
                condition=Q(retired_on__isnull=True),
                name="riskpoint_unique_name_in_register",
                violation_error_message=_("This school already has a risk point of this name."),
            ),
        ]
        indexes = [
            models.Index(fields=["school", "level"], name="riskpoint_school_level_idx"),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("risks:detail", args=[self.pk])

    @property
    def score(self) -> int:
        return self.likelihood * self.severity

    @property
    def flagged_by_code(self) -> str:
        return self.flagged_by.code if self.flagged_by_id and self.flagged_by else "—"

    @property
    def is_retired(self) -> bool:
        return self.retired_on is not None and self.retired_on <= local_today()

    # ---- who may do what -----------------------------------------------------------------

    def action_checks(self) -> dict[str, Callable[[Any], object]]:
        return {"edit": self.check_edit, "reassess": self.check_edit, "retire": self.check_retire}

    def check_edit(self, user: Any) -> None:
        check_writer(user, self.school)
        if self.is_retired:
            raise Refused(gettext("This risk point has been retired."))

    def check_retire(self, user: Any) -> None:
        self.check_edit(user)

    # ---- steps ---------------------------------------------------------------------------

    def reassess(
        self,
        user: Any,
        *,
        likelihood: int,
        severity: int,
        reason: str,
        comment: str = "",
        version: int | None = None,
    ) -> RiskAssessment:
        """A new assessment: the point takes its level, the flag of a recurrence is cleared."""
        self.check_edit(user)
        _check_scores(likelihood, severity)
        if reason not in AssessmentReason.values or reason == AssessmentReason.IDENTIFIED:
            raise Invalid(gettext("Say why the point is re-assessed."), field="reason")
        if reason != AssessmentReason.REVIEW and not comment.strip():
            raise Invalid(gettext("Say in a line what changed."), field="comment")
        if version is not None:
            self.version = int(version)
        changes = {
            "likelihood": likelihood,
            "severity": severity,
            "level": level_for(likelihood, severity).value,
            "needs_reassessment": False,
            "flagged_at": None,
        }
        hazard_id = self.flagged_by_id
        with transaction.atomic():
            guarded_update(self, {**changes, "flagged_by": None}, user=user)
            return self._assessment(user, reason, comment, hazard_id=hazard_id)

    def retire(
        self, user: Any, *, reason: str, on: datetime.date | None = None, version: int | None = None
    ) -> None:
        """Take the point off the register (the risk was removed); its history stays."""
        self.check_retire(user)
        day = on or local_today()
        if not reason.strip():
            raise Invalid(gettext("Say why the point leaves the register."), field="reason")
        if day > local_today():
            raise Invalid(gettext("The date cannot be in the future."), field="on")
        if self.identified_on and day <= self.identified_on:
            raise Invalid(gettext("The end date must come after the start date."), field="on")
        if version is not None:
            self.version = int(version)
        changes = {"retired_on": day, "retire_reason": reason.strip()[:200]}
        guarded_update(self, changes, user=user)

    def hazard_linked(self, hazard: Any, user: Any) -> bool:
        """Called when `hazard` is put on this point (reported or edited so): if an earlier
        hazard of the point recurs in it, flag the point for re-assessment and tell the school.
        Call inside the hazard's transaction. True when the point was flagged now."""
        if not self.is_recurrence(hazard):
            return False
        flagged = type(self)._base_manager.filter(pk=self.pk, needs_reassessment=False)
        if not flagged.exists():
            return False  # already waiting for its re-assessment
        point = type(self)._base_manager.get(pk=self.pk)
        now = timezone.now()
        changes = {"needs_reassessment": True, "flagged_by": hazard, "flagged_at": now}
        guarded_update(point, changes, user=user, expect={"needs_reassessment": False})
        self.needs_reassessment, self.flagged_by, self.flagged_at = True, hazard, now
        self.version = point.version
        announce(
            NotificationKind.RISK_REASSESSMENT_DUE,
            About(bureau_id=self.school.bureau_id, school_ids=(self.school_id,)),
            actor=user,
            params={
                "code": hazard.code,
                "school": self.school.name,
                "point": self.name,
                "risk_level": self.level,
            },
            link=self.get_absolute_url(),
            code=hazard.code,
        )
        return True

    def is_recurrence(self, hazard: Any) -> bool:
        """The ledger's one rule of a recurrence (`HazardQuerySet.recurrences`: an earlier
        founded hazard of the school in the same area, found at most a year before), with the
        earlier hazard at this point."""
        recurring = type(hazard).objects.filter(pk=hazard.pk).recurrences()
        if not recurring.exists():
            return False
        since = hazard.found_on - datetime.timedelta(days=RECURRENCE_DAYS)
        earlier = self.hazards.exclude(pk=hazard.pk).exclude(status__in=NOT_FOUNDED)  # type: ignore[attr-defined]
        return bool(earlier.filter(found_on__gte=since, found_on__lt=hazard.found_on).exists())

    def _assessment(
        self, user: Any, reason: str, comment: str, hazard_id: int | None = None
    ) -> RiskAssessment:
        return RiskAssessment.objects.create(
            point=self,
            likelihood=self.likelihood,
            severity=self.severity,
            level=self.level,
            reason=reason,
            comment=comment.strip(),
            hazard_id=hazard_id,
            assessed_by=user,
        )


class RiskAssessment(TimeStampedModel):
    """One assessment of a point (风险评估): its scores and level, who made it, when and why.
    Rows are only added; the point's history is the list of them."""

    point = models.ForeignKey(
        RiskPoint, models.PROTECT, related_name="assessments", verbose_name=_("risk point")
    )
    likelihood = _score_field(_("likelihood (L)"), LIKELIHOOD_CHOICES)
    severity = _score_field(_("severity (S)"), SEVERITY_CHOICES)
    level = models.CharField(_("risk level"), max_length=10, choices=RiskLevel.choices)
    reason = models.CharField(_("reason"), max_length=20, choices=AssessmentReason.choices)
    comment = models.TextField(_("comment"), blank=True)
    hazard = models.ForeignKey(
        "hazards.Hazard",
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("recurring hazard"),
    )
    assessed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("assessed by"),
    )

    objects = AssessmentQuerySet.as_manager()

    class Meta:
        verbose_name = _("risk assessment")
        verbose_name_plural = _("risk assessments")
        ordering = ["-created_at", "-id"]
        constraints = [
            _scores_valid("riskassessment"),
            models.CheckConstraint(
                name="riskassessment_level_valid", condition=Q(level__in=RiskLevel.values)
            ),
        ]

    def __str__(self) -> str:
        return f"{self.point} · {self.get_level_display()}"

    @property
    def score(self) -> int:
        return self.likelihood * self.severity


def check_writer(user: Any, school: Any) -> None:
    """Raise NotAllowed unless `user` keeps the register of `school` (its own safety
    administrator, or the safety section of its district)."""
    if is_superuser(user):
        return
    membership = member(user)
    if membership.role not in WRITERS:
        raise NotAllowed(gettext("Your role may not change the risk register."))
    if membership.school_id is not None:
        if membership.school_id != school.pk:
            raise NotAllowed(gettext("Only the school's own people keep its risk register."))
    elif membership.bureau_id != school.bureau_id:
        raise NotAllowed(gettext("Only the school's own people keep its risk register."))


def _check_scores(likelihood: Any, severity: Any) -> None:
    for name, value in (("likelihood", likelihood), ("severity", severity)):
        if not isinstance(value, int) or value not in SCALE:
            raise Invalid(gettext("Likelihood and severity are scored from 1 to 5."), field=name)
