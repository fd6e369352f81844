"""Register rows: every change in the change log with who, before and after; a stale edit
refused (at the page's form, 409 in the API); the steps each user may take, shown and enforced."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from xiaoan.core.changelog import history
from xiaoan.core.models import ChangeAction
from xiaoan.registers.models import SurroundingsCheck, Vehicle

pytestmark = pytest.mark.django_db


def api(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


VEHICLE_FORM = {
    "plate": "浙A12345",
    "seats": 35,
    "owner": "清溪客运",
    "is_school_bus": "on",
    "bus_licence_no": "校车标牌2014-001",
    "inspection_due": "2014-12-20",
    "insurance_due": "2015-06-01",
}


def test_an_edit_on_the_page_is_logged_with_who_before_and_after(as_user, alice, vehicle_a):
    url = reverse("registers:edit", args=["vehicles", vehicle_a.pk])
    response = as_user(alice).post(url, {**VEHICLE_FORM, "seats": 19, "version": 1})
    assert response.status_code == 302
    vehicle_a.refresh_from_db()
    assert (vehicle_a.seats, vehicle_a.version) == (19, 2)
    update = history(vehicle_a).get(action=ChangeAction.UPDATE)
    assert update.user == alice and update.address == "127.0.0.1"
    assert (update.before, update.after) == ({"seats": 35}, {"seats": 19})
    assert history(vehicle_a).filter(action=ChangeAction.CREATE).exists()


def test_a_stale_edit_is_refused_at_the_form_and_keeps_what_was_typed(as_user, alice, vehicle_a):
    url = reverse("registers:edit", args=["vehicles", vehicle_a.pk])
    form = as_user(alice).get(url).context["form"]
    read = form["version"].value()
    vehicle_a.owner = "另一家客运"
    vehicle_a.save()  # someone else saved after the page was opened
    response = as_user(alice).post(url, {**VEHICLE_FORM, "seats": 19, "version": read})
    assert response.status_code == 200
    assert "他人已保存" in " ".join(response.context["form"].non_field_errors())
    assert response.context["form"]["seats"].value() == "19"
    vehicle_a.refresh_from_db()
    assert (vehicle_a.seats, vehicle_a.owner) == (35, "另一家客运")


def test_the_api_refuses_a_stale_put_or_patch_with_409(alice, vehicle_a):
    url = f"/api/v1/registers/vehicles/{vehicle_a.pk}/"
    body = api(alice).get(url).json()
    assert body["version"] == 1
    assert api(alice).patch(url, {"seats": 20, "version": 1}, format="json").status_code == 200
    stale = api(alice).patch(url, {"seats": 21, "version": 1}, format="json")
    assert stale.status_code == 409 and stale.json()["code"] == "stale"
    put = {**body, "seats": 22, "version": 1}
    assert api(alice).put(url, put, format="json").status_code == 409
    # Without a version the update applies to the row as it is now.
    assert api(alice).patch(url, {"seats": 23}, format="json").json()["version"] == 3
    vehicle_a.refresh_from_db()
    assert vehicle_a.seats == 23


def test_api_rows_carry_the_steps_the_user_may_take(alice, carol, leader, bureau_admin, visitor_a):
    url = f"/api/v1/registers/visitors/{visitor_a.pk}/"
    assert api(carol).get(url).json()["allowed_actions"] == ["edit", "sign_out"]
    assert api(bureau_admin).get(url).json()["allowed_actions"] == []
    assert api(carol).post(f"{url}sign-out/").json()["allowed_actions"] == ["edit"]
    vehicles = api(leader).get("/api/v1/registers/vehicles/").json()
    assert all(row["allowed_actions"] == [] for row in vehicles["results"])


def test_a_role_without_the_edit_step_gets_403_on_page_and_api(as_user, leader, vehicle_a):
    assert (
        as_user(leader).get(reverse("registers:edit", args=["vehicles", vehicle_a.pk])).status_code
        == 403
    )
    url = f"/api/v1/registers/vehicles/{vehicle_a.pk}/"
    assert api(leader).patch(url, {"seats": 20}, format="json").status_code == 403


def test_list_shows_exactly_the_allowed_buttons(as_user, alice, leader, vehicle_a):
    edit = reverse("registers:edit", args=["vehicles", vehicle_a.pk])
    assert edit in as_user(alice).get(reverse("registers:list", args=["vehicles"])).content.decode()
    assert (
        edit
        not in as_user(leader).get(reverse("registers:list", args=["vehicles"])).content.decode()
    )


def _failing_check(school) -> SurroundingsCheck:
    return SurroundingsCheck.objects.create(
        school=school, checked_on=datetime.date(2014, 9, 1), no_illegal_stalls=False
    )


def test_surroundings_follow_up_is_offered_once_and_refused_after(as_user, alice, school_a):
    check = _failing_check(school_a)
    follow = reverse("registers:surroundings-follow-up", args=[check.pk])
    page = as_user(alice).get(reverse("registers:list", args=["surroundings"])).content.decode()
    assert follow in page
    assert as_user(alice).post(follow).status_code == 302
    check.refresh_from_db()
    assert check.hazard is not None and check.version == 2
    assert history(check).filter(action=ChangeAction.STATE, user=alice).exists()
    page = as_user(alice).get(reverse("registers:list", args=["surroundings"])).content.decode()
    assert follow not in page
    again = api(alice).post(f"/api/v1/registers/surroundings/{check.pk}/follow-up/")
    assert again.status_code == 409


def test_detail_page_shows_the_row_its_steps_and_its_history(as_user, alice, carol, visitor_a):
    visitor_a.purpose = "维修水管"
    visitor_a.save()
    page = as_user(carol).get(reverse("registers:detail", args=["visitors", visitor_a.pk]))
    assert page.status_code == 200
    assert page.context["actions"] == ["edit", "sign_out"]
    body = page.content.decode()
    assert 'id="history"' in body and "维修水管" in body
    assert reverse("registers:visitor-sign-out", args=[visitor_a.pk]) in body


def test_a_drivers_history_is_kept_from_who_may_not_read_its_numbers(as_user, gov, alice, driver_a):
    url = reverse("registers:detail", args=["drivers", driver_a.pk])
    assert 'id="history"' in as_user(alice).get(url).content.decode()
    gov_page = as_user(gov).get(url).content.decode()
    assert 'id="history"' not in gov_page and driver_a.licence_no not in gov_page


def test_a_vehicle_created_through_the_api_is_logged_as_created(alice):
    response = api(alice).post(
        "/api/v1/registers/vehicles/",
        {**VEHICLE_FORM, "plate": "浙A99999", "is_school_bus": True},
        format="json",
    )
    assert response.status_code == 201
    created = history(Vehicle.objects.get(plate="浙A99999")).get()
    assert created.action == ChangeAction.CREATE and created.user == alice
    assert created.after["plate"] == "浙A99999"
