"""What a notification says, by kind: the one table of message templates.

A notification stores its kind and parameters; the sentence is made when it is shown, in the
reader's language. A parameter named in `TERMS` holds a code, translated before it is placed.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class NotificationKind(models.TextChoices):
    HAZARD_DUE = "hazard_due", _("Hazard deadline near")
    HAZARD_OVERDUE = "hazard_overdue", _("Hazard overdue")
    MONTHLY_MISSING = "monthly_missing", _("Monthly report missing")
    VEHICLE_PAPERS = "vehicle_papers", _("Vehicle papers expiring")
    DRIVER_LICENCE = "driver_licence", _("Driving licence expiring")
    WORK_PLAN_MISSING = "work_plan_missing", _("Work plan missing")
    LEGACY = "legacy", _("Earlier message")


# Kinds that reach people at once whatever they chose, quiet hours or not.
URGENT_KINDS: frozenset[str] = frozenset()


def is_urgent(kind: str) -> bool:
    return kind in URGENT_KINDS


class Timing(models.TextChoices):
    """When a user hears of a kind of event outside the app (it is always in the app)."""

    AT_ONCE = "at_once", _("At once")
    DIGEST = "digest", _("In the daily digest")
    OFF = "off", _("Not at all")


class Channel(models.TextChoices):
    EMAIL = "email", _("Email")
    SMS = "sms", _("Text message")
    WEBHOOK = "webhook", _("Group robot")


class Platform(models.TextChoices):
    """The group robots bureaus use, each with its message format."""

    WECOM = "wecom", _("WeCom group robot")
    DINGTALK = "dingtalk", _("DingTalk custom robot")


class DeliveryStatus(models.TextChoices):
    QUEUED = "queued", _("Queued")
    HELD = "held", _("Held for the digest")
    DIGESTED = "digested", _("Sent in a digest")
    SENT = "sent", _("Sent")
    FAILED = "failed", _("Failed")


MESSAGES = {
    NotificationKind.HAZARD_DUE: _(
        "Hazard %(code)s (%(school)s) must be rectified by %(deadline)s; please finish on time."
    ),
    NotificationKind.HAZARD_OVERDUE: _(
        "Hazard %(code)s (%(school)s) is %(days)s days past its deadline; please rectify it soon."
    ),
    NotificationKind.MONTHLY_MISSING: _(
        "The monthly safety report of %(school)s for %(month)s/%(year)s has not been "
        "submitted; please compile and submit it soon."
    ),
    NotificationKind.VEHICLE_PAPERS: _(
        "%(school)s: the %(paper)s of vehicle %(plate)s %(state)s (%(due)s); please renew it "
        "in time."
    ),
    NotificationKind.DRIVER_LICENCE: _(
        "%(school)s: the driving licence of %(driver)s %(state)s (%(due)s); please renew it in "
        "time."
    ),
    NotificationKind.WORK_PLAN_MISSING: _(
        "Please file your school's work plan for “%(campaign)s”."
    ),
    # Messages written before they were stored as kind and parameters keep their text.
    NotificationKind.LEGACY: "%(text)s",
}

TERMS = {
    "paper": {
        "inspection": pgettext_lazy("vehicle papers", "annual inspection"),
        "insurance": pgettext_lazy("vehicle papers", "insurance"),
    },
    "state": {
        "expired": pgettext_lazy("papers", "has expired"),
        "expiring": pgettext_lazy("papers", "expires soon"),
    },
}
