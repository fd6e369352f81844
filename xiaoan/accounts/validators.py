"""Our password rules, next to Django's (`AUTH_PASSWORD_VALIDATORS`: length, common passwords,
all digits, too like the user's name)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext

DEMO_PASSWORD = "xiaoan2014"  # every demo account's; known to everyone who read the README


class XiaoanPasswordValidator:
    """Not the login itself (in any case, or containing it), and not the demo password once
    DEBUG is off."""

    def validate(self, password: str, user: Any = None) -> None:
        username = (getattr(user, "username", "") or "").lower()
        if username and username in password.lower():
            raise ValidationError(
                gettext("The password may not contain the login."), code="password_has_username"
            )
        if not settings.DEBUG and password.lower() == DEMO_PASSWORD:
            raise ValidationError(
                gettext("The demo password may not be used here."), code="password_is_demo"
            )

    def get_help_text(self) -> str:
        return gettext("It may not contain your login, nor be the demo password.")
