"""The home dashboard counts only what the user may see."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from xiaoan.hazards.choices import HazardLevel, HazardSource, HazardStatus
from xiaoan.hazards.models import Area, Hazard

pytestmark = pytest.mark.django_db


def make_hazard(school, user, **values) -> Hazard:
    hazard = Hazard.objects.report(
        school=school,
        area=Area.objects.get(code="fire"),
        level=HazardLevel.GENERAL,
        description="消防通道堆放杂物",
        reported_by=user,
        source=HazardSource.SELF_REPORT,
    )
    Hazard.objects.filter(pk=hazard.pk).update(**values)
    return hazard


def test_school_sees_its_own_figures_only(as_user, alice, bob, school_a, school_b):
    make_hazard(school_a, alice, status=HazardStatus.RECTIFYING, deadline=datetime.date(2020, 1, 1))
    make_hazard(school_a, alice, status=HazardStatus.CLOSED, closed_at=timezone.now())
    make_hazard(school_b, bob)
    figures = as_user(alice).get(reverse("home")).context["hazards"]
    assert figures["total"] == 2 and figures["open"] == 1 and figures["overdue"] == 1
    assert figures["closed_rate"] == 50


def test_bureau_sees_the_district_figures(as_user, bureau_admin, alice, bob, school_a, school_b):
    make_hazard(school_a, alice, status=HazardStatus.AWAITING_VERIFICATION)
    make_hazard(school_b, bob, status=HazardStatus.REJECTED)
    make_hazard(school_b, bob, level=HazardLevel.MAJOR, supervised=True)
    make_hazard(school_b, bob, status=HazardStatus.CLOSED, closed_at=timezone.now())
    page = as_user(bureau_admin).get(reverse("home"))
    figures = page.context["hazards"]
    # Every hazard found counts, as in the reports; the rate leaves out the one found not to be.
    assert (figures["total"], figures["awaiting"], figures["supervised"]) == (4, 1, 1)
    assert figures["closed_rate"] == 33
    assert "隐患台账" in page.content.decode()


def test_fire_inspector_is_not_sent_to_the_schools_monthly_reports(as_user, fire, leader):
    monthly = reverse("reports:monthly_list")
    assert f'href="{monthly}"' not in as_user(fire).get(reverse("home")).content.decode()
    assert f'href="{monthly}"' in as_user(leader).get(reverse("home")).content.decode()


def test_government_reaches_its_reports_from_the_home_page(as_user, gov, fire):
    official = reverse("reports:official_list")
    page = as_user(gov).get(reverse("home")).content.decode()
    assert f'class="btn btn-outline-secondary" href="{official}"' in page
    page = as_user(fire).get(reverse("home")).content.decode()
    assert f'class="btn btn-outline-secondary" href="{official}"' not in page


def test_the_school_figures_count_the_registry_today_by_kind(
    as_user, bureau_admin, school_a, school_b, kindergarten, other_bureau
):
    from xiaoan.schools.choices import SchoolKind
    from xiaoan.schools.models import School

    School.objects.create(
        bureau=bureau_admin.membership.bureau,
        code="S099",
        name="已撤并小学",
        kind=SchoolKind.PRIMARY,
        opened_on=datetime.date(2000, 9, 1),
        closed_on=datetime.date(2010, 7, 1),
    )
    School.objects.create(
        bureau=other_bureau, code="X001", name="远山小学", kind=SchoolKind.PRIMARY
    )
    context = as_user(bureau_admin).get(reverse("home")).context
    assert context["school_count"] == 3
    assert context["primary_secondary_count"] == 2 and context["childcare_count"] == 1
    assert sum(row["n"] for row in context["by_kind"]) == 3
