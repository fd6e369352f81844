from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RegionsConfig(AppConfig):
    """The levels above the district: a city's or a province's districts side by side."""

    name = "xiaoan.regions"
    verbose_name = _("Cities and provinces")
