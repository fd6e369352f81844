from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SchoolFilesConfig(AppConfig):
    """The school's safety file (一校一档): reads every domain app about one school."""

    name = "xiaoan.schoolfiles"
    verbose_name = _("School safety file")
