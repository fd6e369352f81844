from django.db import models
from django.utils.translation import gettext_lazy as _


class CampaignStatus(models.TextChoices):
    PLANNED = "planned", _("Planned")
    RUNNING = "running", _("Running")
    CLOSED = "closed", _("Closed")


class WorkPlanStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted")
    RETURNED = "returned", _("Returned")
    ACCEPTED = "accepted", _("Accepted")


class CampaignEventKind(models.TextChoices):
    STARTED = "started", _("Campaign started")
    CLOSED = "closed", _("Campaign closed")
    REMINDED = "reminded", _("School reminded to file its work plan")
    ADOPTED = "adopted", _("Adopted from the city's or the province's campaign")


class WorkPlanEventKind(models.TextChoices):
    SAVED = "saved", _("Draft saved")
    SUBMITTED = "submitted", _("Submitted to the bureau")
    RETURNED = "returned", _("Returned for revision")
    ACCEPTED = "accepted", _("Accepted")
