from django.db import models
from django.utils.translation import gettext_lazy as _


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
