"""One FilterSet for inspections: the list page, the API and the Excel export all use it."""

from __future__ import annotations

from typing import Any

import django_filters
from django.db.models import Q, QuerySet
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from xiaoan.campaigns.models import Campaign
from xiaoan.hazards.choices import AreaCode
from xiaoan.schools.choices import SchoolKind
from xiaoan.schools.filters import SchoolChoiceFilter
from xiaoan.schools.models import Department

from .choices import InspectionKind, InspectionStatus
from .models import Inspection


def _user(request: Any) -> Any:
    return getattr(request, "user", None)


def _campaigns(request: Any) -> QuerySet[Campaign]:
    user = _user(request)
    return Campaign.objects.for_user(user) if user else Campaign.objects.none()


def _departments(request: Any) -> QuerySet[Department]:
    user = _user(request)
    return Department.objects.for_user(user) if user else Department.objects.none()


class InspectionFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(method="search", label=_("School or inspector"))
    school = SchoolChoiceFilter()
    school_kind = django_filters.ChoiceFilter(
        field_name="school__kind",
        choices=SchoolKind.choices,
        label=_("School kind"),
        empty_label=_("All school kinds"),
    )
    kind = django_filters.ChoiceFilter(
        choices=InspectionKind.choices, label=_("Kind"), empty_label=_("All kinds")
    )
    status = django_filters.ChoiceFilter(
        choices=InspectionStatus.choices, label=_("Status"), empty_label=_("All states")
    )
    campaign = django_filters.ModelChoiceFilter(queryset=_campaigns, label=_("Campaign"))
    department = django_filters.ModelChoiceFilter(
        field_name="departments", queryset=_departments, label=_("Department")
    )
    area = django_filters.ChoiceFilter(
        field_name="areas__code",
        choices=AreaCode.choices,
        label=_("Area"),
        distinct=True,
        empty_label=_("All areas"),
    )
    date_from = django_filters.DateFilter(field_name="date", lookup_expr="gte", label=_("From"))
    date_to = django_filters.DateFilter(field_name="date", lookup_expr="lte", label=_("Until"))

    class Meta:
        model = Inspection
        fields: list[str] = []

    @property
    def form(self) -> Any:
        form = super().form
        all_label = gettext("All")
        for name, field in form.fields.items():
            css = "form-select" if hasattr(field, "choices") else "form-control"
            field.widget.attrs.setdefault("class", css)
            field.widget.attrs.setdefault("aria-label", str(field.label))
            if name in ("school", "campaign", "department"):
                field.empty_label = f"{field.label}: {all_label}"
        return form

    def search(self, queryset: QuerySet[Inspection], name: str, value: str) -> QuerySet:
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(
            Q(school__name__icontains=value)
            | Q(inspector_names__icontains=value)
            | Q(signed_by__icontains=value)
        )
