"""One FilterSet per list: the page, the API and the Excel export all use it."""

from __future__ import annotations

import django_filters
from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from .choices import SchoolKind
from .models import School


class SchoolFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(method="search", label=_("Name or code"))
    kind = django_filters.ChoiceFilter(choices=SchoolKind.choices, label=_("Kind"))
    boarding = django_filters.BooleanFilter(label=_("Boarding"))
    private = django_filters.BooleanFilter(label=_("Private"))

    class Meta:
        model = School
        fields = ["q", "kind", "boarding", "private"]

    def search(self, queryset: QuerySet[School], name: str, value: str) -> QuerySet[School]:
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(Q(name__icontains=value) | Q(code__icontains=value))
