"""Role checks shared by pages and API: who may do what, in one place."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied

from .choices import Role


def role_of(user: Any) -> str | None:
    if not getattr(user, "is_authenticated", False):
        return None
    membership = getattr(user, "membership", None)
    if membership is None or not membership.is_active:
        return None
    return str(membership.role)


def has_role(user: Any, *roles: str) -> bool:
    if getattr(user, "is_superuser", False):
        return True
    return role_of(user) in roles


def require_role(user: Any, *roles: str) -> None:
    """Raise 403 unless the user holds one of `roles` (superusers always pass)."""
    if not has_role(user, *roles):
        raise PermissionDenied


def can_manage_schools(user: Any) -> bool:
    return has_role(user, Role.BUREAU_ADMIN)
