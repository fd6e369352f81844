"""An inspection filled in on a phone: item by item, a failed item raised as a hazard, signed."""

from __future__ import annotations

import pytest

from conftest import PASSWORD, browser_login
from xiaoan.inspections.models import Inspection

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def test_school_fills_in_a_self_inspection_on_a_phone(phone_page, live_server, alice):
    page = phone_page
    browser_login(page, live_server, "alice", PASSWORD)
    page.goto(f"{live_server.url}/inspections/new/")
    page.fill("input[name=date]", "2014-09-03")
    page.check("label:has-text('消防安全')")
    page.click("main button[type=submit]")
    page.wait_for_url("**/inspections/*/")
    cards = page.locator(".answer-card")
    count = cards.count()
    assert count >= 8
    for index in range(1, count):
        card = page.locator(".answer-card").nth(index)
        card.locator("label.btn-outline-success").click()
        card.locator("button[type=submit]").click()
        page.wait_for_selector(f".answer-card.border-success >> nth={index - 1}")
    first = page.locator(".answer-card").first
    first.locator("label.btn-outline-danger").click()
    first.locator("input[name=note]").fill("消防安全责任人未明确")
    first.locator("button[type=submit]").click()
    page.locator(".answer-card").first.get_by_text("登记隐患").click()
    page.wait_for_url("**/hazard/")
    assert page.locator("textarea[name=description]").input_value() == "消防安全责任人未明确"
    page.click("main button[type=submit]")
    page.wait_for_url("**/inspections/*/#answer-*")
    assert page.locator(".answer-card").first.locator("a.badge").count() == 1
    page.fill("input[name=signed_by]", "李秀英")
    page.click("#submit-inspection")
    page.wait_for_selector(".badge.text-bg-success")
    inspection = Inspection.objects.get()
    assert inspection.is_locked and inspection.signed_by == "李秀英"
    assert inspection.answers.exclude(hazard=None).get().hazard.area.code == "fire"
    assert page.locator(".answer-card form").count() == 0
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390
