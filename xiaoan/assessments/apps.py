from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AssessmentsConfig(AppConfig):
    """The annual safety assessment: reads the registers, reports, inspections and hazards."""

    name = "xiaoan.assessments"
    verbose_name = _("Annual safety assessment")
