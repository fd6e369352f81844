"""Register pages: owner OK, another school 404, read-only 403, wrong method 405, exports."""

from __future__ import annotations

import datetime
import io

import pytest
import time_machine
from django.urls import reverse
from openpyxl import load_workbook

from xiaoan.core.dates import local_today
from xiaoan.hazards.models import Hazard
from xiaoan.registers.models import (
    Driver,
    SurroundingsCheck,
    Visitor,
)
from xiaoan.registers.tables import REGISTERS

from .conftest import VALID_ID

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("slug", [r.slug for r in REGISTERS])
def test_every_register_list_and_export_open_for_the_bureau(as_user, bureau_admin, slug):
    client = as_user(bureau_admin)
    assert client.get(reverse("registers:list", args=[slug])).status_code == 200
    response = client.get(reverse("registers:export", args=[slug]))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")


def test_school_b_cannot_see_or_edit_school_a_driver(as_user, bob, alice, driver_a):
    url = reverse("registers:edit", args=["drivers", driver_a.pk])
    assert as_user(alice).get(url).status_code == 200
    assert as_user(bob).get(url).status_code == 404
    listing = as_user(bob).get(reverse("registers:list", args=["drivers"]))
    assert "孙师傅" not in listing.content.decode()


def test_read_only_roles_get_403_on_a_register_form(as_user, gov, leader, carol):
    for user in (gov, leader, carol):
        assert as_user(user).get(reverse("registers:create", args=["vehicles"])).status_code == 403


def test_wrong_method_is_405(as_user, alice, visitor_a):
    client = as_user(alice)
    assert client.get(reverse("registers:visitor-sign-out", args=[visitor_a.pk])).status_code == 405
    assert client.post(reverse("registers:list", args=["vehicles"])).status_code == 405


def test_school_admin_adds_a_vehicle_to_her_own_school(as_user, alice, school_a):
    response = as_user(alice).post(
        reverse("registers:create", args=["vehicles"]),
        {
            "plate": "浙A99999",
            "seats": 19,
            "owner": "学校",
            "is_school_bus": "on",
            "bus_licence_no": "校车标牌2014-009",
            "inspection_due": "2015-01-01",
            "insurance_due": "2015-02-01",
        },
    )
    assert response.status_code == 302
    row = school_a.registers_vehicles.get()
    assert row.plate == "浙A99999" and row.recorded_by == alice


@time_machine.travel(datetime.datetime(2014, 9, 1, 9, tzinfo=datetime.UTC), tick=False)
def test_unqualified_driver_is_refused_with_a_message_for_each_condition(as_user, alice):
    response = as_user(alice).post(
        reverse("registers:create", args=["drivers"]),
        {
            "name": "新司机",
            "licence_no": "1",
            "licence_class": "C1",
            "licence_valid_until": "2030-01-01",
            "birth_date": "1999-01-01",
            "driving_years": 1,
            "criminal_record": "on",
            "health_ok": "on",
        },
    )
    assert response.status_code == 200
    errors = response.context["form"].non_field_errors()
    assert len(errors) == 4  # class, experience, age, criminal record
    assert not Driver.objects.exists()


def test_special_group_children_hidden_from_leader_gov_staff_and_inspector(
    as_user, child_a, alice, bureau_admin, leader, gov, carol, fire
):
    url = reverse("registers:edit", args=["special-groups", child_a.pk])
    assert as_user(alice).get(url).status_code == 200
    for user in (leader, gov, carol, fire):
        assert as_user(user).get(url).status_code == 404
        listing = as_user(user).get(reverse("registers:list", args=["special-groups"]))
        assert "小明" not in listing.content.decode()
    listing = as_user(bureau_admin).get(reverse("registers:list", args=["special-groups"]))
    assert "小明" in listing.content.decode()
    counts = as_user(leader).get(reverse("registers:special-counts"))
    assert counts.status_code == 200 and "小明" not in counts.content.decode()
    assert next(iter(counts.context["counts"]))["left_behind"] == 1


def test_gate_registers_warns_and_signs_out(as_user, carol, school_a):
    client = as_user(carol)
    response = client.post(
        reverse("registers:gate"),
        {
            "name": "钱七",
            "id_type": "resident",
            "id_number": VALID_ID,
            "purpose": "送货",
        },
        follow=True,
    )
    visitor = Visitor.objects.get()
    assert visitor.id_masked.endswith("002X") and visitor.is_inside
    assert "钱七" in [v.name for v, _actions in response.context["inside"]]
    client.post(reverse("registers:visitor-sign-out", args=[visitor.pk]))
    visitor.refresh_from_db()
    assert visitor.left_at is not None


def test_gate_shows_a_clear_error_for_a_bad_id(as_user, carol):
    response = as_user(carol).post(
        reverse("registers:gate"),
        {
            "name": "钱七",
            "id_type": "resident",
            "id_number": "123",
            "purpose": "送货",
        },
    )
    assert response.status_code == 200 and response.context["form"].errors["id_number"]
    assert not Visitor.objects.exists()


def test_bureau_cannot_register_at_a_gate(as_user, bureau_admin):
    response = as_user(bureau_admin).post(reverse("registers:gate"), {"name": "x"})
    assert response.status_code == 403


def test_visitor_list_masks_ids_for_the_bureau(as_user, bureau_admin, visitor_a):
    page = as_user(bureau_admin).get(reverse("registers:list", args=["visitors"])).content.decode()
    assert "110105********002X" in page and VALID_ID not in page


def test_visitor_list_and_export_show_the_full_id_only_to_the_schools_admin(
    as_user, alice, carol, visitor_a
):
    url = reverse("registers:list", args=["visitors"])
    assert VALID_ID in as_user(alice).get(url).content.decode()
    staff_page = as_user(carol).get(url).content.decode()
    assert VALID_ID not in staff_page and "110105********002X" in staff_page
    export = reverse("registers:export", args=["visitors"])
    assert VALID_ID in _sheet_text(as_user(alice).get(export))
    assert VALID_ID not in _sheet_text(as_user(carol).get(export))


def _sheet_text(response) -> str:
    sheet = load_workbook(io.BytesIO(response.content)).active
    return " ".join(str(c) for row in sheet.iter_rows(values_only=True) for c in row if c)


def test_visitors_are_added_at_the_gate_not_through_the_plain_form(as_user, alice):
    response = as_user(alice).post(
        reverse("registers:create", args=["visitors"]), {"purpose": "送货"}
    )
    assert response.status_code == 302 and response.url == reverse("registers:gate")
    assert not Visitor.objects.exists()


def test_duty_gap_page_lists_schools_without_cover(as_user, bureau_admin, shift_b, school_a):
    response = as_user(bureau_admin).get(reverse("registers:duty-gaps"), {"day": "2014-09-01"})
    rows = {r["school"].code: r for r in response.context["rows"]}
    assert rows["S001"]["hours"] == 24.0 and not rows["S001"]["rostered"]
    assert rows["S002"]["hours"] == 15.0


def test_surroundings_failure_followed_up_as_a_security_hazard(as_user, alice, school_a, bob):
    check = SurroundingsCheck.objects.create(
        school=school_a,
        checked_on=datetime.date(2014, 8, 25),
        no_illegal_stalls=False,
        findings="校门口流动摊点",
    )
    url = reverse("registers:surroundings-follow-up", args=[check.pk])
    assert as_user(bob).post(url).status_code == 404
    as_user(alice).post(url)
    check.refresh_from_db()
    hazard = Hazard.objects.get()
    assert check.hazard == hazard and hazard.area.code == "security"
    assert "流动摊点" in hazard.description
    as_user(alice).post(url)
    assert Hazard.objects.count() == 1


def test_list_runs_a_fixed_number_of_queries(
    as_user, bureau_admin, school_a, django_assert_max_num_queries
):
    for n in range(30):
        Visitor.objects.create(
            school=school_a,
            name=f"访客{n}",
            id_masked="1234",
            id_digest="",
            purpose="x",
            entered_at=datetime.datetime(2014, 9, 1, tzinfo=datetime.UTC),
        )
    client = as_user(bureau_admin)
    # 8 reads, and the session saved after the login (accounts/sessions.py): 3 statements.
    with django_assert_max_num_queries(11):
        client.get(reverse("registers:list", args=["visitors"]))


def test_admin_lists_every_register(admin_client, visitor_a, driver_a, child_a):
    from django.contrib import admin

    from xiaoan.registers import models as register_models

    for model in admin.site._registry:
        if model.__module__.startswith(register_models.__name__):
            url = reverse(f"admin:registers_{model._meta.model_name}_changelist")
            assert admin_client.get(url).status_code == 200, url


def test_overview_figures_default_to_the_latest_campaign_year_and_refuse_bad_years(
    as_user, bureau_admin, bureau
):
    from xiaoan.campaigns.models import Campaign

    Campaign.objects.create(
        bureau=bureau,
        name="2014年专项行动",
        start_date=datetime.date(2014, 7, 1),
        end_date=datetime.date(2014, 12, 31),
    )
    client = as_user(bureau_admin)
    assert client.get(reverse("registers:index")).context["year"] == 2014
    assert client.get(reverse("registers:index"), {"year": "2015"}).context["year"] == 2015
    assert client.get(reverse("registers:index"), {"year": "abc"}).context["year"] == 2014


def test_impossible_dates_and_day_counts_fall_back_instead_of_failing(as_user, bureau_admin, carol):
    client = as_user(bureau_admin)
    gaps = client.get(reverse("registers:duty-gaps"), {"day": "2014-02-30"})
    assert gaps.status_code == 200 and gaps.context["day"] == local_today()
    papers = client.get(reverse("registers:papers"), {"days": "soon"})
    assert papers.status_code == 200 and papers.context["days"] == 30
    gate = as_user(carol).get(reverse("registers:gate"), {"day": "2014-13-01"})
    assert gate.status_code == 200 and gate.context["day"] == local_today()


def test_vehicle_list_flags_papers_past_or_due_within_30_days(as_user, bureau_admin, vehicle_a):
    url = reverse("registers:list", args=["vehicles"])
    # Inspection due on 20 December 2014, insurance until 1 June 2015.
    with time_machine.travel(datetime.date(2014, 11, 1)):
        row = as_user(bureau_admin).get(url).context["table"][0][1]
        assert row[-1] == ""
    with time_machine.travel(datetime.date(2014, 12, 1)):
        assert as_user(bureau_admin).get(url).context["table"][0][1][-1] == "即将到期"
    with time_machine.travel(datetime.date(2014, 12, 21)):
        assert as_user(bureau_admin).get(url).context["table"][0][1][-1] == "已过期"


def test_driver_list_checks_article_23_again_on_the_day(as_user, alice, driver_a):
    url = reverse("registers:list", args=["drivers"])
    with time_machine.travel(datetime.date(2014, 9, 1)):
        assert as_user(alice).get(url).context["table"][0][1][-1] == "符合"
    with time_machine.travel(datetime.date(2016, 2, 1)):
        assert "驾驶证已于2016-01-01过期" in as_user(alice).get(url).context["table"][0][1][-1]


def test_gate_staff_correct_a_visitors_details_but_not_another_schools(
    as_user, carol, bob, visitor_a
):
    url = reverse("registers:edit", args=["visitors", visitor_a.pk])
    assert as_user(bob).get(url).status_code == 404
    response = as_user(carol).post(
        url, {"purpose": "维修水管", "host": "总务处", "version": visitor_a.version}
    )
    assert response.status_code == 302
    visitor_a.refresh_from_db()
    assert (visitor_a.purpose, visitor_a.host) == ("维修水管", "总务处")
    assert visitor_a.id_masked == "110105********002X" and visitor_a.name == "钱七"
