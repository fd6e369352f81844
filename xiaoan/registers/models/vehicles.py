"""Pick-up vehicles and school buses (接送车/校车), their drivers, routes and checks, and the
parent escort teams (家长护导队).

Drivers are checked against article 23 of the School Bus Safety Regulations (《校车安全管理条例》).

The rules of the register are written here once, as `rule_errors()` ({field: [messages]}):
`clean()` raises them, so the page's form and the API (which uses the form) say them at the
field, and the Excel import reports the same messages for its bad rows (docs/registers.md).
"""

from __future__ import annotations

import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models, transaction
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from xiaoan.core.changelog import guarded_update
from xiaoan.core.dates import local_today
from xiaoan.core.models import ActiveDuring, span_in_order
from xiaoan.core.validators import validate_phone
from xiaoan.notifications.choices import NotificationKind
from xiaoan.notifications.recipients import About, announce

from ..choices import LicenceClass
from ..querysets import ActiveRegisterQuerySet
from .base import SchoolRecord

MIN_DRIVER_AGE = 25
MAX_DRIVER_AGE = 60
MIN_DRIVING_YEARS = 3

Errors = dict[str, list[str]]


def raise_errors(errors: Errors) -> None:
    """`clean()` of a register row: its rule errors, each at its field."""
    if any(errors.values()):
        raise ValidationError({name: messages for name, messages in errors.items() if messages})


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

    def rule_errors(self) -> Errors:
        """A school bus carries its sign number (校车标牌); the seats hold every route's pupils."""
        errors: Errors = {"bus_licence_no": [], "seats": []}
        if self.is_school_bus and not (self.bus_licence_no or "").strip():
            errors["bus_licence_no"].append(
                gettext("A school bus needs its school-bus sign number (校车标牌).")
            )
        if self.pk and self.seats:
            for route in self.routes.filter(students__gt=self.seats).order_by("name"):
                errors["seats"].append(
                    gettext(
                        "Route %(route)s carries %(students)d pupils in this vehicle: it needs "
                        "at least %(students)d seats."
                    )
                    % {"route": route.name, "students": route.students}
                )
        return errors

    def clean(self) -> None:
        raise_errors(self.rule_errors())

    def failed_check_on(self, day: datetime.date) -> PreDepartureCheck | None:
        """The day's pre-departure check that keeps the vehicle off the road: the latest
        check of the day, if it failed (a passing re-check after it lifts the block)."""
        latest = self.checks.filter(checked_on=day).order_by("-pk").first()
        return latest if latest is not None and not latest.passed else None


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
            failures.append(
                gettext("The driving licence expired on %(date)s.")
                % {"date": self.licence_valid_until.isoformat()}
            )
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

    def trip_failures(self, on: datetime.date) -> list[str]:
        """Why the driver may not drive a route on `on`: off the register that day, or a
        condition of article 23 failed (an expired licence named with its date)."""
        failures = []
        if not self.active_on(on):
            failures.append(gettext("The driver is not on the register on that day."))
        return failures + self.qualification_failures(on)


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

    def rule_errors(self, on: datetime.date | None = None) -> Errors:
        """Seats for every pupil; a driver qualified, with valid papers, on the trip day
        (`on`, default today: a route runs from the day it is set); a vehicle newly put on
        the route that failed the day's pre-departure check is refused until a re-check."""
        on = on or local_today()
        errors: Errors = {"students": [], "driver": [], "vehicle": []}
        vehicle = self.vehicle if self.vehicle_id else None
        if vehicle is not None and self.students > vehicle.seats:
            errors["students"].append(
                gettext(
                    "%(students)d pupils cannot ride in vehicle %(plate)s, which has "
                    "%(seats)d seats: no overloading."
                )
                % {"students": self.students, "plate": vehicle.plate, "seats": vehicle.seats}
            )
        if self.driver_id:
            errors["driver"] += [
                gettext("%(driver)s may not drive this route: %(reason)s")
                % {"driver": self.driver.name, "reason": reason}
                for reason in self.driver.trip_failures(on)
            ]
        if vehicle is not None and self._db_value("vehicle_id") != self.vehicle_id:
            failed = vehicle.failed_check_on(on)
            if failed is not None:
                errors["vehicle"].append(blocked_message(failed))
        return errors

    def clean(self) -> None:
        raise_errors(self.rule_errors())

    def _db_value(self, name: str) -> object:
        return getattr(self, "_db_values", {}).get(name) if self.pk else None


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
    hazard = models.OneToOneField(
        "hazards.Hazard",
        models.PROTECT,
        null=True,
        blank=True,
        editable=False,
        related_name="pre_departure_check",
        verbose_name=_("hazard raised"),
    )

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

    @property
    def failed_items(self) -> list[str]:
        return [
            str(getattr(self._meta.get_field(item), "verbose_name", item))
            for item in self.ITEMS
            if not getattr(self, item)
        ]

    def rule_errors(self) -> Errors:
        if self.checked_on and self.checked_on > local_today():
            return {"checked_on": [gettext("A check is recorded on or after the day it is done.")]}
        return {}

    def clean(self) -> None:
        raise_errors(self.rule_errors())

    def save(self, *args: Any, **kwargs: Any) -> None:
        """A failed check blocks the vehicle for the day (`Vehicle.failed_check_on`), and in
        the same transaction goes on the hazard ledger (area vehicle) and is told at once to
        the school's safety administrators and the bureau safety section."""
        with transaction.atomic():
            super().save(*args, **kwargs)
            # A row loaded by code without a recorder (the demo) has nobody to report it.
            if not self.passed and self.hazard_id is None and self.recorded_by_id is not None:
                self._raise_hazard()

    def _raise_hazard(self) -> None:
        from xiaoan.hazards.choices import AreaCode, HazardLevel, HazardSource
        from xiaoan.hazards.models import Area, Hazard

        items = "、".join(self.failed_items)
        description = gettext(
            "Vehicle %(plate)s failed its pre-departure check (%(items)s); it may not carry "
            "pupils until a re-check passes."
        ) % {"plate": self.vehicle.plate, "items": items}
        if self.notes:
            description += " " + self.notes
        hazard = Hazard.objects.report(
            school=self.school,
            area=Area.objects.get(code=AreaCode.VEHICLE),
            level=HazardLevel.GENERAL,
            description=description,
            reported_by=self.recorded_by,
            source=HazardSource.SELF_REPORT,
            location=self.vehicle.plate,
            found_on=self.checked_on,
            from_record=True,
        )
        guarded_update(
            self, {"hazard": hazard}, user=self.recorded_by, expect={"hazard__isnull": True}
        )
        announce(
            NotificationKind.VEHICLE_CHECK_FAILED,
            About(bureau_id=self.school.bureau_id, school_ids=(self.school_id,)),
            actor=self.recorded_by,
            params={
                "plate": self.vehicle.plate,
                "school": self.school.name,
                "day": self.checked_on.isoformat(),
                "items": items,
                "code": hazard.code,
            },
            link=reverse("registers:detail", args=["checks", self.pk]),
            code=hazard.code,
        )


def with_todays_check(vehicles_or_routes: Any, vehicle: str) -> Any:
    """Annotate `todays_check_passed` (None: no check yet today) from the latest of today's
    pre-departure checks of the vehicle that `vehicle` (an outer field) names, in one query."""
    passed = models.ExpressionWrapper(
        Q(**{item: True for item in PreDepartureCheck.ITEMS}), output_field=models.BooleanField()
    )
    latest = (
        PreDepartureCheck.objects.filter(vehicle=models.OuterRef(vehicle), checked_on=local_today())
        .order_by("-pk")
        .annotate(all_ok=passed)
        .values("all_ok")[:1]
    )
    return vehicles_or_routes.annotate(todays_check_passed=models.Subquery(latest))


def blocked_message(check: PreDepartureCheck) -> str:
    return gettext(
        "Vehicle %(plate)s failed its pre-departure check on %(day)s (%(items)s): it may not "
        "be used that day until a re-check passes."
    ) % {
        "plate": check.vehicle.plate,
        "day": check.checked_on.isoformat(),
        "items": "、".join(check.failed_items),
    }


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
