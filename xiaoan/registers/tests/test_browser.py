"""At the gate on a phone: register a visitor, see them inside, sign them out."""

from __future__ import annotations

import pytest

from conftest import browser_login
from xiaoan.registers.models import Visitor

from .conftest import VALID_ID


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_gate_keeper_registers_a_visitor_and_signs_them_out(phone_page, live_server, carol):
    page = phone_page
    browser_login(page, live_server, "carol")
    page.goto(f"{live_server.url}/registers/gate/")
    page.fill("#id_name", "钱七")
    page.fill("#id_id_number", "110105194912310021")  # a wrong check digit
    page.fill("#id_purpose", "送货")
    page.click("#visitor-form button[type=submit]")
    assert "校验位" in page.inner_text("#visitor-form")
    page.fill("#id_id_number", VALID_ID)
    page.click("#visitor-form button[type=submit]")
    page.wait_for_selector("#inside >> text=钱七")
    visitor = Visitor.objects.get()
    assert visitor.id_masked == "110105********002X"
    page.click("#inside button:has-text('登记离校')")
    page.wait_for_selector("#inside >> text=目前无来访人员在校")
    visitor.refresh_from_db()
    assert visitor.left_at is not None


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_a_watch_list_match_stops_the_phone_until_the_keeper_admits_with_a_reason(
    phone_page, live_server, carol, school_a
):
    from xiaoan.registers.models import WatchListEntry

    WatchListEntry.objects.create(school=school_a, name="赵某某", reason="法院禁止令")
    page = phone_page
    browser_login(page, live_server, "carol")
    page.goto(f"{live_server.url}/registers/gate/")
    page.fill("#id_name", "赵某某")
    page.fill("#id_id_number", VALID_ID)
    page.fill("#id_purpose", "找人")
    page.fill("#id_host", "王老师")
    page.click("#visitor-form button[type=submit]")
    page.wait_for_selector("#watch-stop")
    assert "法院禁止令" in page.inner_text("#watch-stop")
    assert not Visitor.objects.exists()
    # Everything typed is still there; admitting without a reason is refused at the field.
    assert page.input_value("#id_host") == "王老师" and page.input_value("#id_purpose") == "找人"
    page.click("button[value=admit]")
    assert "理由" in page.inner_text("#visitor-form") and not Visitor.objects.exists()
    page.fill("#id_admission_reason", "经校长同意，由保卫人员陪同")
    page.click("button[value=admit]")
    page.wait_for_selector("#inside >> text=赵某某")
    assert Visitor.objects.get().admission_reason == "经校长同意，由保卫人员陪同"
