"""The ledger's pages by keyset and its total: every row exactly once across the pages, forward
and back, in every order the ledger offers (ties in every sort key); a changed link; the same
queries on every page; the total kept, estimated or counted. Run on SQLite and PostgreSQL."""

from __future__ import annotations

import datetime
import math
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from xiaoan.core import counting
from xiaoan.hazards import counts, views
from xiaoan.hazards.filters import SORT_KEYS
from xiaoan.hazards.models import Area, Hazard

ROWS = 31
PAGE = 7
SORTS = ["", *(p for _f, p, _l in SORT_KEYS), *(f"-{p}" for _f, p, _l in SORT_KEYS)]


@pytest.fixture
def ledger(bureau, school_a, school_b, alice) -> list[Hazard]:
    """31 hazards with ties in every sort key: three days, two schools, two areas, two levels,
    four states, two deadlines and none."""
    areas = list(Area.objects.filter(code__in=["fire", "food"]))
    states = ["reported", "assigned", "rectifying", "closed"]
    made = []
    for n in range(ROWS):
        state = states[n % 4]
        made.append(
            Hazard(
                bureau=bureau,
                code=f"YH-2014-{n + 1:04d}",
                school=(school_a, school_b)[n % 2],
                area=areas[n % 3 % 2],
                level="major" if n % 5 == 0 else "general",
                source="inspection",
                description="台账分页",
                found_on=datetime.date(2014, 9, 1 + n % 3),
                reported_by=alice,
                status=state,
                deadline=None if n % 3 == 0 else datetime.date(2014, 10, 1 + n % 2),
                closed_at=timezone.now() if state == "closed" else None,
            )
        )
    Hazard.objects.bulk_create(made)
    return list(Hazard.objects.select_related("school", "area"))


@pytest.fixture(autouse=True)
def _small_pages(monkeypatch):
    monkeypatch.setattr(views, "LEDGER_ROWS", PAGE)


def expected_order(hazards: list[Hazard], sort: str) -> list[int]:
    """The ledger's order worked out in Python: the key, an empty one after every value (before
    them, descending), ties newest id first."""
    param = sort.lstrip("-") or "found_on"
    descending = sort.startswith("-") or not sort
    value = {
        "school": lambda h: h.school.code,
        "area": lambda h: h.area.order,
    }.get(param, lambda h: getattr(h, param))
    rows = sorted(hazards, key=lambda h: h.pk, reverse=True)
    rows.sort(key=lambda h: (value(h) is None, value(h) or 0), reverse=descending)
    return [h.pk for h in rows]


def page_of(client, query: dict) -> tuple[list[int], object]:
    response = client.get(reverse("hazards:list"), query)
    assert response.status_code == 200
    return [h.pk for h in response.context["object_list"]], response.context["page"]


@pytest.mark.parametrize("sort", SORTS)
def test_paging_forward_then_back_lists_every_hazard_once_in_the_ledgers_order(
    as_user, bureau_admin, ledger, sort
):
    client, want = as_user(bureau_admin), expected_order(ledger, sort)
    ids, page = page_of(client, {"sort": sort})
    pages = [ids]
    while page.next:
        ids, page = page_of(client, {"sort": sort, "cursor": page.next})
        pages.append(ids)
    assert [pk for ids in pages for pk in ids] == want
    assert page.number == len(pages) == math.ceil(ROWS / PAGE)
    back = [pages[-1]]
    while page.previous:
        ids, page = page_of(client, {"sort": sort, "cursor": page.previous})
        back.insert(0, ids)
    assert back == pages and page.number == 1


def test_a_filtered_ledger_pages_through_exactly_its_rows(as_user, bureau_admin, ledger):
    client = as_user(bureau_admin)
    query = {"status": "reported", "sort": "-deadline"}
    want = expected_order([h for h in ledger if h.status == "reported"], "-deadline")
    ids, page = page_of(client, query)
    seen = ids
    while page.next:
        ids, page = page_of(client, {**query, "cursor": page.next})
        seen += ids
    assert seen == want


def test_a_filter_by_states_reads_its_page_without_distinct(as_user, bureau_admin, ledger):
    """The states are the hazard's own column: no DISTINCT, which would have the database
    read and sort every matching row before the page (a province's 45 ms ledger)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = as_user(bureau_admin)
    query = {"status": ["reported", "assigned"]}
    with CaptureQueriesContext(connection) as ctx:
        ids, _page = page_of(client, query)
    want = expected_order([h for h in ledger if h.status in query["status"]], "")
    assert ids and ids == want[: len(ids)]
    listed = [q["sql"] for q in ctx.captured_queries if "hazards_hazard" in q["sql"]]
    assert listed and not any("DISTINCT" in sql for sql in listed)


def test_a_changed_link_shows_the_first_page_with_a_message(as_user, bureau_admin, ledger):
    client = as_user(bureau_admin)
    _ids, page = page_of(client, {})
    changed = page.next[:-2] + ("xx" if not page.next.endswith("xx") else "yy")
    for query in ({"cursor": changed}, {"cursor": "abc"}, {"cursor": page.next, "sort": "code"}):
        # The last is a real link, but made for another order.
        response = client.get(reverse("hazards:list"), query)
        assert response.status_code == 200
        assert response.context["page"].number == 1
        assert "翻页链接无效" in response.content.decode()
        want = expected_order(ledger, query.get("sort", ""))[:PAGE]
        assert [h.pk for h in response.context["object_list"]] == want


def test_page_one_and_page_three_take_the_same_queries(as_user, bureau_admin, ledger):
    from django.core.cache import cache

    client = as_user(bureau_admin)
    page_of(client, {"sort": "deadline"})  # past the login's first session save
    cache.clear()  # both pages' rows rendered afresh (`{% ledger_rows %}`)
    with CaptureQueriesContext(connection) as one:
        _ids, page = page_of(client, {"sort": "deadline"})
    _ids, page = page_of(client, {"sort": "deadline", "cursor": page.next})
    cache.clear()
    with CaptureQueriesContext(connection) as three:
        _ids, page = page_of(client, {"sort": "deadline", "cursor": page.next})
    assert page.number == 3
    assert len(three.captured_queries) == len(one.captured_queries)


def test_the_links_keep_the_filters_and_the_export_ignores_the_cursor(
    as_user, bureau_admin, ledger
):
    client = as_user(bureau_admin)
    html = client.get(reverse("hazards:list"), {"area": "fire"}).content.decode()
    assert 'rel="next" href="?area=fire&cursor=' in html
    _ids, page = page_of(client, {"area": "fire"})
    html = client.get(reverse("hazards:list"), {"area": "fire", "cursor": page.next}).content
    assert f'{reverse("hazards:export")}?area=fire"' in html.decode()
    assert 'rel="prev" href="?area=fire&cursor=' in html.decode()


# ---- the total ----------------------------------------------------------------------------


def count_queries(queries) -> list[str]:
    """The counts of hazards (or of their kept counts) among a request's queries."""
    sqls = [q["sql"] for q in queries.captured_queries]
    return [sql for sql in sqls if "COUNT(" in sql.upper() and "hazards_hazard" in sql]


def test_the_total_is_the_rows_when_they_fit_on_one_page(as_user, bureau_admin, ledger):
    with CaptureQueriesContext(connection) as queries:
        response = as_user(bureau_admin).get(reverse("hazards:list"), {"status": "closed"})
    assert response.context["total"] == counting.Total(7)
    assert count_queries(queries) == []
    assert "共 7 项" in response.content.decode()


def test_the_total_of_unfiltered_or_kept_filters_comes_from_the_kept_counts(
    as_user, bureau_admin, alice, ledger, bureau
):
    counts.rebuild([bureau.pk])
    client = as_user(bureau_admin)
    for query in ({}, {"area": "fire", "status": ["reported", "closed"]}, {"level": "general"}):
        with CaptureQueriesContext(connection) as queries:
            response = client.get(reverse("hazards:list"), {**query, "sort": "code"})
        want = response.context["filter"].qs.count()
        assert want > PAGE
        assert response.context["total"] == counting.Total(want)
        counted = count_queries(queries)
        assert counted and all("hazards_hazardcount" in sql for sql in counted)
    mine = as_user(alice).get(reverse("hazards:list")).context
    assert mine["total"] == counting.Total(mine["filter"].qs.count())


def test_other_filters_are_counted_or_estimated(as_user, bureau_admin, ledger, bureau, monkeypatch):
    counts.rebuild([bureau.pk])
    client = as_user(bureau_admin)
    query = {"found_from": "2014-09-02"}
    response = client.get(reverse("hazards:list"), query)
    want = response.context["filter"].qs.count()
    assert response.context["total"] == counting.Total(want)
    # As PostgreSQL answers for a large district: the planner's estimate, rounded.
    monkeypatch.setattr(counting, "planner_rows", lambda queryset: 123_456)
    response = client.get(reverse("hazards:list"), query)
    assert response.context["total"] == counting.Total(123_000, estimated=True)
    assert "约 123000 项" in response.content.decode()
    monkeypatch.setattr(counting, "planner_rows", lambda queryset: 9_000)
    assert client.get(reverse("hazards:list"), query).context["total"] == counting.Total(want)


def test_an_impossible_filter_totals_nothing(as_user, alice, ledger, school_b):
    response = as_user(alice).get(reverse("hazards:list"), {"school": school_b.pk})
    assert response.context["total"] == counting.Total(0)


def test_estimates_keep_three_figures():
    assert [counting.rounded(n) for n in (7, 999, 1_234, 123_456, 1_987_654)] == [
        7,
        999,
        1_230,
        123_000,
        1_990_000,
    ]


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's planner estimate")
def test_postgresql_estimates_above_the_threshold_and_counts_below(ledger, bureau):
    hazards = Hazard.objects.filter(bureau=bureau, status="reported")
    estimate = counting.planner_rows(hazards)
    assert isinstance(estimate, int) and estimate >= 1
    assert counting.total(hazards) == counting.Total(8)
    assert counting.total(hazards, exact_up_to=0) == counting.Total(
        counting.rounded(estimate), estimated=True
    )


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's plans")
def test_a_later_page_starts_in_the_index_at_its_row(ledger, bureau_admin):
    from django.db import transaction

    from xiaoan.core import keyset

    hazards = Hazard.objects.for_user(bureau_admin).order_by("-found_on", "-id")
    keys = keyset.keys_of(hazards)
    row = ledger[10]
    page = hazards.filter(keyset.after(keys, keyset.key_values(keys, row)))
    with transaction.atomic(), connection.cursor() as cursor:
        # A test's few rows: forbid scanning the table and sorting, so the plan shows whether
        # the index gives the rows in their order from the row on.
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("SET LOCAL enable_sort = off")
        plan = page.order_by(*keyset.order_by(keys))[: PAGE + 1].explain()
    assert "Index Scan Backward using hazard_bureau_found_id_idx" in plan
    assert "Sort" not in plan
    assert re.search(r"Index Cond: .*found_on <= ", plan), plan


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's plans")
def test_a_citys_ledger_reads_its_districts_newest_first_from_the_index(
    ledger, bureau, other_bureau
):
    """Above the district no bureau index gives one order: the found-date index does, keeping
    the rows of the districts reached (named by their ids: `accounts.access.in_reach`)."""
    from django.db import transaction

    from conftest import make_user
    from xiaoan.accounts.choices import Role
    from xiaoan.schools.choices import RegionLevel
    from xiaoan.schools.models import Bureau, Region

    city = Region.objects.create(code="330100", name="清江市", level=RegionLevel.CITY)
    # Two districts: one alone is read through its own bureau's index.
    Region.objects.filter(pk__in=[bureau.region_id, other_bureau.region_id]).update(parent=city)
    officer = make_user(
        "city-officer", Role.CITY_ADMIN, Bureau.objects.create(region=city, name="清江市教育局")
    )
    hazards = Hazard.objects.for_user(officer)
    assert hazards.count() == len(ledger)
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("SET LOCAL enable_sort = off")
        plan = hazards.order_by("-found_on", "-id")[: PAGE + 1].explain()
    assert "Index Scan Backward using hazard_found_id_idx" in plan, plan
    assert "Sort" not in plan
