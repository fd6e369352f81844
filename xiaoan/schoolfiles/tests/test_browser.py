"""In a browser: the school's admin opens the school's page, follows on to its safety file and
sees an expired paper marked, and downloads the PDF."""

from __future__ import annotations

import datetime

import pytest

from conftest import browser_login
from xiaoan.registers.models import PaperKind, SchoolPaper


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_school_admin_opens_the_safety_file_and_downloads_it(page, live_server, alice, school_a):
    PaperKind.seed(school_a.bureau)
    kind = PaperKind.objects.get(bureau=school_a.bureau, name="从业人员健康证")
    SchoolPaper(
        school=school_a,
        kind=kind,
        number="JK-OLD-1",
        issuer="清溪区疾病预防控制中心",
        issued_on=datetime.date(2013, 1, 1),
        valid_until=datetime.date(2014, 1, 1),
        holder="王阿姨",
    ).save()
    browser_login(page, live_server, "alice")
    page.goto(f"{live_server.url}/schools/{school_a.pk}/")
    page.click("a:has-text('一校一档')")
    page.wait_for_selector("#file-papers")
    row = page.locator("#file-papers tr.table-danger")
    assert "王阿姨" in row.inner_text() and "已过期" in row.inner_text()
    with page.expect_download() as download:
        page.click("text=下载PDF")
    assert download.value.suggested_filename.endswith(".pdf")
