"""The monthly reports list's rows are rendered once for each version of what they show
(`core.fragments`, `{% monthly_rows %}`): opening the list again reads them from the cache, a
step on a report or a school renamed shows at once, a school's user gets rows without the
school, and a page whose rows are kept reads only their keys."""

from __future__ import annotations

import pytest
from django.db import connection
from django.urls import reverse

from xiaoan.core.tests.kept_rows import rendered, tbody
from xiaoan.reports.models import MonthlyReport

ROW = "reports/_monthly_row.html"


@pytest.fixture
def reports(school_a, school_b, kindergarten):
    return [MonthlyReport.for_month(s, 2014, 9) for s in (school_a, school_b, kindergarten)]


def list_as(client):
    response = client.get(reverse("reports:monthly_list"))
    assert response.status_code == 200
    return response


def test_the_second_request_reads_every_row_from_the_cache(as_user, bureau_admin, reports):
    client = as_user(bureau_admin)
    first = list_as(client)
    assert rendered(first, ROW) == 3
    again = list_as(client)
    assert rendered(again, ROW) == 0
    assert tbody(again) == tbody(first)
    for report in reports:
        assert report.get_absolute_url() in tbody(again)


def test_a_page_whose_rows_are_kept_reads_only_their_keys(as_user, bureau_admin, reports):
    client = as_user(bureau_admin)
    list_as(client)
    statements: list[str] = []

    def record(execute, sql, params, many, context):
        statements.append(sql)
        return execute(sql, params, many, context)

    with connection.execute_wrapper(record):
        response = list_as(client)
    assert all(r.school.name in tbody(response) for r in reports)
    read = " ".join(s for s in statements if "reports_monthlyreport" in s)
    assert '"reports_monthlyreport"."version"' in read and '"schools_school"."version"' in read
    for column in ('"reports_monthlyreport"."narrative"', '"schools_school"."address"'):
        assert column not in read


def test_a_step_shows_at_once_and_only_its_row_is_rendered_again(
    as_user, bureau_admin, alice, reports
):
    client = as_user(bureau_admin)
    assert "已报送" not in tbody(list_as(client))
    reports[0].submit(alice)
    response = list_as(client)
    assert rendered(response, ROW) == 1
    assert "已报送" in tbody(response)


def test_a_renamed_school_shows_at_once(as_user, bureau_admin, reports, school_a):
    client = as_user(bureau_admin)
    list_as(client)
    school_a.name = "清江路小学（新校区）"
    school_a.save()
    response = list_as(client)
    assert rendered(response, ROW) == 1
    assert "清江路小学（新校区）" in tbody(response)


def test_a_school_user_gets_rows_without_the_school(as_user, bureau_admin, alice, reports):
    list_as(as_user(bureau_admin))  # the bureau's rows kept first
    response = list_as(as_user(alice))
    assert rendered(response, ROW) == 1
    assert reports[0].school.name not in tbody(response)
    assert "2014-09" in tbody(response)
