"""The demo district's 2014 assessments: computed from the demo data, the rest scored by the
bureau. Runs after the registers' and the reports' demo data (INSTALLED_APPS order).

Idempotent: skipped when the first school's assessment exists.
"""

from __future__ import annotations

from decimal import Decimal

from django.contrib.auth import get_user_model
from django.db import transaction

from xiaoan.schools.demo import demo_bureau
from xiaoan.schools.models import School

from .models import Assessment

YEAR = 2014


def load() -> None:
    schools = list(School.objects.filter(bureau=demo_bureau()).order_by("code"))
    officer = get_user_model().objects.get(username="bureau")
    if not schools or Assessment.objects.filter(school=schools[0], year=YEAR).exists():
        return
    with transaction.atomic():
        for index, school in enumerate(schools):
            assessment = Assessment.objects.create(school=school, year=YEAR)
            assessment.compute(officer)
            manual = {
                name: Decimal(80 + (index * 7) % 21)
                for name in ("inspections_score", "monthly_score")
                if name not in assessment.computed_items
            }
            if manual:
                assessment.score(officer, manual, "依据检查记录评分")
