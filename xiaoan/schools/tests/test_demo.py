"""The demo district of the seed: its organisations, schools and logins, loaded twice."""

from __future__ import annotations

from collections import Counter

import pytest
from django.contrib.auth import authenticate

from xiaoan.accounts.choices import Role
from xiaoan.accounts.models import Membership
from xiaoan.schools import demo
from xiaoan.schools.models import Bureau, Department, School

pytestmark = pytest.mark.django_db


def test_demo_district_has_the_seeds_schools_and_logins_and_loads_twice_alike():
    demo.load()
    first = (School.objects.count(), Department.objects.count(), Membership.objects.count())
    demo.load()
    assert (School.objects.count(), Department.objects.count(), Membership.objects.count()) == first

    schools = School.objects.all()
    assert schools.primary_and_secondary().count() == 37
    assert schools.childcare().count() == 42
    assert Counter(schools.values_list("kind", flat=True))["migrant"] == 3
    codes = sorted(schools.values_list("code", flat=True))
    assert codes == [f"S{n:03d}" for n in range(1, 80)]
    assert Bureau.objects.get().sections.filter(is_safety_section=True).exists()

    expected = {
        "bureau": (Role.BUREAU_ADMIN, None),
        "leader": (Role.BUREAU_LEADER, None),
        "gov": (Role.GOV_VIEWER, None),
        "fire": (Role.DEPT_INSPECTOR, None),
        "school001": (Role.SCHOOL_ADMIN, "S001"),
        "school002": (Role.SCHOOL_ADMIN, "S002"),
        "staff001": (Role.SCHOOL_STAFF, "S001"),
    }
    for username, (role, school_code) in expected.items():
        user = authenticate(username=username, password=demo.DEMO_PASSWORD)
        assert user is not None, username
        assert user.membership.role == role
        assert (user.membership.school.code if user.membership.school else None) == school_code
    assert Membership.objects.get(user__username="fire").department.kind == "fire"
