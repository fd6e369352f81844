"""The registry's memory, written once: what was on a register on a given day.

A school, a vehicle, a driver, a child on the special-group register, a security guard is on
its register from its start date (empty: since before the records began) until its end date,
the day it left (empty: still there). The end day itself no longer counts, so a record retired
today is gone from today's lists, and every figure of a past period counts what was on the
register at the period's end: importing or retiring a record today never changes yesterday.
"""

from __future__ import annotations

import datetime
from typing import Self

from django.db import models
from django.db.models import Q

from .dates import local_today


def on_register(start: str, end: str, day: datetime.date) -> Q:
    """The condition "on the register on `day`" for the date fields `start` and `end`."""
    started = Q(**{f"{start}__isnull": True}) | Q(**{f"{start}__lte": day})
    not_left = Q(**{f"{end}__isnull": True}) | Q(**{f"{end}__gt": day})
    return started & not_left


class ActiveDuringQuerySet(models.QuerySet):
    """For models mixing in `core.models.ActiveDuring`: `as_of(day)` and `current()`."""

    def _span(self) -> tuple[str, str]:
        return self.model.active_span  # type: ignore[attr-defined]

    def as_of(self, day: datetime.date) -> Self:
        """What was on the register on `day` (a past period: its last day)."""
        start, end = self._span()
        return self.filter(on_register(start, end, day))

    def during(self, first: datetime.date, last: datetime.date) -> Self:
        """What was on the register on at least one day from `first` to `last`."""
        start, end = self._span()
        started = Q(**{f"{start}__isnull": True}) | Q(**{f"{start}__lte": last})
        not_left = Q(**{f"{end}__isnull": True}) | Q(**{f"{end}__gt": first})
        return self.filter(started & not_left)

    def current(self) -> Self:
        """What is on the register today: every current list starts here."""
        return self.as_of(local_today())

    def departed(self) -> Self:
        """What has left the register by today."""
        end = self._span()[1]
        return self.filter(**{f"{end}__lte": local_today()})
