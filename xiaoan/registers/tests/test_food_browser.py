"""A canteen's morning check and food sample recorded on a phone without a network: the forms
are kept on the device from today's field work, wait while offline, and arrive once when the
network returns; a check the server refuses comes back with its error and what was ticked."""

from __future__ import annotations

import pytest

from conftest import PASSWORD, browser_login, wait_for_service_worker
from xiaoan.core.dates import local_today
from xiaoan.registers.models import FoodSample, MorningCheck

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def phone(browser, live_server):
    """A phone in Beijing time (a sample's empty time is the phone's own minute)."""
    context = browser.new_context(
        locale="zh-CN",
        timezone_id="Asia/Shanghai",
        viewport={"width": 390, "height": 844},
        is_mobile=True,
        has_touch=True,
        bypass_csp=True,
    )
    page = context.new_page()
    page.set_default_timeout(15000)
    yield page
    context.close()


def _pending(page, n: int) -> None:
    page.wait_for_function(f"document.querySelector('#offline-banner').dataset.pending === '{n}'")


def test_a_morning_check_and_a_sample_recorded_offline_arrive_once(
    phone, live_server, carol, school_a
):
    import datetime

    school_a.canteen = True
    school_a.save()
    yesterday = local_today() - datetime.timedelta(days=1)
    staff = [{"name": n, "symptoms": [], "off_duty": False} for n in ("王师傅", "李阿姨")]
    MorningCheck.objects.create(
        school=school_a, checked_on=yesterday, checker="王师傅", staff=staff
    )
    page = phone
    browser_login(page, live_server, "carol", PASSWORD)
    page.goto(f"{live_server.url}/field/")
    wait_for_service_worker(page)
    page.wait_for_selector("#field-food a[href='/registers/morning-checks/new/'][data-kept]")
    page.wait_for_selector("#field-food a[href='/registers/food-samples/new/'][data-kept]")

    page.context.set_offline(True)
    page.goto(f"{live_server.url}/registers/morning-checks/new/")
    assert page.input_value("[name='staff-1-name']") == "李阿姨"  # the last list, all well
    page.check("#staff-1-fever")  # a symptom, but not sent off duty: the server refuses it
    page.click("main button[type=submit]")
    _pending(page, 1)
    page.goto(f"{live_server.url}/registers/food-samples/new/")
    page.fill("[name=dish]", "番茄炒蛋")
    page.fill("[name=weight_g]", "150")
    page.click("main button[type=submit]")
    page.wait_for_selector("[data-offline-note]:not(.d-none)")
    _pending(page, 2)
    assert not FoodSample.objects.exists()

    page.context.set_offline(False)
    _pending(page, 0)
    # The sample's form is still open: once sent, it follows on to the list, as online.
    page.wait_for_url(f"{live_server.url}/registers/food-samples/")
    sample = FoodSample.objects.get()
    assert sample.dish == "番茄炒蛋" and sample.recorded_by == carol
    assert MorningCheck.objects.count() == 1  # the refused check is not saved…

    page.goto(f"{live_server.url}/registers/morning-checks/new/")
    page.check("#staff-1-fever")
    page.click("main button[type=submit]")
    page.wait_for_selector("text=请勾选离岗")  # …and says why, at the list, what was ticked kept
    assert page.is_checked("#staff-1-fever")
    page.check("#staff-1-off_duty")
    page.click("main button[type=submit]")
    page.wait_for_url(f"{live_server.url}/registers/morning-checks/")
    today = MorningCheck.objects.get(checked_on=local_today())
    assert today.off_duty_count == 1 and today.staff[1]["symptoms"] == ["fever"]
