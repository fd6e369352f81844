"""What a principal meets on the monthly-report pages: future months, names in the history."""

from __future__ import annotations

import datetime

import pytest
import time_machine
from django.urls import reverse

from xiaoan.notifications.sending import notify
from xiaoan.reports.models import MonthlyReport

pytestmark = pytest.mark.django_db

NOV_2026 = datetime.datetime(2026, 11, 20, 2, tzinfo=datetime.UTC)


@time_machine.travel(NOV_2026, tick=False)
def test_a_month_not_yet_begun_is_refused_on_the_page(as_user, alice, school_a):
    client = as_user(alice)
    response = client.post(
        reverse("reports:monthly_start"), {"year": 2027, "month": 3}, follow=True
    )
    assert "2027-03尚未开始" in response.content.decode()
    assert not MonthlyReport.objects.filter(school=school_a).exists()
    started = client.post(reverse("reports:monthly_start"), {"year": 2026, "month": 11})
    assert started.status_code == 302
    assert MonthlyReport.objects.get(school=school_a).month == 11


@time_machine.travel(NOV_2026, tick=False)
def test_a_month_not_yet_begun_is_refused_by_the_api(as_user, alice, school_a):
    response = as_user(alice).post("/api/v1/monthly-reports/", {"year": 2026, "month": 12})
    assert response.status_code == 400 and response.json()["code"] == "invalid"
    assert not MonthlyReport.objects.filter(school=school_a).exists()


def test_history_and_submitter_show_the_persons_name(as_user, alice, school_a):
    client = as_user(alice)
    client.post(reverse("reports:monthly_start"), {"year": 2014, "month": 9})
    report = MonthlyReport.objects.get(school=school_a)
    submit = reverse("reports:monthly_submit", args=[report.pk])
    client.post(submit, {"narrative": "无", "version": report.version})
    page = client.get(report.get_absolute_url()).content.decode()
    assert f"{alice.get_full_name()}于" in page
    assert f"· {alice.get_full_name()} · 已报送" in page
    assert f"· {alice.username} ·" not in page


def test_school_list_links_the_month_without_a_school_column(
    as_user, alice, bureau_admin, school_a
):
    report = MonthlyReport.for_month(school_a, 2014, 9)
    own = as_user(alice).get(reverse("reports:monthly_list")).content.decode()
    assert f'<a href="{report.get_absolute_url()}">2014-09</a>' in own
    assert "<th>学校</th>" not in own
    district = as_user(bureau_admin).get(reverse("reports:monthly_list")).content.decode()
    assert "<th>学校</th>" in district and school_a.name in district


def test_school_dashboard_leaves_out_the_ranking_of_schools(as_user, alice, bureau_admin):
    url = reverse("reports:dashboard")
    own = as_user(alice).get(url).content.decode()
    assert 'id="chart-ranking"' not in own and 'id="chart-area"' in own
    assert '<span class="input-group-text px-2">起</span>' in own
    assert 'id="chart-ranking"' in as_user(bureau_admin).get(url).content.decode()


def test_a_notification_is_opened_with_a_button_that_says_so(as_user, alice):
    params = {"school": "清溪区实验小学", "year": 2014, "month": 9}
    notify(alice, "monthly_missing", params, link="/reports/monthly/", key="S-A-2014-09")
    page = as_user(alice).get(reverse("reports:notifications")).content.decode()
    assert ">查看</button>" in page and ">整改中</button>" not in page
