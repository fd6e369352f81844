"""ID numbers at the gate: check them, then keep a masked copy, the number encrypted and a digest.

The masked copy keeps the region code (first 6) and the last 4 characters; it is what everyone
but the school's safety administrator sees. The full number is stored only encrypted (Fernet,
key from `FIELD_ENCRYPTION_KEY`, else derived from `SECRET_KEY`) and decrypted only for the
school's safety administrator. The digest (HMAC with the site's secret key) lets the watch list
recognise a returning person without decrypting anything.
"""

from __future__ import annotations

import base64
import datetime
import hashlib
import hmac
import re
from functools import cache

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.core.signals import setting_changed
from django.dispatch import receiver
from django.utils.translation import gettext as _

from .choices import IdType

_WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
_CHECK = "10X98765432"
_RESIDENT = re.compile(r"^\d{17}[\dX]$")


def normalise(number: str) -> str:
    return re.sub(r"\s+", "", number or "").upper()


def resident_id_error(number: str) -> str | None:
    """Why an 18-digit resident ID number (GB 11643) is invalid, or None if it is valid."""
    if not _RESIDENT.match(number):
        return _("A resident ID number has 18 characters: 17 digits and a digit or X.")
    try:
        datetime.date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
    except ValueError:
        return _("The date of birth inside the ID number is not a real date.")
    total = sum(int(d) * w for d, w in zip(number[:17], _WEIGHTS, strict=True))
    if _CHECK[total % 11] != number[17]:
        return _("The check digit of the ID number does not match: please check the number.")
    return None


def id_error(id_type: str, number: str) -> str | None:
    number = normalise(number)
    if not number:
        return _("Enter the ID number.")
    if id_type == IdType.RESIDENT:
        return resident_id_error(number)
    if not re.match(r"^[A-Z0-9]{5,20}$", number):
        return _("A document number has 5 to 20 letters or digits.")
    return None


def mask(number: str) -> str:
    """Keep the first 6 and the last 4 characters (short numbers: the last 4 only)."""
    number = normalise(number)
    if len(number) <= 10:
        return "*" * max(len(number) - 4, 0) + number[-4:]
    return number[:6] + "*" * (len(number) - 10) + number[-4:]


def digest(number: str) -> str:
    key = settings.SECRET_KEY.encode()
    return hmac.new(key, normalise(number).encode(), hashlib.sha256).hexdigest()


# ---- the full number, encrypted at rest ---------------------------------------------------


def _derived_key() -> bytes:
    """A Fernet key from SECRET_KEY, for sites that set no FIELD_ENCRYPTION_KEY."""
    seed = hashlib.sha256(b"xiaoan.registers.id-number:" + settings.SECRET_KEY.encode())
    return base64.urlsafe_b64encode(seed.digest())


@cache
def _fernet() -> MultiFernet:
    """The first key encrypts; every key (then the SECRET_KEY-derived one) decrypts.

    FIELD_ENCRYPTION_KEY may list several keys separated by commas, newest first, so a key can
    be rotated without losing the numbers encrypted under the old one.
    """
    configured = getattr(settings, "FIELD_ENCRYPTION_KEY", "") or ""
    if isinstance(configured, str):
        configured = [k.strip() for k in configured.split(",") if k.strip()]
    keys = [*configured, _derived_key()]
    try:
        return MultiFernet([Fernet(key) for key in keys])
    except (ValueError, TypeError) as exc:
        raise ImproperlyConfigured(
            "FIELD_ENCRYPTION_KEY must be a Fernet key: 32 url-safe base64-encoded bytes "
            "(cryptography.fernet.Fernet.generate_key())."
        ) from exc


@receiver(setting_changed)
def _forget_keys(setting: str, **kwargs: object) -> None:
    if setting in ("FIELD_ENCRYPTION_KEY", "SECRET_KEY"):
        _fernet.cache_clear()


def encrypt(number: str) -> str:
    return _fernet().encrypt(normalise(number).encode()).decode() if number else ""


def decrypt(token: str) -> str | None:
    """The full number, or None if there is none or no key here can read it."""
    if not token:
        return None
    try:
        return _fernet().decrypt(token.encode()).decode()
    except InvalidToken:
        return None
