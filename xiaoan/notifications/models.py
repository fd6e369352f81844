"""Messages to one user in the app (and by email): stored as a kind and its parameters, put
into words when shown, so each reader reads them in their own language."""

from __future__ import annotations

import datetime
from typing import Any

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from xiaoan.core.models import TimeStampedModel, Versioned

from .choices import (
    MESSAGES,
    TERMS,
    Channel,
    DeliveryStatus,
    NotificationKind,
    Platform,
    Timing,
    is_urgent,
)
from .querysets import DeliveryQuerySet, NotificationQuerySet, WebhookQuerySet


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
        return is_urgent(self.kind)

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


class Preference(models.Model):
    """How one user hears of one kind of event outside the app; no row means at once."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.CASCADE,
        related_name="notification_preferences",
        verbose_name=_("user"),
    )
    kind = models.CharField(_("kind"), max_length=30, choices=NotificationKind.choices)
    timing = models.CharField(_("when"), max_length=10, choices=Timing.choices)

    class Meta:
        verbose_name = _("notification preference")
        verbose_name_plural = _("notification preferences")
        constraints = [
            models.UniqueConstraint(fields=["user", "kind"], name="notification_preference_once")
        ]

    def __str__(self) -> str:
        return f"{self.user_id} {self.kind}: {self.timing}"


def timing_for(user: Any, kind: str) -> str:
    """The user's choice for this kind; urgent kinds are always sent at once."""
    if is_urgent(kind):
        return Timing.AT_ONCE
    chosen = Preference.objects.filter(user=user, kind=kind).values_list("timing", flat=True)
    return next(iter(chosen), Timing.AT_ONCE)


class Webhook(Versioned, TimeStampedModel):
    """An organisation's group robot (WeCom or DingTalk), set up by its bureau. Notifications
    to the organisation's people are posted to its group, once per event."""

    bureau = models.ForeignKey(
        "schools.Bureau", models.CASCADE, related_name="webhooks", verbose_name=_("bureau")
    )
    # Neither a school nor a department: the bureau's own people.
    school = models.ForeignKey(
        "schools.School",
        models.CASCADE,
        null=True,
        blank=True,
        related_name="webhooks",
        verbose_name=_("school"),
    )
    department = models.ForeignKey(
        "schools.Department",
        models.CASCADE,
        null=True,
        blank=True,
        related_name="webhooks",
        verbose_name=_("department"),
    )
    name = models.CharField(_("name"), max_length=100)
    platform = models.CharField(_("platform"), max_length=10, choices=Platform.choices)
    url = models.URLField(_("webhook address"), max_length=500)
    secret = models.CharField(
        _("signing secret"),
        max_length=200,
        blank=True,
        help_text=_("DingTalk robots with signing turned on: the secret starting with SEC."),
    )
    quiet_from = models.TimeField(_("quiet from"), null=True, blank=True)
    quiet_until = models.TimeField(_("quiet until"), null=True, blank=True)
    is_active = models.BooleanField(_("active"), default=True)

    objects = WebhookQuerySet.as_manager()
    changelog_exclude = ("url", "secret")  # the robot's key and secret stay out of the history

    class Meta:
        verbose_name = _("group robot")
        verbose_name_plural = _("group robots")
        ordering = ["school__code", "department__name", "name"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(school__isnull=True) | models.Q(department__isnull=True),
                name="webhook_one_organisation",
            )
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def organisation(self) -> Any:
        return self.school or self.department or self.bureau

    def quiet_end(self, moment: datetime.datetime) -> datetime.datetime | None:
        """When the quiet hours around `moment` end (local time), or None outside them."""
        if self.quiet_from is None or self.quiet_until is None:
            return None
        local = timezone.localtime(moment)
        now, start, end = local.time(), self.quiet_from, self.quiet_until
        inside = start <= now < end if start <= end else now >= start or now < end
        if not inside:
            return None
        day = local.date() if now < end else local.date() + datetime.timedelta(days=1)
        return timezone.make_aware(datetime.datetime.combine(day, end))


class Delivery(TimeStampedModel):
    """One message on its way out: a notification by email or text to its recipient, to a
    group robot, or a user's daily digest (no notification; the held deliveries it gathers)."""

    channel = models.CharField(_("channel"), max_length=10, choices=Channel.choices)
    notification = models.ForeignKey(
        Notification,
        models.CASCADE,
        null=True,
        blank=True,
        related_name="deliveries",
        verbose_name=_("notification"),
    )
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("recipient"),
    )
    webhook = models.ForeignKey(
        Webhook,
        models.CASCADE,
        null=True,
        blank=True,
        related_name="deliveries",
        verbose_name=_("group robot"),
    )
    digest = models.ForeignKey(
        "self",
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="gathered",
        verbose_name=_("digest"),
    )
    bureau = models.ForeignKey(
        "schools.Bureau",
        models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("bureau"),
    )
    address = models.CharField(_("address"), max_length=254, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=DeliveryStatus.choices, default=DeliveryStatus.QUEUED
    )
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    next_attempt_at = models.DateTimeField(_("next attempt"), null=True, blank=True)
    last_error = models.TextField(_("last error"), blank=True)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)

    objects = DeliveryQuerySet.as_manager()

    class Meta:
        verbose_name = _("delivery")
        verbose_name_plural = _("deliveries")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["bureau", "status"], name="delivery_bureau_status_idx"),
            models.Index(fields=["recipient", "status"], name="delivery_recipient_status_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.channel} {self.address or self.webhook_id} {self.status}"

    @property
    def is_digest(self) -> bool:
        return self.notification_id is None and self.webhook_id is None


class JobRun(models.Model):
    """A periodic job's run for one time slot: the unique constraint lets one worker of many
    take the slot, as `ReminderLog` lets one sender win."""

    job = models.CharField(_("job"), max_length=50)
    slot = models.DateTimeField(_("slot"))
    worker = models.CharField(_("worker"), max_length=64, blank=True)
    started_at = models.DateTimeField(_("started at"), auto_now_add=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    result = models.JSONField(_("result"), null=True, blank=True)

    class Meta:
        verbose_name = _("periodic job run")
        verbose_name_plural = _("periodic job runs")
        ordering = ["-slot", "job"]
        constraints = [
            models.UniqueConstraint(fields=["job", "slot"], name="periodic_job_once_per_slot")
        ]

    def __str__(self) -> str:
        return f"{self.job} {self.slot:%Y-%m-%d %H:%M}"
