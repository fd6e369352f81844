"""Security forces and defence (安保力量与物防技防): police rooms, guards, equipment, funding."""

from __future__ import annotations

from decimal import Decimal

from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from xiaoan.core.models import ActiveDuring, span_in_order
from xiaoan.core.validators import validate_phone

from ..choices import EquipmentKind, StaffKind
from ..querysets import ActiveRegisterQuerySet
from .base import SchoolRecord


class PoliceRoom(SchoolRecord):
    """A campus police room (校园警务室) and the station that staffs it."""

    name = models.CharField(_("name"), max_length=100)
    police_station = models.CharField(_("police station"), max_length=100, blank=True)
    officer = models.CharField(_("officer in charge"), max_length=50, blank=True)
    established_on = models.DateField(_("established on"))

    class Meta:
        verbose_name = _("campus police room")
        verbose_name_plural = _("campus police rooms")
        ordering = ["school", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["school", "name"],
                name="policeroom_unique_per_school",
                violation_error_message=_("This school already has a police room of this name."),
            )
        ]

    def __str__(self) -> str:
        return self.name


class SecurityStaff(ActiveDuring, SchoolRecord):
    """A guard, full-time security officer or auxiliary police officer and the post held,
    from `since` until `until`, the day they left (not counted from that day)."""

    active_span = ("since", "until")

    name = models.CharField(_("full name"), max_length=50)
    kind = models.CharField(_("kind"), max_length=10, choices=StaffKind.choices)
    post = models.CharField(_("post"), max_length=100)
    phone = models.CharField(_("phone"), max_length=30, blank=True, validators=[validate_phone])
    since = models.DateField(_("since"))
    until = models.DateField(
        _("left on"),
        null=True,
        blank=True,
        help_text=_("The day they left the post; from that day they are not counted."),
    )

    objects = ActiveRegisterQuerySet.as_manager()  # type: ignore[misc,assignment]

    class Meta:
        verbose_name = _("security staff member")
        verbose_name_plural = _("security staff")
        ordering = ["school", "kind", "name"]
        constraints = [span_in_order("security_staff_left_after_joined", "since", "until")]

    def __str__(self) -> str:
        return self.name


class Equipment(SchoolRecord):
    """Physical or technical defence equipment (gates, bars, cameras, alarms…)."""

    name = models.CharField(_("name"), max_length=100)
    kind = models.CharField(_("kind"), max_length=10, choices=EquipmentKind.choices)
    quantity = models.PositiveIntegerField(_("quantity"), default=1)
    installed_on = models.DateField(_("installed on"), null=True, blank=True)

    class Meta:
        verbose_name = _("defence equipment")
        verbose_name_plural = _("defence equipment")
        ordering = ["school", "kind", "name"]

    def __str__(self) -> str:
        return self.name


class DefenceFunding(SchoolRecord):
    """Money spent on physical and technical defence at a school."""

    year = models.PositiveSmallIntegerField(_("year"))
    amount = models.DecimalField(
        _("amount (yuan)"),
        max_digits=12,
        decimal_places=2,
        validators=[MinValueValidator(Decimal("0.01"))],
    )
    purpose = models.CharField(_("purpose"), max_length=200)

    class Meta:
        verbose_name = _("defence funding entry")
        verbose_name_plural = _("defence funding")
        ordering = ["-year", "school"]
        constraints = [
            models.CheckConstraint(name="defencefunding_amount_positive", condition=Q(amount__gt=0))
        ]

    def __str__(self) -> str:
        return f"{self.year} {self.amount}"
