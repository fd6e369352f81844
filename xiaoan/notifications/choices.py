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
    DOCUMENT_UNSIGNED = "document_unsigned", _("Document not signed for")
    # Workflow events: who receives each is the table in `recipients.py`.
    HAZARD_REPORTED = "hazard_reported", _("Hazard reported")
    HAZARD_FOUND_IN_INSPECTION = "hazard_inspection", _("Hazard found in an inspection")
    HAZARD_ASSIGNED = "hazard_assigned", _("Rectification opinion issued")
    HAZARD_EXTENSION_REQUESTED = "hazard_extension_asked", _("Extension requested")
    HAZARD_EXTENSION_DECIDED = "hazard_extension_decided", _("Extension decided")
    HAZARD_SUBMITTED = "hazard_submitted", _("Hazard submitted for verification")
    HAZARD_VERIFICATION_FAILED = "hazard_failed", _("Hazard verification failed")
    HAZARD_CLOSED = "hazard_closed", _("Hazard closed")
    HAZARD_REJECTED = "hazard_rejected", _("Hazard rejected")
    HAZARD_SUPERVISED = "hazard_supervised", _("Hazard put under supervision")
    HAZARD_SUPERVISION_LIFTED = "hazard_lifted", _("Hazard supervision lifted")
    INSPECTION_SCHEDULED = "inspection_scheduled", _("Inspection scheduled")
    MONTHLY_SUBMITTED = "monthly_submitted", _("Monthly report submitted")
    MONTHLY_RETURNED = "monthly_returned", _("Monthly report returned")
    MONTHLY_ACCEPTED = "monthly_accepted", _("Monthly report accepted")
    WORK_PLAN_SUBMITTED = "work_plan_submitted", _("Work plan submitted")
    WORK_PLAN_RETURNED = "work_plan_returned", _("Work plan returned")
    WORK_PLAN_ACCEPTED = "work_plan_accepted", _("Work plan accepted")
    CAMPAIGN_STARTED = "campaign_started", _("Campaign started")
    CAMPAIGN_TO_ADOPT = "campaign_to_adopt", _("Campaign to adopt")
    OFFICIAL_ISSUED = "official_issued", _("Report issued to the government")
    WATCH_LIST_STOP = "watch_list_stop", _("Watch-list person stopped at the gate")
    DOCUMENT_ISSUED = "document_issued", _("Document issued to the school")
    WATCH_LIST_VISITOR = "watch_list_visitor", _("Watch-list person at the gate")
    INCIDENT_REPORTED = "incident_reported", _("Incident reported")
    VEHICLE_CHECK_FAILED = "vehicle_check_failed", _("Vehicle failed its pre-departure check")
    FOOD_SAMPLE_MISSED = "food_sample_missed", _("Meal without its food sample")
    RISK_REASSESSMENT_DUE = "risk_reassessment_due", _("Risk point to re-assess")
    SCHOOL_PAPER_EXPIRING = "school_paper", _("Licence or certificate expiring")
    LEGACY = "legacy", _("Earlier message")


# Kinds that must reach their people whatever they chose: never switched off, never held
# for a digest or for quiet hours.
URGENT_KINDS = frozenset(
    {
        NotificationKind.WATCH_LIST_STOP,
        NotificationKind.WATCH_LIST_VISITOR,
        NotificationKind.INCIDENT_REPORTED,
        NotificationKind.HAZARD_SUPERVISED,
        NotificationKind.VEHICLE_CHECK_FAILED,
    }
)


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
    FAILED = "failed", pgettext_lazy("delivery", "Failed")


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
    NotificationKind.DOCUMENT_UNSIGNED: _(
        "“%(title)s” was to be signed for by %(sign_by)s and %(school)s has not signed yet; "
        "please read it and sign for it."
    ),
    NotificationKind.HAZARD_REPORTED: _(
        "Hazard %(code)s was reported at %(school)s: %(description)s. Please issue the "
        "rectification opinion."
    ),
    NotificationKind.HAZARD_FOUND_IN_INSPECTION: _(
        "Hazard %(code)s was found at %(school)s in an inspection: %(description)s."
    ),
    NotificationKind.HAZARD_ASSIGNED: _(
        "Hazard %(code)s: the rectification opinion was issued; rectify it by %(deadline)s."
    ),
    NotificationKind.HAZARD_EXTENSION_REQUESTED: _(
        "%(school)s asks to extend the deadline of hazard %(code)s to %(requested)s; please decide."
    ),
    NotificationKind.HAZARD_EXTENSION_DECIDED: _(
        "The extension of hazard %(code)s to %(requested)s was %(decision)s."
    ),
    NotificationKind.HAZARD_SUBMITTED: _(
        "%(school)s has rectified hazard %(code)s and asks for verification."
    ),
    NotificationKind.HAZARD_VERIFICATION_FAILED: _(
        "Hazard %(code)s did not pass verification (%(comment)s); please rectify it again."
    ),
    NotificationKind.HAZARD_CLOSED: _(
        "Hazard %(code)s (%(school)s) passed verification and is closed."
    ),
    NotificationKind.HAZARD_REJECTED: _(
        "Hazard %(code)s (%(school)s) was rejected as unfounded (%(reason)s)."
    ),
    NotificationKind.HAZARD_SUPERVISED: _(
        "Major hazard %(code)s (%(school)s) has been put under the bureau's supervision."
    ),
    NotificationKind.HAZARD_SUPERVISION_LIFTED: _(
        "The supervision of hazard %(code)s (%(school)s) has been lifted."
    ),
    NotificationKind.INSPECTION_SCHEDULED: _(
        "An inspection is planned: “%(title)s”, from %(start)s to %(due)s."
    ),
    NotificationKind.MONTHLY_SUBMITTED: _(
        "%(school)s submitted its monthly safety report for %(month)s/%(year)s; please review it."
    ),
    NotificationKind.MONTHLY_RETURNED: _(
        "The monthly safety report of %(school)s for %(month)s/%(year)s was returned "
        "(%(comment)s); please correct it and submit it again."
    ),
    NotificationKind.MONTHLY_ACCEPTED: _(
        "The monthly safety report of %(school)s for %(month)s/%(year)s was accepted."
    ),
    NotificationKind.WORK_PLAN_SUBMITTED: _(
        "%(school)s submitted its work plan for “%(campaign)s”; please review it."
    ),
    NotificationKind.WORK_PLAN_RETURNED: _(
        "The work plan of %(school)s for “%(campaign)s” was returned (%(comment)s); please "
        "revise it and submit it again."
    ),
    NotificationKind.WORK_PLAN_ACCEPTED: _(
        "The work plan of %(school)s for “%(campaign)s” was accepted."
    ),
    NotificationKind.CAMPAIGN_STARTED: _(
        "The campaign “%(campaign)s” has started (%(start)s to %(end)s); read its notice and "
        "file your school's work plan."
    ),
    NotificationKind.CAMPAIGN_TO_ADOPT: _(
        "The campaign “%(campaign)s” has started (%(start)s to %(end)s); adopt it for your "
        "district and add the district's work plan."
    ),
    NotificationKind.OFFICIAL_ISSUED: _("The education bureau issued “%(title)s”."),
    NotificationKind.WATCH_LIST_STOP: _(
        "Urgent: %(name)s, on the watch list of %(school)s (%(reason)s), came to the gate at "
        "%(time)s; the registration waits until the gate keeper admits them with a reason or "
        "refuses entry."
    ),
    NotificationKind.DOCUMENT_ISSUED: _(
        "The education bureau issued “%(title)s” to your school; please read it and sign for "
        "it by %(sign_by)s."
    ),
    NotificationKind.WATCH_LIST_VISITOR: _(
        "Urgent: %(name)s, on the watch list of %(school)s (%(reason)s), was %(outcome)s at "
        "the gate at %(time)s: %(comment)s"
    ),
    NotificationKind.INCIDENT_REPORTED: _(
        "%(school)s reported a %(severity)s incident that happened at %(time)s: %(description)s"
    ),
    NotificationKind.VEHICLE_CHECK_FAILED: _(
        "Urgent: vehicle %(plate)s of %(school)s failed its pre-departure check on %(day)s "
        "(%(items)s). It may not carry pupils that day until a re-check passes; hazard "
        "%(code)s is on the ledger."
    ),
    NotificationKind.FOOD_SAMPLE_MISSED: _(
        "%(school)s: no food sample of %(meal)s on %(day)s was kept by the meal's end "
        "(%(ends)s); keep a sample of every dish of every meal and record it in time."
    ),
    NotificationKind.RISK_REASSESSMENT_DUE: _(
        "Hazard %(code)s of %(school)s recurred at the risk point “%(point)s” (%(risk_level)s); "
        "please re-assess the point's level and its control measures."
    ),
    NotificationKind.SCHOOL_PAPER_EXPIRING: _(
        "%(school)s: the %(kind)s %(paper)s expires in %(days)s days (%(due)s); please renew "
        "it in time."
    ),
    # Messages written before they were stored as kind and parameters keep their text.
    NotificationKind.LEGACY: "%(text)s",
}

TERMS = {
    "decision": {
        "approved": pgettext_lazy("extension", "approved"),
        "refused": pgettext_lazy("extension", "refused"),
    },
    "severity": {
        "minor": pgettext_lazy("incident", "minor"),
        "serious": pgettext_lazy("incident", "serious"),
        "major": pgettext_lazy("incident", "major"),
    },
    "outcome": {
        "admitted": pgettext_lazy("gate", "admitted"),
        "refused": pgettext_lazy("gate", "refused entry"),
    },
    "paper": {
        "inspection": pgettext_lazy("vehicle papers", "annual inspection"),
        "insurance": pgettext_lazy("vehicle papers", "insurance"),
    },
    "state": {
        "expired": pgettext_lazy("papers", "has expired"),
        "expiring": pgettext_lazy("papers", "expires soon"),
    },
    "risk_level": {
        "red": pgettext_lazy("risk level", "red"),
        "orange": pgettext_lazy("risk level", "orange"),
        "yellow": pgettext_lazy("risk level", "yellow"),
        "blue": pgettext_lazy("risk level", "blue"),
    },
    "meal": {
        "breakfast": pgettext_lazy("meal", "breakfast"),
        "lunch": pgettext_lazy("meal", "lunch"),
        "dinner": pgettext_lazy("meal", "dinner"),
    },
}
