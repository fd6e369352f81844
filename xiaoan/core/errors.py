"""The product's one error vocabulary: what went wrong, said once, mapped once.

Model methods raise these with a translated sentence for the user. The API maps them in
`api.views.exception_handler` (the status below, `{"detail": …, "code": …}`); the pages map
them in `core.middleware.DomainErrorMiddleware` (a message and back to the page, or the 403/404
page). No app defines its own error classes.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import cast

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils.functional import Promise, lazy


class DomainError(Exception):
    """A step or an edit cannot be done; `message` is a translated sentence for the user.

    `field` names the input the sentence is about (`Invalid(..., field="deadline")`), so a page
    shows it next to that field of the form, with everything typed kept."""

    status = 400
    code = "invalid"

    def __init__(self, message: str | Promise, *, field: str | None = None) -> None:
        super().__init__(message)
        self._message = message
        self.field = field

    @property
    def message(self) -> str:
        """The sentence in the language of the moment it is read: a check run only to learn
        whether a step is allowed (`allowed_actions`, for every row of a list) raises with a
        lazy sentence (`gettext_lazy`, `later`) and never composes it."""
        return str(self._message)

    def __str__(self) -> str:
        return self.message


def _compose(sentence: Callable[[], str]) -> str:
    return sentence()


_composed_later = lazy(_compose, str)  # (made once: `lazy` builds a class)


def later(sentence: Callable[[], str]) -> Promise:
    """A sentence composed only when it is read (`DomainError.message`): one that formats a
    translated text with values (`gettext(…) % {…}`)."""
    return cast(Promise, _composed_later(sentence))


class Invalid(DomainError):
    """The input is incomplete or impossible (400)."""


class Refused(DomainError):
    """Not possible in the record's present state (409)."""

    status = 409
    code = "refused"


class Stale(Refused):
    """Someone else saved the record since it was read (409)."""

    code = "stale"


class NotAllowed(DomainError, PermissionDenied):
    """The user's role may not do this to this record (403)."""

    status = 403
    code = "not_allowed"


class NotFound(DomainError, Http404):
    """No such record, or one the user may not see (404)."""

    status = 404
    code = "not_found"
