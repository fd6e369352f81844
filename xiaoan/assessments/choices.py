from django.db import models
from django.utils.translation import gettext_lazy as _


class AssessmentResult(models.TextChoices):
    EXCELLENT = "excellent", _("Excellent")
    PASS = "pass", _("Pass")
    FAIL = "fail", _("Fail")


class AssessmentEventKind(models.TextChoices):
    COMPUTED = "computed", _("Computed from the data")
    SCORED = "scored", _("Scored by the bureau")
    VETOED = "vetoed", _("One-vote veto applied")
    VETO_LIFTED = "veto_lifted", _("Veto lifted")
