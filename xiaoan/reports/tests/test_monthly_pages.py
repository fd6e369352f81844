"""The monthly reports' list by keyset, as the ledger: every report exactly once across the
pages, forward and back, newest month first and by school code within one (ties in the code
across districts by id), for a district and across a city's districts; the filters kept; a
changed link; the same queries on every page; the total counted or estimated. The page's ids
are read first and the rows after them: on PostgreSQL from the month index (plan test)."""

from __future__ import annotations

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from conftest import make_user
from xiaoan.accounts.choices import Role
from xiaoan.api.tests.paging import every_api_page
from xiaoan.core import counting
from xiaoan.reports import views
from xiaoan.reports.models import MonthlyReport, due_date_for
from xiaoan.schools.choices import RegionLevel, SchoolKind
from xiaoan.schools.models import Bureau, Region, School

pytestmark = pytest.mark.django_db

PAGE = 4
MONTHS = [(2014, 9), (2014, 10), (2014, 11), (2015, 1)]


@pytest.fixture(autouse=True)
def _small_pages(monkeypatch):
    monkeypatch.setattr(views, "MONTHLY_ROWS", PAGE)


@pytest.fixture
def schools(bureau, other_bureau) -> list[School]:
    """Codes out of the ids' order, and one code in both districts (a tie the id breaks)."""
    made = []
    for district, code in [
        (bureau, "S030"),
        (bureau, "S010"),
        (other_bureau, "S010"),
        (other_bureau, "S020"),
        (bureau, "S005"),
    ]:
        made.append(
            School.objects.create(
                bureau=district,
                code=code,
                name=f"{district.region.name}{code}学校",
                kind=SchoolKind.PRIMARY,
            )
        )
    return made


@pytest.fixture
def reports(schools) -> list[MonthlyReport]:
    """Each school's report of four months, but the second school's of November (missing);
    every third one submitted."""
    made = []
    for n, (year, month) in enumerate(MONTHS * len(schools)):
        school = schools[n // len(MONTHS)]
        if school == schools[1] and (year, month) == (2014, 11):
            continue
        made.append(
            MonthlyReport(
                school=school,
                year=year,
                month=month,
                due_date=due_date_for(year, month),
                status="submitted" if n % 3 == 0 else "draft",
            )
        )
    MonthlyReport.objects.bulk_create(made)
    return list(MonthlyReport.objects.select_related("school"))


@pytest.fixture
def city_officer(bureau, other_bureau):
    city = Region.objects.create(code="330100", name="清江市", level=RegionLevel.CITY)
    Region.objects.filter(pk__in=[bureau.region_id, other_bureau.region_id]).update(parent=city)
    return make_user(
        "city-officer", Role.CITY_ADMIN, Bureau.objects.create(region=city, name="清江市教育局")
    )


def expected(reports: list[MonthlyReport]) -> list[int]:
    rows = sorted(reports, key=lambda r: (-r.year, -r.month, r.school.code, r.pk))
    return [r.pk for r in rows]


def page_of(client, query: dict) -> tuple[list[int], object]:
    response = client.get(reverse("reports:monthly_list"), query)
    assert response.status_code == 200
    return [r.pk for r in response.context["object_list"]], response.context["page"]


def every_page(client, query: dict) -> list[int]:
    """Forward by the next links to the end, then back by the previous links to the start:
    the rows of both ways, checked to be the same pages."""
    pages, page = [], None
    while True:
        rows, page = page_of(client, {**query, **({"cursor": page.next} if page else {})})
        pages.append(rows)
        if not page.next:
            break
    back = [pages[-1]]
    while page.previous:
        rows, page = page_of(client, {**query, "cursor": page.previous})
        back.insert(0, rows)
    assert back == pages
    assert all(len(rows) == PAGE for rows in pages[:-1])
    return [pk for rows in pages for pk in rows]


def test_a_district_pages_its_reports_newest_month_first_by_school_code(
    as_user, bureau_admin, bureau, reports
):
    own = [r for r in reports if r.school.bureau_id == bureau.pk]
    assert every_page(as_user(bureau_admin), {}) == expected(own)


def test_a_city_pages_its_districts_reports_in_one_order(as_user, city_officer, reports):
    # The two districts' S010 of a month follow each other by id, wherever a page ends.
    assert every_page(as_user(city_officer), {}) == expected(reports)


def test_a_filtered_list_pages_through_exactly_its_rows(as_user, city_officer, reports):
    client = as_user(city_officer)
    submitted = [r for r in reports if r.status == "submitted"]
    assert every_page(client, {"status": "submitted"}) == expected(submitted)
    of_2014 = [r for r in reports if r.year == 2014]
    assert every_page(client, {"year": 2014}) == expected(of_2014)
    # The links keep the filters; the export's link drops the cursor.
    html = client.get(reverse("reports:monthly_list"), {"year": 2014}).content.decode()
    assert 'rel="next" href="?year=2014&cursor=' in html
    assert f'href="{reverse("reports:monthly_export")}?year=2014"' in html


def test_a_school_pages_its_own_reports(as_user, schools, reports):
    admin = make_user("s030", Role.SCHOOL_ADMIN, schools[0].bureau, school=schools[0])
    own = [r for r in reports if r.school_id == schools[0].pk]
    assert every_page(as_user(admin), {}) == expected(own)


def test_a_changed_link_shows_the_first_page_with_a_message(as_user, city_officer, reports):
    client = as_user(city_officer)
    _rows, page = page_of(client, {})
    response = client.get(reverse("reports:monthly_list"), {"cursor": page.next[:-2] + "xx"})
    assert [r.pk for r in response.context["object_list"]] == expected(reports)[:PAGE]
    assert "翻页链接无效" in response.content.decode()


def test_page_one_and_page_three_take_the_same_queries(as_user, city_officer, reports):
    client = as_user(city_officer)
    client.get(reverse("reports:monthly_list"))  # warm the session
    _rows, page = page_of(client, {})
    _rows, page = page_of(client, {"cursor": page.next})
    page_of(client, {"cursor": page.next})  # its rows kept rendered, as page one's are
    counted = []
    for query in ({}, {"cursor": page.next}):
        with CaptureQueriesContext(connection) as ctx:
            page_of(client, query)
        counted.append(len(ctx.captured_queries))
    assert counted[0] == counted[1]


def test_the_total_is_counted_or_estimated(as_user, city_officer, reports, monkeypatch):
    client = as_user(city_officer)
    assert client.get(reverse("reports:monthly_list")).context["total"] == counting.Total(
        len(reports)
    )
    page = client.get(reverse("reports:monthly_list"), {"year": 2015})
    assert page.context["total"] == counting.Total(len(MONTHS[3:]) * 5)  # one page: its rows
    # As PostgreSQL answers for a province: the planner's estimate, rounded.
    monkeypatch.setattr(counting, "planner_rows", lambda queryset: 114_041)
    page = client.get(reverse("reports:monthly_list"))
    assert page.context["total"] == counting.Total(114_000, estimated=True)
    assert "约 114000 份" in page.content.decode()


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's plans")
def test_the_pages_ids_come_in_order_from_the_month_index(city_officer, reports):
    """The months in order from the index, the school's code sorted within the month only
    (an incremental sort), and no school or user joined beyond the code."""
    from xiaoan.core import keyset

    mine = MonthlyReport.objects.for_user(city_officer)
    keys = keyset.keys_of(mine)
    ids = mine.order_by(*keyset.order_by(keys)).values_list(*(k.path for k in keys))
    with transaction.atomic(), connection.cursor() as cursor:
        # A test's few rows: forbid scanning the table and sorting every row (an incremental
        # sort of one month's rows stays allowed), so the plan shows what the index gives.
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("SET LOCAL enable_sort = off")
        plan = ids[: PAGE + 1].explain()
    assert "monthlyreport_month_idx" in plan, plan
    assert "Presorted Key: reports_monthlyreport.year, reports_monthlyreport.month" in plan, plan
    assert "auth_user" not in plan


def test_the_api_pages_the_same_reports_by_cursor_and_by_number(city_officer, reports):
    """`/api/v1/monthly-reports/`: `next` and `previous` carry a cursor and walk every report
    once, in the list page's order; `?page=` still numbers the pages, with an exact count."""
    from rest_framework.test import APIClient

    client = APIClient()
    client.force_authenticate(city_officer)
    first = client.get("/api/v1/monthly-reports/", {"page_size": PAGE}).json()
    assert "cursor=" in first["next"] and first["count"] == len(reports)
    pages, _first = every_api_page(client, "/api/v1/monthly-reports/", {"page_size": PAGE})
    assert [pk for rows in pages for pk in rows] == expected(reports)

    numbered = client.get("/api/v1/monthly-reports/", {"page_size": PAGE, "page": 2}).json()
    assert [row["id"] for row in numbered["results"]] == expected(reports)[PAGE : 2 * PAGE]
    assert numbered["count"] == len(reports) and numbered["count_estimated"] is False
