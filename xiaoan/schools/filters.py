"""One FilterSet per list: the page, the API and the Excel export all use it."""

from __future__ import annotations

from typing import Any

import django_filters
from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from xiaoan.core.widgets import SchoolSearch

from .choices import SchoolKind
from .models import School


def _visible_schools(request: Any) -> QuerySet[School]:
    user = getattr(request, "user", None)
    return School.objects.for_user(user) if user else School.objects.none()


class SchoolChoiceFilter(django_filters.ModelChoiceFilter):
    """Filter a list by one of the schools the user may see (those that left included), chosen
    in a search box: the same filter on every list, page, export and API alike."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("queryset", _visible_schools)
        kwargs.setdefault("label", _("School"))
        kwargs.setdefault(
            "widget",
            SchoolSearch(
                with_departed=True, placeholder=_("All schools (type a name or code to find one)")
            ),
        )
        super().__init__(**kwargs)


REGISTRY_CHOICES = [("left", _("Left the registry")), ("all", _("All, with those that left"))]


class SchoolFilter(django_filters.FilterSet):
    """Schools on the registry today unless `registry` asks for those that left, or all."""

    q = django_filters.CharFilter(method="search", label=_("Name or code"))
    registry = django_filters.ChoiceFilter(
        choices=REGISTRY_CHOICES,
        method="filter_registry",
        label=_("Registry"),
        empty_label=_("On the registry"),
    )
    kind = django_filters.ChoiceFilter(choices=SchoolKind.choices, label=_("Kind"))
    boarding = django_filters.BooleanFilter(label=_("Boarding"))
    canteen = django_filters.BooleanFilter(label=_("Canteen"))
    private = django_filters.BooleanFilter(label=_("Private"))

    class Meta:
        model = School
        fields = ["q", "kind", "boarding", "canteen", "private", "registry"]

    def filter_queryset(self, queryset: QuerySet[School]) -> QuerySet[School]:
        queryset = super().filter_queryset(queryset)
        if not self.form.cleaned_data.get("registry"):
            queryset = queryset.current()  # type: ignore[attr-defined]
        return queryset

    def filter_registry(self, queryset: QuerySet[School], name: str, value: str) -> QuerySet:
        if value == "left":
            return queryset.departed()  # type: ignore[attr-defined]
        return queryset

    def search(self, queryset: QuerySet[School], name: str, value: str) -> QuerySet[School]:
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(Q(name__icontains=value) | Q(code__icontains=value))
