"""Account pages: owner OK, outsider 404, read-only 403, wrong method 405."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from xiaoan.accounts.choices import Role
from xiaoan.accounts.models import Membership

pytestmark = pytest.mark.django_db


def url(name, account=None):
    return reverse(f"accounts:{name}", args=[account.membership.pk] if account else [])


# ---- the list -------------------------------------------------------------------------------


def test_bureau_admin_lists_the_districts_accounts(as_user, bureau_admin, alice, bob, outsider):
    response = as_user(bureau_admin).get(url("users"))
    assert response.status_code == 200
    listed = {m.user.username for m in response.context["object_list"]}
    assert {"bureau", "alice", "bob"} <= listed
    assert "outsider" not in listed


def test_school_admin_lists_its_own_schools_accounts(as_user, alice, bob, carol):
    response = as_user(alice).get(url("users"))
    assert {m.user.username for m in response.context["object_list"]} == {"alice", "carol"}
    assert "bob" not in response.content.decode()


@pytest.mark.parametrize("persona", ["gov", "fire", "carol"])
def test_others_may_not_list_accounts(request, as_user, persona):
    assert as_user(request.getfixturevalue(persona)).get(url("users")).status_code == 403


def test_the_list_searches_login_name_and_organisation(as_user, bureau_admin, alice, bob):
    client = as_user(bureau_admin)
    found = client.get(url("users"), {"q": "第一中学"}).context["object_list"]
    assert [m.user.username for m in found] == ["bob"]
    found = client.get(url("users"), {"q": "ali"}).context["object_list"]
    assert [m.user.username for m in found] == ["alice"]


def test_the_list_shows_dormant_accounts(as_user, bureau_admin, alice, bob):
    alice.last_login = timezone.now()
    alice.save(update_fields=["last_login"])
    bob.last_login = timezone.now() - datetime.timedelta(days=200)
    bob.save(update_fields=["last_login"])
    client = as_user(bureau_admin)
    dormant = client.get(url("users"), {"dormant": "true", "q": "b"}).context["object_list"]
    assert [m.user.username for m in dormant] == ["bob"]
    page = client.get(url("users")).content.decode()
    assert "长期未登录" in page


# ---- detail and edit ------------------------------------------------------------------------


def test_bureau_admin_sees_an_account_with_its_buttons(as_user, bureau_admin, carol):
    response = as_user(bureau_admin).get(url("user_detail", carol))
    assert response.status_code == 200
    page = response.content.decode()
    assert url("user_deactivate", carol) in page and url("user_reset_password", carol) in page


def test_leader_reads_an_account_without_buttons(as_user, leader, carol):
    response = as_user(leader).get(url("user_detail", carol))
    assert response.status_code == 200
    assert url("user_deactivate", carol) not in response.content.decode()


def test_another_schools_account_is_not_there(as_user, bob, carol):
    assert as_user(bob).get(url("user_detail", carol)).status_code == 404
    assert as_user(bob).get(url("user_edit", carol)).status_code == 404
    assert as_user(bob).post(url("user_deactivate", carol)).status_code == 404


def test_another_districts_account_is_not_there(as_user, outsider, carol):
    assert as_user(outsider).get(url("user_detail", carol)).status_code == 404


def test_leader_may_not_edit(as_user, leader, carol):
    assert as_user(leader).get(url("user_edit", carol)).status_code == 403


def test_school_admin_may_not_edit_itself_here(as_user, alice):
    assert as_user(alice).get(url("user_edit", alice)).status_code == 403


def test_school_admin_edits_its_staff(as_user, alice, carol):
    response = as_user(alice).post(
        url("user_edit", carol),
        {
            "username": "carol",
            "full_name": "王门卫",
            "role": Role.SCHOOL_STAFF,
            "title": "门卫",
            "phone": "",
            "version": carol.membership.version,
        },
    )
    assert response.status_code == 302
    carol.refresh_from_db()
    assert carol.first_name == "王门卫"
    assert Membership.objects.get(user=carol).title == "门卫"


def test_a_stale_edit_keeps_what_was_typed(as_user, bureau_admin, carol):
    version = carol.membership.version
    carol.membership.reset_password(bureau_admin)
    response = as_user(bureau_admin).post(
        url("user_edit", carol),
        {
            "username": "carol",
            "full_name": "新名字",
            "role": Role.SCHOOL_STAFF,
            "school": carol.membership.school_id,
            "version": version,
        },
    )
    assert response.status_code == 200
    assert "新名字" in response.content.decode()
    carol.refresh_from_db()
    assert carol.first_name != "新名字"


# ---- open an account ------------------------------------------------------------------------


def test_bureau_admin_opens_an_account_and_sees_the_password_once(
    as_user, bureau_admin, fire_department
):
    response = as_user(bureau_admin).post(
        url("user_create"),
        {
            "username": "traffic1",
            "full_name": "陈警官",
            "role": Role.DEPT_INSPECTOR,
            "department": fire_department.pk,
        },
    )
    assert response.status_code == 200
    password = response.context["password"]
    assert password in response.content.decode()
    account = Membership.objects.get(user__username="traffic1")
    assert account.department == fire_department and account.must_change_password
    assert (
        password not in as_user(bureau_admin).get(url("user_detail", account.user)).content.decode()
    )


def test_school_admin_opens_a_staff_account_at_its_school_only(as_user, alice, school_a, school_b):
    response = as_user(alice).post(
        url("user_create"),
        {
            "username": "gate2",
            "full_name": "李门卫",
            "role": Role.SCHOOL_STAFF,
            "school": school_b.pk,
        },
    )
    assert response.status_code == 200
    assert Membership.objects.get(user__username="gate2").school == school_a  # the field is fixed


def test_school_admin_is_offered_the_staff_role_only(as_user, alice):
    form = as_user(alice).get(url("user_create")).context["form"]
    assert [value for value, _label in form.fields["role"].choices] == [Role.SCHOOL_STAFF]


@pytest.mark.parametrize("persona", ["leader", "gov", "fire", "carol"])
def test_others_may_not_open_accounts(request, as_user, persona):
    assert as_user(request.getfixturevalue(persona)).get(url("user_create")).status_code == 403


def test_a_taken_login_is_shown_at_the_form(as_user, bureau_admin, alice, school_a):
    response = as_user(bureau_admin).post(
        url("user_create"),
        {"username": "alice", "full_name": "X", "role": Role.SCHOOL_STAFF, "school": school_a.pk},
    )
    assert response.status_code == 200
    assert "已被占用" in response.content.decode()


# ---- steps ----------------------------------------------------------------------------------


@pytest.mark.parametrize("step", ["user_deactivate", "user_activate", "user_reset_password"])
def test_steps_answer_post_only(as_user, bureau_admin, carol, step):
    assert as_user(bureau_admin).get(url(step, carol)).status_code == 405


@pytest.mark.parametrize("step", ["user_deactivate", "user_reset_password"])
def test_leader_may_not_take_steps(as_user, leader, carol, step):
    assert as_user(leader).post(url(step, carol)).status_code == 403


def test_bureau_admin_deactivates_and_activates(as_user, bureau_admin, carol):
    client = as_user(bureau_admin)
    assert client.post(url("user_deactivate", carol)).status_code == 302
    assert not Membership.objects.get(user=carol).is_active
    assert client.post(url("user_activate", carol)).status_code == 302
    assert Membership.objects.get(user=carol).is_active


def test_reset_shows_the_temporary_password(as_user, bureau_admin, carol):
    response = as_user(bureau_admin).post(url("user_reset_password", carol))
    assert response.status_code == 200
    assert response.context["password"] in response.content.decode()
    assert (
        response["Cache-Control"].startswith("no-store") or "no-store" in response["Cache-Control"]
    )


def test_anonymous_goes_to_the_login(client, carol):
    response = client.get(url("users"))
    assert response.status_code == 302 and reverse("accounts:login") in response["Location"]
