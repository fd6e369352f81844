"""The registers as the pages show them: model, filter, form, columns, who may write.

One list page, one Excel export and one form view serve every register; the special pages
(the gate, duty gaps, assessments) are their own views.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.db import models as dj_models
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from xiaoan.core.dates import local_today
from xiaoan.core.templatetags.people import person

from . import filters, forms, models, visibility
from .querysets import GATE_READERS, SPECIAL_GROUP_READERS

Accessor = Callable[[Any, Any], Any]


@dataclass(frozen=True)
class Column:
    label: Any
    value: Accessor


def attr(path: str, label: Any = None) -> Column:
    def get(row: Any, user: Any) -> Any:
        value = row
        for part in path.split("."):
            display = getattr(value, f"get_{part}_display", None)
            value = display() if display else getattr(value, part, None)
            if value is None:
                return ""
        return value

    return Column(label, get)


def local(value: Any) -> Any:
    """Datetimes as the bureau reads them (Asia/Shanghai), dates as they are."""
    if hasattr(value, "tzinfo") and value is not None and value != "":
        return date_format(timezone.localtime(value), "Y-m-d H:i")
    return value


def dt(path: str, label: Any) -> Column:
    inner = attr(path, label).value
    return Column(label, lambda row, user: local(inner(row, user)))


@dataclass(frozen=True)
class Register:
    slug: str
    title: Any
    group: Any
    model: type[dj_models.Model]
    filterset: type[filters.RegisterFilter]
    form: type[forms.RegisterForm]
    columns: list[Column]
    related: tuple[str, ...] = ("school",)
    filter_fields: tuple[str, ...] = field(default_factory=tuple)
    # Visitors are registered at the gate (ID checked), never through the plain form.
    gate_only: bool = False
    # Roles that may read the rows (None: whoever the queryset lets see them).
    readers: tuple[str, ...] | None = None
    # What a column needs besides the row, read in the same query (today's check of a vehicle).
    annotate: Callable[[Any], Any] | None = None
    # A template the row's detail page includes below its cells (a drill's problems, photos).
    detail_extra: str = ""
    # The step that puts one of the row's problems on the hazard ledger (`ProblemsToLedger`).
    problem_view: str = ""
    # A daily log kept on a phone: its form goes through the field pages' outbox (kept on the
    # device without a network, sent once when it returns).
    offline: bool = False

    def rows(self, user: Any) -> Any:
        """The rows `user` may see, as the list, the export, a row's page and the API read them."""
        queryset = self.model.objects.for_user(user).select_related(*self.related)  # type: ignore[attr-defined]
        return self.annotate(queryset) if self.annotate else queryset

    @property
    def writers(self) -> tuple[str, ...]:
        """Who adds and corrects rows: the model's rule (`SchoolRecord.writers`)."""
        return self.model.writers  # type: ignore[attr-defined,no-any-return]

    def headers(self) -> list[str]:
        return [str(_("School")), *(str(c.label) for c in self.columns)]

    def cells(self, row: Any, user: Any) -> list[Any]:
        return [row.school.name, *(c.value(row, user) for c in self.columns)]


def _m(model: Any, name: str) -> Any:
    return model._meta.get_field(name).verbose_name


def _cols(model: Any, *names: str) -> list[Column]:
    columns = []
    for name in names:
        f = model._meta.get_field(name)
        if isinstance(f, dj_models.DateTimeField):
            columns.append(dt(name, f.verbose_name))
        else:
            columns.append(attr(name, f.verbose_name))
    return columns


def _yes(value: bool) -> str:
    return str(_("Yes")) if value else str(_("No"))


def _bool(model: Any, name: str) -> Column:
    return Column(_m(model, name), lambda row, user: _yes(getattr(row, name)))


def _papers(vehicle: Any, user: Any) -> str:
    """Flag a vehicle whose inspection or insurance is past or due within 30 days."""
    today = local_today()
    due = vehicle.papers_due(today + datetime.timedelta(days=PAPERS_NOTICE_DAYS))
    if any(when < today for _what, when in due):
        return str(_("Expired"))
    return str(_("Due soon")) if due else ""


def _today_check(row: Any, user: Any) -> str:
    """Today's pre-departure check of the vehicle (`models.with_todays_check`): a failed one
    keeps it off the road until a re-check passes."""
    passed = getattr(row, "todays_check_passed", None)
    if passed is None:
        return ""
    return str(_("Passed")) if passed else str(_("Off the road: check failed"))


def _qualification(driver: Any, user: Any) -> str:
    """Article 23 checked again today: a licence or an age can lapse after entry."""
    failures = driver.qualification_failures(local_today())
    return " ".join(failures) if failures else str(_("Qualified"))


PAPERS_NOTICE_DAYS = 30
M = models
SECURITY = _("Campus security")
VEHICLES = _("Pick-up vehicles")
EDUCATION = _("Drowning prevention and education")
OVERSIGHT = _("Incidents and responsibility")
PATROLS = _("Patrols (QR check-in)")
DRILLS = _("Emergency plans and drills")
FOOD = _("Daily food-safety control")
PAPERS = _("Licences and certificates")


def _approval(plan: Any, user: Any) -> str:
    if not plan.is_approved:
        return str(_("Not approved"))
    return f"{plan.approved_by} {plan.approved_on:%Y-%m-%d}"


def _problems(row: Any, user: Any) -> str:
    return "；".join(row.problem_lines())


def _validity(paper: Any, user: Any) -> str:
    return models.papers.validity_label(paper.validity(local_today()))


def _route_points(route: Any, user: Any) -> str:
    return "、".join(point.name for point in route.points.all())


REGISTERS: list[Register] = [
    Register(
        "duty",
        _("Duty roster"),
        SECURITY,
        M.DutyShift,
        filters.DutyShiftFilter,
        forms.register_form(M.DutyShift, ["person", "phone", "is_leader", "starts_at", "ends_at"]),
        [
            *_cols(M.DutyShift, "person", "phone", "starts_at", "ends_at"),
            _bool(M.DutyShift, "is_leader"),
        ],
    ),
    Register(
        "duty-log",
        _("Duty log"),
        SECURITY,
        M.DutyLogEntry,
        filters.DutyLogFilter,
        forms.DutyLogForm,
        [
            *_cols(M.DutyLogEntry, "occurred_at", "kind", "content"),
            attr("shift.person", _("Person on duty")),
            Column(_("Written by"), lambda row, user: person(row.recorded_by)),
        ],
        related=("school", "shift", "recorded_by"),
    ),
    Register(
        "visitors",
        _("Visitors"),
        SECURITY,
        M.Visitor,
        filters.VisitorFilter,
        forms.register_form(
            M.Visitor, ["organisation", "purpose", "host", "phone", "vehicle_plate"]
        ),
        [
            attr("name", _("Full name")),
            attr("id_type", _("ID type")),
            Column(_("ID number"), lambda row, user: row.id_for(user)),
            *_cols(
                M.Visitor,
                "organisation",
                "purpose",
                "host",
                "vehicle_plate",
                "entered_at",
                "left_at",
            ),
            Column(_("Refused entry"), lambda row, user: row.refusal_reason if row.refused else ""),
            Column(
                _("Watch list"), lambda row, user: row.watch_hit.reason if row.watch_hit else ""
            ),
            Column(_("Admitted because"), lambda row, user: row.admission_reason),
        ],
        related=("school", "watch_hit"),
        gate_only=True,
        readers=GATE_READERS,
    ),
    Register(
        "watch-list",
        _("Watch list"),
        SECURITY,
        M.WatchListEntry,
        filters.WatchListFilter,
        forms.WatchListForm,
        [
            *_cols(M.WatchListEntry, "name", "reason"),
            Column(_("ID number"), lambda row, user: row.id_masked),
            _bool(M.WatchListEntry, "is_active"),
        ],
        readers=GATE_READERS,
    ),
    Register(
        "police-rooms",
        _("Campus police rooms"),
        SECURITY,
        M.PoliceRoom,
        filters.PoliceRoomFilter,
        forms.register_form(M.PoliceRoom, ["name", "police_station", "officer", "established_on"]),
        _cols(M.PoliceRoom, "name", "police_station", "officer", "established_on"),
    ),
    Register(
        "security-staff",
        _("Security staff"),
        SECURITY,
        M.SecurityStaff,
        filters.SecurityStaffFilter,
        forms.register_form(M.SecurityStaff, ["name", "kind", "post", "phone", "since", "until"]),
        _cols(M.SecurityStaff, "name", "kind", "post", "phone", "since", "until"),
    ),
    Register(
        "equipment",
        _("Defence equipment"),
        SECURITY,
        M.Equipment,
        filters.EquipmentFilter,
        forms.register_form(M.Equipment, ["name", "kind", "quantity", "installed_on"]),
        _cols(M.Equipment, "name", "kind", "quantity", "installed_on"),
    ),
    Register(
        "funding",
        _("Defence funding"),
        SECURITY,
        M.DefenceFunding,
        filters.DefenceFundingFilter,
        forms.register_form(M.DefenceFunding, ["year", "amount", "purpose"]),
        _cols(M.DefenceFunding, "year", "amount", "purpose"),
    ),
    Register(
        "vehicles",
        _("Vehicles"),
        VEHICLES,
        M.Vehicle,
        filters.VehicleFilter,
        forms.register_form(
            M.Vehicle,
            [
                "plate",
                "seats",
                "owner",
                "is_school_bus",
                "bus_licence_no",
                "inspection_due",
                "insurance_due",
                "active_from",
                "active_until",
            ],
        ),
        [
            *_cols(
                M.Vehicle,
                "plate",
                "seats",
                "owner",
                "bus_licence_no",
                "inspection_due",
                "insurance_due",
            ),
            _bool(M.Vehicle, "is_school_bus"),
            *_cols(M.Vehicle, "active_from", "active_until"),
            Column(_("Today's check"), _today_check),
            Column(_("Papers"), _papers),
        ],
        annotate=lambda rows: M.with_todays_check(rows, "pk"),
    ),
    Register(
        "drivers",
        _("Drivers"),
        VEHICLES,
        M.Driver,
        filters.DriverFilter,
        forms.DriverForm,
        [
            *_cols(M.Driver, "name"),
            Column(_m(M.Driver, "licence_no"), visibility.driver_licence),
            *_cols(M.Driver, "licence_class", "licence_valid_until", "driving_years"),
            Column(
                _m(M.Driver, "birth_date"),
                lambda row, user: visibility.driver_birth_date(row, user) or "",
            ),
            attr("vehicle.plate", _("Vehicle")),
            *_cols(M.Driver, "active_from", "active_until"),
            Column(_("Article 23"), _qualification),
        ],
        related=("school", "vehicle"),
    ),
    Register(
        "routes",
        _("Routes"),
        VEHICLES,
        M.Route,
        filters.RouteFilter,
        forms.register_form(
            M.Route, ["name", "vehicle", "driver", "escort", "escort_phone", "stops", "students"]
        ),
        [
            attr("name", _("Name")),
            attr("vehicle.plate", _("Vehicle")),
            attr("driver.name", _("Driver")),
            *_cols(M.Route, "escort", "students"),
            Column(_("Stops"), lambda row, user: " → ".join(row.stop_list)),
            Column(_("Today's check"), _today_check),
        ],
        related=("school", "vehicle", "driver"),
        annotate=lambda rows: M.with_todays_check(rows, "vehicle_id"),
    ),
    Register(
        "checks",
        _("Pre-departure checks"),
        VEHICLES,
        M.PreDepartureCheck,
        filters.PreDepartureCheckFilter,
        forms.register_form(
            M.PreDepartureCheck,
            ["vehicle", "checked_on", "checked_by", *M.PreDepartureCheck.ITEMS, "notes"],
        ),
        [
            attr("vehicle.plate", _("Vehicle")),
            *_cols(M.PreDepartureCheck, "checked_on", "checked_by"),
            Column(_("Passed"), lambda row, user: _yes(row.passed)),
            attr("notes", _("Notes")),
            attr("hazard.code", _m(M.PreDepartureCheck, "hazard")),
        ],
        related=("school", "vehicle", "hazard"),
    ),
    Register(
        "escort-teams",
        _("Parent escort teams"),
        VEHICLES,
        M.EscortTeam,
        filters.EscortTeamFilter,
        forms.register_form(
            M.EscortTeam, ["name", "leader", "phone", "members", "founded_on", "is_pilot"]
        ),
        [
            *_cols(M.EscortTeam, "name", "leader", "members", "founded_on"),
            _bool(M.EscortTeam, "is_pilot"),
        ],
    ),
    Register(
        "escort-shifts",
        _("Escort shifts"),
        VEHICLES,
        M.EscortShift,
        filters.EscortShiftFilter,
        forms.register_form(M.EscortShift, ["team", "day", "post", "parents"]),
        [attr("team.name", _("Team")), *_cols(M.EscortShift, "day", "post", "parents")],
        related=("school", "team"),
    ),
    Register(
        "activities",
        _("Safety activities"),
        EDUCATION,
        M.SafetyActivity,
        filters.SafetyActivityFilter,
        forms.register_form(
            M.SafetyActivity,
            [
                "kind",
                "held_on",
                "title",
                "audience",
                "participants",
                "home_school_contact",
                "special_groups",
            ],
        ),
        [
            *_cols(M.SafetyActivity, "held_on", "kind", "title", "audience", "participants"),
            _bool(M.SafetyActivity, "home_school_contact"),
            _bool(M.SafetyActivity, "special_groups"),
        ],
    ),
    Register(
        "acknowledgements",
        _("Four don'ts acknowledgements"),
        EDUCATION,
        M.Acknowledgement,
        filters.AcknowledgementFilter,
        forms.register_form(
            M.Acknowledgement, ["class_name", "signed_on", "students", "acknowledged"]
        ),
        _cols(M.Acknowledgement, "class_name", "signed_on", "students", "acknowledged"),
    ),
    Register(
        "special-groups",
        _("Special groups"),
        EDUCATION,
        M.SpecialGroupChild,
        filters.SpecialGroupFilter,
        forms.register_form(
            M.SpecialGroupChild,
            [
                "name",
                "class_name",
                "kind",
                "guardian",
                "guardian_phone",
                "caring_teacher",
                "notes",
                "active_from",
                "active_until",
            ],
        ),
        _cols(
            M.SpecialGroupChild,
            "name",
            "class_name",
            "kind",
            "guardian",
            "guardian_phone",
            "caring_teacher",
            "active_from",
            "active_until",
        ),
        readers=SPECIAL_GROUP_READERS,
    ),
    Register(
        "surroundings",
        _("Surroundings checks"),
        OVERSIGHT,
        M.SurroundingsCheck,
        filters.SurroundingsCheckFilter,
        forms.register_form(
            M.SurroundingsCheck,
            [
                "checked_on",
                "no_illegal_venues",
                "no_illegal_stalls",
                "no_illegal_buildings",
                "no_major_accident",
                "findings",
                "department",
            ],
        ),
        [
            *_cols(M.SurroundingsCheck, "checked_on"),
            Column(_("Four no's"), lambda row, user: "; ".join(row.failed_items) or str(_("Met"))),
            attr("findings", _("Findings")),
            attr("department.name", _("Department responsible")),
            attr("hazard.code", _("Follow-up hazard")),
        ],
        related=("school", "department", "hazard"),
    ),
    Register(
        "incidents",
        _("Incidents"),
        OVERSIGHT,
        M.Incident,
        filters.IncidentFilter,
        forms.register_form(
            M.Incident,
            [
                "occurred_at",
                "kind",
                "severity",
                "deaths",
                "injuries",
                "description",
                "school_liable",
                "reported_at",
                "follow_up",
            ],
        ),
        [
            *_cols(
                M.Incident,
                "occurred_at",
                "kind",
                "severity",
                "deaths",
                "injuries",
                "description",
                "reported_at",
            ),
            Column(
                _("Report"),
                lambda row, user: str(_("Late")) if row.reported_late else str(_("In time")),
            ),
            Column(
                _("Veto flag"),
                lambda row, user: (
                    str(_("Major liability accident")) if row.is_major_liability else ""
                ),
            ),
        ],
    ),
    Register(
        "letters",
        _("Responsibility letters"),
        OVERSIGHT,
        M.ResponsibilityLetter,
        filters.LetterFilter,
        forms.register_form(
            M.ResponsibilityLetter, ["year", "level", "issuer", "signatory", "signed_on"]
        ),
        [
            *_cols(M.ResponsibilityLetter, "year", "level", "issuer", "signatory", "signed_on"),
            Column(
                _("Status"),
                lambda row, user: str(_("Signed")) if row.is_signed else str(_("Not signed")),
            ),
        ],
    ),
    Register(
        "patrol-points",
        _("Patrol points"),
        PATROLS,
        M.PatrolPoint,
        filters.PatrolPointFilter,
        forms.register_form(M.PatrolPoint, ["name", "location", "order", "is_active"]),
        [
            *_cols(M.PatrolPoint, "name", "location", "order"),
            _bool(M.PatrolPoint, "is_active"),
        ],
    ),
    Register(
        "patrol-routes",
        _("Patrol routes"),
        PATROLS,
        M.PatrolRoute,
        filters.PatrolRouteFilter,
        forms.PatrolRouteForm,
        [
            *_cols(M.PatrolRoute, "name", "times", "window_minutes"),
            Column(_m(M.PatrolRoute, "points"), _route_points),
            _bool(M.PatrolRoute, "is_active"),
        ],
        related=("school",),
    ),
    Register(
        "patrols",
        _("Patrols"),
        PATROLS,
        M.Patrol,
        filters.PatrolFilter,
        forms.register_form(M.Patrol, ["point", "patrolled_at", "note"]),
        [
            attr("point.name", _("Patrol point")),
            *_cols(M.Patrol, "patrolled_at", "note"),
            attr("recorded_by", _("Recorded by")),
            Column(_("Photo"), lambda row, user: str(_("Yes")) if row.photo else ""),
            attr("hazard.code", _("Hazard found")),
        ],
        related=("school", "point", "recorded_by", "hazard"),
    ),
    Register(
        "emergency-plans",
        _("Emergency plans"),
        DRILLS,
        M.EmergencyPlan,
        filters.EmergencyPlanFilter,
        forms.EmergencyPlanForm,
        [
            *_cols(M.EmergencyPlan, "scenario", "title", "edition", "responsible"),
            Column(_("Approval"), _approval),
            Column(_("Plan file"), lambda row, user: row.attachment_name if row.attachment else ""),
            _bool(M.EmergencyPlan, "in_force"),
        ],
        detail_extra="registers/plan_extra.html",
    ),
    Register(
        "drills",
        _("Drills"),
        DRILLS,
        M.Drill,
        filters.DrillFilter,
        forms.DrillForm,
        [
            *_cols(M.Drill, "scenario", "held_on"),
            Column(_("Emergency plan"), lambda row, user: str(row.plan) if row.plan else ""),
            *_cols(M.Drill, "pupils", "staff"),
            Column(_("Evacuation time"), lambda row, user: row.evacuation_time),
            Column(_("Problems found"), _problems),
            attr("evaluation", _("Evaluation")),
        ],
        related=("school", "plan"),
        detail_extra="registers/drill_extra.html",
        problem_view="registers:drill-report-problem",
    ),
    Register(
        "morning-checks",
        _("Morning checks"),
        FOOD,
        M.MorningCheck,
        filters.MorningCheckFilter,
        forms.MorningCheckForm,
        [
            *_cols(
                M.MorningCheck,
                "checked_on",
                "checker",
                "checked_count",
                "unwell_count",
                "off_duty_count",
            ),
            Column(_("Workers and their health"), visibility.staff_health),
            attr("notes", _("Notes")),
        ],
        offline=True,
    ),
    Register(
        "food-samples",
        _("Food samples"),
        FOOD,
        M.FoodSample,
        filters.FoodSampleFilter,
        forms.FoodSampleForm,
        _cols(
            M.FoodSample,
            "served_on",
            "meal",
            "dish",
            "weight_g",
            "kept_at",
            "kept_until",
            "kept_by",
        ),
        offline=True,
    ),
    Register(
        "accompanying-meals",
        _("Accompanying meals"),
        FOOD,
        M.AccompanyingMeal,
        filters.AccompanyingMealFilter,
        forms.AccompanyingMealForm,
        [
            *_cols(M.AccompanyingMeal, "served_on", "meal", "leader", "post", "notes"),
            Column(_("Problems found"), _problems),
        ],
        detail_extra="registers/problems_extra.html",
        problem_view="registers:meal-report-problem",
        offline=True,
    ),
    Register(
        "supplier-certificates",
        _("Supplier certificates"),
        FOOD,
        M.SupplierCertificate,
        filters.SupplierCertificateFilter,
        forms.SupplierCertificateForm,
        [
            *_cols(
                M.SupplierCertificate,
                "supplier",
                "goods",
                "kind",
                "number",
                "received_on",
                "valid_until",
            ),
            Column(_("Validity"), _validity),
            Column(_("Scan"), lambda row, user: row.attachment_name if row.attachment else ""),
        ],
        detail_extra="registers/certificate_extra.html",
    ),
    Register(
        "school-papers",
        _("Licences and certificates"),
        PAPERS,
        M.SchoolPaper,
        filters.SchoolPaperFilter,
        forms.SchoolPaperForm,
        [
            attr("kind.name", _m(M.SchoolPaper, "kind")),
            *_cols(M.SchoolPaper, "number", "holder", "issuer", "issued_on", "valid_until"),
            Column(_("Validity"), _validity),
            Column(_("Scan"), lambda row, user: row.attachment_name if row.attachment else ""),
        ],
        related=("school", "kind"),
        detail_extra="registers/paper_extra.html",
    ),
]

BY_SLUG = {register.slug: register for register in REGISTERS}


def groups() -> list[tuple[Any, list[Register]]]:
    result: list[tuple[Any, list[Register]]] = []
    for register in REGISTERS:
        if not result or result[-1][0] != register.group:
            result.append((register.group, []))
        result[-1][1].append(register)
    return result
