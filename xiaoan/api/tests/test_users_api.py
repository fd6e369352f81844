"""Accounts API: exact JSON of a row, scoping, the steps, temporary passwords once."""

from __future__ import annotations

import pytest
from django.test import Client
from rest_framework.test import APIClient

from xiaoan.accounts.choices import Role
from xiaoan.accounts.models import Membership

pytestmark = pytest.mark.django_db


def api_for(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def test_a_school_admin_lists_its_own_schools_accounts(alice, carol, bob):
    response = api_for(alice).get("/api/v1/users/")
    assert response.status_code == 200
    rows = response.json()["results"]
    assert [r["username"] for r in rows] == ["alice", "carol"]
    carol_row = rows[1]
    membership = carol.membership
    assert carol_row == {
        "id": membership.pk,
        "username": "carol",
        "full_name": "Carol",
        "role": "school_staff",
        "role_display": "学校教职工",
        "school": membership.school_id,
        "school_code": "S001",
        "department": None,
        "section": None,
        "organisation": "清溪区实验小学",
        "title": "",
        "phone": "",
        "is_active": True,
        "must_change_password": False,
        "last_login": None,
        "date_joined": carol_row["date_joined"],
        "version": membership.version,
        "allowed_actions": ["edit", "deactivate", "reset_password"],
    }


@pytest.mark.parametrize("persona", ["gov", "fire", "carol"])
def test_others_may_not_list_accounts(request, persona):
    assert api_for(request.getfixturevalue(persona)).get("/api/v1/users/").status_code == 403


def test_another_schools_account_is_not_found(bob, carol):
    assert api_for(bob).get(f"/api/v1/users/{carol.membership.pk}/").status_code == 404


def test_the_bureau_opens_an_account_and_gets_its_password_once(bureau_admin, fire_department):
    response = api_for(bureau_admin).post(
        "/api/v1/users/",
        {
            "username": "traffic1",
            "full_name": "陈警官",
            "role": Role.DEPT_INSPECTOR,
            "department": fire_department.pk,
        },
        format="json",
    )
    assert response.status_code == 201
    body = response.json()
    assert body["department"] == fire_department.pk and body["must_change_password"]
    assert Client().login(username="traffic1", password=body["password"])
    row = api_for(bureau_admin).get(f"/api/v1/users/{body['id']}/").json()
    assert "password" not in row


def test_a_leader_is_refused_before_the_body_is_read(leader):
    assert api_for(leader).post("/api/v1/users/", {}, format="json").status_code == 403


def test_a_school_admin_may_not_open_an_administrator(alice, school_a):
    response = api_for(alice).post(
        "/api/v1/users/",
        {"username": "eve", "full_name": "Eve", "role": Role.SCHOOL_ADMIN, "school": school_a.pk},
        format="json",
    )
    assert response.status_code == 403


def test_patch_deactivate_activate_and_reset(bureau_admin, carol):
    client = api_for(bureau_admin)
    pk = carol.membership.pk
    response = client.patch(f"/api/v1/users/{pk}/", {"full_name": "王门卫"}, format="json")
    assert response.status_code == 200 and response.json()["full_name"] == "王门卫"
    response = client.post(f"/api/v1/users/{pk}/deactivate/")
    assert response.json()["is_active"] is False
    assert client.post(f"/api/v1/users/{pk}/deactivate/").status_code == 409
    assert client.post(f"/api/v1/users/{pk}/activate/").json()["is_active"] is True
    body = client.post(f"/api/v1/users/{pk}/reset-password/").json()
    assert body["username"] == "carol"
    assert Client().login(username="carol", password=body["password"])
    assert Membership.objects.get(pk=pk).must_change_password


def test_a_stale_version_is_refused(bureau_admin, carol):
    client = api_for(bureau_admin)
    pk = carol.membership.pk
    response = client.patch(f"/api/v1/users/{pk}/", {"title": "门卫", "version": 99}, format="json")
    assert response.status_code == 409


def test_sections_and_departments_are_listed_retired_ones_marked(
    alice, bureau_admin, fire_department
):
    fire_department.retire(bureau_admin)
    rows = api_for(alice).get("/api/v1/departments/").json()["results"]
    assert [(r["name"], r["is_active"]) for r in rows] == [("清溪区消防大队", False)]
