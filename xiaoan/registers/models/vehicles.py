"""Pick-up vehicles and school buses (接送车/校车), their drivers, routes and checks, and the
parent escort teams (家长护导队).

Drivers are checked against article 23 of the School Bus Safety Regulations (《校车安全管理条例》).
"""

from __future__ import annotations

import datetime

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from xiaoan.core.dates import local_today
from xiaoan.core.models import ActiveDuring, span_in_order
from xiaoan.core.validators import validate_phone

from ..choices import LicenceClass
from ..querysets import ActiveRegisterQuerySet
from .base import SchoolRecord

MIN_DRIVER_AGE = 25
MAX_DRIVER_AGE = 60
MIN_DRIVING_YEARS = 3


class Vehicle(ActiveDuring, SchoolRecord):
    """A pick-up vehicle or school bus serving the school, with the dates its papers fall due."""

    plate = models.CharField(_("plate number"), max_length=20)
    seats = models.PositiveSmallIntegerField(
        _("seats"), validators=[MinValueValidator(1), MaxValueValidator(80)]
    )
    owner = models.CharField(_("owner"), max_length=100)
    is_school_bus = models.BooleanField(_("school bus"), default=True)
    bus_licence_no = models.CharField(_("school-bus sign number"), max_length=30, blank=True)
    inspection_due = models.DateField(_("next inspection due"))
    insurance_due = models.DateField(_("insurance valid until"))
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

    objects = ActiveRegisterQuerySet.as_manager()  # type: ignore[misc,assignment]

    class Meta:
        verbose_name = _("vehicle")
        verbose_name_plural = _("pick-up vehicles")
        ordering = ["school", "plate"]
        constraints = [
            models.UniqueConstraint(
                fields=["plate"],
                name="vehicle_unique_plate",
                violation_error_message=_("A vehicle with this plate is already registered."),
            ),
            span_in_order("vehicle_left_after_joined"),
            models.CheckConstraint(
                name="vehicle_has_seats",
                condition=Q(seats__gt=0),
                violation_error_message=_("A vehicle has at least one seat."),
            ),
        ]

    def __str__(self) -> str:
        return self.plate

    def papers_due(self, until: datetime.date) -> list[tuple[str, datetime.date]]:
        """("inspection" | "insurance", date) for each paper due by `until`."""
        due = [("inspection", self.inspection_due), ("insurance", self.insurance_due)]
        return [(what, when) for what, when in due if when <= until]


def age_on(birth: datetime.date, day: datetime.date) -> int:
    return day.year - birth.year - ((day.month, day.day) < (birth.month, birth.day))


class Driver(ActiveDuring, SchoolRecord):
    """A driver and the facts article 23 of the regulations asks for."""

    name = models.CharField(_("full name"), max_length=50)
    vehicle = models.ForeignKey(
        Vehicle,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="drivers",
        verbose_name=_("vehicle"),
    )
    licence_no = models.CharField(_("driving licence number"), max_length=30)
    licence_class = models.CharField(_("licence class"), max_length=2, choices=LicenceClass.choices)
    licence_valid_until = models.DateField(_("licence valid until"))
    birth_date = models.DateField(_("date of birth"))
    driving_years = models.PositiveSmallIntegerField(
        _("years of driving"), validators=[MaxValueValidator(60)]
    )
    full_points_in_3_cycles = models.BooleanField(
        _("12 points lost in the last 3 scoring cycles"), default=False
    )
    fatal_accident_record = models.BooleanField(
        _("liable for a traffic accident with death or serious injury"), default=False
    )
    drink_driving_record = models.BooleanField(_("drink-driving record"), default=False)
    serious_violation_last_year = models.BooleanField(
        _("overloading or speeding with passengers in the last year"), default=False
    )
    criminal_record = models.BooleanField(_("criminal record"), default=False)
    health_ok = models.BooleanField(
        _("healthy, no disease endangering driving, no alcohol or drug abuse"), default=True
    )
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

    objects = ActiveRegisterQuerySet.as_manager()  # type: ignore[misc,assignment]

    class Meta:
        verbose_name = _("driver")
        verbose_name_plural = _("drivers")
        ordering = ["school", "name"]
        constraints = [span_in_order("driver_left_after_joined")]

    def __str__(self) -> str:
        return self.name

    def qualification_failures(self, on: datetime.date) -> list[str]:
        """Each condition of article 23 the driver fails, as a message for the school."""
        failures = []
        if self.licence_class not in LicenceClass.school_bus_classes():
            failures.append(
                gettext(
                    "Licence class %(cls)s does not permit driving a school bus (A1, A3 or B1)."
                )
                % {"cls": self.licence_class}
            )
        if self.licence_valid_until and self.licence_valid_until < on:
            failures.append(gettext("The driving licence has expired."))
        if (self.driving_years or 0) < MIN_DRIVING_YEARS:
            failures.append(
                gettext("At least %(n)d years of driving experience are required.")
                % {"n": MIN_DRIVING_YEARS}
            )
        if self.birth_date:
            age = age_on(self.birth_date, on)
            if not MIN_DRIVER_AGE <= age <= MAX_DRIVER_AGE:
                failures.append(
                    gettext("The driver is %(age)d: a school-bus driver must be 25 to 60.")
                    % {"age": age}
                )
        checks = [
            (self.full_points_in_3_cycles, gettext("12 points were lost in the last 3 cycles.")),
            (
                self.fatal_accident_record,
                gettext("Liable for a traffic accident causing death or serious injury."),
            ),
            (self.drink_driving_record, gettext("Has a record of driving after drinking.")),
            (
                self.serious_violation_last_year,
                gettext("Overloaded or sped with passengers in the last year."),
            ),
            (self.criminal_record, gettext("Has a criminal record.")),
            (
                not self.health_ok,
                gettext("Health does not meet the conditions (illness, alcohol or drug abuse)."),
            ),
        ]
        failures += [message for failed, message in checks if failed]
        return failures


class Route(SchoolRecord):
    """A pick-up route: its vehicle, driver, escort (随车照管人员) and stops."""

    name = models.CharField(_("name"), max_length=100)
    vehicle = models.ForeignKey(
        Vehicle, models.PROTECT, related_name="routes", verbose_name=_("vehicle")
    )
    driver = models.ForeignKey(
        Driver, models.PROTECT, related_name="routes", verbose_name=_("driver")
    )
    escort = models.CharField(_("escort on board"), max_length=50)
    escort_phone = models.CharField(
        _("escort's phone"), max_length=30, blank=True, validators=[validate_phone]
    )
    stops = models.TextField(_("stops"), help_text=_("One stop a line, in order, with the time."))
    students = models.PositiveSmallIntegerField(_("students carried"), default=0)

    class Meta:
        verbose_name = _("route")
        verbose_name_plural = _("routes")
        ordering = ["school", "name"]

    def __str__(self) -> str:
        return self.name

    @property
    def stop_list(self) -> list[str]:
        return [line.strip() for line in self.stops.splitlines() if line.strip()]


class PreDepartureCheck(SchoolRecord):
    """The check before a vehicle sets off: brakes, tyres, belts, hammer, extinguisher."""

    vehicle = models.ForeignKey(
        Vehicle, models.PROTECT, related_name="checks", verbose_name=_("vehicle")
    )
    checked_on = models.DateField(_("date"))
    checked_by = models.CharField(_("checked by"), max_length=50)
    brakes_ok = models.BooleanField(_("brakes"), default=True)
    tyres_ok = models.BooleanField(_("tyres"), default=True)
    lights_ok = models.BooleanField(_("lights"), default=True)
    seat_belts_ok = models.BooleanField(_("seat belts"), default=True)
    escape_hammer_ok = models.BooleanField(_("escape hammer"), default=True)
    extinguisher_ok = models.BooleanField(_("fire extinguisher"), default=True)
    notes = models.CharField(_("notes"), max_length=200, blank=True)

    ITEMS = (
        "brakes_ok",
        "tyres_ok",
        "lights_ok",
        "seat_belts_ok",
        "escape_hammer_ok",
        "extinguisher_ok",
    )

    class Meta:
        verbose_name = _("pre-departure check")
        verbose_name_plural = _("pre-departure checks")
        ordering = ["-checked_on", "vehicle"]

    def __str__(self) -> str:
        return f"{self.vehicle} {self.checked_on}"

    @property
    def passed(self) -> bool:
        return all(getattr(self, item) for item in self.ITEMS)


class EscortTeam(SchoolRecord):
    """A parent escort team (家长护导队) guarding the school gate and crossings."""

    name = models.CharField(_("name"), max_length=100)
    leader = models.CharField(_("team leader"), max_length=50)
    phone = models.CharField(_("phone"), max_length=30, blank=True, validators=[validate_phone])
    members = models.PositiveSmallIntegerField(_("members"))
    founded_on = models.DateField(_("founded on"))
    is_pilot = models.BooleanField(_("pilot school"), default=False)

    class Meta:
        verbose_name = _("parent escort team")
        verbose_name_plural = _("parent escort teams")
        ordering = ["school", "name"]

    def __str__(self) -> str:
        return self.name


class EscortShift(SchoolRecord):
    """One turn of a parent escort team at a post."""

    team = models.ForeignKey(
        EscortTeam, models.CASCADE, related_name="shifts", verbose_name=_("team")
    )
    day = models.DateField(_("date"))
    post = models.CharField(_("post"), max_length=100)
    parents = models.PositiveSmallIntegerField(_("parents on duty"))

    class Meta:
        verbose_name = _("escort shift")
        verbose_name_plural = _("escort shifts")
        ordering = ["-day", "team"]

    def __str__(self) -> str:
        return f"{self.team} {self.day}"
