"""An inspection done on a phone without a network, then synced: the pages are kept while
online, every answer, photo, hazard and patrol waits on the device, and arrives exactly once
when the network returns; an item someone changed on the server meanwhile is shown to the
user, not overwritten."""

from __future__ import annotations

import io

import pytest
from PIL import Image

from conftest import PASSWORD, browser_login, wait_for_service_worker
from xiaoan.core.dates import local_today
from xiaoan.core.models import ClientRequest
from xiaoan.hazards.models import Area, Hazard
from xiaoan.inspections.choices import InspectionKind
from xiaoan.inspections.models import Inspection
from xiaoan.registers.models import Patrol, PatrolPoint

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def phone(browser, live_server):
    """A phone-sized page; the page's own script policy does not bind the test's waits."""
    context = browser.new_context(
        locale="zh-CN",
        viewport={"width": 390, "height": 844},
        is_mobile=True,
        has_touch=True,
        bypass_csp=True,
    )
    page = context.new_page()
    page.set_default_timeout(15000)
    yield page
    context.close()


def _jpeg() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (80, 60), (200, 40, 40)).save(buffer, "JPEG")
    return buffer.getvalue()


def _pending(page) -> int:
    return int(page.get_attribute("#offline-banner", "data-pending") or 0)


def test_an_inspection_done_offline_arrives_once_and_a_conflict_is_shown(
    phone, live_server, alice, school_a
):
    page = phone
    inspection = Inspection.objects.start(
        alice,
        school=school_a,
        kind=InspectionKind.SELF,
        date=local_today(),
        areas=[Area.objects.get(code="fire")],
    )
    answers = list(inspection.answers.order_by("pk"))
    gate = PatrolPoint.objects.create(school=school_a, name="校门", location="南门")
    browser_login(page, live_server, "alice", PASSWORD)

    # Online: today's work, the worker installed and every linked page kept on the device.
    page.goto(f"{live_server.url}/field/")
    wait_for_service_worker(page)
    # The page marks each link once the worker has kept it.
    page.wait_for_selector("#field-inspections a[data-kept]")
    page.wait_for_selector("#field-points a[data-kept]")
    page.wait_for_selector("a[href='/hazards/new/'][data-kept]")
    page.context.set_offline(True)
    page.goto(f"{live_server.url}{inspection.get_absolute_url()}")
    cards = page.locator(".answer-card")
    assert cards.count() == len(answers)
    for index in range(1, len(answers)):
        cards.nth(index).locator("label.btn-outline-success").click()
        page.wait_for_selector(f".answer-card >> nth={index} >> .answer-state[data-state=waiting]")
    failed = cards.first
    failed.locator("label.btn-outline-danger").click()
    failed.locator("input[name=note]").fill("灭火器压力不足")
    failed.locator("input[name=note]").blur()
    failed.locator("input[type=file]").set_input_files(
        files=[{"name": "extinguisher.jpg", "mimeType": "image/jpeg", "buffer": _jpeg()}]
    )
    failed.locator("summary").click()
    failed.locator("button:has-text('登记隐患')").click()
    banner = page.locator("#offline-banner")
    assert "离线" in banner.inner_text()
    # One entry per item (a second tap on the same item is merged) and the raised hazard.
    page.wait_for_function(
        f"document.querySelector('#offline-banner').dataset.pending === '{len(answers) + 1}'"
    )
    assert f"{len(answers) + 1}" in banner.inner_text()

    page.goto(f"{live_server.url}/hazards/new/")
    page.fill("[name=description]", "配电房门锁损坏")
    page.select_option("[name=area]", label="消防安全")
    page.click("main button[type=submit]")
    page.wait_for_function(
        f"document.querySelector('#offline-banner').dataset.pending === '{len(answers) + 2}'"
    )

    page.goto(f"{live_server.url}/registers/patrol-points/{gate.pk}/scan/")
    page.fill("#patrol-form [name=note]", "地下室无信号")
    page.click("#record-patrol")
    page.wait_for_selector("[data-offline-note]:not(.d-none)")
    waiting = len(answers) + 3
    page.wait_for_function(
        f"document.querySelector('#offline-banner').dataset.pending === '{waiting}'"
    )
    assert str(waiting) in banner.inner_text()
    assert not Patrol.objects.exists() and not Hazard.objects.exists()

    # Meanwhile the last item is changed on the server from another device (a newer version).
    changed = answers[-1]
    inspection.answer(alice, changed, result="na", note="已拆除", version=changed.version)

    page.goto(f"{live_server.url}{inspection.get_absolute_url()}")
    page.context.set_offline(False)
    # Eleven sends, one after another (a loaded test machine may take a while).
    page.wait_for_function(
        "document.querySelector('#offline-banner').dataset.pending === '0'", timeout=45000
    )

    # Everything arrived exactly once.
    inspection.refresh_from_db()
    saved = {a.pk: a for a in inspection.answers.all()}
    first = saved[answers[0].pk]
    assert first.result == "fail" and first.note == "灭火器压力不足" and first.photo
    assert all(saved[a.pk].result == "pass" for a in answers[1:-1])
    assert Hazard.objects.count() == 2
    assert Hazard.objects.filter(description="配电房门锁损坏").count() == 1
    assert first.hazard is not None
    patrol = Patrol.objects.get()
    assert patrol.point == gate and patrol.note == "地下室无信号" and patrol.recorded_by == alice
    assert ClientRequest.objects.filter(user=alice).count() == waiting
    # The conflicting item kept the other's answer and the user is shown why.
    assert saved[changed.pk].result == "na" and saved[changed.pk].note == "已拆除"
    card = page.locator(f"#answer-{changed.pk}")
    card.locator(".answer-error").wait_for()
    assert card.locator(".answer-state[data-state=failed]").count() == 1
    # The card shows the saved answer's version and keeps what this phone chose, to decide again.
    assert card.get_attribute("data-version") == str(saved[changed.pk].version)
    assert card.locator("input[value=pass]").is_checked()


def test_a_report_refused_online_comes_back_with_what_was_typed_and_is_sent_once(
    phone, live_server, alice
):
    page = phone
    browser_login(page, live_server, "alice", PASSWORD)
    page.goto(f"{live_server.url}/hazards/new/")
    page.fill("[name=description]", "楼梯扶手松动")
    page.select_option("[name=area]", label="消防安全")
    page.fill("[name=found_on]", "2999-01-01")
    page.click("main button[type=submit]")
    page.wait_for_selector("main :text('日期不能晚于今天')")
    # The answer replaced the page's main part: what was typed is there, the error at its field.
    assert page.input_value("[name=description]") == "楼梯扶手松动"
    assert not Hazard.objects.exists()
    page.fill("[name=found_on]", local_today().isoformat())
    page.click("main button[type=submit]")
    page.wait_for_function("document.querySelector('#offline-banner').dataset.pending === '0'")
    page.wait_for_url(lambda url: "/hazards/new/" not in url)
    assert Hazard.objects.filter(description="楼梯扶手松动").count() == 1


def test_an_answer_tapped_while_another_send_runs_is_sent_when_that_one_ends(
    phone, live_server, alice, school_a
):
    """A send asked for while the outbox is busy (another tab sending, or this tab's last
    read of the outbox) is asked again in a moment: the answer is not left waiting for the
    half-minute timer."""
    page = phone
    inspection = Inspection.objects.start(
        alice,
        school=school_a,
        kind=InspectionKind.SELF,
        date=local_today(),
        areas=[Area.objects.get(code="fire")],
    )
    browser_login(page, live_server, "alice", PASSWORD)
    page.goto(f"{live_server.url}{inspection.get_absolute_url()}")
    # Another tab holds the outbox for two seconds.
    page.evaluate(
        """() => { window.lockHeld = new Promise((held) => navigator.locks.request(
             "xiaoan-outbox", () => { held(); return new Promise((done) => setTimeout(done, 2000)); }));
           return window.lockHeld; }"""
    )
    page.locator(".answer-card").first.locator("label.btn-outline-success").click()
    page.wait_for_selector(".answer-card >> nth=0 >> .answer-state[data-state=waiting]")
    # Well before the 30 s timer would send it.
    page.wait_for_selector(
        ".answer-card >> nth=0 >> .answer-state[data-state=saved]", timeout=10000
    )
    assert inspection.answers.filter(result="pass").count() == 1


def test_a_page_loaded_past_the_worker_asks_it_to_take_control(phone, live_server, alice):
    """A page the worker does not control though it is active (loaded while it activated, or
    a reload that bypassed it) asks it to claim the page: this page, not only the next one,
    then works without a network."""
    page = phone
    browser_login(page, live_server, "alice", PASSWORD)
    page.goto(f"{live_server.url}/field/")
    wait_for_service_worker(page)
    # A hard reload loads the page past the worker: it starts uncontrolled.
    cdp = page.context.new_cdp_session(page)
    with page.expect_navigation():
        cdp.send("Page.reload", {"ignoreCache": True})
    page.wait_for_function("navigator.serviceWorker && navigator.serviceWorker.controller")
