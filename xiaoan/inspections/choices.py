from django.db import models
from django.utils.translation import gettext_lazy as _


class InspectionKind(models.TextChoices):
    SELF = "self", _("School self-inspection")
    JOINT = "joint", _("Joint department inspection")
    LEADERSHIP = "leadership", _("Leadership inspection")
    SURVEY = "survey", _("Targeted survey")
    ENFORCEMENT = "enforcement", _("Joint enforcement")
    SPOT = "spot", _("Spot check")


class InspectionStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted")


class AnswerResult(models.TextChoices):
    PASS = "pass", _("Pass")
    FAIL = "fail", _("Fail")
    NOT_APPLICABLE = "na", _("Not applicable")


class FailRequirement(models.TextChoices):
    """What a failing answer must carry before the inspection can be submitted."""

    NOTE = "note", _("A note")
    PHOTO = "photo", _("A note and a photo")
    HAZARD = "hazard", _("A hazard raised")


class InspectionEventKind(models.TextChoices):
    CREATED = "created", _("Started")
    HAZARD_RAISED = "hazard_raised", _("Hazard raised")
    SUBMITTED = "submitted", _("Submitted and locked")


class ScheduleStatus(models.TextChoices):
    PLANNED = "planned", _("Planned")
    CANCELLED = "cancelled", _("Cancelled")


class ScheduleEventKind(models.TextChoices):
    PLANNED = "planned", _("Planned")
    CHANGED = "changed", _("Re-planned")
    CANCELLED = "cancelled", _("Cancelled")
    REINSTATED = "reinstated", _("Reinstated")
