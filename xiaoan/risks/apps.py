from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RisksConfig(AppConfig):
    """The risk register (风险分级管控): each school's risk points, assessed into four levels."""

    name = "xiaoan.risks"
    verbose_name = _("Risk register")
