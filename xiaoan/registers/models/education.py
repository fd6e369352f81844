"""Drowning prevention and safety education (防溺水与安全教育), and the special-groups register."""

from __future__ import annotations

from typing import Any

from django.db import models
from django.db.models import Count, F, Q
from django.utils.translation import gettext_lazy as _

from xiaoan.core.dates import local_today
from xiaoan.core.models import ActiveDuring, span_in_order
from xiaoan.core.validators import validate_phone

from ..choices import ActivityKind, SpecialGroupKind
from ..querysets import SpecialGroupQuerySet
from .base import SchoolRecord


class SafetyActivity(SchoolRecord):
    """A drowning-prevention or safety-education activity, a drill, a home-school contact."""

    kind = models.CharField(_("kind"), max_length=12, choices=ActivityKind.choices)
    held_on = models.DateField(_("date"))
    title = models.CharField(_("title"), max_length=200)
    audience = models.CharField(_("audience"), max_length=100)
    participants = models.PositiveIntegerField(_("participants"))
    home_school_contact = models.BooleanField(
        _("with parents (home-school contact)"), default=False
    )
    special_groups = models.BooleanField(_("special groups included"), default=False)

    class Meta:
        verbose_name = _("safety activity")
        verbose_name_plural = _("safety activities")
        ordering = ["-held_on", "school"]

    def __str__(self) -> str:
        return self.title


class Acknowledgement(SchoolRecord):
    """How many parents of a class signed the "four don'ts" (四个不) of drowning prevention.

    Kept per class, not per child: the register needs the coverage, not the names.
    """

    class_name = models.CharField(_("class"), max_length=50)
    signed_on = models.DateField(_("date"))
    students = models.PositiveSmallIntegerField(_("students"))
    acknowledged = models.PositiveSmallIntegerField(_("parents who signed"))

    class Meta:
        verbose_name = _("parents' acknowledgement")
        verbose_name_plural = _("parents' acknowledgements")
        ordering = ["school", "class_name"]
        constraints = [
            models.CheckConstraint(
                name="acknowledgement_not_above_class",
                condition=Q(acknowledged__lte=F("students")),
                violation_error_message=_(
                    "More parents signed than the class has students; check the two numbers."
                ),
            ),
            models.UniqueConstraint(
                fields=["school", "class_name", "signed_on"],
                name="acknowledgement_unique_class",
                violation_error_message=_(
                    "This class's acknowledgements of that day are already recorded; open the "
                    "entry to correct it."
                ),
            ),
        ]

    def __str__(self) -> str:
        return self.class_name


class SpecialGroupChild(ActiveDuring, SchoolRecord):
    """A child of migrant workers or a left-behind child, their guardian and caring teacher.

    Children's data: only the school's safety administrator and the bureau's safety officer
    see these rows (`SpecialGroupQuerySet`).
    """

    name = models.CharField(_("full name"), max_length=50)
    class_name = models.CharField(_("class"), max_length=50)
    kind = models.CharField(_("group"), max_length=12, choices=SpecialGroupKind.choices)
    guardian = models.CharField(_("guardian"), max_length=50)
    guardian_phone = models.CharField(
        _("guardian's phone"), max_length=30, blank=True, validators=[validate_phone]
    )
    caring_teacher = models.CharField(_("caring teacher"), max_length=50)
    notes = models.CharField(_("notes"), max_length=200, blank=True)
    active_from = models.DateField(
        _("active from"),
        null=True,
        blank=True,
        default=local_today,
        help_text=_("The day it came on the register."),
    )
    active_until = models.DateField(
        _("active until"),
        null=True,
        blank=True,
        help_text=_("The day it left the register; from that day it is not counted."),
    )

    objects = SpecialGroupQuerySet.as_manager()  # type: ignore[misc,assignment]

    class Meta:
        verbose_name = _("special-group child")
        verbose_name_plural = _("special groups")
        ordering = ["school", "class_name", "name"]
        constraints = [span_in_order("special_child_left_after_joined")]

    def __str__(self) -> str:
        return self.name


def counts_by_school(schools: models.QuerySet[Any]) -> models.QuerySet[Any]:
    """Children on the special-group register today per school of `schools`, without any name."""
    return (
        SpecialGroupChild.objects.filter(school__in=schools)
        .current()
        .values("school__code", "school__name")
        .annotate(
            migrant=Count("id", filter=Q(kind=SpecialGroupKind.MIGRANT)),
            left_behind=Count("id", filter=Q(kind=SpecialGroupKind.LEFT_BEHIND)),
            total=Count("id"),
        )
        .order_by("school__code")
    )
