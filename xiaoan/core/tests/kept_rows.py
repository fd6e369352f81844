"""What the tests of the lists' kept rows (`core.fragments`) read off a page."""

from __future__ import annotations


def tbody(response) -> str:
    """The page's table body: its rows, as the user sees them."""
    html = response.content.decode()
    return html[html.index("<tbody>") : html.index("</tbody>")]


def rendered(response, row_template: str) -> int:
    """How many rows the request rendered afresh (the others came from the cache)."""
    return sum(1 for t in response.templates if t.name == row_template)
