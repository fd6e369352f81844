"""Pages: who sees and does what; 404 across schools, 403 for read-only roles, 405 for GET."""

from __future__ import annotations

import datetime

import pytest
import time_machine
from django.urls import reverse

from xiaoan.notifications.models import Notification
from xiaoan.reports.choices import MonthlyStatus, OfficialKind, OfficialStatus
from xiaoan.reports.models import MonthlyReport
from xiaoan.reports.official import generate

pytestmark = pytest.mark.django_db


@pytest.fixture
def report_a(school_a):
    return MonthlyReport.for_month(school_a, 2014, 9)


def test_school_admin_compiles_and_submits_the_month(as_user, alice, september_ledger):
    client = as_user(alice)
    response = client.post(reverse("reports:monthly_start"), {"year": 2014, "month": 9})
    report = MonthlyReport.objects.get()
    assert response.url == report.get_absolute_url()
    page = client.get(report.get_absolute_url())
    assert page.status_code == 200 and "消防安全" in page.content.decode()
    submit = reverse("reports:monthly_submit", args=[report.pk])
    client.post(submit, {"narrative": "九月", "version": report.version})
    report.refresh_from_db()
    assert report.status == MonthlyStatus.SUBMITTED and report.narrative == "九月"


def test_other_school_gets_404_staff_403_and_get_405(as_user, bob, carol, report_a):
    submit = reverse("reports:monthly_submit", args=[report_a.pk])
    assert as_user(bob).get(report_a.get_absolute_url()).status_code == 404
    assert as_user(bob).post(submit).status_code == 404
    assert as_user(carol).post(submit).status_code == 403
    assert as_user(carol).get(submit).status_code == 405


def test_bureau_returns_with_a_comment(as_user, alice, bureau_admin, leader, report_a):
    report_a.submit(alice)
    url = reverse("reports:monthly_return", args=[report_a.pk])
    assert as_user(leader).post(url, {"comment": "x"}).status_code == 403
    as_user(bureau_admin).post(url, {"comment": "请补充"})
    report_a.refresh_from_db()
    assert report_a.status == MonthlyStatus.RETURNED and report_a.review_comment == "请补充"


def test_monthly_list_queries_do_not_grow_with_rows(
    as_user, bureau_admin, school_a, school_b, kindergarten
):
    from django.core.cache import cache
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = as_user(bureau_admin)

    def queries() -> int:
        cache.clear()  # every row rendered afresh, read whole in one query
        with CaptureQueriesContext(connection) as ctx:
            response = client.get(reverse("reports:monthly_list"))
        assert response.status_code == 200
        return len(ctx.captured_queries)

    MonthlyReport.for_month(school_a, 2014, 9)
    client.get(reverse("reports:monthly_list"))  # warm the session
    one = queries()
    for school in (school_b, kindergarten):
        MonthlyReport.for_month(school, 2014, 9)
    assert queries() == one
    assert (
        client.get(reverse("reports:monthly_list")).content.decode().count("/reports/monthly/") >= 3
    )


def test_compliance_board_link_only_for_those_who_may_open_it(as_user, leader, fire):
    board = reverse("reports:compliance")
    page = as_user(leader).get(reverse("reports:monthly_list")).content.decode()
    assert f'href="{board}"' in page
    page = as_user(fire).get(reverse("reports:monthly_list")).content.decode()
    assert f'href="{board}"' not in page
    assert as_user(fire).get(board).status_code == 403


@time_machine.travel(datetime.datetime(2014, 10, 8, 2, tzinfo=datetime.UTC))
def test_compliance_board_exports_and_reminds(as_user, bureau_admin, gov, alice, bob, report_a):
    report_a.submit(alice)
    url = reverse("reports:compliance") + "?year=2014&month=9"
    page = as_user(gov).get(url).content.decode()
    assert "按时报送" in page and "未报" in page
    assert as_user(alice).get(url).status_code == 403
    xlsx = as_user(bureau_admin).get(url + "&format=xlsx")
    assert xlsx["Content-Type"].startswith("application/vnd.openxmlformats")
    remind = reverse("reports:compliance_remind")
    assert as_user(gov).post(remind, {"year": 2014, "month": 9}).status_code == 403
    as_user(bureau_admin).post(remind, {"year": 2014, "month": 9})
    # (alice's submitted report told the bureau; the reminder goes to bob, still owing his.)
    reminded = Notification.objects.filter(kind="monthly_missing")
    assert list(reminded.values_list("recipient__username", flat=True)) == ["bob"]
    page = as_user(bob).get(reverse("reports:notifications")).content.decode()
    assert "2014年9月安全月报尚未报送" in page


def test_gov_reads_only_issued_documents(as_user, bureau, bureau_admin, gov, alice):
    draft = generate(OfficialKind.QUARTERLY, bureau, year=2014, quarter=3)
    assert as_user(gov).get(draft.get_absolute_url()).status_code == 404
    assert as_user(alice).get(reverse("reports:official_list")).status_code == 403
    as_user(bureau_admin).post(reverse("reports:official_issue", args=[draft.pk]))
    draft.refresh_from_db()
    assert draft.status == OfficialStatus.ISSUED
    response = as_user(gov).get(reverse("reports:official_download", args=[draft.pk, "docx"]))
    assert response.status_code == 200 and response.content[:2] == b"PK"
    edit = reverse("reports:official_edit", args=[draft.pk])
    assert as_user(gov).post(edit, {"narrative": "x"}).status_code == 403


def test_issued_document_reads_as_a_document_not_as_its_markup(as_user, bureau, bureau_admin, gov):
    report = generate(OfficialKind.QUARTERLY, bureau, year=2014, quarter=3)
    report.issue(bureau_admin)
    page = as_user(gov).get(report.get_absolute_url()).content.decode()
    assert '<h2 class="h5 mt-3">一、隐患排查整改情况</h2>' in page
    assert "<caption" in page and "表1 各类安全隐患排查整改情况" in page
    document = page[page.index("<article") : page.index("</article>")]
    assert "# 基本情况" not in document and "[[统计表]]" not in document


def test_bureau_generates_a_draft_from_the_page(as_user, bureau_admin, september_ledger):
    response = as_user(bureau_admin).post(
        reverse("reports:official_generate"), {"kind": "quarterly", "year": 2014, "quarter": 3}
    )
    assert response.status_code == 302
    page = as_user(bureau_admin).get(response.url).content.decode()
    assert "新排查发现安全隐患5项" in page


def test_dashboard_shows_the_district_and_a_school_itself(
    as_user, bureau_admin, alice, september_ledger
):
    district = as_user(bureau_admin).get(reverse("reports:dashboard"))
    mine = as_user(alice).get(reverse("reports:dashboard"))
    assert district.status_code == mine.status_code == 200
    assert "echarts.min.js" in district.content.decode()
    assert district.context["data"]["funnel"][0]["count"] == 6
    assert mine.context["data"]["funnel"][0]["count"] == 5


def test_dashboard_funnel_names_the_steps_reached_not_the_waiting_states(
    as_user, bureau_admin, september_ledger
):
    funnel = as_user(bureau_admin).get(reverse("reports:dashboard")).context["data"]["funnel"]
    assert [f["name"] for f in funnel] == ["发现", "下达整改意见", "开始整改", "提交复查", "已销号"]
    assert "待受理" not in [f["name"] for f in funnel]


@pytest.mark.parametrize(
    ("today", "shown"),
    [
        (datetime.datetime(2014, 10, 8, 2, tzinfo=datetime.UTC), (2014, 9)),
        # Early November: October is the month to chase, even though nobody has reported yet.
        (datetime.datetime(2014, 11, 3, 2, tzinfo=datetime.UTC), (2014, 10)),
        # Reports stopped two months ago or more: the board opens on the latest reported month.
        (datetime.datetime(2014, 12, 10, 2, tzinfo=datetime.UTC), (2014, 9)),
    ],
)
def test_compliance_board_opens_on_last_month_or_the_latest_reported(
    as_user, bureau_admin, alice, report_a, today, shown
):
    report_a.submit(alice)
    with time_machine.travel(today):
        context = as_user(bureau_admin).get(reverse("reports:compliance")).context
    assert (context["year"], context["month"]) == shown


def test_dashboard_funnel_finds_every_hazard_reported_rejected_ones_too(
    as_user, bureau_admin, september_ledger
):
    hazard = september_ledger[0]
    total = len(september_ledger)
    type(hazard).objects.filter(pk=hazard.pk).update(status="rejected")
    funnel = as_user(bureau_admin).get(reverse("reports:dashboard")).context["data"]["funnel"]
    assert funnel[0]["count"] == total
    assert funnel[-1]["count"] < total


def test_a_document_of_a_large_scope_is_made_in_the_background(
    as_user, bureau, bureau_admin, school_a, settings, django_capture_on_commit_callbacks
):
    """Above `BACKGROUND_DOCUMENT_SCHOOLS` the download link opens the job's page; clicking
    it again finds the same job; the worker makes the file, which the page offers."""
    from xiaoan.core.models import Job
    from xiaoan.core.tests.test_jobs import run_queued_jobs

    settings.BACKGROUND_DOCUMENT_SCHOOLS = 0
    report = generate(OfficialKind.QUARTERLY, bureau, year=2014, quarter=3)
    client = as_user(bureau_admin)
    link = reverse("reports:official_download", args=[report.pk, "docx"])
    with django_capture_on_commit_callbacks(execute=True):
        first = client.get(link)
    job = Job.objects.get()
    assert first["Location"] == job.get_absolute_url()
    assert client.get(link)["Location"] == job.get_absolute_url()  # the same job again
    assert client.get(reverse("reports:official_download", args=[report.pk, "pdf"])).status_code
    assert Job.objects.count() == 2  # another format is another job
    run_queued_jobs()
    job.refresh_from_db()
    assert job.status == "done" and job.filename == f"{report.title}.docx"
    assert "文件已生成" in client.get(job.get_absolute_url()).content.decode()
    download = client.post(reverse("jobs:file", args=[job.pk]))
    assert b"".join(download.streaming_content)[:2] == b"PK"
