"""Access to the assessments: the school reads its own, the district its schools'."""

from __future__ import annotations

from typing import Self

from django.db import models

from xiaoan.registers.models import Incident
from xiaoan.schools.querysets import SchoolOwnedQuerySet


class AssessmentQuerySet(SchoolOwnedQuerySet):
    def with_veto_flag(self) -> Self:
        """`veto_flag`: a major liability accident at the school in the assessment's year."""
        accidents = Incident.objects.major_liability().filter(
            school=models.OuterRef("school"), occurred_at__year=models.OuterRef("year")
        )
        return self.annotate(veto_flag=models.Exists(accidents))

    def ranked(self) -> Self:
        return self.order_by("vetoed", models.F("total").desc(nulls_last=True), "school__code")
