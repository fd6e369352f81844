"""No page answers 5xx whatever its query string says (issue: 'no 5xx on any input').

Every page URL without path arguments is requested by the bureau's officer and by a school's
administrator with the query parameters the product's filters read, all set at once to each
of a set of hostile values: impossible dates and periods, huge numbers, NUL bytes, lone
surrogates, text where numbers go. A page may answer 200, 302, 400, 403 or 404 — never 500.
"""

from __future__ import annotations

from urllib.parse import quote

import pytest
from django.urls import URLPattern, URLResolver, get_resolver

PARAMS = [
    "page", "page_size", "q", "school", "status", "area", "level", "kind", "campaign",
    "year", "month", "quarter", "period", "day", "date", "since", "until", "found_after",
    "found_before", "ordering", "department", "supervised", "overdue", "source", "result",
    "format", "month_start", "start", "end", "due", "section", "on", "cursor",
]  # fmt: skip
HOSTILE = [
    "9999-Q4",
    "9999-12-31",
    "0000-00-00",
    "2014-02-30",
    "-1",
    "99999999999999999999999",
    "%00",
    "a%00b",
    "%ED%A0%80",  # a lone surrogate, UTF-8 encoded
    "%FF%FE",
    "abc",
    "1e309",
    "[]",
    "%27%22%3C",
]
SKIPPED_PREFIXES = ("admin/", "api/", "static/", "i18n/")


def _pages(resolver: URLResolver | None = None, prefix: str = "") -> list[str]:
    resolver = resolver or get_resolver()
    found = []
    for entry in resolver.url_patterns:
        route = prefix + str(entry.pattern)
        if route.startswith(SKIPPED_PREFIXES):
            continue
        if isinstance(entry, URLResolver):
            found += _pages(entry, route)
        elif isinstance(entry, URLPattern) and "<" not in route and "(?P" not in route:
            found.append("/" + route.lstrip("^").rstrip("$"))
    return sorted(set(found))


PAGES = _pages()


@pytest.mark.django_db
@pytest.mark.parametrize("value", HOSTILE)
def test_no_page_fails_on_a_hostile_query_string(as_user, bureau_admin, alice, school_a, value):
    query = "&".join(f"{name}={value if '%' in value else quote(value)}" for name in PARAMS)
    failures = []
    for user in (bureau_admin, alice):
        client = as_user(user)
        client.raise_request_exception = False
        for page in PAGES:
            status = client.get(f"{page}?{query}").status_code
            if status >= 500:
                failures.append(f"{user.username} {page}?…={value} → {status}")
    assert failures == []


def test_the_fuzz_walks_the_product_pages():
    assert {"/hazards/", "/registers/", "/reports/dashboard/"} <= set(PAGES)
