"""A QR patrol scan: the printed sheet's code, read from its image as a phone camera would,
opens the point's page for the school's staff, who record the patrol there."""

from __future__ import annotations

import io

import pytest
import zxingcpp
from PIL import Image

from conftest import PASSWORD, browser_login
from xiaoan.registers.models import Patrol, PatrolPoint

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def _jpeg() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (80, 60), (90, 140, 200)).save(buffer, "JPEG")
    return buffer.getvalue()


def test_staff_scan_the_printed_code_and_record_the_patrol(
    page, phone_page, live_server, alice, carol, school_a
):
    boiler = PatrolPoint.objects.create(school=school_a, name="锅炉房", location="后勤楼", order=1)
    PatrolPoint.objects.create(school=school_a, name="校门", location="南门", order=0)

    # The school's admin prints the sheet; its page is what goes to the printer.
    browser_login(page, live_server, "alice", PASSWORD)
    page.goto(f"{live_server.url}/registers/patrol-points/sheet/")
    sheet = Image.open(io.BytesIO(page.screenshot(full_page=True)))
    found = {code.text for code in zxingcpp.read_barcodes(sheet)}
    scan_url = f"{live_server.url}/registers/patrol-points/{boiler.pk}/scan/"
    assert scan_url in found and len(found) == 2

    # The gate keeper opens the boiler room's code on the phone and records the patrol.
    phone = phone_page
    browser_login(phone, live_server, "carol", PASSWORD)
    phone.goto(scan_url)
    assert phone.locator("h1").inner_text() == "锅炉房"
    phone.fill("#patrol-form [name=note]", "压力表正常")
    phone.set_input_files(
        "#patrol-photo", files=[{"name": "gauge.jpg", "mimeType": "image/jpeg", "buffer": _jpeg()}]
    )
    phone.click("#record-patrol")
    phone.wait_for_selector(".alert-success:has-text('锅炉房')")
    patrol = Patrol.objects.get()
    assert patrol.point == boiler and patrol.recorded_by == carol
    assert patrol.note == "压力表正常" and patrol.photo
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390
