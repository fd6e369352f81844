"""The four risk levels (红橙黄蓝) and the rule that gives a point its level."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

# Likelihood and severity are each scored 1–5; their product places a point in a level.
SCALE = range(1, 6)
RED_FROM, ORANGE_FROM, YELLOW_FROM = 20, 15, 8


class RiskLevel(models.TextChoices):
    """Ordered from the gravest; `rank` 0 is red."""

    RED = "red", _("Major risk (red)")
    ORANGE = "orange", _("Considerable risk (orange)")
    YELLOW = "yellow", _("General risk (yellow)")
    BLUE = "blue", _("Low risk (blue)")

    @property
    def rank(self) -> int:
        return list(RiskLevel).index(self)

    @classmethod
    def grave(cls) -> tuple[str, ...]:
        """The levels a bureau follows point by point: red and orange."""
        return (cls.RED.value, cls.ORANGE.value)


def level_for(likelihood: int, severity: int) -> RiskLevel:
    """The L×S rule: the level of the product of likelihood and severity."""
    return level_of_score(likelihood * severity)


def level_of_score(score: int) -> RiskLevel:
    """≥20 red, 15–19 orange, 8–14 yellow, below 8 blue."""
    if score >= RED_FROM:
        return RiskLevel.RED
    if score >= ORANGE_FROM:
        return RiskLevel.ORANGE
    if score >= YELLOW_FROM:
        return RiskLevel.YELLOW
    return RiskLevel.BLUE


LIKELIHOOD_CHOICES = [
    (1, pgettext_lazy("likelihood", "1 · almost impossible")),
    (2, pgettext_lazy("likelihood", "2 · unlikely")),
    (3, pgettext_lazy("likelihood", "3 · possible")),
    (4, pgettext_lazy("likelihood", "4 · likely")),
    (5, pgettext_lazy("likelihood", "5 · almost certain")),
]
SEVERITY_CHOICES = [
    (1, pgettext_lazy("severity", "1 · negligible")),
    (2, pgettext_lazy("severity", "2 · minor injury")),
    (3, pgettext_lazy("severity", "3 · serious injury")),
    (4, pgettext_lazy("severity", "4 · one death or several serious injuries")),
    (5, pgettext_lazy("severity", "5 · several deaths")),
]


class AssessmentReason(models.TextChoices):
    """Why a point was (re-)assessed; the hazard that recurred is kept on the row."""

    IDENTIFIED = "identified", _("First assessment")
    REVIEW = "review", _("Periodic review")
    RECURRENCE = "recurrence", _("A linked hazard recurred")
    CHANGE = "change", _("Conditions changed")
    MEASURES = "measures", _("Control measures improved")


STATE_CHOICES = [
    ("active", _("In the register")),
    ("retired", _("Retired")),
    ("all", _("All, with the retired")),
]
