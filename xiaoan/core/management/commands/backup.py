"""`xiaoan backup --output FILE.tar.gz`: the database, the uploads and the key fingerprints."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from xiaoan.core.backup import backup


class Command(BaseCommand):
    help = "Write one archive with the database, the uploaded files and the keys' fingerprints."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--output", required=True, type=Path)

    def handle(self, *args: Any, **options: Any) -> None:
        manifest = backup(options["output"])
        self.stdout.write(
            self.style.SUCCESS(
                f"{options['output']}: {manifest['records']} records, {manifest['files']} files"
            )
        )
