"""The hasher of the passwords Xiao'an makes itself and hands out once.

An initial or reset password is 12 characters drawn at random from 55 (`temporary_password`):
about 69 bits, so guessing it takes some 2^68 tries on average whatever the hash costs — at
ten billion tries a second, centuries. Key stretching (PBKDF2's million rounds) protects the
passwords people choose, which are guessable; it adds nothing that matters to a random one,
and at about 16 ms a password for 20,000 rounds it made opening a registry's 10,000 accounts
take minutes. So these passwords are hashed with `ONE_TIME_ITERATIONS` rounds.

The hasher is listed in `PASSWORD_HASHERS` after the default (a system check refuses it
first): Django hashes the password again with the default hasher at the first login
(`check_password` re-encodes a hash whose hasher is not the preferred one), and the forced
change at the first login (`Membership.must_change_password`) replaces it anyway. A password a
person chooses never comes here: only `accounts.models.set_temporary_password`, which makes the
password itself, uses it.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib.auth.hashers import PBKDF2PasswordHasher, make_password
from django.core import checks
from django.utils.module_loading import import_string

ONE_TIME_ITERATIONS = 100


class OneTimePasswordHasher(PBKDF2PasswordHasher):
    """PBKDF2-SHA256 with few rounds, for generated one-time passwords only."""

    algorithm = "pbkdf2_sha256_onetime"
    iterations = ONE_TIME_ITERATIONS

    def must_update(self, encoded: str) -> bool:
        return True  # never the hash a password keeps once its user has logged in

    def verify(self, password: str, encoded: str) -> bool:
        if super().verify(password, encoded):
            return True
        # A wrong password takes as long as for any account, so the time of a failed login
        # does not tell which accounts have not logged in yet.
        make_password(password)
        return False


@checks.register(checks.Tags.security)
def one_time_hasher_is_not_the_default(**kwargs: Any) -> list[checks.CheckMessage]:
    """The cheap hasher must never hash the passwords people choose (the first one listed)."""
    hashers = list(settings.PASSWORD_HASHERS)
    if hashers and issubclass(import_string(hashers[0]), OneTimePasswordHasher):
        return [
            checks.Error(
                "OneTimePasswordHasher is the first of PASSWORD_HASHERS: the passwords users "
                "choose would be hashed with it.",
                hint="List Django's default hasher first and this one after it.",
                id="xiaoan.accounts.E001",
            )
        ]
    return []
