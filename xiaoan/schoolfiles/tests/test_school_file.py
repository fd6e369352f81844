"""The school's safety file: its papers, their reminders, the page and its sections, the PDF
and the ZIP of the originals."""

from __future__ import annotations

import datetime
import io
import zipfile

import pytest
import time_machine
from django.core.files.base import ContentFile
from django.urls import reverse

from xiaoan.hazards.choices import HazardSource, PhotoKind
from xiaoan.hazards.models import Area, Hazard, HazardPhoto
from xiaoan.notifications.choices import NotificationKind
from xiaoan.notifications.models import Notification
from xiaoan.registers.choices import DrillScenario
from xiaoan.registers.models import Drill, DrillPhoto, PaperKind, SchoolPaper
from xiaoan.registers.models.papers import DEFAULT_PAPER_KINDS
from xiaoan.reports.reminders import school_paper_reminders
from xiaoan.todo import todo_for

TODAY = datetime.date(2014, 12, 3)


@pytest.fixture
def kinds(bureau):
    PaperKind.seed(bureau)
    return {k.name: k for k in PaperKind.objects.filter(bureau=bureau)}


def paper(school, kind, valid_until, **extra):
    row = SchoolPaper(
        school=school,
        kind=kind,
        number=extra.pop("number", "JY33010200001"),
        issuer=extra.pop("issuer", "清溪区市场监督管理局"),
        issued_on=extra.pop("issued_on", datetime.date(2011, 1, 5)),
        valid_until=valid_until,
        **extra,
    )
    row.save()
    return row


@pytest.fixture
def food_licence(school_a, kinds):
    row = paper(school_a, kinds["食品经营许可证"], datetime.date(2015, 1, 2))
    row.attachment.save("licence.pdf", ContentFile(b"%PDF-1.4 licence scan"), save=False)
    row.attachment_name = "食品经营许可证.pdf"
    row.save()
    return row


@pytest.fixture
def expired_health(school_a, kinds):
    return paper(
        school_a,
        kinds["从业人员健康证"],
        datetime.date(2014, 11, 20),
        holder="王阿姨",
        number="JK2013-0117",
        issuer="清溪区疾病预防控制中心",
        issued_on=datetime.date(2013, 11, 21),
    )


@pytest.fixture
def bob_paper(school_b, kinds):
    return paper(school_b, kinds["校舍安全鉴定"], datetime.date(2015, 6, 30), number="JD-B-01")


def test_a_bureau_starts_with_the_six_kinds(bureau):
    PaperKind.seed(bureau)
    PaperKind.seed(bureau)
    assert list(PaperKind.objects.filter(bureau=bureau).values_list("name", flat=True)) == list(
        DEFAULT_PAPER_KINDS
    )


def test_validity_of_papers(food_licence, expired_health):
    assert food_licence.validity(TODAY) == "due"
    assert expired_health.validity(TODAY) == "expired"
    assert food_licence.validity(datetime.date(2014, 11, 1)) == ""


def test_reminders_30_and_7_days_before_once_each(alice, food_licence):
    sent = []
    for offset in range(0, 40):
        day = datetime.date(2014, 11, 25) + datetime.timedelta(days=offset)
        sent.append(school_paper_reminders(day))
        sent.append(school_paper_reminders(day))  # the hourly run again: nobody told twice
    notes = Notification.objects.filter(kind=NotificationKind.SCHOOL_PAPER_EXPIRING)
    assert notes.count() == 2
    assert sum(sent) == 2
    days = sorted(n.params["days"] for n in notes)
    assert days == [7, 30]
    assert {n.recipient for n in notes} == {alice}
    assert "食品经营许可证" in notes.first().message


def test_reminder_goes_only_to_the_schools_admins(alice, bob, carol, bureau_admin, food_licence):
    school_paper_reminders(datetime.date(2014, 12, 3))
    recipients = set(
        Notification.objects.filter(kind=NotificationKind.SCHOOL_PAPER_EXPIRING).values_list(
            "recipient__username", flat=True
        )
    )
    assert recipients == {"alice"}


def test_expired_papers_are_on_the_schools_todo(alice, bob, expired_health):
    groups = {g.key: g for g in todo_for(alice, TODAY)}
    assert groups["expired_papers"].count == 1
    assert "王阿姨" in groups["expired_papers"].lines[0].text
    assert "expired_papers" not in {g.key for g in todo_for(bob, TODAY)}


@time_machine.travel(datetime.datetime(2014, 12, 3, 9, 0, tzinfo=datetime.UTC), tick=False)
def test_school_sees_only_its_own_file(as_user, alice, school_a, school_b, food_licence, bob_paper):
    client = as_user(alice)
    page = client.get(reverse("schoolfiles:detail", args=[school_a.pk]))
    assert page.status_code == 200
    text = page.content.decode()
    assert "食品经营许可证" in text and "JD-B-01" not in text
    assert client.get(reverse("schoolfiles:detail", args=[school_b.pk])).status_code == 404
    assert client.get(reverse("schoolfiles:pdf", args=[school_b.pk])).status_code == 404
    assert client.get(reverse("schoolfiles:originals", args=[school_b.pk])).status_code == 404


def test_bureau_and_leader_read_any_file_of_the_district(
    as_user, bureau_admin, leader, outsider, school_b, bob_paper
):
    for user in (bureau_admin, leader):
        page = as_user(user).get(reverse("schoolfiles:detail", args=[school_b.pk]))
        assert page.status_code == 200
        assert "JD-B-01" in page.content.decode()
    assert (
        as_user(outsider).get(reverse("schoolfiles:detail", args=[school_b.pk])).status_code == 404
    )


def test_file_pages_answer_get_only(as_user, alice, school_a):
    assert as_user(alice).post(reverse("schoolfiles:detail", args=[school_a.pk])).status_code == 405


@time_machine.travel(datetime.datetime(2014, 12, 3, 9, 0, tzinfo=datetime.UTC), tick=False)
def test_pdf_renders_with_chinese_text(as_user, alice, school_a, food_licence, expired_health):
    from pypdf import PdfReader

    response = as_user(alice).get(reverse("schoolfiles:pdf", args=[school_a.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    reader = PdfReader(io.BytesIO(response.content))
    assert len(reader.pages) >= 3  # cover, contents, sections
    text = "".join(page.extract_text() for page in reader.pages)
    squeezed = "".join(text.split())
    assert "清溪区实验小学" in squeezed
    assert "王阿姨" in squeezed
    assert "证照" in squeezed or "许可证" in squeezed


def test_zip_contains_the_schools_scans_only(as_user, alice, bob, school_a, school_b, food_licence):
    other = paper(school_b, food_licence.kind, datetime.date(2015, 6, 1), number="B-2")
    other.attachment.save("b.pdf", ContentFile(b"bob's scan"), save=False)
    other.attachment_name = "b.pdf"
    other.save()
    response = as_user(alice).get(reverse("schoolfiles:originals", args=[school_a.pk]))
    assert response.status_code == 200
    archive = zipfile.ZipFile(io.BytesIO(response.content))
    names = archive.namelist()
    assert len(names) == 1
    assert names[0].endswith("食品经营许可证.pdf")
    assert archive.read(names[0]) == b"%PDF-1.4 licence scan"


def _drill_photo(school, content: bytes) -> DrillPhoto:
    drill = Drill.objects.create(
        school=school, scenario=DrillScenario.FIRE, held_on=datetime.date(2014, 11, 7), pupils=600
    )
    return DrillPhoto.objects.create(drill=drill, photo=ContentFile(content, name="drill.jpg"))


@time_machine.travel(datetime.datetime(2014, 12, 3, 9, 0, tzinfo=datetime.UTC), tick=False)
def test_zip_holds_the_drill_and_hazard_photos_and_leaves_out_a_lost_file(
    as_user, alice, bob, school_a, school_b
):
    hazard = Hazard.objects.report(
        school=school_a,
        area=Area.objects.get(code="fire"),
        level="general",
        description="灭火器过期未更换",
        reported_by=alice,
        source=HazardSource.SELF_REPORT,
        found_on=datetime.date(2014, 11, 20),
    )
    HazardPhoto.objects.create(
        hazard=hazard,
        kind=PhotoKind.BEFORE,
        image=ContentFile(b"hazard before", name="before.jpg"),
        thumbnail=ContentFile(b"thumb", name="before-thumb.jpg"),
        width=1,
        height=1,
        uploaded_by=alice,
    )
    _drill_photo(school_a, b"drill photo")
    lost = _drill_photo(school_a, b"lost photo")
    lost.photo.storage.delete(lost.photo.name)
    _drill_photo(school_b, b"bob's drill")
    response = as_user(alice).get(reverse("schoolfiles:originals", args=[school_a.pk]))
    assert response.status_code == 200
    archive = zipfile.ZipFile(io.BytesIO(response.content))
    assert len(archive.namelist()) == 2
    contents = {name.split("/")[0]: archive.read(name) for name in archive.namelist()}
    assert contents == {"应急演练": b"drill photo", "隐患": b"hazard before"}
    assert archive.namelist()[1].startswith(f"隐患/{hazard.code}-整改前-")


@time_machine.travel(datetime.datetime(2014, 12, 3, 9, 0, tzinfo=datetime.UTC), tick=False)
def test_the_file_page_has_every_section_in_order(as_user, alice, school_a, food_licence):
    text = as_user(alice).get(reverse("schoolfiles:detail", args=[school_a.pk])).content.decode()
    keys = ["registry", "history", "people", "papers", "hazards", "inspections", "patrols"]
    keys += ["drills", "incidents", "monthly", "assessment"]
    places = [text.find(f'<section class="card mb-3" id="file-{key}">') for key in keys]
    assert -1 not in places and places == sorted(places)


def test_school_admin_adds_a_paper_through_the_register(as_user, alice, school_a, kinds):
    client = as_user(alice)
    url = reverse("registers:create", args=["school-papers"])
    assert client.get(url).status_code == 200
    response = client.post(
        url,
        {
            "kind": kinds["特种设备检验"].pk,
            "number": "TS-2014-88",
            "issuer": "清溪区特种设备检验所",
            "issued_on": "2014-03-01",
            "valid_until": "2015-02-28",
            "holder": "",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    row = SchoolPaper.objects.get(number="TS-2014-88")
    assert row.school == school_a


def test_only_the_bureau_edits_the_kinds(as_user, alice, bureau_admin, kinds):
    kind = kinds["校车使用许可"]
    edit = reverse("registers:paper-kind-edit", args=[kind.pk])
    assert as_user(alice).get(reverse("registers:paper-kinds")).status_code == 200
    assert as_user(alice).get(edit).status_code == 403
    response = as_user(bureau_admin).post(
        edit, {"name": "校车标牌", "is_active": "on", "version": kind.version}
    )
    assert response.status_code == 302
    kind.refresh_from_db()
    assert kind.name == "校车标牌"


@time_machine.travel(datetime.datetime(2014, 12, 3, 9, 0, tzinfo=datetime.UTC), tick=False)
def test_bureau_lists_the_expired_papers_of_the_district(
    as_user, bureau_admin, alice, food_licence, expired_health, bob_paper
):
    url = reverse("registers:list", args=["school-papers"])
    text = as_user(bureau_admin).get(url, {"state": "expired"}).content.decode()
    assert "JK2013-0117" in text and "JD-B-01" not in text
    text = as_user(bureau_admin).get(url, {"state": "due"}).content.decode()
    assert "JY33010200001" in text and "JK2013-0117" not in text


def test_papers_list_exports_to_excel(as_user, alice, food_licence, bob_paper):
    from openpyxl import load_workbook

    response = as_user(alice).get(reverse("registers:export", args=["school-papers"]))
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content)).active
    values = [str(c.value) for row in sheet.iter_rows() for c in row if c.value is not None]
    assert "JY33010200001" in values and "JD-B-01" not in values
    assert "食品经营许可证" in values


def test_a_paper_keeps_its_history(as_user, alice, food_licence):
    food_licence.valid_until = datetime.date(2020, 1, 1)
    food_licence.save()
    page = as_user(alice).get(reverse("registers:detail", args=["school-papers", food_licence.pk]))
    text = page.content.decode()
    assert "2020-01-01" in text and "2015-01-02" in text


@time_machine.travel(datetime.datetime(2014, 12, 3, 9, 0, tzinfo=datetime.UTC), tick=False)
def test_the_bureau_lists_the_papers_expired_or_due(
    as_user, bureau_admin, food_licence, expired_health, bob_paper
):
    client = as_user(bureau_admin)

    def listed(state):
        page = client.get("/registers/school-papers/", {"state": state}).content.decode()
        return {p.number for p in (food_licence, expired_health, bob_paper) if p.number in page}

    assert listed("expired") == {"JK2013-0117"}
    assert listed("due") == {"JY33010200001"}  # within 30 days of 2014-12-03
    assert listed("") == {"JY33010200001", "JK2013-0117", "JD-B-01"}
