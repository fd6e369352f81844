""" "What may this user do now?", answered the same way by every workflow model.

A workflow model lists its steps in `action_checks()`: step name → a check that raises a
`core.errors.DomainError` (or Django's PermissionDenied) when the user may not take the step
now. `allowed_actions(user)` runs them: templates show exactly those buttons, the API returns
the list with every row, and each step's method calls its own check first, so views and API
refuse the rest with the same sentence.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext

from .errors import DomainError, NotAllowed


class Actions:
    def action_checks(self) -> dict[str, Callable[[Any], object]]:
        raise NotImplementedError

    def acts_on(self, user: Any) -> bool:
        """False when `user` may take no step at all on this record, whatever its state (one
        outside its reach: a reader above the district, another school's user), so that
        `allowed_actions` need not run every check to learn it. A model says so only where each
        of its checks would refuse such a user; each check still refuses on its own."""
        return True

    def allowed_actions(self, user: Any) -> list[str]:
        if not self.acts_on(user):
            return []
        allowed = []
        for name, check in self.action_checks().items():
            try:
                check(user)
            except (DomainError, PermissionDenied):
                continue
            allowed.append(name)
        return allowed

    def may(self, user: Any, action: str) -> bool:
        return action in self.allowed_actions(user)

    def refuse_if_not_allowed(self, user: Any, action: str) -> None:
        """Raise NotAllowed (403) when `user`'s role may not take `action` on this record, before
        its input is read: who comes before what. (Each check tests the role first, then the
        state; a refusal for the state or the input is left to the step itself.)"""
        try:
            self.action_checks()[action](user)
        except NotAllowed:
            raise
        except PermissionDenied as denied:
            raise NotAllowed(str(denied) or gettext("Your role may not do this.")) from None
        except DomainError:
            pass
