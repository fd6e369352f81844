from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class MonthlyStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted")
    RETURNED = "returned", _("Returned")
    ACCEPTED = "accepted", _("Accepted")


class Compliance(models.TextChoices):
    """A school's standing for one month on the compliance board."""

    ON_TIME = "on_time", _("Submitted on time")
    LATE = "late", _("Submitted late")
    RETURNED = "returned", _("Returned")
    MISSING = "missing", _("Missing")
    PENDING = "pending", _("Not yet due")


class MonthlyEventKind(models.TextChoices):
    COMPILED = "compiled", _("Compiled")
    SUBMITTED = "submitted", _("Submitted")
    RETURNED = "returned", _("Returned")
    ACCEPTED = "accepted", _("Accepted")


class OfficialKind(models.TextChoices):
    QUARTERLY = "quarterly", _("Quarterly report")
    CAMPAIGN_SUMMARY = "campaign_summary", _("Campaign summary")


class OfficialStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    ISSUED = "issued", _("Issued")


class IssuedKind(models.TextChoices):
    """What the bureau sends down to the schools (下发文件)."""

    CAMPAIGN_NOTICE = "campaign_notice", _("Campaign notice")
    RECTIFICATION_NOTICE = "rectification_notice", _("Rectification notice")
    CIRCULAR = "circular", _("Circular of a report")
    DOCUMENT = "document", _("Other notice or document")


class ReceiptState(models.TextChoices):
    """A school's receipt (签收) of an issued document, as the bureau follows it."""

    OVERDUE = "overdue", _("Not signed, past the deadline")
    AWAITING = "awaiting", _("Not signed yet")
    SIGNED_LATE = "signed_late", _("Signed late")
    SIGNED = "signed", pgettext_lazy("receipt", "Signed")
