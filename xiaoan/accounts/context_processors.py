from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from .access import membership_of, role_of


def membership(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    return {
        "membership": membership_of(user),
        "role": role_of(user),
    }
