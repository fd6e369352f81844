"""The bureau's calendar: dates are taken in the configured `TIME_ZONE`, never a fixed zone."""

from __future__ import annotations

import datetime

from django.utils import timezone


def local_today() -> datetime.date:
    """Today's date for the bureau (the `TIME_ZONE` setting), whatever the server's clock zone."""
    return timezone.localdate()


def local_date(moment: datetime.datetime) -> datetime.date:
    """The bureau's calendar day of an aware datetime."""
    return timezone.localtime(moment).date()


def day_start(day: datetime.date) -> datetime.datetime:
    """Local midnight at the start of `day`, as an aware datetime."""
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time()))


# The days the product reckons with: a date outside them (9999-12-31) is a typing slip, and the
# calendar could not step past it to the next day, month or quarter.
FIRST_DAY, LAST_DAY = datetime.date(1900, 1, 1), datetime.date(2100, 12, 31)


def in_range(day: datetime.date) -> bool:
    return FIRST_DAY <= day <= LAST_DAY
