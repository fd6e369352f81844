"""Safety responsibility letters (安全责任书) and the annual assessment with the one-vote veto.

The assessment is scored by weighted items. Items the data can measure are computed; the
others the bureau scores. A bureau leader may apply the one-vote veto (一票否决) with a reason:
the result is then 不合格 (fail) whatever the score. Every step writes an AssessmentEvent.
"""

from __future__ import annotations

import datetime
from collections.abc import Mapping
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from xiaoan.accounts.access import has_role
from xiaoan.accounts.choices import Role
from xiaoan.core.models import TimeStampedModel

from ..choices import AssessmentEventKind, AssessmentResult, LetterLevel
from ..querysets import AssessmentQuerySet, LetterQuerySet
from .base import RegisterError, SchoolRecord

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


class ResponsibilityLetter(SchoolRecord):
    """A safety responsibility letter, bureau → school or school → a member of staff."""

    year = models.PositiveSmallIntegerField(_("year"))
    level = models.CharField(_("letter level"), max_length=15, choices=LetterLevel.choices)
    issuer = models.CharField(_("issued by"), max_length=100)
    signatory = models.CharField(_("signatory"), max_length=100)
    signed_on = models.DateField(_("signed on"), null=True, blank=True)

    objects = LetterQuerySet.as_manager()  # type: ignore[misc,assignment]

    class Meta:
        verbose_name = _("responsibility letter")
        verbose_name_plural = _("responsibility letters")
        ordering = ["-year", "school", "level", "signatory"]
        constraints = [
            models.UniqueConstraint(
                fields=["school", "year", "level", "signatory"], name="letter_unique_signatory"
            )
        ]

    def __str__(self) -> str:
        return f"{self.year} {self.signatory}"

    @property
    def is_signed(self) -> bool:
        return self.signed_on is not None


class Assessment(TimeStampedModel):
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
        from .incidents import Incident

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

    # ---- transitions ------------------------------------------------------------------------

    def compute(self, user: Any) -> dict[str, Decimal]:
        """Fill in every item the data can measure; the bureau's own scores stay."""
        from ..assessing import computed_scores

        _require(user, Role.BUREAU_ADMIN)
        scores = computed_scores(self.school, self.year)
        with transaction.atomic():
            for name, value in scores.items():
                setattr(self, name, value)
            self.computed_items = sorted(scores)
            self._save_and_log(
                user, AssessmentEventKind.COMPUTED, "", {k: str(v) for k, v in scores.items()}
            )
        return scores

    def score(self, user: Any, scores: Mapping[str, Decimal | None], comment: str = "") -> None:
        """The bureau scores the items the data cannot measure."""
        _require(user, Role.BUREAU_ADMIN)
        unknown = set(scores) - set(WEIGHTS)
        if unknown:
            raise RegisterError(gettext("Unknown assessment item."))
        computed = [name for name in scores if name in self.computed_items]
        if computed:
            raise RegisterError(gettext("An item computed from the data cannot be scored by hand."))
        for value in scores.values():
            if value is not None and not Decimal(0) <= Decimal(value) <= Decimal(100):
                raise RegisterError(gettext("A score lies between 0 and 100."))
        with transaction.atomic():
            for name, value in scores.items():
                setattr(self, name, value)
            self._save_and_log(
                user,
                AssessmentEventKind.SCORED,
                comment,
                {k: (None if v is None else str(v)) for k, v in scores.items()},
            )

    def veto(self, user: Any, reason: str) -> None:
        """One-vote veto: the result is 不合格 whatever the score (bureau leader only)."""
        _require(user, Role.BUREAU_LEADER)
        if not reason.strip():
            raise RegisterError(gettext("Give the reason for the one-vote veto."))
        with transaction.atomic():
            fresh = type(self).objects.select_for_update().get(pk=self.pk)
            if fresh.vetoed:
                raise RegisterError(gettext("The veto has already been applied."))
            self.vetoed = True
            self.veto_reason = reason.strip()
            self.vetoed_by = user
            self.vetoed_at = timezone.now()
            self._save_and_log(user, AssessmentEventKind.VETOED, self.veto_reason)

    def lift_veto(self, user: Any, reason: str) -> None:
        _require(user, Role.BUREAU_LEADER)
        if not reason.strip():
            raise RegisterError(gettext("Give the reason for lifting the veto."))
        with transaction.atomic():
            fresh = type(self).objects.select_for_update().get(pk=self.pk)
            if not fresh.vetoed:
                raise RegisterError(gettext("No veto has been applied."))
            self.vetoed = False
            self.veto_reason = ""
            self.vetoed_by = None
            self.vetoed_at = None
            self._save_and_log(user, AssessmentEventKind.VETO_LIFTED, reason.strip())

    def _save_and_log(
        self, user: Any, kind: str, comment: str, data: dict[str, Any] | None = None
    ) -> None:
        self.total = self.weighted_total()
        self.result = self.outcome()
        self.save()
        AssessmentEvent.objects.create(
            assessment=self,
            actor=user,
            kind=kind,
            comment=comment,
            data=data or {},
            total=self.total,
            result=self.result,
        )


def _require(user: Any, role: str) -> None:
    if not has_role(user, role):
        raise PermissionDenied


class AssessmentEvent(models.Model):
    """One step of an assessment's history; never edited or deleted."""

    assessment = models.ForeignKey(
        Assessment, models.CASCADE, related_name="events", verbose_name=_("assessment")
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, related_name="+", verbose_name=_("by")
    )
    kind = models.CharField(_("step"), max_length=12, choices=AssessmentEventKind.choices)
    comment = models.TextField(_("comment"), blank=True)
    data = models.JSONField(_("data"), default=dict, blank=True)
    total = models.DecimalField(
        _("total score"), max_digits=5, decimal_places=1, null=True, blank=True
    )
    result = models.CharField(_("assessment result"), max_length=10, blank=True)
    created_at = models.DateTimeField(_("time"), auto_now_add=True)

    class Meta:
        verbose_name = _("assessment event")
        verbose_name_plural = _("assessment events")
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"{self.assessment} {self.get_kind_display()}"
