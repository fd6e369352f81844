from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from .access import role_of


def membership(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    return {
        "membership": getattr(user, "membership", None) if user and user.is_authenticated else None,
        "role": role_of(user),
    }
