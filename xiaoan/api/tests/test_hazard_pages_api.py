"""The hazard list's pages in the API: `next` and `previous` carry a cursor and give every row
exactly once forward and back (ties in the sort key); `?page=` keeps the numbered pages with
an exact count; a changed cursor answers 400 with a Chinese sentence; page one and page three
take the same queries. Run on SQLite and PostgreSQL."""

from __future__ import annotations

import datetime
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from rest_framework.test import APIClient

from xiaoan.hazards.models import Area, Hazard

from .paging import every_api_page

pytestmark = pytest.mark.django_db

URL = "/api/v1/hazards/"
ROWS = 23
PAGE = 5


def api_for(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


@pytest.fixture
def ledger(bureau, school_a, school_b, alice) -> list[Hazard]:
    """23 hazards on three days, a third without a deadline, the rest on two."""
    fire = Area.objects.get(code="fire")
    Hazard.objects.bulk_create(
        Hazard(
            bureau=bureau,
            code=f"YH-2014-{n + 1:04d}",
            school=(school_a, school_b)[n % 2],
            area=fire,
            level="general",
            source="inspection",
            description="台账分页",
            found_on=datetime.date(2014, 9, 1 + n % 3),
            reported_by=alice,
            status="closed" if n % 4 == 3 else "assigned",
            deadline=None if n % 3 == 0 else datetime.date(2014, 10, 1 + n % 2),
            closed_at=timezone.now() if n % 4 == 3 else None,
        )
        for n in range(ROWS)
    )
    return list(Hazard.objects.filter(bureau=bureau))


def walk(client, query: dict) -> tuple[list[list[int]], dict]:
    """Every page from the first by `next`, then back by `previous`."""
    return every_api_page(client, URL, {**query, "page_size": PAGE})


@pytest.mark.parametrize(
    "query", [{}, {"sort": "deadline"}, {"sort": "-status"}, {"ordering": "deadline"}]
)
def test_next_and_previous_give_every_hazard_once_in_order(bureau_admin, ledger, query):
    client = api_for(bureau_admin)
    pages, first = walk(client, query)
    listed = [pk for page in pages for pk in page]
    assert sorted(listed) == sorted(h.pk for h in ledger) and len(listed) == ROWS
    assert len(pages) == 5 and first["count"] == ROWS and first["count_estimated"] is False
    if query.get("sort") == "deadline" or query.get("ordering") == "deadline":
        deadlines = [Hazard.objects.get(pk=pk).deadline for pk in listed]
        dated = [d for d in deadlines if d is not None]
        assert deadlines == dated + [None] * (len(deadlines) - len(dated)) and dated == sorted(
            dated
        )


def test_the_filters_hold_on_every_page(bureau_admin, ledger):
    pages, _body = walk(api_for(bureau_admin), {"status": "assigned"})
    listed = [pk for page in pages for pk in page]
    assert sorted(listed) == sorted(h.pk for h in ledger if h.status == "assigned")


def test_page_numbers_still_work_as_before(bureau_admin, ledger):
    client = api_for(bureau_admin)
    body = client.get(URL, {"page": 2, "page_size": PAGE}).json()
    assert body["count"] == ROWS and body["count_estimated"] is False
    assert "page=3" in body["next"]
    assert "cursor" not in body["next"] and "page_size=5" in body["previous"]
    assert client.get(URL, {"page": 9, "page_size": PAGE}).status_code == 404
    by_number = [
        row["id"]
        for page in range(1, 6)
        for row in client.get(URL, {"page": page, "page_size": PAGE}).json()["results"]
    ]
    pages, _body = walk(client, {})
    assert by_number == [pk for page in pages for pk in page]


def test_a_numbered_page_skips_ids_alone_and_joins_only_its_rows(bureau_admin, ledger):
    """The offset is taken over the ids in the list's order (no row before the page joined),
    then the page's rows are read by id; `page=last` is the last page."""
    client = api_for(bureau_admin)
    with CaptureQueriesContext(connection) as ctx:
        body = client.get(URL, {"page": 3, "page_size": PAGE}).json()
    skipping = [q["sql"] for q in ctx.captured_queries if "OFFSET" in q["sql"].upper()]
    assert len(skipping) == 1
    assert re.match(r'SELECT "hazards_hazard"\."id"( AS "pk")? FROM', skipping[0])
    assert "schools_school" not in skipping[0]
    assert len(body["results"]) == PAGE and body["count"] == ROWS
    last = client.get(URL, {"page": "last", "page_size": PAGE}).json()
    assert len(last["results"]) == ROWS - 4 * PAGE and last["next"] is None
    assert "page=4" in last["previous"]


def test_a_changed_cursor_is_refused_in_chinese(bureau_admin, ledger):
    client = api_for(bureau_admin)
    link = client.get(URL, {"page_size": PAGE}).json()["next"]
    cursor = link.split("cursor=")[1].split("&")[0]
    for changed in ("abc", cursor[:-3] + "abc"):
        response = client.get(URL, {"cursor": changed})
        assert response.status_code == 400
        assert response.json() == {
            "detail": "翻页链接无效：链接被改动过，或属于另一种排序的列表。",
            "code": "invalid",
        }
    assert client.get(URL, {"cursor": cursor, "sort": "code"}).status_code == 400


def test_page_one_and_page_three_take_the_same_queries(bureau_admin, ledger):
    client = api_for(bureau_admin)
    with CaptureQueriesContext(connection) as one:
        body = client.get(URL, {"page_size": PAGE}).json()
    body = client.get(body["next"]).json()
    with CaptureQueriesContext(connection) as three:
        client.get(body["next"])
    assert len(three.captured_queries) == len(one.captured_queries)
