"""One FilterSet for the ledger: the page, the API and the Excel export all use it."""

from __future__ import annotations

import re
from typing import Any

import django_filters
from django.db.models import Q, QuerySet
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from xiaoan.accounts.access import membership_of
from xiaoan.campaigns.models import Campaign
from xiaoan.schools.choices import SchoolKind
from xiaoan.schools.filters import SchoolChoiceFilter
from xiaoan.schools.models import Department

from .choices import AreaCode, HazardLevel, HazardSource, HazardStatus
from .models import Hazard

# The ledger's sort keys, labelled as its columns; django-filter's own "%s (descending)" is
# English and evaluated once at import, so both directions are given here, lazily.
SORT_KEYS = (
    ("code", "code", _("Reference code")),
    ("found_on", "found_on", _("Found on")),
    ("deadline", "deadline", _("Deadline")),
    ("school__code", "school", _("School")),
    ("area__order", "area", _("Area")),
    ("level", "level", _("Hazard level")),
    ("status", "status", _("Status")),
)
SORT_LABELS = {
    **{field: label for field, _param, label in SORT_KEYS},
    **{f"-{param}": format_lazy(_("{} (reverse order)"), label) for _f, param, label in SORT_KEYS},
}


# "YH-2014-0012", "yh-2014", "YH"; or the year and number without the letters, "2014-0012".
_CODE_START = re.compile(r"^YH", re.IGNORECASE)
_YEAR_AND_NUMBER = re.compile(r"^\d{4}-\d*$")


def code_prefix(value: str) -> str | None:
    """The start of a reference code a search looks like (codes are YH-<year>-<nnnn>, in
    capitals), or None for words to look for in the description and location."""
    if _CODE_START.match(value):
        return value.upper()
    if _YEAR_AND_NUMBER.match(value):
        return f"YH-{value}"
    return None


def _user(request: Any) -> Any:
    return getattr(request, "user", None)


def _campaigns(request: Any) -> QuerySet[Campaign]:
    membership = membership_of(_user(request))
    if membership is None:
        return Campaign.objects.none()
    return Campaign.objects.filter(bureau=membership.bureau_id)


def _departments(request: Any) -> QuerySet[Department]:
    user = _user(request)
    return Department.objects.for_user(user) if user else Department.objects.none()


class HazardFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(method="search", label=_("Code, description or location"))
    school = SchoolChoiceFilter()
    school_kind = django_filters.ChoiceFilter(
        field_name="school__kind", choices=SchoolKind.choices, label=_("School kind")
    )
    area = django_filters.ChoiceFilter(
        field_name="area__code", choices=AreaCode.choices, label=_("Area")
    )
    level = django_filters.ChoiceFilter(choices=HazardLevel.choices, label=_("Hazard level"))
    # A hazard's own column: no DISTINCT (django-filter's default for a list of values), which
    # would make PostgreSQL read every matching row before keeping a page.
    status = django_filters.MultipleChoiceFilter(
        choices=HazardStatus.choices, label=_("Status"), distinct=False
    )
    source = django_filters.ChoiceFilter(choices=HazardSource.choices, label=_("Source"))
    overdue = django_filters.BooleanFilter(method="filter_overdue", label=_("Overdue"))
    supervised = django_filters.BooleanFilter(label=_("Under supervision"))
    campaign = django_filters.ModelChoiceFilter(queryset=_campaigns, label=_("Campaign"))
    department = django_filters.ModelChoiceFilter(
        queryset=_departments, label=_("Found by department")
    )
    found_from = django_filters.DateFilter(
        field_name="found_on", lookup_expr="gte", label=_("Found from")
    )
    found_to = django_filters.DateFilter(
        field_name="found_on", lookup_expr="lte", label=_("Found until")
    )
    sort = django_filters.OrderingFilter(
        fields=tuple((field, param) for field, param, _label in SORT_KEYS),
        field_labels=SORT_LABELS,
        label=_("Sort"),
    )

    class Meta:
        model = Hazard
        fields: list[str] = []

    def __init__(self, data: Any = None, *args: Any, **kwargs: Any) -> None:
        # The filter bar's "all states" sends `status=` — no state, not a wrong one.
        if data is not None and "" in data.getlist("status"):
            data = data.copy()
            data.setlist("status", [value for value in data.getlist("status") if value])
        super().__init__(data, *args, **kwargs)

    def search(self, queryset: QuerySet[Hazard], name: str, value: str) -> QuerySet[Hazard]:
        value = value.strip()
        if not value:
            return queryset
        prefix = code_prefix(value)
        if prefix is not None:
            # A reference code is matched from its start, which an index answers.
            return queryset.filter(code__startswith=prefix)
        # Words anywhere in the description or location: on PostgreSQL the trigram indexes
        # of migration 0011 answer this, elsewhere it reads the rows.
        return queryset.filter(Q(description__icontains=value) | Q(location__icontains=value))

    def filter_overdue(
        self, queryset: QuerySet[Hazard], name: str, value: bool | None
    ) -> QuerySet[Hazard]:
        if value is None:
            return queryset
        return queryset.overdue() if value else queryset.not_overdue()  # type: ignore[attr-defined]

    @property
    def qs(self) -> QuerySet[Hazard]:
        # A stable order so pages and exports never repeat or skip a row.
        queryset = super().qs
        if self.is_bound and not self.form.is_valid():
            # An impossible filter (another school's id, a bad date) matches nothing rather
            # than being silently dropped: the export must hold exactly what was asked for.
            return queryset.none()
        if not queryset.query.order_by:
            queryset = queryset.order_by("-found_on", "-id")
        return queryset.order_by(*queryset.query.order_by, "-id")
