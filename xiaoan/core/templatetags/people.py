"""`{{ event.actor|person }}`: who did a step, as every history line names them."""

from __future__ import annotations

from typing import Any

from django import template

register = template.Library()


@register.filter
def person(user: Any) -> str:
    """The user's full name, else their login; a dash for a step the system took (no user)."""
    if user is None:
        return "—"
    return user.get_full_name() or user.username
