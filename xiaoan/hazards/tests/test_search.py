"""The ledger's text search: codes from their start, words anywhere in the description or
location; on PostgreSQL the trigram indexes answer the words."""

from __future__ import annotations

import pytest
from django.db import connection, transaction
from django.urls import reverse

from xiaoan.hazards.filters import code_prefix
from xiaoan.hazards.models import Hazard


@pytest.mark.parametrize(
    ("query", "prefix"),
    [
        ("YH-2014-0001", "YH-2014-0001"),
        ("yh-2014", "YH-2014"),
        ("2014-00", "YH-2014-00"),
        ("2014-", "YH-2014-"),
        ("消防通道", None),
        ("101", None),  # a room number is looked for in the words
        ("三楼 2014", None),
    ],
)
def test_what_looks_like_a_code(query, prefix):
    assert code_prefix(query) == prefix


def _found(client, query: str) -> set[str]:
    response = client.get(reverse("hazards:list"), {"q": query})
    return {hazard.code for hazard in response.context["object_list"]}


def test_a_code_is_matched_from_its_start_and_words_anywhere(as_user, alice, make_hazard):
    first = make_hazard(description="Fire exit blocked", location="教学楼三楼")
    second = make_hazard(description="电线老化 YH-2014-0001 的复查", location="Canteen")
    client = as_user(alice)

    assert first.code == "YH-2014-0001"
    # Only the code is matched for a code, never a description quoting it.
    assert _found(client, "YH-2014-0001") == {first.code}
    assert _found(client, "yh-2014-000") == {first.code, second.code}
    assert _found(client, "2014-0002") == {second.code}
    assert _found(client, "2014-0003") == set()
    # Words: in the description or the location, in any case.
    assert _found(client, "fire EXIT") == {first.code}
    assert _found(client, "canteen") == {second.code}
    assert _found(client, "三楼") == {first.code}
    assert _found(client, "老化") == {second.code}
    # The middle of a code is not a code search and no words hold it.
    assert _found(client, "0001") == {second.code}  # quoted in the second's description


@pytest.mark.skipif(connection.vendor != "postgresql", reason="trigram indexes: PostgreSQL")
def test_words_are_found_through_the_trigram_indexes(alice, make_hazard):
    make_hazard(description="Fire exit blocked")
    search = Hazard.objects.filter(description__icontains="exit") | Hazard.objects.filter(
        location__icontains="exit"
    )
    # Unordered, as its count is: with a test's few rows an ordered index scan of every row
    # (the found-date index) would otherwise look cheaper than the search's own indexes.
    search = search.order_by()
    with transaction.atomic(), connection.cursor() as cursor:
        # Few rows: forbid the sequential scan so the plan shows whether an index can serve.
        cursor.execute("SET LOCAL enable_seqscan = off")
        plan = search.explain()
    assert "hazard_description_trgm_idx" in plan
    assert "hazard_location_trgm_idx" in plan
    assert search.count() == 1
