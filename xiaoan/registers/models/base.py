"""What every register row shares: its school, who recorded it, when, its version and history,
and who may change it (`writers`, checked by `check_edit` and listed by `allowed_actions`)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, ClassVar

from django.conf import settings
from django.db import models
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from xiaoan.accounts.access import is_superuser, member
from xiaoan.accounts.choices import Role
from xiaoan.core.errors import NotAllowed
from xiaoan.core.models import TimeStampedModel, Versioned
from xiaoan.core.workflow import Actions

from ..querysets import RegisterQuerySet

GATE_WRITERS = (Role.SCHOOL_ADMIN, Role.SCHOOL_STAFF)


class SchoolRecord(Actions, Versioned, TimeStampedModel):
    """An abstract row of a school's register: versioned, every change in the change log."""

    # The roles that may add and correct rows of this register (of their own school or district).
    writers: ClassVar[tuple[str, ...]] = (Role.SCHOOL_ADMIN,)

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

    def action_checks(self) -> dict[str, Callable[[Any], object]]:
        return {"edit": self.check_edit}

    def check_edit(self, user: Any) -> None:
        check_writer(user, self.writers, self.school)


def check_writer(user: Any, roles: tuple[str, ...], school: Any) -> None:
    """Raise NotAllowed unless `user` holds one of `roles` at `school` or over its district."""
    if is_superuser(user):
        return
    membership = member(user)
    if membership.role not in roles:
        raise NotAllowed(gettext("Your role may not change this register."))
    if membership.school_id is not None:
        if membership.school_id != school.pk:
            raise NotAllowed(gettext("Only the school's own people keep its registers."))
    elif membership.bureau_id != school.bureau_id:
        raise NotAllowed(gettext("Only the school's own people keep its registers."))
