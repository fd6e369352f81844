"""`xiaoan restore FILE.tar.gz`: load a backup into a new, migrated database."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from xiaoan.core.backup import RestoreRefused, restore


class Command(BaseCommand):
    help = "Restore a backup made by `xiaoan backup` into an empty, migrated database."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("archive", type=Path)
        parser.add_argument(
            "--force", action="store_true", help="restore even if the database has users"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            manifest = restore(options["archive"], force=options["force"])
        except RestoreRefused as refused:
            raise CommandError(str(refused)) from None
        self.stdout.write(
            self.style.SUCCESS(f"Restored {manifest['records']} records, {manifest['files']} files")
        )
        if not manifest["keys_match"]:
            self.stderr.write(
                "warning: SECRET_KEY or FIELD_ENCRYPTION_KEY differ from the backup's: set the "
                "keys the data was written with, or visitors' full ID numbers stay unreadable."
            )
