"""Registers API: isolation, masked IDs, the gate."""

from __future__ import annotations

import pytest
from rest_framework.test import APIClient

from xiaoan.registers.models import Visitor

from .conftest import VALID_ID

pytestmark = pytest.mark.django_db


def api(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def test_drivers_of_another_school_are_invisible_and_404(bob, alice, driver_a):
    assert api(bob).get("/api/v1/registers/drivers/").json()["count"] == 0
    assert api(bob).get(f"/api/v1/registers/drivers/{driver_a.pk}/").status_code == 404
    body = api(alice).get("/api/v1/registers/drivers/").json()
    assert body["count"] == 1 and body["results"][0]["name"] == "孙师傅"


def test_special_groups_api_is_empty_for_the_leader(leader, bureau_admin, child_a):
    assert api(leader).get("/api/v1/registers/special-groups/").json()["count"] == 0
    assert api(bureau_admin).get("/api/v1/registers/special-groups/").json()["count"] == 1


def test_register_and_sign_out_a_visitor_through_the_api(carol, bureau_admin):
    response = api(carol).post(
        "/api/v1/registers/visitors/",
        {"name": "钱七", "id_number": VALID_ID, "purpose": "送货"},
        format="json",
    )
    assert response.status_code == 201
    assert response.json()["id_number"] == "110105********002X"
    pk = response.json()["id"]
    assert "id_digest" not in response.json()
    assert api(carol).post(f"/api/v1/registers/visitors/{pk}/sign-out/").status_code == 200
    assert api(carol).post(f"/api/v1/registers/visitors/{pk}/sign-out/").status_code == 409
    assert (
        api(bureau_admin)
        .post(
            "/api/v1/registers/visitors/",
            {"name": "x", "id_number": VALID_ID, "purpose": "x"},
            format="json",
        )
        .status_code
        == 403
    )
    assert Visitor.objects.count() == 1


def test_bad_id_number_is_a_400_with_the_reason(carol):
    response = api(carol).post(
        "/api/v1/registers/visitors/",
        {"name": "钱七", "id_number": "110105194912310021", "purpose": "送货"},
        format="json",
    )
    assert response.status_code == 400 and "id_number" in response.json()
