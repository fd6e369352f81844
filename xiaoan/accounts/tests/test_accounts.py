"""Accounts as the bureau and a school's administrator manage them: the model's steps."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.db.models import Q
from django.test import Client
from rest_framework.authtoken.models import Token

from conftest import PASSWORD
from xiaoan.accounts.choices import Role
from xiaoan.accounts.models import Membership
from xiaoan.core.errors import Invalid, NotAllowed, Refused, Stale
from xiaoan.core.models import ChangeLog
from xiaoan.schools.models import BureauSection

pytestmark = pytest.mark.django_db


def open_staff(by, school, username="dave"):
    return Membership.objects.open_account(
        by,
        bureau=school.bureau,
        username=username,
        full_name="Dave",
        role=Role.SCHOOL_STAFF,
        school=school,
    )


def test_bureau_admin_opens_an_account_with_a_temporary_password(bureau_admin, school_a):
    account, password = open_staff(bureau_admin, school_a)
    assert account.must_change_password
    assert len(password) == 12
    assert Client().login(username="dave", password=password)
    assert account.user.first_name == "Dave"


def test_school_admin_opens_its_own_schools_staff_account(alice, school_a):
    account, _password = open_staff(alice, school_a)
    assert account.school == school_a
    assert account.role == Role.SCHOOL_STAFF


def test_school_admin_may_not_open_another_schools_account(alice, school_b):
    with pytest.raises(NotAllowed):
        open_staff(alice, school_b)
    assert not get_user_model().objects.filter(username="dave").exists()


def test_school_admin_may_not_open_an_administrator_account(alice, school_a):
    with pytest.raises(NotAllowed):
        Membership.objects.open_account(
            alice,
            bureau=school_a.bureau,
            username="eve",
            full_name="Eve",
            role=Role.SCHOOL_ADMIN,
            school=school_a,
        )


@pytest.mark.parametrize("persona", ["leader", "gov", "fire", "carol"])
def test_readers_and_others_may_not_open_accounts(request, persona, school_a):
    with pytest.raises(NotAllowed):
        open_staff(request.getfixturevalue(persona), school_a)


def test_a_taken_login_is_refused_in_any_case(bureau_admin, alice, school_a):
    with pytest.raises(Invalid):
        open_staff(bureau_admin, school_a, username="ALICE")


def test_a_school_role_needs_its_school(bureau_admin, bureau):
    with pytest.raises(Invalid):
        Membership.objects.open_account(
            bureau_admin, bureau=bureau, username="x1", full_name="X", role=Role.SCHOOL_STAFF
        )


def test_an_inspector_needs_a_department(bureau_admin, bureau):
    with pytest.raises(Invalid):
        Membership.objects.open_account(
            bureau_admin, bureau=bureau, username="x1", full_name="X", role=Role.DEPT_INSPECTOR
        )


def test_a_retired_section_is_not_given_to_a_new_account(bureau_admin, bureau):
    section = BureauSection.objects.create(bureau=bureau, name="旧科室", is_active=False)
    with pytest.raises(Invalid):
        Membership.objects.open_account(
            bureau_admin,
            bureau=bureau,
            username="x1",
            full_name="X",
            role=Role.BUREAU_LEADER,
            section=section,
        )


def test_deactivation_ends_the_token_and_the_sessions(bureau_admin, carol):
    token = Token.objects.create(user=carol)
    session = Client()
    assert session.login(username="carol", password=PASSWORD)
    assert session.get("/").status_code == 200
    carol.membership.deactivate(bureau_admin)
    assert not Token.objects.filter(pk=token.pk).exists()
    assert session.get("/").status_code == 302  # back to the login page
    assert not Client().login(username="carol", password=PASSWORD)
    assert get_user_model().objects.filter(username="carol").exists()  # never deleted


def test_an_account_is_activated_again(bureau_admin, carol):
    carol.membership.deactivate(bureau_admin)
    carol.membership.activate(bureau_admin)
    assert Client().login(username="carol", password=PASSWORD)


def test_the_bureau_admin_cannot_deactivate_itself(bureau_admin):
    with pytest.raises(Refused):
        bureau_admin.membership.deactivate(bureau_admin)


def test_deactivating_twice_is_refused(bureau_admin, carol):
    carol.membership.deactivate(bureau_admin)
    with pytest.raises(Refused):
        carol.membership.deactivate(bureau_admin)


def test_school_admin_deactivates_its_staff_but_not_its_peers(alice, carol, bob, school_a):
    carol.membership.deactivate(alice)
    assert not Membership.objects.get(user=carol).is_active
    with pytest.raises(NotAllowed):
        bob.membership.deactivate(alice)


def test_password_reset_gives_a_new_temporary_password(bureau_admin, carol):
    token = Token.objects.create(user=carol)
    password = carol.membership.reset_password(bureau_admin)
    assert not Client().login(username="carol", password=PASSWORD)
    assert Client().login(username="carol", password=password)
    assert Membership.objects.get(user=carol).must_change_password
    assert not Token.objects.filter(pk=token.pk).exists()


def test_a_stale_step_is_refused(bureau_admin, carol):
    first = Membership.objects.get(user=carol)
    second = Membership.objects.get(user=carol)
    first.reset_password(bureau_admin)
    with pytest.raises(Stale):
        second.deactivate(bureau_admin)


def test_change_edits_the_login_and_the_membership(bureau_admin, carol, school_a):
    membership = carol.membership
    membership.change(bureau_admin, username="carol2", full_name="Carol Wang", title="门卫")
    carol.refresh_from_db()
    assert (carol.username, carol.first_name) == ("carol2", "Carol Wang")
    assert Membership.objects.get(pk=membership.pk).title == "门卫"


def test_school_admin_may_not_promote_its_staff(alice, carol):
    with pytest.raises(NotAllowed):
        carol.membership.change(alice, role=Role.SCHOOL_ADMIN)


def test_every_write_is_in_the_change_log_without_passwords(bureau_admin, school_a):
    account, password = open_staff(bureau_admin, school_a)
    account.reset_password(bureau_admin)
    account.change(bureau_admin, full_name="Dave Li")
    account.deactivate(bureau_admin)
    user_type = ContentType.objects.get_for_model(get_user_model())
    member_type = ContentType.objects.get_for_model(Membership)
    entries = ChangeLog.objects.filter(
        Q(content_type=user_type, object_id=str(account.user_id))
        | Q(content_type=member_type, object_id=str(account.pk))
    )
    text = " ".join(f"{e.before} {e.after}" for e in entries)
    assert entries.filter(content_type=user_type, action="create").exists()
    assert entries.filter(after__first_name="Dave Li").exists()
    assert entries.filter(after__is_active=False).count() == 2  # the membership and the login
    assert entries.filter(after__must_change_password=True).exists()
    assert all("password" not in {**(e.before or {}), **(e.after or {})} for e in entries)
    assert password not in text and "pbkdf2" not in text and "md5$" not in text
    assert {e.bureau_id for e in entries} == {school_a.bureau_id}
    assert {e.user for e in entries} == {bureau_admin}


def test_allowed_actions_follow_role_and_state(bureau_admin, leader, alice, carol, bob):
    staff = carol.membership
    assert staff.allowed_actions(bureau_admin) == ["edit", "deactivate", "reset_password"]
    assert staff.allowed_actions(alice) == ["edit", "deactivate", "reset_password"]
    assert staff.allowed_actions(leader) == []
    assert bob.membership.allowed_actions(alice) == []
    staff.deactivate(bureau_admin)
    assert staff.allowed_actions(bureau_admin) == ["edit", "activate"]


def test_for_user_scopes_accounts(bureau_admin, leader, gov, alice, bob, carol, outsider):
    everyone = set(Membership.objects.for_user(bureau_admin))
    assert {alice.membership, bob.membership, carol.membership} <= everyone
    assert outsider.membership not in everyone
    assert set(Membership.objects.for_user(leader)) == everyone
    assert set(Membership.objects.for_user(alice)) == {alice.membership, carol.membership}
    assert not Membership.objects.for_user(gov).exists()
    assert not Membership.objects.for_user(carol).exists()
