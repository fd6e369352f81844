"""A session ends after a working day without a request (`SESSION_COOKIE_AGE`). Its expiry is
moved on at most once every `SESSION_REFRESH_SECONDS`, not at every request: saving the session
of every page would make each read a write (an UPDATE and a commit on PostgreSQL, a SET on
Redis). A session thus ends between `SESSION_COOKIE_AGE - SESSION_REFRESH_SECONDS` and
`SESSION_COOKIE_AGE` after its last request."""

from __future__ import annotations

import time
from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse

REFRESHED = "_xiaoan_refreshed"


class SessionRefreshMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        session = getattr(request, "session", None)
        if session is None or session.is_empty():
            return response  # no session (a visitor who never logged in) or one just ended
        now = int(time.time())
        if session.modified or now - session.get(REFRESHED, 0) >= settings.SESSION_REFRESH_SECONDS:
            session[REFRESHED] = now  # marks it modified: the session middleware saves it
        return response
