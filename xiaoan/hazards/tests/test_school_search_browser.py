"""The school choice is a search box, never a list of every school: the bureau finds a school
by typing part of its name and the ledger narrows to it."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from conftest import PASSWORD, browser_login, pick_school

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_bureau_finds_a_school_by_typing_and_the_ledger_narrows_to_it(
    page, live_server, bureau_admin, make_hazard, school_a, school_b, bob
):
    make_hazard(description="灭火器过期未更换")
    make_hazard(school=school_b, user=bob, description="围墙开裂")
    browser_login(page, live_server, "bureau", PASSWORD)
    page.goto(f"{live_server.url}/hazards/")
    assert page.locator("select[name=school]").count() == 0
    box = page.locator(".filter-bar [data-school-search] input[type=search]")
    pick_school(page, box, "第一", "S002 清溪区第一中学")
    page.wait_for_url(f"**school={school_b.pk}**")
    table = page.locator("#hazard-table")
    expect(table).not_to_contain_text("灭火器")
    expect(table).to_contain_text("围墙开裂")

    # Emptying the box is "all schools" again.
    box.fill("")
    expect(table).to_contain_text("灭火器")


def test_enter_in_the_box_picks_the_one_suggestion_instead_of_sending_the_form(
    page, live_server, bureau_admin, make_hazard, school_a, school_b, bob
):
    make_hazard(description="灭火器过期未更换")
    make_hazard(school=school_b, user=bob, description="围墙开裂")
    browser_login(page, live_server, "bureau", PASSWORD)
    page.goto(f"{live_server.url}/hazards/")
    box = page.locator(".filter-bar [data-school-search] input[type=search]")
    box.fill("第一")
    expect(page.locator(".filter-bar [data-school-search] datalist option")).to_have_count(1)
    box.press("Enter")
    expect(box).to_have_value("S002 清溪区第一中学")
    page.wait_for_url(f"**school={school_b.pk}**")
    expect(page.locator("#hazard-table")).not_to_contain_text("灭火器")
