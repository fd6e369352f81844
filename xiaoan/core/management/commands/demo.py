"""`xiaoan demo`: build the demo district of the seed document; safe to run again.

Each app that has demo data provides `demo.load()`; they run in INSTALLED_APPS order, so an
app's demo can use what the apps before it created.
"""

from __future__ import annotations

from importlib import import_module
from importlib.util import find_spec
from typing import Any

from django.apps import apps
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Load the demo district (idempotent). Demo logins use the password xiaoan2014."

    def handle(self, *args: Any, **options: Any) -> None:
        for config in apps.get_app_configs():
            if not config.name.startswith("xiaoan.") or not find_spec(f"{config.name}.demo"):
                continue
            module = import_module(f"{config.name}.demo")
            self.stdout.write(f"demo: {config.label} …")
            module.load()
        self.stdout.write(
            self.style.SUCCESS(
                "Demo district ready. Logins (password xiaoan2014): "
                "bureau, leader, gov, fire, school001, school002, staff001, city, bureau2"
            )
        )
