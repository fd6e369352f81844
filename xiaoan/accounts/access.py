"""Who the user is in the district, read one way: `membership_of(user)`, read once per request
(the answer is kept on the request's user object).

Every queryset's `for_user`, every view, serializer and template reads the active membership
through this module; a test fails on any other access to `user.membership`. A deactivated
membership counts as none: such a user sees nothing and may do nothing.
"""

from __future__ import annotations

import time
from typing import TYPE_CHECKING, Any

from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.utils.functional import LazyObject, empty

from .choices import Role

if TYPE_CHECKING:
    from .models import Membership

_CACHE = "_xiaoan_membership"
_REACH = "_xiaoan_reach"
# How long a membership keeps the districts it reaches (`in_reach`).
REACH_SECONDS = 60
_MISSING = object()


def membership_of(user: Any) -> Membership | None:
    """The user's active membership, or None (anonymous, none, or deactivated).

    Read once per user object and kept on it, so a request asks the database at most once.
    """
    user = _unwrapped(user)
    if user is None or not getattr(user, "is_authenticated", False):
        return None
    membership = user.__dict__.get(_CACHE, _MISSING)
    if membership is _MISSING:
        from .models import Membership

        # The one place that reads the relation; with the organisation the page's menu names.
        membership = (
            Membership.objects.select_related("bureau", "school", "department")
            .filter(user=user)
            .first()
        )
        if membership is not None:
            membership.user = user
        user.__dict__[_CACHE] = membership
    if membership is None or not membership.is_active:
        return None
    return membership  # type: ignore[no-any-return]


def _unwrapped(user: Any) -> Any:
    """The request's user itself rather than its lazy stand-in (`request.user`), through which
    every attribute read costs a call: a list's rows ask for the membership hundreds of times."""
    if isinstance(user, LazyObject):
        if user._wrapped is empty:
            user._setup()
        return user._wrapped
    return user


def forget_membership(user: Any) -> None:
    """Drop the cached membership (after the user's membership was changed)."""
    if user is not None:
        _unwrapped(user).__dict__.pop(_CACHE, None)


def is_superuser(user: Any) -> bool:
    return bool(getattr(user, "is_authenticated", False) and getattr(user, "is_superuser", False))


def role_of(user: Any) -> str | None:
    membership = membership_of(user)
    return str(membership.role) if membership is not None else None


def has_role(user: Any, *roles: str) -> bool:
    if is_superuser(user):
        return True
    return role_of(user) in roles


def require_role(user: Any, *roles: str) -> None:
    """Raise 403 unless the user holds one of `roles` (superusers always pass)."""
    if not has_role(user, *roles):
        raise PermissionDenied


def is_regional(user: Any) -> bool:
    """A user of a city's or a province's bureau: reads its districts, edits nothing of them."""
    return role_of(user) in Role.regional()


def in_reach(membership: Membership, path: str = "bureau") -> Q:
    """The district bureaus a membership reaches, as a condition on the bureau at `path`.

    The one rule of the levels: a district's roles reach their own bureau; a city's bureau
    every district whose region is the city's child; a province's every district under its
    cities (or directly under it). Every `for_user()` scoped by district reads this ("" for
    `path`: the bureaus themselves).
    """
    if membership.role not in Role.regional():
        return Q(**{path or "pk": membership.bureau_id})
    # The districts are looked up once per request (the membership is read once per request)
    # and named by their ids: PostgreSQL then knows how many rows a city or a province reaches,
    # where the join paths of `districts_below` made it guess two districts of a hundred. A
    # membership held longer (a job, a shell) reads them again after REACH_SECONDS, so a
    # district added meanwhile is not missed for long.
    now = time.monotonic()
    read_at, ids = membership.__dict__.get(_REACH, (None, None))
    if ids is None or now - read_at > REACH_SECONDS:
        bureaus = type(membership).bureau.field.related_model  # accounts sits below schools
        ids = list(
            bureaus._default_manager.filter(districts_below(membership.bureau_id, "")).values_list(
                "pk", flat=True
            )
        )
        membership.__dict__[_REACH] = (now, ids)
    return Q(**{f"{path}__in" if path else "pk__in": ids})


def districts_below(bureau_id: Any, path: str = "bureau") -> Q:
    """The district bureaus under a city's or a province's bureau, at the bureau `path`
    leads to: a district whose region's parent (a city) or grandparent (a province) is the
    bureau's region ("" for `path`: the bureaus themselves)."""
    at = f"{path}__" if path else ""
    district = Q(**{f"{at}region__level": "district"})
    under = Q(**{f"{at}region__parent__bureau": bureau_id})
    under |= Q(**{f"{at}region__parent__parent__bureau": bureau_id})
    return district & under


def can_manage_schools(user: Any) -> bool:
    return has_role(user, Role.BUREAU_ADMIN)


def member(user: Any) -> Membership:
    """The active membership of a user acting for a school or district; a user without one
    (a superuser, a deactivated account) is refused with a sentence instead of an error."""
    membership = membership_of(user)
    if membership is None:
        from django.utils.translation import gettext

        from xiaoan.core.errors import NotAllowed

        raise NotAllowed(gettext("This needs an account of a school, a department or the bureau."))
    return membership
