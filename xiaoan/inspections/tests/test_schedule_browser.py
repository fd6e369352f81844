"""The schools of a plan are chosen in the search box, never from a list of every school:
each pick becomes a chip, a chip's cross takes it off again, and the plan keeps the chips."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from conftest import PASSWORD, browser_login, pick_school
from xiaoan.inspections.models import InspectionSchedule

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_bureau_picks_two_schools_for_a_plan_and_saves_it(
    page, live_server, bureau_admin, school_a, school_b, kindergarten
):
    browser_login(page, live_server, "bureau", PASSWORD)
    page.goto(f"{live_server.url}/inspections/schedules/new/")
    assert page.locator("select[name=schools]").count() == 0
    page.fill("#id_title", "开学前联合检查")
    page.select_option("#id_kind", "joint")
    page.fill("#id_start_date", "2014-08-18")
    page.fill("#id_due_date", "2014-08-31")
    box = page.locator("[data-school-search] input[type=search]")
    chips = page.locator("[data-school-chip]")
    pick_school(page, box, "实验", f"S001 {school_a.name}")
    expect(chips).to_have_count(1)
    expect(box).to_have_value("")
    pick_school(page, box, "第一", f"S002 {school_b.name}")
    pick_school(page, box, "幼儿", f"{kindergarten.code} {kindergarten.name}")
    expect(chips).to_have_count(3)
    chips.filter(has_text=kindergarten.name).locator("[data-school-remove]").click()
    expect(chips).to_have_count(2)
    expect(chips.nth(1)).to_contain_text("S002 清溪区第一中学")
    page.click("form.col-12 button[type=submit]")
    page.wait_for_url("**/inspections/schedules/*/")
    schedule = InspectionSchedule.objects.get()
    assert sorted(s.code for s in schedule.schools.all()) == ["S001", "S002"]
