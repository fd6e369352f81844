from __future__ import annotations

import pytest

from conftest import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_bureau_logs_in_and_sees_the_dashboard_in_chinese(
    page, live_server, bureau_admin, school_a, kindergarten
):
    page.goto(f"{live_server.url}/")
    page.wait_for_url("**/accounts/login/**")
    assert page.locator("h1").inner_text() == "登录校安"
    page.fill("#id_username", "bureau")
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(f"{live_server.url}/")
    assert page.locator("h1").inner_text() == "首页"
    body = page.locator("main").inner_text()
    assert "中小学" in body and "幼托机构" in body
    page.click("nav a.nav-link:text-is('学校')")
    page.wait_for_url("**/schools/")
    assert page.locator("table tbody tr").count() == 2


def test_school_admin_sees_only_own_school_on_a_phone(
    phone_page, live_server, alice, school_a, school_b
):
    phone_page.goto(f"{live_server.url}/accounts/login/")
    phone_page.fill("#id_username", "alice")
    phone_page.fill("#id_password", PASSWORD)
    phone_page.click("button[type=submit]")
    phone_page.wait_for_url(f"{live_server.url}/")
    assert school_a.name in phone_page.locator("main").inner_text()
    phone_page.goto(f"{live_server.url}/schools/{school_b.pk}/")
    assert school_b.name not in phone_page.content()
