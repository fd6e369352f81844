"""What every register row shares: its school, who recorded it, when."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from xiaoan.core.models import TimeStampedModel

from ..querysets import RegisterQuerySet


class SchoolRecord(TimeStampedModel):
    """An abstract row of a school's register."""

    school = models.ForeignKey(
        "schools.School",
        models.PROTECT,
        related_name="%(app_label)s_%(class)ss",
        verbose_name=_("school"),
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("recorded by"),
    )

    objects = RegisterQuerySet.as_manager()

    class Meta:
        abstract = True


class RegisterError(Exception):
    """A register step cannot be done now; the message is for the user."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message
