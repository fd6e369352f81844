"""One FilterSet per list: the register's page, its export and the API use the same one."""

from __future__ import annotations

from typing import Any

import django_filters
from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from xiaoan.core.dates import local_today
from xiaoan.hazards.models import Area
from xiaoan.registers.filters import StyledFilterSet
from xiaoan.schools.choices import SchoolKind
from xiaoan.schools.filters import SchoolChoiceFilter

from .choices import STATE_CHOICES, RiskLevel
from .models import RiskPoint


class RiskPointFilter(StyledFilterSet):
    """Points in the register today unless `state` asks for the retired, or all."""

    q = django_filters.CharFilter(method="search", label=_("Search"))
    school = SchoolChoiceFilter()
    level = django_filters.MultipleChoiceFilter(
        choices=RiskLevel.choices,
        label=_("risk level"),
        distinct=False,  # its own column
    )
    area = django_filters.ModelChoiceFilter(queryset=Area.objects.all(), label=_("area"))
    needs_reassessment = django_filters.BooleanFilter(label=_("to be re-assessed"))
    state = django_filters.ChoiceFilter(
        choices=STATE_CHOICES, method="filter_state", label=_("Register"), empty_label=None
    )

    class Meta:
        model = RiskPoint
        fields: list[str] = []

    def search(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        text = value.strip()
        fields = ("name", "location", "hazard_sources", "consequences", "responsible")
        query = Q()
        for field in fields:
            query |= Q(**{f"{field}__icontains": text})
        return queryset.filter(query)

    def filter_state(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        return queryset  # applied in filter_queryset, so an empty choice means "active"

    def filter_queryset(self, queryset: QuerySet) -> QuerySet:
        queryset = super().filter_queryset(queryset)
        state = self.form.cleaned_data.get("state") or "active"
        today = local_today()
        if state == "active":
            return queryset.as_of(today)  # type: ignore[attr-defined]
        if state == "retired":
            return queryset.filter(retired_on__lte=today)
        return queryset


class DistrictFilter(StyledFilterSet):
    """The district table's filters, on the schools: kind, area and level of the points."""

    kind = django_filters.ChoiceFilter(
        choices=SchoolKind.choices, label=_("Kind"), method="filter_kind"
    )
    area = django_filters.ModelChoiceFilter(
        queryset=Area.objects.all(), label=_("area"), method="filter_area"
    )
    grave = django_filters.BooleanFilter(
        label=_("Only schools with red or orange points"), method="filter_grave"
    )

    class Meta:
        model = RiskPoint
        fields: list[str] = []

    def filter_kind(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        return queryset.filter(school__kind=value)

    def filter_area(self, queryset: QuerySet, name: str, value: Any) -> QuerySet:
        return queryset.filter(area=value)

    def filter_grave(self, queryset: QuerySet, name: str, value: bool) -> QuerySet:
        return queryset  # a filter on the schools, applied by the table (`district_rows`)
