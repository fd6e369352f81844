"""Who reads which notification: its recipient only."""

from __future__ import annotations

from typing import TYPE_CHECKING, Self

from django.db import models

if TYPE_CHECKING:
    from django.contrib.auth.models import AbstractBaseUser, AnonymousUser


class NotificationQuerySet(models.QuerySet):
    def for_user(self, user: AbstractBaseUser | AnonymousUser) -> Self:
        if not user.is_authenticated:
            return self.none()
        return self.filter(recipient=user)

    def unread(self) -> Self:
        return self.filter(read_at__isnull=True)


def _bureau_admin_bureau(user: AbstractBaseUser | AnonymousUser) -> int | None:
    from xiaoan.accounts.access import membership_of
    from xiaoan.accounts.choices import Role

    membership = membership_of(user)
    if membership is None or membership.role != Role.BUREAU_ADMIN:
        return None
    return int(membership.bureau_id)


class WebhookQuerySet(models.QuerySet):
    def for_user(self, user: AbstractBaseUser | AnonymousUser) -> Self:
        """A bureau's group robots: its safety section's to see and set up."""
        bureau_id = _bureau_admin_bureau(user)
        return self.none() if bureau_id is None else self.filter(bureau_id=bureau_id)


class DeliveryQuerySet(models.QuerySet):
    def for_user(self, user: AbstractBaseUser | AnonymousUser) -> Self:
        """The deliveries of a bureau's district, for its safety section."""
        bureau_id = _bureau_admin_bureau(user)
        return self.none() if bureau_id is None else self.filter(bureau_id=bureau_id)
