"""The annual safety assessment with the one-vote veto (年度安全考核与一票否决).

The assessment is scored by weighted items. Items the data can measure are computed; the
others the bureau scores. A bureau leader may apply the one-vote veto (一票否决) with a reason:
the result is then 不合格 (fail) whatever the score. Every step is a guarded update
(`core.changelog.guarded_update`: version and state checked in one statement, change-log row)
and writes an AssessmentEvent.

The tables keep their first names (`registers_assessment…`): the assessment was kept with the
registers before it read the reports, inspections and hazards too.
"""

from __future__ import annotations

import copy
import datetime
from collections.abc import Callable, Mapping
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from xiaoan.accounts.access import has_role, is_superuser, member
from xiaoan.accounts.choices import Role
from xiaoan.core.changelog import guarded_update
from xiaoan.core.errors import Invalid, NotAllowed, Refused
from xiaoan.core.models import TimeStampedModel, Versioned, WorkflowEvent
from xiaoan.core.workflow import Actions
from xiaoan.registers.models import Incident

from .choices import AssessmentEventKind, AssessmentResult
from .querysets import AssessmentQuerySet

# Item → weight (percent of the total).
WEIGHTS: dict[str, int] = {
    "inspections_score": 20,
    "hazards_score": 30,
    "monthly_score": 20,
    "registers_score": 15,
    "incidents_score": 15,
}
EXCELLENT_FROM = Decimal(90)
PASS_FROM = Decimal(60)


class Assessment(Actions, Versioned, TimeStampedModel):
    """One school's annual safety assessment."""

    school = models.ForeignKey(
        "schools.School", models.PROTECT, related_name="assessments", verbose_name=_("school")
    )
    year = models.PositiveSmallIntegerField(_("year"))
    inspections_score = models.DecimalField(
        _("inspections held"),
        max_digits=5,
        decimal_places=1,
        null=True,
        blank=True,
        validators=[MinValueValidator(0), MaxValueValidator(100)],
    )
    hazards_score = models.DecimalField(
        _("hazards closed on time"),
        max_digits=5,
        decimal_places=1,
        null=True,
        blank=True,
        validators=[MinValueValidator(0), MaxValueValidator(100)],
    )
    monthly_score = models.DecimalField(
        _("monthly reports on time"),
        max_digits=5,
        decimal_places=1,
        null=True,
        blank=True,
        validators=[MinValueValidator(0), MaxValueValidator(100)],
    )
    registers_score = models.DecimalField(
        _("registers kept"),
        max_digits=5,
        decimal_places=1,
        null=True,
        blank=True,
        validators=[MinValueValidator(0), MaxValueValidator(100)],
    )
    incidents_score = models.DecimalField(
        _("incidents"),
        max_digits=5,
        decimal_places=1,
        null=True,
        blank=True,
        validators=[MinValueValidator(0), MaxValueValidator(100)],
    )
    computed_items = models.JSONField(_("items computed from the data"), default=list, blank=True)
    total = models.DecimalField(
        _("total score"), max_digits=5, decimal_places=1, null=True, blank=True
    )
    vetoed = models.BooleanField(_("one-vote veto"), default=False)
    veto_reason = models.TextField(_("reason for the veto"), blank=True)
    vetoed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("vetoed by"),
    )
    vetoed_at = models.DateTimeField(_("vetoed at"), null=True, blank=True)
    result = models.CharField(
        _("assessment result"), max_length=10, choices=AssessmentResult.choices, blank=True
    )

    objects = AssessmentQuerySet.as_manager()

    class Meta:
        db_table = "registers_assessment"
        verbose_name = _("annual safety assessment")
        verbose_name_plural = _("annual safety assessments")
        ordering = ["-year", "school"]
        constraints = [
            models.UniqueConstraint(fields=["school", "year"], name="assessment_unique_year"),
            models.CheckConstraint(
                name="assessment_veto_means_fail",
                condition=Q(vetoed=False) | Q(result=AssessmentResult.FAIL),
            ),
            models.CheckConstraint(
                name="assessment_veto_has_reason", condition=Q(vetoed=False) | ~Q(veto_reason="")
            ),
        ]

    def __str__(self) -> str:
        return f"{self.school} {self.year}"

    # ---- derived ----------------------------------------------------------------------------

    @property
    def period(self) -> tuple[datetime.date, datetime.date]:
        return datetime.date(self.year, 1, 1), datetime.date(self.year, 12, 31)

    @property
    def items(self) -> list[tuple[str, str, int, Decimal | None, bool]]:
        """(field, label, weight, score, computed) for each item, in order."""
        return [
            (
                name,
                str(getattr(self._meta.get_field(name), "verbose_name", name)),
                weight,
                getattr(self, name),
                name in self.computed_items,
            )
            for name, weight in WEIGHTS.items()
        ]

    @property
    def missing_items(self) -> list[str]:
        return [label for _n, label, _w, score, _c in self.items if score is None]

    def veto_proposed(self) -> bool:
        """A major liability accident in the year flags the school for the veto."""
        start, end = self.period
        return (
            Incident.objects.major_liability()
            .filter(school=self.school_id, occurred_at__date__range=(start, end))
            .exists()
        )

    def weighted_total(self) -> Decimal | None:
        scores = [(getattr(self, n), w) for n, w in WEIGHTS.items()]
        if any(score is None for score, _w in scores):
            return None
        total = sum(Decimal(score) * w for score, w in scores) / Decimal(100)
        return Decimal(total).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)

    def outcome(self) -> str:
        if self.vetoed:
            return AssessmentResult.FAIL
        if self.total is None:
            return ""
        if self.total >= EXCELLENT_FROM:
            return AssessmentResult.EXCELLENT
        if self.total >= PASS_FROM:
            return AssessmentResult.PASS
        return AssessmentResult.FAIL

    # ---- steps ------------------------------------------------------------------------------

    def action_checks(self) -> dict[str, Callable[[Any], object]]:
        return {
            "compute": self.check_compute,
            "score": self.check_score,
            "veto": self.check_veto,
            "lift_veto": self.check_lift_veto,
        }

    def check_compute(self, user: Any) -> None:
        _require(user, Role.BUREAU_ADMIN, self.school)

    def check_score(self, user: Any) -> None:
        _require(user, Role.BUREAU_ADMIN, self.school)

    def check_veto(self, user: Any) -> None:
        _require(user, Role.BUREAU_LEADER, self.school)
        if self.vetoed:
            raise Refused(gettext("The veto has already been applied."))

    def check_lift_veto(self, user: Any) -> None:
        _require(user, Role.BUREAU_LEADER, self.school)
        if not self.vetoed:
            raise Refused(gettext("No veto has been applied."))

    def compute(self, user: Any, version: int | None = None) -> dict[str, Decimal]:
        """Fill in every item the data can measure; the bureau's own scores stay."""
        from .assessing import computed_scores

        self.check_compute(user)
        scores = computed_scores(self.school, self.year)
        changes: dict[str, Any] = {**scores, "computed_items": sorted(scores)}
        data = {k: str(v) for k, v in scores.items()}
        self._step(user, AssessmentEventKind.COMPUTED, changes, version=version, data=data)
        return scores

    def score(
        self,
        user: Any,
        scores: Mapping[str, Decimal | None],
        comment: str = "",
        version: int | None = None,
    ) -> None:
        """The bureau scores the items the data cannot measure."""
        self.check_score(user)
        if set(scores) - set(WEIGHTS):
            raise Invalid(gettext("Unknown assessment item."))
        if any(name in self.computed_items for name in scores):
            raise Invalid(gettext("An item computed from the data cannot be scored by hand."))
        for value in scores.values():
            if value is not None and not Decimal(0) <= Decimal(value) <= Decimal(100):
                raise Invalid(gettext("A score lies between 0 and 100."))
        data = {k: (None if v is None else str(v)) for k, v in scores.items()}
        self._step(
            user, AssessmentEventKind.SCORED, dict(scores), comment, version=version, data=data
        )

    def veto(self, user: Any, reason: str, version: int | None = None) -> None:
        """One-vote veto: the result is 不合格 whatever the score (bureau leader only)."""
        self.check_veto(user)
        if not reason.strip():
            raise Invalid(gettext("Give the reason for the one-vote veto."))
        changes = {
            "vetoed": True,
            "veto_reason": reason.strip(),
            "vetoed_by": user,
            "vetoed_at": timezone.now(),
        }
        self._step(
            user,
            AssessmentEventKind.VETOED,
            changes,
            reason.strip(),
            version=version,
            expect={"vetoed": False},
        )

    def lift_veto(self, user: Any, reason: str, version: int | None = None) -> None:
        self.check_lift_veto(user)
        if not reason.strip():
            raise Invalid(gettext("Give the reason for lifting the veto."))
        changes = {"vetoed": False, "veto_reason": "", "vetoed_by": None, "vetoed_at": None}
        self._step(
            user,
            AssessmentEventKind.VETO_LIFTED,
            changes,
            reason.strip(),
            version=version,
            expect={"vetoed": True},
        )

    def _step(
        self,
        user: Any,
        kind: str,
        changes: dict[str, Any],
        comment: str = "",
        *,
        version: int | None = None,
        data: dict[str, Any] | None = None,
        expect: dict[str, Any] | None = None,
    ) -> None:
        """The one write path: the new total and result with the changes, one guarded update
        (the version read, or the one the user's form or request carried) and the event."""
        if version is not None:
            self.version = version
        draft = copy.copy(self)
        for name, value in changes.items():
            setattr(draft, name, value)
        draft.total = draft.weighted_total()
        changes = {**changes, "total": draft.total, "result": draft.outcome()}
        before = self.result
        with transaction.atomic():
            guarded_update(self, changes, user=user, expect=expect)
            AssessmentEvent.objects.create(
                assessment=self,
                actor=user,
                kind=kind,
                from_status=before,
                to_status=self.result,
                comment=comment,
                data=data or {},
                total=self.total,
                result=self.result,
            )


def _require(user: Any, role: str, school: Any) -> None:
    """The role at the school's district (superusers pass)."""
    if is_superuser(user):
        return
    if not has_role(user, role) or member(user).bureau_id != school.bureau_id:
        raise NotAllowed(gettext("Your role may not take this step of the assessment."))


class AssessmentEvent(WorkflowEvent):
    """One step of an assessment's history; never edited or deleted."""

    assessment = models.ForeignKey(
        Assessment, models.CASCADE, related_name="events", verbose_name=_("assessment")
    )
    kind = models.CharField(_("step"), max_length=25, choices=AssessmentEventKind.choices)
    total = models.DecimalField(
        _("total score"), max_digits=5, decimal_places=1, null=True, blank=True
    )
    result = models.CharField(_("assessment result"), max_length=10, blank=True)

    class Meta(WorkflowEvent.Meta):
        db_table = "registers_assessmentevent"
        verbose_name = _("assessment event")
        verbose_name_plural = _("assessment events")

    def __str__(self) -> str:
        return f"{self.assessment} {self.get_kind_display()}"
