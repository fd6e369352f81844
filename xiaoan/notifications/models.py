"""Messages to one user in the app (and by email): stored as a kind and its parameters, put
into words when shown, so each reader reads them in their own language."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from xiaoan.core.models import TimeStampedModel

from .choices import MESSAGES, TERMS, URGENT_KINDS, NotificationKind
from .querysets import NotificationQuerySet


class Notification(TimeStampedModel):
    """One message to one user: what happened (kind + parameters), where to look (link)."""

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.CASCADE,
        related_name="notifications",
        verbose_name=_("recipient"),
    )
    kind = models.CharField(_("kind"), max_length=30, choices=NotificationKind.choices)
    params = models.JSONField(_("parameters"), default=dict, blank=True)
    link = models.CharField(_("link"), max_length=300, blank=True)
    object_key = models.CharField(_("object"), max_length=100, blank=True)
    read_at = models.DateTimeField(_("read at"), null=True, blank=True)

    objects = NotificationQuerySet.as_manager()

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["recipient", "read_at"], name="notification_to_unread_idx")]

    def __str__(self) -> str:
        return self.message

    @property
    def message(self) -> str:
        """The sentence in the active language."""
        return render_message(self.kind, self.params)

    @property
    def text(self) -> str:
        return self.message

    @text.setter
    def text(self, value: str) -> None:
        # Code written before notifications stored meaning passes a finished sentence.
        self.params = {**(self.params or {}), "text": str(value)}

    @property
    def is_urgent(self) -> bool:
        return self.kind in URGENT_KINDS

    @property
    def is_read(self) -> bool:
        return self.read_at is not None


def render_message(kind: str, params: dict[str, Any]) -> str:
    values = {
        name: TERMS[name].get(str(value), value) if name in TERMS else value
        for name, value in params.items()
    }
    template = MESSAGES.get(kind)  # type: ignore[call-overload]
    if template is None:
        return str(params.get("text") or kind)
    try:
        return str(template) % {k: str(v) for k, v in values.items()}
    except (KeyError, ValueError, TypeError):
        return str(NotificationKind(kind).label)


class ReminderLog(models.Model):
    """The guard against telling someone the same thing twice a day: one row per
    (kind, object, recipient, day), created in the notification's transaction."""

    kind = models.CharField(_("kind"), max_length=30, choices=NotificationKind.choices)
    object_key = models.CharField(_("object"), max_length=100)
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.CASCADE, related_name="+", verbose_name=_("recipient")
    )
    day = models.DateField(_("day"))
    created_at = models.DateTimeField(_("sent at"), auto_now_add=True)

    class Meta:
        verbose_name = _("reminder sent")
        verbose_name_plural = _("reminders sent")
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "object_key", "recipient", "day"], name="notification_once_a_day"
            )
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.object_key} → {self.recipient_id} {self.day}"
