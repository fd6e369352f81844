"""One FilterSet for the accounts: the page and the API use it."""

from __future__ import annotations

import datetime

import django_filters
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .choices import Role
from .models import Membership

# An account nobody logged in with for this long is shown as dormant.
DORMANT_DAYS = 90


class AccountFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(method="search", label=_("Login, name or organisation"))
    role = django_filters.ChoiceFilter(choices=Role.choices, label=_("Role"))
    is_active = django_filters.BooleanFilter(label=_("Active"))
    dormant = django_filters.BooleanFilter(method="filter_dormant", label=_("Dormant"))

    class Meta:
        model = Membership
        fields = ["q", "role", "is_active", "dormant"]

    def search(self, queryset: QuerySet[Membership], name: str, value: str) -> QuerySet[Membership]:
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(
            Q(user__username__icontains=value)
            | Q(user__first_name__icontains=value)
            | Q(school__name__icontains=value)
            | Q(school__code__iexact=value)
            | Q(department__name__icontains=value)
            | Q(section__name__icontains=value)
        )

    def filter_dormant(
        self, queryset: QuerySet[Membership], name: str, value: bool | None
    ) -> QuerySet[Membership]:
        if value is None:
            return queryset
        dormant = Q(user__last_login__isnull=True) | Q(user__last_login__lt=dormant_since())
        return queryset.filter(dormant) if value else queryset.exclude(dormant)


def dormant_since() -> datetime.datetime:
    return timezone.now() - datetime.timedelta(days=DORMANT_DAYS)
