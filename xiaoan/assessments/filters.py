"""The assessment ranking's filters: the page, the API and the Excel export use them."""

from __future__ import annotations

import django_filters
from django.utils.translation import gettext_lazy as _

from xiaoan.registers.filters import StyledFilterSet
from xiaoan.schools.filters import SchoolChoiceFilter

from . import models
from .choices import AssessmentResult


class AssessmentFilter(StyledFilterSet):
    school = SchoolChoiceFilter()
    year = django_filters.NumberFilter(label=_("Year"))
    result = django_filters.ChoiceFilter(
        choices=AssessmentResult.choices, label=_("Assessment result")
    )
    vetoed = django_filters.BooleanFilter(label=_("One-vote veto"))

    class Meta:
        model = models.Assessment
        fields: list[str] = []
