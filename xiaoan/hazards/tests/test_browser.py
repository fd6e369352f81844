"""The closed loop in a real browser: report with a photo, assign, rectify, verify, closed."""

from __future__ import annotations

import datetime
import re

import pytest

from conftest import PASSWORD, browser_login
from xiaoan.core.dates import local_today
from xiaoan.hazards.models import Hazard

from .conftest import jpeg_bytes

pytestmark = [pytest.mark.browser, pytest.mark.real_clock, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def test_school_reports_bureau_assigns_school_rectifies_bureau_closes(
    browser, page, live_server, alice, bureau_admin
):
    browser_login(page, live_server, "alice", PASSWORD)
    page.goto(f"{live_server.url}/hazards/new/")
    page.select_option("select[name=area]", label="消防安全")
    page.fill("textarea[name=description]", "消防通道堆放杂物")
    page.fill("input[name=location]", "教学楼一楼东侧")
    today = local_today()
    page.fill("input[name=found_on]", today.isoformat())
    photo = {"name": "scene.jpg", "mimeType": "image/jpeg", "buffer": jpeg_bytes((64, 48))}
    page.set_input_files("input[name=photos]", files=[photo])
    page.click("main button[type=submit]")
    # The report goes through the device's outbox, then the page opens the new hazard.
    page.wait_for_url(re.compile(r"/hazards/\d+/$"))
    hazard = Hazard.objects.get()
    assert f"YH-{today.year}-0001" in page.locator("h1").inner_text()
    assert "待受理" in page.locator("h1").inner_text()
    assert page.locator("img.img-thumbnail").count() == 1

    bureau = browser.new_context(locale="zh-CN").new_page()
    browser_login(bureau, live_server, "bureau", PASSWORD)
    bureau.goto(f"{live_server.url}{hazard.get_absolute_url()}")
    bureau.fill("#action-assign textarea[name=opinion]", "立即清理杂物,保持通道畅通")
    deadline = today + datetime.timedelta(days=8)
    bureau.fill("#action-assign input[name=deadline]", deadline.isoformat())
    bureau.click("#action-assign button[type=submit]")
    assert "待整改" in bureau.locator("h1").inner_text()

    page.reload()
    page.click("#action-start button[type=submit]")
    page.wait_for_selector("#action-submit")
    page.fill("#action-submit textarea[name=measures]", "已清理通道杂物并划定禁放标线")
    page.set_input_files("#action-submit input[name=photos]", files=[photo])
    page.click("#action-submit button[type=submit]")
    assert "待复查" in page.locator("h1").inner_text()

    bureau.reload()
    # No outcome is preselected; closing asks once for confirmation.
    assert not bureau.is_checked("#action-verify input[name=passed][value='1']")
    bureau.check("#action-verify input[name=passed][value='1']")
    asked = []
    bureau.once("dialog", lambda dialog: (asked.append(dialog.message), dialog.accept()))
    bureau.click("#action-verify button[type=submit]")
    bureau.wait_for_selector("h1 >> text=已销号")
    assert asked == ["确定销号吗？销号后不能恢复。"]
    assert "已销号" in bureau.locator("h1").inner_text()
    # reported, its photo, assigned, started, submitted (with the after-photo), verified
    assert bureau.locator("#timeline li").count() == 6
    assert bureau.locator("#timeline img.event-photo").count() == 2
    hazard.refresh_from_db()
    assert hazard.status == "closed"
    assert hazard.photos.filter(kind="after").count() == 1
    bureau.context.close()


def test_a_report_refused_online_comes_back_as_typed_with_the_error_at_its_field(
    phone_page, live_server, alice
):
    page = phone_page
    browser_login(page, live_server, "alice", PASSWORD)
    page.goto(f"{live_server.url}/hazards/new/")
    page.select_option("select[name=area]", label="消防安全")
    page.fill("textarea[name=description]", "消防通道堆放杂物")
    page.fill("input[name=location]", "教学楼一楼东侧")
    page.fill("input[name=found_on]", (local_today() + datetime.timedelta(days=3)).isoformat())
    page.click("main button[type=submit]")
    # Sent through the outbox, refused: the form comes back in place, nothing lost.
    page.wait_for_selector("input[name=found_on][aria-invalid=true]")
    assert "晚于今天" in page.inner_text(
        "#id_found_on + .invalid-feedback, #id_found_on ~ .invalid-feedback"
    )
    assert page.input_value("input[name=location]") == "教学楼一楼东侧"
    assert page.input_value("textarea[name=description]") == "消防通道堆放杂物"
    assert page.locator("#offline-banner").is_hidden()
    assert not Hazard.objects.exists()


def test_the_filter_bar_updates_the_rows_the_total_and_starts_at_the_first_page(
    page, live_server, alice, bureau_admin, monkeypatch
):
    from playwright.sync_api import expect

    from xiaoan.hazards import views
    from xiaoan.hazards.models import Area

    monkeypatch.setattr(views, "LEDGER_ROWS", 2)
    school, fire = alice.membership.school, Area.objects.get(code="fire")
    Hazard.objects.bulk_create(
        Hazard(
            bureau=school.bureau,
            code=f"YH-2014-{n + 1:04d}",
            school=school,
            area=fire,
            level="general",
            source="inspection",
            description="台账分页",
            found_on=datetime.date(2014, 9, 1),
            reported_by=alice,
            status=status,
        )
        for n, status in enumerate(["reported", "reported", "reported", "assigned"])
    )
    browser_login(page, live_server, "bureau", PASSWORD)
    page.goto(f"{live_server.url}/hazards/")
    assert page.locator("#hazard-total").inner_text() == "共 4 项"
    page.click("a[rel=next]")
    assert "第2页" in page.locator("#hazard-table nav").inner_text()
    page.select_option("select[name=status]", "assigned")
    expect(page.locator("#hazard-total")).to_have_text("共 1 项")
    assert page.locator("#hazard-table tbody tr").count() == 1
    assert "cursor" not in page.url and "status=assigned" in page.url
