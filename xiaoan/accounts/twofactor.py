"""An optional second factor for the bureau's roles: a time-based code (TOTP, RFC 6238) from an
authenticator app, asked after the password at the login page and with the API token request.

A user turns it on under the account menu: the page shows a new secret (and its otpauth link
for the app), the user types the app's current code to confirm. A code is accepted once (the
time step used is kept), from the previous, current or next 30-second step, and code attempts
count in the login throttle like passwords.
"""

from __future__ import annotations

from typing import Any

import pyotp

from .access import role_of
from .choices import Role
from .models import TwoFactor

ISSUER = "Xiao'an"

ELIGIBLE_ROLES = (Role.BUREAU_ADMIN, Role.BUREAU_LEADER)


def may_enable(user: Any) -> bool:
    return bool(getattr(user, "is_superuser", False)) or role_of(user) in ELIGIBLE_ROLES


def factor_of(user: Any) -> TwoFactor | None:
    if user is None or user.pk is None:
        return None
    return TwoFactor.objects.filter(user_id=user.pk).first()


def new_secret() -> str:
    return pyotp.random_base32()


def provisioning_uri(secret: str, username: str) -> str:
    return pyotp.TOTP(secret).provisioning_uri(name=username, issuer_name=ISSUER)


def code_is_valid(secret: str, code: str) -> bool:
    return pyotp.TOTP(secret).verify("".join(ch for ch in code if ch.isdigit()), valid_window=1)
