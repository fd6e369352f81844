"""`{% history_card record %}`: the History tab of every detail page."""

from __future__ import annotations

from typing import Any

from django import template

from xiaoan.core.changelog import described_history

register = template.Library()


@register.inclusion_tag("includes/history.html")
def history_card(record: Any, limit: int = 50, title: str = "") -> dict[str, Any]:
    """`title`: the card's heading when a page shows more than one record's history."""
    return {"history": described_history(record, limit), "record": record, "title": title}
