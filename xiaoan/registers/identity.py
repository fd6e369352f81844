"""ID numbers at the gate: check them, then keep only a masked copy and a keyed digest.

The full number is never stored. The masked copy keeps the region code (first 6) and the last
4 characters, which is what the school's safety administrator may see; everyone else sees the
last 4 only. The digest (HMAC with the site's secret key) lets the watch list recognise a
returning person without keeping the number.
"""

from __future__ import annotations

import datetime
import hashlib
import hmac
import re

from django.conf import settings
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


def mask_more(masked: str) -> str:
    """The view for anyone but the school's administrator: the last 4 characters only."""
    return "*" * max(len(masked) - 4, 0) + masked[-4:]


def digest(number: str) -> str:
    key = settings.SECRET_KEY.encode()
    return hmac.new(key, normalise(number).encode(), hashlib.sha256).hexdigest()
