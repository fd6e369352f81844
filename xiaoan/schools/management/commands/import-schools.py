"""`xiaoan import-schools FILE.xlsx`: load or update the school registry, all rows or none."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from xiaoan.core.excel import ExcelError
from xiaoan.schools.importer import ImportFailed, import_schools
from xiaoan.schools.models import Bureau


class Command(BaseCommand):
    help = "Import schools from an Excel file (columns as in the exported registry)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path)
        parser.add_argument("--bureau", help="Bureau name (default: the only bureau).")

    def handle(self, *args: Any, **options: Any) -> None:
        bureau = self._bureau(options.get("bureau"))
        path: Path = options["file"]
        if not path.is_file():
            raise CommandError(_("File not found: %(path)s") % {"path": path})
        try:
            result = import_schools(path.read_bytes(), bureau)
        except ExcelError as exc:
            raise CommandError(str(exc)) from exc
        except ImportFailed as exc:
            for error in exc.errors:
                self.stderr.write(str(error))
            raise CommandError(
                _("%(count)s bad rows; nothing was imported.") % {"count": len(exc.errors)}
            ) from exc
        self.stdout.write(result.message())

    def _bureau(self, name: str | None) -> Bureau:
        bureaus = Bureau.objects.all()
        if name:
            bureaus = bureaus.filter(name=name)
        found = list(bureaus[:2])
        if len(found) != 1:
            raise CommandError(
                _("Name the bureau with --bureau (found %(n)s).") % {"n": len(found)}
            )
        return found[0]
