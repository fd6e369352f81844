"""One filter for the monthly-report list page, its export and the API."""

from __future__ import annotations

import django_filters
from django.utils.translation import gettext_lazy as _

from .choices import MonthlyStatus
from .models import MonthlyReport


class MonthlyReportFilter(django_filters.FilterSet):
    year = django_filters.NumberFilter(label=_("Year"))
    month = django_filters.NumberFilter(label=_("Month"))
    status = django_filters.ChoiceFilter(choices=MonthlyStatus.choices, label=_("Status"))

    class Meta:
        model = MonthlyReport
        fields = ["school", "year", "month", "status"]
