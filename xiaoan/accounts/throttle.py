"""One login throttle for the login page and the API token endpoint.

Attempts are counted before the password is checked, with the cache's atomic increment, so
parallel guesses cannot all slip through between a check and a count. Three counters:

- per account and address (`LOGIN_MAX_FAILURES`, default 5): a guesser at one machine stops;
- per account from anywhere (`LOGIN_MAX_ACCOUNT_FAILURES`, default 20): a spread-out guesser
  stops too;
- per address alone (`LOGIN_MAX_ADDRESS_FAILURES`, default 100): high, because a whole school
  or the bureau may sit behind one address, and five typos must never lock them all out.

A successful login clears the account's counters. The counters live in the shared cache
(`CACHE_URL=redis://…` when several app servers run), for `LOGIN_LOCKOUT_SECONDS`.
The client address comes from `core.addresses.client_address` (a proxy's header only when trusted).
"""

from __future__ import annotations

import hashlib
from typing import Any

from django.conf import settings
from django.contrib.auth import authenticate
from django.core.cache import cache
from django.utils.translation import gettext

from xiaoan.core.addresses import client_address


class LockedOut(Exception):
    """Too many attempts: the message says how long to wait."""

    def __init__(self) -> None:
        minutes = max(settings.LOGIN_LOCKOUT_SECONDS // 60, 1)
        self.message = gettext(
            "Too many failed logins. Please wait %(minutes)s minutes and try again."
        ) % {"minutes": minutes}
        super().__init__(self.message)


def _account(username: str) -> str:
    return hashlib.sha256(username.strip().lower().encode()).hexdigest()[:32]


def _counters(username: str, address: str) -> list[tuple[str, int]]:
    account = _account(username)
    return [
        (f"login:pair:{account}:{address}", settings.LOGIN_MAX_FAILURES),
        (f"login:account:{account}", settings.LOGIN_MAX_ACCOUNT_FAILURES),
        (f"login:address:{address}", settings.LOGIN_MAX_ADDRESS_FAILURES),
    ]


def _count(key: str) -> int:
    cache.add(key, 0, settings.LOGIN_LOCKOUT_SECONDS)
    try:
        return int(cache.incr(key))
    except ValueError:  # expired between add and incr
        cache.set(key, 1, settings.LOGIN_LOCKOUT_SECONDS)
        return 1


def attempt(username: str, address: str) -> None:
    """Count one attempt; raise LockedOut if any counter is over its ceiling."""
    counts = [(_count(key), limit) for key, limit in _counters(username, address)]
    if any(count > limit for count, limit in counts):
        raise LockedOut


def succeeded(username: str, address: str) -> None:
    pair, account, address_key = (key for key, _ in _counters(username, address))
    cache.delete_many([pair, account])
    try:
        cache.decr(address_key)
    except ValueError:
        pass


def is_locked(username: str, address: str) -> bool:
    return any((cache.get(key) or 0) >= limit for key, limit in _counters(username, address))


def authenticate_throttled(request: Any, username: str, password: str) -> Any:
    """The one gate both logins pass: count, then check the password; None if wrong.

    Raises LockedOut when too many attempts were made, whatever the password."""
    address = client_address(request)
    attempt(username, address)
    user = authenticate(request, username=username, password=password)
    if user is not None:
        succeeded(username, address)
    return user
