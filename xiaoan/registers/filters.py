"""One FilterSet per register: the page, the API and the Excel export all use it."""

from __future__ import annotations

import datetime
from typing import Any

import django_filters
from django import forms
from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from xiaoan.schools.filters import SchoolChoiceFilter

from . import models


def _style(form: Any) -> Any:
    """Bootstrap classes and date pickers for the filter bar."""
    if getattr(form, "_styled", False):
        return form
    for field in form.fields.values():
        widget = field.widget
        if isinstance(field, forms.DateField):
            widget.input_type = "date"
        if isinstance(widget, forms.NullBooleanSelect):
            widget.choices = [("unknown", _("All entries")), ("true", _("Yes")), ("false", _("No"))]
        elif getattr(field, "empty_label", None) is not None:
            field.empty_label = _("All entries")  # not Django's "---------"
            widget.choices = field.choices  # the widget keeps the choices it was built with
        css = "form-select" if isinstance(widget, forms.Select) else "form-control"
        widget.attrs["class"] = css
    form._styled = True
    return form


class StyledFilterSet(django_filters.FilterSet):
    @property
    def form(self) -> Any:
        return _style(super().form)


class RegisterFilter(StyledFilterSet):
    """School and free text; subclasses name their date field and searched fields."""

    search_fields: tuple[str, ...] = ()
    date_field = ""

    q = django_filters.CharFilter(method="search", label=_("Search"))
    school = SchoolChoiceFilter()
    date_from = django_filters.DateFilter(method="filter_from", label=_("From"))
    date_to = django_filters.DateFilter(method="filter_to", label=_("Until"))

    def search(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        query = Q()
        for field in self.search_fields:
            query |= Q(**{f"{field}__icontains": value.strip()})
        return queryset.filter(query) if self.search_fields else queryset

    def _date_lookup(self, suffix: str) -> str:
        field = self.date_field
        is_datetime = field.endswith("_at")
        return f"{field}__date__{suffix}" if is_datetime else f"{field}__{suffix}"

    def filter_from(self, queryset: QuerySet, name: str, value: Any) -> QuerySet:
        if not self.date_field:
            return queryset
        return queryset.filter(**{self._date_lookup("gte"): value})

    def filter_to(self, queryset: QuerySet, name: str, value: Any) -> QuerySet:
        if not self.date_field:
            return queryset
        return queryset.filter(**{self._date_lookup("lte"): value})


class ActiveRegisterFilter(RegisterFilter):
    """For registers of things in service for a span of days (`core.querysets`): those on the
    register today, or on a chosen day."""

    is_active = django_filters.BooleanFilter(method="filter_current", label=_("On the register"))
    on_day = django_filters.DateFilter(method="filter_on_day", label=_("On the register on"))

    def filter_current(self, queryset: QuerySet, name: str, value: bool | None) -> QuerySet:
        if value is None:
            return queryset
        current = queryset.current()  # type: ignore[attr-defined]
        return current if value else queryset.exclude(pk__in=current.values("pk"))

    def filter_on_day(self, queryset: QuerySet, name: str, value: Any) -> QuerySet:
        return queryset.as_of(value)  # type: ignore[attr-defined]


class DutyShiftFilter(RegisterFilter):
    search_fields = ("person",)
    date_field = "starts_at"

    class Meta:
        model = models.DutyShift
        fields = ["is_leader"]


class DutyLogFilter(RegisterFilter):
    search_fields = ("content",)
    date_field = "occurred_at"

    class Meta:
        model = models.DutyLogEntry
        fields = ["kind"]


class VisitorFilter(RegisterFilter):
    search_fields = ("name", "organisation", "purpose", "host", "vehicle_plate")
    date_field = "entered_at"
    inside = django_filters.BooleanFilter(method="filter_inside", label=_("Still inside"))

    class Meta:
        model = models.Visitor
        fields = ["refused"]

    def filter_inside(self, queryset: QuerySet, name: str, value: bool | None) -> QuerySet:
        if value is None:
            return queryset
        inside = Q(left_at__isnull=True, refused=False)
        return queryset.filter(inside) if value else queryset.exclude(inside)


class WatchListFilter(RegisterFilter):
    search_fields = ("name", "reason")

    class Meta:
        model = models.WatchListEntry
        fields = ["is_active"]


class PoliceRoomFilter(RegisterFilter):
    search_fields = ("name", "police_station", "officer")
    date_field = "established_on"

    class Meta:
        model = models.PoliceRoom
        fields: list[str] = []


class SecurityStaffFilter(ActiveRegisterFilter):
    search_fields = ("name", "post")
    date_field = "since"

    class Meta:
        model = models.SecurityStaff
        fields = ["kind", "is_active"]


class EquipmentFilter(RegisterFilter):
    search_fields = ("name",)
    date_field = "installed_on"

    class Meta:
        model = models.Equipment
        fields = ["kind"]


class DefenceFundingFilter(RegisterFilter):
    search_fields = ("purpose",)

    class Meta:
        model = models.DefenceFunding
        fields = ["year"]


class VehicleFilter(ActiveRegisterFilter):
    search_fields = ("plate", "owner", "bus_licence_no")
    due_by = django_filters.DateFilter(method="filter_due", label=_("Papers due by"))

    class Meta:
        model = models.Vehicle
        fields = ["is_school_bus", "is_active"]

    def filter_due(self, queryset: QuerySet, name: str, value: Any) -> QuerySet:
        return queryset.filter(Q(inspection_due__lte=value) | Q(insurance_due__lte=value))


class DriverFilter(ActiveRegisterFilter):
    search_fields = ("name", "licence_no")

    class Meta:
        model = models.Driver
        fields = ["licence_class", "is_active"]


class RouteFilter(RegisterFilter):
    search_fields = ("name", "escort", "stops")

    class Meta:
        model = models.Route
        fields: list[str] = []


class PreDepartureCheckFilter(RegisterFilter):
    search_fields = ("vehicle__plate", "checked_by", "notes")
    date_field = "checked_on"

    class Meta:
        model = models.PreDepartureCheck
        fields: list[str] = []


class EscortTeamFilter(RegisterFilter):
    search_fields = ("name", "leader")
    date_field = "founded_on"

    class Meta:
        model = models.EscortTeam
        fields = ["is_pilot"]


class EscortShiftFilter(RegisterFilter):
    search_fields = ("team__name", "post")
    date_field = "day"

    class Meta:
        model = models.EscortShift
        fields: list[str] = []


class SafetyActivityFilter(RegisterFilter):
    search_fields = ("title", "audience")
    date_field = "held_on"

    class Meta:
        model = models.SafetyActivity
        fields = ["kind", "home_school_contact", "special_groups"]


class AcknowledgementFilter(RegisterFilter):
    search_fields = ("class_name",)
    date_field = "signed_on"

    class Meta:
        model = models.Acknowledgement
        fields: list[str] = []


class SpecialGroupFilter(ActiveRegisterFilter):
    search_fields = ("name", "class_name", "guardian", "caring_teacher")

    class Meta:
        model = models.SpecialGroupChild
        fields = ["kind", "is_active"]


class SurroundingsCheckFilter(RegisterFilter):
    search_fields = ("findings",)
    date_field = "checked_on"
    failed = django_filters.BooleanFilter(method="filter_failed", label=_("Four no's not met"))

    class Meta:
        model = models.SurroundingsCheck
        fields: list[str] = []

    def filter_failed(self, queryset: QuerySet, name: str, value: bool | None) -> QuerySet:
        if value is None:
            return queryset
        failed = (
            Q(no_illegal_venues=False)
            | Q(no_illegal_stalls=False)
            | Q(no_illegal_buildings=False)
            | Q(no_major_accident=False)
        )
        return queryset.filter(failed) if value else queryset.exclude(failed)


class IncidentFilter(RegisterFilter):
    search_fields = ("description", "follow_up")
    date_field = "occurred_at"

    class Meta:
        model = models.Incident
        fields = ["kind", "severity", "school_liable"]


class LetterFilter(RegisterFilter):
    search_fields = ("issuer", "signatory")
    signed = django_filters.BooleanFilter(
        field_name="signed_on", lookup_expr="isnull", exclude=True, label=_("Signed")
    )

    class Meta:
        model = models.ResponsibilityLetter
        fields = ["year", "level"]


class PatrolPointFilter(RegisterFilter):
    search_fields = ("name", "location")

    class Meta:
        model = models.PatrolPoint
        fields = ["is_active"]


class PatrolRouteFilter(RegisterFilter):
    search_fields = ("name",)

    class Meta:
        model = models.PatrolRoute
        fields = ["is_active"]


class PatrolFilter(RegisterFilter):
    search_fields = ("point__name", "note")
    date_field = "patrolled_at"

    class Meta:
        model = models.Patrol
        fields = ["point"]


class EmergencyPlanFilter(RegisterFilter):
    search_fields = ("title", "edition", "responsible", "approved_by")
    date_field = "approved_on"

    class Meta:
        model = models.EmergencyPlan
        fields = ["scenario", "in_force"]


class DrillFilter(RegisterFilter):
    search_fields = ("problems", "evaluation")
    date_field = "held_on"

    class Meta:
        model = models.Drill
        fields = ["scenario"]


class MorningCheckFilter(RegisterFilter):
    # Not the workers' names: a search must not tell who was unwell to those who may not read it.
    search_fields = ("checker", "notes")
    date_field = "checked_on"
    unwell = django_filters.BooleanFilter(method="filter_unwell", label=_("Workers with symptoms"))

    class Meta:
        model = models.MorningCheck
        fields: list[str] = []

    def filter_unwell(self, queryset: QuerySet, name: str, value: Any) -> QuerySet:
        if value is None:
            return queryset
        return queryset.filter(unwell_count__gt=0) if value else queryset.filter(unwell_count=0)


class FoodSampleFilter(RegisterFilter):
    search_fields = ("dish", "kept_by")
    date_field = "served_on"

    class Meta:
        model = models.FoodSample
        fields = ["meal"]


class AccompanyingMealFilter(RegisterFilter):
    search_fields = ("leader", "notes", "problems")
    date_field = "served_on"

    class Meta:
        model = models.AccompanyingMeal
        fields = ["meal"]


def validity_filter() -> django_filters.ChoiceFilter:
    """The "expired / due soon" choice of a register of papers with a `valid_until`."""
    return django_filters.ChoiceFilter(
        method="filter_state",
        label=_("Validity"),
        choices=[("expired", _("Expired")), ("due", _("Due soon"))],
    )


def by_validity(queryset: QuerySet, value: str, notice_days: int) -> QuerySet:
    """Papers expired before today, or due within `notice_days` (the lists' reminder rule)."""
    from xiaoan.core.dates import local_today

    today = local_today()
    if value == "expired":
        return queryset.filter(valid_until__lt=today)
    if value == "due":
        soon = today + datetime.timedelta(days=notice_days)
        return queryset.filter(valid_until__gte=today, valid_until__lte=soon)
    return queryset


class SupplierCertificateFilter(RegisterFilter):
    search_fields = ("supplier", "goods", "number")
    date_field = "received_on"
    state = validity_filter()

    class Meta:
        model = models.SupplierCertificate
        fields = ["kind"]

    def filter_state(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        from .models.food import CERTIFICATE_NOTICE_DAYS

        return by_validity(queryset, value, CERTIFICATE_NOTICE_DAYS)


def _paper_kinds(request: Any) -> QuerySet:
    if request is None:
        return models.PaperKind.objects.none()
    return models.PaperKind.objects.for_user(request.user)


class SchoolPaperFilter(RegisterFilter):
    search_fields = ("number", "issuer", "holder")
    date_field = "valid_until"
    kind = django_filters.ModelChoiceFilter(queryset=_paper_kinds, label=_("Kind of paper"))
    state = validity_filter()

    class Meta:
        model = models.SchoolPaper
        fields = ["kind"]

    def filter_state(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        from .models.papers import PAPER_NOTICE_DAYS

        return by_validity(queryset, value, PAPER_NOTICE_DAYS)
