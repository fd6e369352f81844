"""Campaigns (专项行动) the bureau runs; hazards, inspections and reports are counted per campaign."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from xiaoan.core.models import TimeStampedModel


class Campaign(TimeStampedModel):
    """A school-safety special action of one district, over a period, with focus areas."""

    bureau = models.ForeignKey(
        "schools.Bureau", models.PROTECT, related_name="campaigns", verbose_name=_("bureau")
    )
    name = models.CharField(_("name"), max_length=200)
    start_date = models.DateField(_("start date"))
    end_date = models.DateField(_("end date"))
    focus_areas = models.ManyToManyField(
        "hazards.Area", blank=True, related_name="campaigns", verbose_name=_("focus areas")
    )

    class Meta:
        verbose_name = _("campaign")
        verbose_name_plural = _("campaigns")
        ordering = ["-start_date"]
        constraints = [
            models.CheckConstraint(
                name="campaign_ends_after_start",
                condition=models.Q(end_date__gte=models.F("start_date")),
            )
        ]

    def __str__(self) -> str:
        return self.name
