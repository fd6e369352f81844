"""In a real browser: the bureau assigns a hazard, and the school's phone, left open on its
home page, shows the unread count at once (without opening the menu, without a reload), and
after one reload the hazard in its to-do list, on the first screen."""

from __future__ import annotations

import datetime

import pytest

from conftest import PASSWORD, browser_login, make_user
from xiaoan.accounts.choices import Role
from xiaoan.core.dates import local_today
from xiaoan.hazards.choices import HazardSource
from xiaoan.hazards.models import Area, Hazard

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 390, "height": 844}


def test_the_school_phone_shows_the_badge_and_the_to_do_line_after_the_bureau_assigns(
    browser, page, live_server, bureau, school_a, bureau_admin
):
    school001 = make_user("school001", Role.SCHOOL_ADMIN, bureau, school=school_a)
    hazard = Hazard.objects.report(
        school=school_a,
        area=Area.objects.get(code="fire"),
        level="general",
        description="消防通道堆放杂物",
        reported_by=school001,  # the school's own report: nothing to tell the school yet
        source=HazardSource.SELF_REPORT,
        found_on=local_today(),
    )
    phone = browser.new_context(locale="zh-CN", viewport=PHONE, is_mobile=True, has_touch=True)
    school = phone.new_page()
    browser_login(school, live_server, "school001", PASSWORD)
    assert school.locator("#unread-count").count() == 0
    assert school.locator(f'#todo a[href="/hazards/{hazard.pk}/"]').count() == 0

    browser_login(page, live_server, "bureau", PASSWORD)
    page.goto(f"{live_server.url}{hazard.get_absolute_url()}")
    page.fill("#action-assign textarea[name=opinion]", "立即清理杂物，保持通道畅通")
    deadline = local_today() + datetime.timedelta(days=7)
    page.fill("#action-assign input[name=deadline]", deadline.isoformat())
    page.click("#action-assign button[type=submit]")
    assert "待整改" in page.locator("h1").inner_text()

    # The badge polls: the count appears on the open page, outside the collapsed menu.
    badge = school.locator("#unread-count")
    badge.wait_for(state="visible", timeout=25_000)
    assert badge.inner_text() == "1"
    assert not school.locator("#nav").is_visible()
    box = badge.bounding_box()
    assert box is not None and box["y"] + box["height"] <= PHONE["height"]

    school.reload()  # the one reload: the to-do list is made when the page is
    line = school.locator(f'#todo a[href="/hazards/{hazard.pk}/"]')
    assert "剩余7天" in line.inner_text()
    box = line.bounding_box()
    assert box is not None and box["y"] + box["height"] <= PHONE["height"]
    line.click()
    school.wait_for_url(f"**/hazards/{hazard.pk}/")
    assert school.locator("#action-start").count() == 1
    phone.close()
