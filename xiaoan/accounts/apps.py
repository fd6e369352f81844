from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "xiaoan.accounts"
    verbose_name = _("Accounts")

    def ready(self) -> None:
        from . import hashers  # noqa: F401  (its system check)
        from .tokens import connect

        connect()
