"""The bureau's set-up pages on a phone (390×844) and on a desktop: the accounts, the
organisations, the bureau and the imports fit the screen — nothing wider than the window, every
button inside it — and an import page names its import."""

from __future__ import annotations

import pytest

from conftest import browser_login
from xiaoan.schools.models import BureauSection, Department
from xiaoan.schools.tests.test_import import GOOD, xlsx

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PAGES = [
    "/accounts/users/",
    "/accounts/users/new/",
    "/schools/organisations/",
    "/schools/organisations/departments/new/",
    "/schools/bureau/edit/",
    "/schools/import/",
    "/hazards/import/",
    "/registers/vehicles/import/",
]

# Page wider than the window, and buttons or links of the page (outside a table that scrolls in
# its own frame) that stand out of it.
FITS = """() => {
  const width = window.innerWidth;
  const out = [...document.querySelectorAll("main a, main button, main .btn")]
    .filter(el => el.offsetParent !== null && !el.closest(".table-responsive"))
    .filter(el => { const r = el.getBoundingClientRect(); return r.left < 0 || r.right > width + 1; })
    .map(el => el.textContent.trim());
  return {wider: document.documentElement.scrollWidth > width, out};
}"""


def check_fits(page, url: str) -> None:
    assert page.evaluate(FITS) == {"wider": False, "out": []}, url


@pytest.mark.parametrize("screen", ["phone_page", "page"])
def test_the_set_up_pages_fit_the_screen(
    request, screen, live_server, bureau_admin, alice, school_a
):
    BureauSection.objects.create(bureau=school_a.bureau, name="基础教育科与信息化管理科")
    Department.objects.create(
        bureau=school_a.bureau,
        name="清溪区公安分局治安管理大队",
        kind="public_security",
        contact="张警官",
        phone="0571-88888888",
    )
    page = request.getfixturevalue(screen)
    browser_login(page, live_server, "bureau")
    for url in [*PAGES, f"/accounts/users/{alice.pk}/"]:
        page.goto(live_server.url + url)
        check_fits(page, url)
    page.goto(f"{live_server.url}/registers/vehicles/import/")
    assert page.inner_text("h1") == "从Excel导入：学生接送车辆"


@pytest.mark.parametrize("screen", ["phone_page", "page"])
def test_the_school_import_errors_and_preview_fit_the_screen(
    request, screen, live_server, bureau_admin, tmp_path
):
    page = request.getfixturevalue(screen)
    browser_login(page, live_server, "bureau")
    sheet = tmp_path / "学校.xlsx"
    sheet.write_bytes(xlsx(("", "", "大学", "", "", "", "x", "?", "否"), GOOD[0]))
    page.goto(f"{live_server.url}/schools/import/")
    assert page.inner_text("h1") == "从Excel导入：学校名录"
    page.set_input_files("#id_file", str(sheet))
    page.click("main button[type=submit]")
    page.wait_for_selector(".import-errors")
    assert "第3行：缺少代码" in page.inner_text(".import-errors")
    check_fits(page, "errors")
    sheet.write_bytes(xlsx(*GOOD))
    page.set_input_files("#id_file", str(sheet))
    page.click("main button[type=submit]")
    page.wait_for_url("**/schools/import/preview/")
    check_fits(page, "preview")
    assert "将开通2个安全管理员账号" in page.inner_text("main")
    # A school's name is read on one or two lines, not one character a line.
    name = page.locator(".import-preview tbody tr >> nth=0 >> td >> nth=3")
    assert name.inner_text() == "清溪区东门小学"
    assert name.bounding_box()["width"] >= 70
