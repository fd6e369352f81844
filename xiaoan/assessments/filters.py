"""The assessment ranking's filters: the page, the API and the Excel export use them."""

from __future__ import annotations

from typing import Any

import django_filters
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from xiaoan.registers.filters import StyledFilterSet
from xiaoan.schools.models import School

from . import models
from .choices import AssessmentResult


def _schools(request: Any) -> QuerySet[School]:
    user = getattr(request, "user", None)
    return School.objects.for_user(user) if user else School.objects.none()


class AssessmentFilter(StyledFilterSet):
    school = django_filters.ModelChoiceFilter(queryset=_schools, label=_("School"))
    year = django_filters.NumberFilter(label=_("Year"))
    result = django_filters.ChoiceFilter(
        choices=AssessmentResult.choices, label=_("Assessment result")
    )
    vetoed = django_filters.BooleanFilter(label=_("One-vote veto"))

    class Meta:
        model = models.Assessment
        fields: list[str] = []
