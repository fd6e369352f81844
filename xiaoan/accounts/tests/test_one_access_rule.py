"""The active membership is read one way: `accounts.access.membership_of` (and `{{ membership }}`
in templates). Any other access to the relation fails here, before it can disagree on
`is_active`."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model

from xiaoan.accounts.access import has_role, membership_of, role_of
from xiaoan.accounts.choices import Role
from xiaoan.hazards.models import Hazard
from xiaoan.schools.models import School

PACKAGE = Path(__file__).resolve().parents[2]
RAW = re.compile(
    r"""(?<!context_processors)\.membership\b(?!_of|s)|getattr\([^)]*["']membership["']"""
)
ALLOWED = {PACKAGE / "accounts" / "access.py"}


def _sources() -> list[Path]:
    files = [*PACKAGE.rglob("*.py"), *PACKAGE.rglob("*.html")]
    return [
        f
        for f in files
        if "tests" not in f.parts and "migrations" not in f.parts and f not in ALLOWED
    ]


def test_no_code_reads_the_membership_relation_directly():
    offenders = [
        f"{path.relative_to(PACKAGE)}:{number}: {line.strip()}"
        for path in _sources()
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if RAW.search(line) and "related_name=" not in line
    ]
    assert offenders == []


def test_the_rule_sees_a_raw_read():
    assert RAW.search('m = getattr(user, "membership", None)')
    assert RAW.search("bureau = request.user.membership.bureau_id")
    assert not RAW.search("m = membership_of(user)")


@pytest.mark.django_db
def test_a_deactivated_member_has_no_role_and_sees_nothing(bureau_admin, school_a):
    assert School.objects.for_user(bureau_admin).exists()
    bureau_admin.membership.is_active = False
    bureau_admin.membership.save()
    user = get_user_model().objects.get(pk=bureau_admin.pk)
    assert membership_of(user) is None
    assert role_of(user) is None
    assert not has_role(user, Role.BUREAU_ADMIN)
    assert not School.objects.for_user(user).exists()
    assert not Hazard.objects.for_user(user).exists()


@pytest.mark.django_db
def test_the_membership_is_read_once_per_user_object(bureau_admin, django_assert_num_queries):
    user = get_user_model().objects.get(pk=bureau_admin.pk)
    with django_assert_num_queries(1):
        membership_of(user)
        membership_of(user)
        role_of(user)


@pytest.mark.django_db
def test_a_citys_reach_is_read_once_and_again_after_a_while(monkeypatch, bureau, other_bureau):
    """A city's districts are read once for the membership (a request reads them once), and
    again once `REACH_SECONDS` have passed, so a job or a shell holding the membership sees a
    district added meanwhile."""
    from conftest import make_user
    from xiaoan.accounts import access
    from xiaoan.schools.choices import RegionLevel
    from xiaoan.schools.models import Bureau, Region

    city = Region.objects.create(code="330100", name="清江市", level=RegionLevel.CITY)
    Region.objects.filter(pk=bureau.region_id).update(parent=city)
    officer = make_user(
        "city-officer", Role.CITY_ADMIN, Bureau.objects.create(region=city, name="清江市教育局")
    )
    membership = membership_of(officer)

    def reached() -> set[int]:
        return set(
            Bureau.objects.filter(access.in_reach(membership, "")).values_list("pk", flat=True)
        )

    assert reached() == {bureau.pk}
    Region.objects.filter(pk=other_bureau.region_id).update(parent=city)
    assert reached() == {bureau.pk}  # the same request: read once
    later = access.time.monotonic() + access.REACH_SECONDS + 1
    monkeypatch.setattr(access.time, "monotonic", lambda: later)
    assert reached() == {bureau.pk, other_bureau.pk}
