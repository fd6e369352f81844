import io

from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import load_workbook

from xiaoan.campaigns.models import Campaign, WorkPlan


def _url(name, *args):
    return reverse(f"campaigns:{name}", args=args)


def test_bureau_sees_who_filed_and_reminds_the_rest(
    campaign, school_a, school_b, alice, as_user, bureau_admin
):
    plan = campaign.plan_for(school_a)
    plan.save_draft(alice, summary="方案", sections={})
    plan.submit(alice)
    client = as_user(bureau_admin)
    page = client.get(_url("detail", campaign.pk), {"state": "missing"}).content.decode()
    assert f"<td>{school_b.name}</td>" in page and f"<td>{school_a.name}</td>" not in page
    client.post(_url("remind", campaign.pk), {"comment": "请尽快报送"})
    assert list(campaign.events.values_list("school__code", flat=True)) == ["S002"]
    response = client.get(_url("plans_export", campaign.pk))
    ws = load_workbook(io.BytesIO(response.content)).active
    rows = list(ws.iter_rows(min_row=3, values_only=True))
    assert [(r[0], r[5]) for r in rows] == [("S001", 0), ("S002", 1)]


def test_school_files_its_plan_through_the_pages(campaign, school_a, alice, as_user):
    client = as_user(alice)
    response = client.get(_url("my_plan", campaign.pk))
    plan = WorkPlan.objects.get(campaign=campaign, school=school_a)
    assert response.url == plan.get_absolute_url()
    doc = SimpleUploadedFile("方案.docx", b"PK\x03\x04 word", content_type="application/msword")
    client.post(
        _url("plan_edit", plan.pk),
        {"summary": "总体方案", "area_fire": "每月消防检查", "document": doc, "submit": "1"},
    )
    plan.refresh_from_db()
    assert plan.status == "submitted" and plan.document_name == "方案.docx"
    assert plan.sections.get(area__code="fire").text == "每月消防检查"
    assert client.get(_url("plan_document", plan.pk)).status_code == 200


def test_wrong_file_type_is_refused(campaign, school_a, alice, as_user):
    plan = campaign.plan_for(school_a)
    bad = SimpleUploadedFile("run.exe", b"MZ", content_type="application/octet-stream")
    response = as_user(alice).post(_url("plan_edit", plan.pk), {"summary": "x", "document": bad})
    assert response.status_code == 200 and "invalid-feedback" in response.content.decode()
    plan.refresh_from_db()
    assert not plan.document and plan.summary == ""


def test_a_text_file_renamed_docx_is_refused_with_a_chinese_message(
    campaign, school_a, alice, as_user
):
    plan = campaign.plan_for(school_a)
    fake = SimpleUploadedFile("方案.docx", b"just some text", content_type="application/msword")
    response = as_user(alice).post(
        _url("plan_edit", plan.pk),
        {"summary": "x", "document": fake, "submit": "1"},
        HTTP_ACCEPT_LANGUAGE="zh-hans",
    )
    assert response.status_code == 200
    assert "不是真正的DOCX文件" in response.content.decode()
    plan.refresh_from_db()
    assert plan.status == "draft" and not plan.document


def test_plan_isolation_roles_and_methods(campaign, school_a, alice, bob, carol, leader, as_user):
    plan = campaign.plan_for(school_a)
    assert as_user(bob).get(plan.get_absolute_url()).status_code == 404
    assert as_user(bob).get(_url("plan_document", plan.pk)).status_code == 404
    assert as_user(carol).get(_url("plan_edit", plan.pk)).status_code == 403
    assert as_user(leader).post(_url("plan_accept", plan.pk)).status_code == 403
    assert as_user(leader).post(_url("remind", campaign.pk)).status_code == 403
    assert as_user(alice).get(_url("plan_submit", plan.pk)).status_code == 405
    assert as_user(alice).get(_url("remind", campaign.pk)).status_code == 405


def test_bureau_returns_a_plan_with_a_comment(campaign, school_a, alice, bureau_admin, as_user):
    plan = campaign.plan_for(school_a)
    plan.save_draft(alice, summary="方案", sections={})
    plan.submit(alice)
    as_user(bureau_admin).post(_url("plan_return", plan.pk), {"comment": "请补充校车部分"})
    plan.refresh_from_db()
    assert plan.status == "returned" and plan.review_comment == "请补充校车部分"
    assert "请补充校车部分" in as_user(alice).get(plan.get_absolute_url()).content.decode()


def test_resubmitted_plan_shows_the_old_comment_as_history_not_as_a_verdict(
    campaign, school_a, alice, bureau_admin, as_user
):
    plan = campaign.plan_for(school_a)
    plan.save_draft(alice, summary="方案", sections={})
    plan.submit(alice)
    plan.return_to_school(bureau_admin, comment="请补充校车部分")
    plan.submit(alice)
    page = as_user(bureau_admin).get(plan.get_absolute_url()).content.decode()
    assert "上次退回时的意见：请补充校车部分" in page
    assert "alert-success" not in page


def test_bureau_creates_a_campaign_with_attachments(as_user, bureau_admin, outsider, alice):
    notice = SimpleUploadedFile("通知.pdf", b"%PDF-1.4", content_type="application/pdf")
    response = as_user(bureau_admin).post(
        _url("create"),
        {
            "name": "2015年春季安全检查",
            "start_date": "2015-03-01",
            "end_date": "2015-05-31",
            "notice_title": "关于开展春季安全检查的通知",
            "notice_file": notice,
        },
    )
    campaign = Campaign.objects.get(name="2015年春季安全检查")
    assert response.status_code == 302 and campaign.status == "planned"
    assert campaign.notice_file_name == "通知.pdf"
    assert as_user(alice).get(_url("file", campaign.pk, "notice")).status_code == 200
    assert as_user(outsider).get(_url("file", campaign.pk, "notice")).status_code == 404
    assert as_user(alice).get(_url("create")).status_code == 403


def test_campaign_page_runs_a_fixed_number_of_queries(campaign, bureau, bureau_admin, as_user):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from xiaoan.schools.models import School

    client = as_user(bureau_admin)

    def queries() -> int:
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(_url("detail", campaign.pk)).status_code == 200
        return len(ctx.captured_queries)

    School.objects.create(bureau=bureau, code="S101", name="甲小学", kind="primary")
    client.get(_url("detail", campaign.pk))
    before = queries()
    for n in range(2, 6):
        school = School.objects.create(
            bureau=bureau, code=f"S10{n}", name=f"乙{n}小学", kind="primary"
        )
        campaign.plan_for(school)
    assert queries() == before


def test_campaign_edit_form_links_attachments_to_the_checked_download(as_user, bureau_admin):
    notice = SimpleUploadedFile("通知.pdf", b"%PDF-1.4", content_type="application/pdf")
    client = as_user(bureau_admin)
    client.post(
        _url("create"),
        {
            "name": "春检",
            "start_date": "2015-03-01",
            "end_date": "2015-05-31",
            "notice_file": notice,
        },
    )
    campaign = Campaign.objects.get(name="春检")
    page = client.get(_url("edit", campaign.pk)).content.decode()
    assert f'href="{_url("file", campaign.pk, "notice")}">通知.pdf</a>' in page
    assert settings.MEDIA_URL not in page


def test_plan_form_names_the_filed_document_and_offers_only_document_types(
    campaign, school_a, alice, as_user
):
    plan = campaign.plan_for(school_a)
    client = as_user(alice)
    blank = client.get(_url("plan_edit", plan.pk)).content.decode()
    assert 'accept=".doc,.docx,.jpg,.ofd,.pdf,.png,.wps,.xls,.xlsx"' in blank
    assert "已上传方案文件" not in blank
    doc = SimpleUploadedFile("安全方案.docx", b"PK\x03\x04 word", content_type="application/msword")
    client.post(_url("plan_edit", plan.pk), {"summary": "总体方案", "document": doc})
    page = client.get(_url("plan_edit", plan.pk)).content.decode()
    assert "已上传方案文件：安全方案.docx。如需替换，再选择新文件。" in page
