"""Walking a keyset-paged API list, for the tests of every such list."""

from __future__ import annotations

from typing import Any


def every_api_page(client: Any, url: str, query: dict) -> tuple[list[list[int]], dict]:
    """The ids of every page from the first by `next` to the last, then back by `previous`
    (checked to give the same pages), and the first page's body."""
    body = client.get(url, query).json()
    pages = [[row["id"] for row in body["results"]]]
    while body["next"]:
        body = client.get(body["next"]).json()
        pages.append([row["id"] for row in body["results"]])
    back = [pages[-1]]
    while body["previous"]:
        body = client.get(body["previous"]).json()
        back.insert(0, [row["id"] for row in body["results"]])
    assert back == pages
    return pages, body
