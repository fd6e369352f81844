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
    # Each tap is saved at once: no save button, the card says so.
    assert page.locator(".answer-card button:has-text('保存')").count() == 0
    for index in range(1, count):
        card = page.locator(".answer-card").nth(index)
        card.locator("label.btn-outline-success").click()
        page.wait_for_selector(f".answer-card >> nth={index} >> .answer-state[data-state=saved]")
    assert Inspection.objects.get().counts()["pass"] == count - 1
    assert str(count - 1) in page.locator("#answer-counts").inner_text()
    first = page.locator(".answer-card").first
    first.locator("label.btn-outline-danger").click()
    page.wait_for_selector(".answer-card.border-danger .answer-state[data-state=saved]")
    # A failed item without its note is still missing: listed with a link to the item.
    missing = page.locator("#missing-items a[href^='#answer-']")
    assert missing.count() == 1
    assert missing.get_attribute("href") == "#" + page.locator(".answer-card").first.get_attribute(
        "id"
    )
    first = page.locator(".answer-card").first
    first.locator("input[name=note]").fill("消防安全责任人未明确")
    first.locator("input[name=note]").blur()
    # The card comes back from the server with the note saved in it.
    page.wait_for_selector(
        ".answer-card >> nth=0 >> input[name=note][value='消防安全责任人未明确']"
    )
    page.locator(".answer-card").first.locator("summary:has-text('登记隐患')").click()
    page.locator(".answer-card").first.locator("button:has-text('登记隐患')").click()
    page.wait_for_selector(".answer-card >> nth=0 >> a.badge")
    assert page.locator("#missing-items a").count() == 0
    page.fill("input[name=signed_by]", "李秀英")
    # Locking is irreversible: the page asks first; refused, nothing is sent.
    asked = []
    page.once("dialog", lambda dialog: (asked.append(dialog.message), dialog.dismiss()))
    page.click("#submit-inspection")
    assert asked and "锁定" in asked[0]
    assert not Inspection.objects.get().is_locked
    page.once("dialog", lambda dialog: dialog.accept())
    page.click("#submit-inspection")
    page.wait_for_selector(".badge.text-bg-success")
    inspection = Inspection.objects.get()
    assert inspection.is_locked and inspection.signed_by == "李秀英"
    assert inspection.answers.exclude(hazard=None).get().hazard.area.code == "fire"
    assert page.locator(".answer-card form").count() == 0
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390
