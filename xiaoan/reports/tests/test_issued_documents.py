"""Documents issued to schools with receipts (签收): issuing to chosen schools, signing by the
school's safety administrator only, the bureau's list of who has not signed (late first), the
one reminder after the deadline, the receipt list as Excel, and the API's scoping and step."""

from __future__ import annotations

import datetime
import io

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import load_workbook

from xiaoan.core.changelog import history
from xiaoan.core.errors import NotAllowed, Refused
from xiaoan.notifications.models import Notification
from xiaoan.reports.choices import IssuedKind, ReceiptState
from xiaoan.reports.models import DocumentReceipt, IssuedDocument
from xiaoan.reports.reminders import receipt_reminders

pytestmark = pytest.mark.django_db

ZONE = datetime.timezone(datetime.timedelta(hours=8))
ISSUED_ON = datetime.datetime(2014, 9, 1, 9, 0, tzinfo=ZONE)
SIGN_BY = datetime.date(2014, 9, 5)


@pytest.fixture(autouse=True)
def _on_the_day_of_issue():
    with time_machine.travel(ISSUED_ON, tick=False) as traveller:
        yield traveller


def issue(user, schools, **fields) -> IssuedDocument:
    return IssuedDocument.issue(
        user,
        schools=list(schools),
        kind=fields.pop("kind", IssuedKind.RECTIFICATION_NOTICE),
        title=fields.pop("title", "关于开展校舍安全隐患整改的通知"),
        number=fields.pop("number", "清教安〔2014〕30号"),
        body=fields.pop("body", "请各校于9月底前完成整改。"),
        sign_by=fields.pop("sign_by", SIGN_BY),
        **fields,
    )


@pytest.fixture
def to_both(bureau_admin, school_a, school_b, alice, bob) -> IssuedDocument:
    return issue(bureau_admin, [school_a, school_b])


@pytest.fixture
def to_a(bureau_admin, school_a, alice) -> IssuedDocument:
    return issue(bureau_admin, [school_a], title="关于实验小学围墙整改的通知", number="")


# ---- issuing -----------------------------------------------------------------------------------


def test_the_bureau_issues_to_the_schools_it_chose_and_their_admins_are_told(
    as_user, bureau_admin, school_a, school_b, kindergarten, alice, bob
):
    page = as_user(bureau_admin).post(
        reverse("reports:document_issue"),
        {
            "kind": IssuedKind.RECTIFICATION_NOTICE,
            "title": "关于开展校舍安全隐患整改的通知",
            "number": "清教安〔2014〕30号",
            "body": "请各校于9月底前完成整改。",
            "sign_by": "2014-09-05",
            "kinds": ["primary"],  # school A, by kind
            "schools": [school_b.pk],  # school B, picked
        },
    )
    document = IssuedDocument.objects.get()
    assert page.status_code == 302 and page["Location"] == document.get_absolute_url()
    assert set(document.receipts.values_list("school__code", flat=True)) == {"S001", "S002"}
    told = Notification.objects.filter(kind="document_issued")
    assert set(told.values_list("recipient__username", flat=True)) == {"alice", "bob"}
    assert told.first().message == (
        "教育局向你校下发了《关于开展校舍安全隐患整改的通知》，请阅读后于2014-09-05前签收。"
    )
    assert not DocumentReceipt.objects.filter(signed_at__isnull=False).exists()


def test_issuing_to_no_school_is_refused_at_its_field_with_what_was_typed_kept(
    as_user, bureau_admin, school_a
):
    page = as_user(bureau_admin).post(
        reverse("reports:document_issue"),
        {
            "kind": "document",
            "title": "关于暑期安全的通知",
            "sign_by": "2014-09-05",
            "body": "正文",
        },
    )
    assert page.status_code == 400
    assert page.context["form"].errors["to_all"] == ["请选择文件下发的学校。"]
    assert "关于暑期安全的通知" in page.content.decode()
    assert not IssuedDocument.objects.exists()


def test_the_issue_page_finds_schools_by_search_and_keeps_the_picked_after_an_error(
    as_user, bureau_admin, school_a, school_b
):
    page = as_user(bureau_admin).get(reverse("reports:document_issue")).content.decode()
    assert '<select name="schools"' not in page and school_a.name not in page
    bad = as_user(bureau_admin).post(
        reverse("reports:document_issue"),
        {"kind": "document", "title": "", "sign_by": "2014-09-05", "schools": [school_b.pk]},
    )
    page = bad.content.decode()
    assert bad.status_code == 400 and not IssuedDocument.objects.exists()
    assert (
        f'<span>S002 {school_b.name}</span><input type="hidden" name="schools" value="{school_b.pk}">'
        in page
    )
    assert school_a.name not in page


def test_only_the_bureau_safety_section_issues(leader, alice, school_a, as_user):
    for user in (leader, alice):
        with pytest.raises(NotAllowed):
            issue(user, [school_a])
    assert as_user(alice).get(reverse("reports:document_issue")).status_code == 403


# ---- signing -----------------------------------------------------------------------------------


def test_the_school_admin_signs_for_it_and_who_and_when_are_kept(to_both, alice, as_user):
    response = as_user(alice).post(reverse("reports:document_sign", args=[to_both.pk]))
    assert response.status_code == 302
    receipt = to_both.receipts.get(school__code="S001")
    assert receipt.signed_by == alice and receipt.signed_at == ISSUED_ON
    assert to_both.receipts.get(school__code="S002").signed_at is None
    # The step is in the receipt's history; signing twice is refused.
    entry = history(receipt).first()
    assert entry.user == alice and "signed_at" in entry.after
    with pytest.raises(Refused):
        IssuedDocument.objects.get(pk=to_both.pk).sign(alice)


def test_reading_is_not_signing(to_both, alice, carol, as_user):
    page = as_user(carol).get(to_both.get_absolute_url())
    assert page.status_code == 200 and "签收" in page.content.decode()
    receipt = to_both.receipts.get(school__code="S001")
    assert receipt.opened_by == carol and receipt.signed_at is None
    assert "sign" not in to_both.allowed_actions(carol)
    assert (
        as_user(carol).post(reverse("reports:document_sign", args=[to_both.pk])).status_code == 403
    )


def test_another_school_can_neither_see_nor_sign_it(to_a, bob, as_user):
    client = as_user(bob)
    assert client.get(to_a.get_absolute_url()).status_code == 404
    assert client.post(reverse("reports:document_sign", args=[to_a.pk])).status_code == 404
    assert client.get(reverse("reports:document_file", args=[to_a.pk])).status_code == 404
    assert to_a.title not in client.get(reverse("reports:document_list")).content.decode()
    assert not to_a.receipts.filter(signed_at__isnull=False).exists()


# ---- following ---------------------------------------------------------------------------------


def test_the_bureau_sees_who_has_not_signed_late_first(
    to_both, bureau_admin, bob, kindergarten, as_user, _on_the_day_of_issue
):
    late = issue(bureau_admin, [to_both.receipts.get(school__code="S001").school, kindergarten])
    _on_the_day_of_issue.move_to(datetime.datetime(2014, 9, 8, 9, 0, tzinfo=ZONE))
    to_both.sign(bob)  # signed late
    rows = to_both.receipt_rows(datetime.date(2014, 9, 8))
    assert [(r.school.code, r.state) for r in rows] == [
        ("S001", ReceiptState.OVERDUE),
        ("S002", ReceiptState.SIGNED_LATE),
    ]
    page = as_user(bureau_admin).get(to_both.get_absolute_url()).content.decode()
    assert "2所学校中已有1所签收。" in page
    assert page.index("清溪区实验小学") < page.index("清溪区第一中学")
    listing = as_user(bureau_admin).get(reverse("reports:document_list")).content.decode()
    assert "1 / 2" in listing and late.title in listing


def test_a_reminder_goes_once_the_day_after_the_deadline(to_both, alice, bob, _on_the_day_of_issue):
    to_both.sign(bob)
    assert receipt_reminders(SIGN_BY) == 0  # the deadline day itself: still in time
    day_after = SIGN_BY + datetime.timedelta(days=1)
    assert receipt_reminders(day_after) == 1
    assert receipt_reminders(day_after) == 0
    assert receipt_reminders(day_after + datetime.timedelta(days=3)) == 0
    reminders = Notification.objects.filter(kind="document_unsigned")
    assert list(reminders.values_list("recipient__username", flat=True)) == ["alice"]
    assert "清溪区实验小学尚未签收" in reminders.get().message
    assert to_both.receipts.get(school__code="S001").reminded_at is not None


# ---- the receipt list as Excel -----------------------------------------------------------------


def test_the_receipt_list_is_a_real_workbook(to_both, alice, bureau_admin, leader, as_user):
    to_both.sign(alice)
    response = as_user(leader).get(reverse("reports:document_export", args=[to_both.pk]))
    assert response.status_code == 200
    ws = load_workbook(io.BytesIO(response.content)).active
    assert ws["A1"].value == "《关于开展校舍安全隐患整改的通知》（清教安〔2014〕30号）签收情况"
    header = [c.value for c in ws[2]]
    assert header[:4] == ["序号", "学校代码", "学校", "签收情况"]
    unsigned, signed = ws[3], ws[4]  # the unsigned school first
    assert unsigned[2].value == "清溪区第一中学" and unsigned[3].value == "未签收"
    assert signed[0].value == 2 and signed[0].data_type == "n"
    assert signed[4].value == datetime.datetime(2014, 9, 5) and signed[4].is_date
    assert signed[4].number_format == "yyyy-mm-dd"
    assert signed[7].value == datetime.datetime(2014, 9, 1, 9, 0) and signed[7].is_date
    assert signed[8].value == 0 and signed[8].data_type == "n"
    assert signed[0].border.left.style == "thin"
    assert ws.print_title_rows == "$2:$2" and ws.page_setup.fitToWidth == 1
    assert (
        as_user(alice).get(reverse("reports:document_export", args=[to_both.pk])).status_code == 403
    )


# ---- the API -----------------------------------------------------------------------------------


def test_the_api_lists_what_each_may_see(to_both, to_a, alice, bob, gov, leader, as_user):
    def titles(user) -> list[str]:
        response = as_user(user).get("/api/v1/issued-documents/")
        assert response.status_code == 200
        return sorted(row["title"] for row in response.json()["results"])

    assert titles(alice) == sorted([to_both.title, to_a.title])
    assert titles(bob) == [to_both.title]
    assert titles(leader) == sorted([to_both.title, to_a.title])
    assert as_user(gov).get("/api/v1/issued-documents/").status_code == 403
    row = as_user(bob).get(f"/api/v1/issued-documents/{to_both.pk}/").json()
    assert [r["school_code"] for r in row["receipts"]] == ["S002"]  # its own receipt only
    assert row["allowed_actions"] == ["sign"]
    assert as_user(bob).get(f"/api/v1/issued-documents/{to_a.pk}/").status_code == 404


def test_the_api_sign_step(to_both, to_a, alice, bob, leader, as_user):
    url = f"/api/v1/issued-documents/{to_both.pk}/sign/"
    signed = as_user(bob).post(url)
    assert signed.status_code == 200
    receipt = signed.json()["receipts"][0]
    assert receipt["state"] == "signed" and receipt["signed_by_name"] == "Bob"
    assert as_user(bob).post(url).json()["code"] == "refused"
    assert as_user(leader).post(url).status_code == 403
    assert as_user(bob).post(f"/api/v1/issued-documents/{to_a.pk}/sign/").status_code == 404
    assert to_a.receipts.get().signed_at is None


def test_an_attachment_must_be_a_real_document(bureau_admin, school_a):
    fake = SimpleUploadedFile("通知.pdf", b"not a pdf at all")
    with pytest.raises(Exception) as refused:
        issue(bureau_admin, [school_a], body="", attachment=fake)
    assert getattr(refused.value, "field", None) == "attachment"
    assert not IssuedDocument.objects.exists()


# ---- where it shows ----------------------------------------------------------------------------


def test_the_school_home_lists_what_awaits_its_signature(to_both, alice, bob, as_user):
    to_both.sign(bob)
    home = as_user(alice).get(reverse("home")).content.decode()
    assert "待签收文件" in home and to_both.get_absolute_url() in home
    assert "请于2014-09-05前签收" in home
    assert to_both.get_absolute_url() not in as_user(bob).get(reverse("home")).content.decode()


def test_a_campaign_notice_is_issued_from_the_campaign_with_its_file(
    as_user, bureau_admin, bureau, school_a, alice
):
    from django.core.files.base import ContentFile

    from xiaoan.campaigns.models import Campaign

    campaign = Campaign.objects.create(
        bureau=bureau,
        name="秋季开学安全专项行动",
        start_date=datetime.date(2014, 9, 1),
        end_date=datetime.date(2014, 10, 31),
        notice_title="《关于开展秋季开学安全检查的通知》",
        notice_file_name="开学检查通知.pdf",
    )
    campaign.notice_file.save("notice.pdf", ContentFile(b"%PDF-1.4 notice"), save=False)
    Campaign.objects.filter(pk=campaign.pk).update(notice_file=campaign.notice_file.name)
    client = as_user(bureau_admin)
    form = client.get(f"{reverse('reports:document_issue')}?campaign={campaign.pk}").context["form"]
    assert form.initial["title"] == "关于开展秋季开学安全检查的通知"
    assert form.initial["to_all"] is True
    data = {k: v for k, v in form.initial.items() if k != "to_all"}
    client.post(
        reverse("reports:document_issue"), {**data, "to_all": "on", "sign_by": "2014-09-05"}
    )
    document = IssuedDocument.objects.get()
    assert document.campaign == campaign and document.attachment_name == "开学检查通知.pdf"
    assert list(document.receipts.values_list("school__code", flat=True)) == ["S001"]
    download = as_user(alice).get(reverse("reports:document_file", args=[document.pk]))
    assert b"".join(download.streaming_content) == b"%PDF-1.4 notice"


def test_the_api_list_asks_the_same_number_of_queries_for_more_documents(
    bureau_admin, school_a, school_b, alice, bob, as_user
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def queries(user) -> int:
        client = as_user(user)
        with CaptureQueriesContext(connection) as captured:
            assert client.get("/api/v1/issued-documents/").status_code == 200
        return len(captured.captured_queries)

    issue(bureau_admin, [school_a, school_b])
    before = {user: queries(user) for user in (bureau_admin, alice)}
    for _ in range(3):
        issue(bureau_admin, [school_a, school_b]).sign(bob)
    assert {user: queries(user) for user in (bureau_admin, alice)} == before


def test_an_issued_report_goes_to_the_schools_as_its_word_file(
    as_user, bureau_admin, bureau, school_a, alice
):
    from xiaoan.reports import official

    report = official.generate("quarterly", bureau, year=2014, quarter=3)
    report.issue(bureau_admin)
    client = as_user(bureau_admin)
    page = client.get(report.get_absolute_url()).content.decode()
    assert f"{reverse('reports:document_issue')}?report={report.pk}" in page
    form = client.get(f"{reverse('reports:document_issue')}?report={report.pk}").context["form"]
    assert form.initial["title"] == f"关于印发《{report.title}》的通知"
    data = {k: v for k, v in form.initial.items() if k != "to_all"}
    client.post(
        reverse("reports:document_issue"), {**data, "to_all": "on", "sign_by": "2014-09-05"}
    )
    document = IssuedDocument.objects.get()
    assert document.official_report == report and document.kind == IssuedKind.CIRCULAR
    assert document.attachment_name == f"{report.title}.docx"
    download = as_user(alice).get(reverse("reports:document_file", args=[document.pk]))
    assert b"".join(download.streaming_content)[:2] == b"PK"


def test_the_bureau_home_lists_the_documents_late_to_be_signed(
    to_both, bureau_admin, bob, as_user, _on_the_day_of_issue
):
    to_both.sign(bob)
    assert "未按期签收的文件" not in as_user(bureau_admin).get(reverse("home")).content.decode()
    _on_the_day_of_issue.move_to(datetime.datetime(2014, 9, 6, 9, 0, tzinfo=ZONE))
    home = as_user(bureau_admin).get(reverse("home")).content.decode()
    assert "未按期签收的文件" in home and "1所学校未签收" in home
