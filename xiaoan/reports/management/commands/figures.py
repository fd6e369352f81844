"""`xiaoan figures rebuild [--bureau ID] [--from YYYY-MM] [--reason TEXT]`: recompute the stored
month-end figures from the hazards and their events.

Each month from `--from` (default: the month of the first hazard of any district) to the last
one over is computed again; a month whose stored figures differ gets a new batch with the
reason (a correction: nothing stored is changed), one that agrees is left as it is. Today's
hazard counts of the districts are counted again too.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from ...monthend import rebuild


def _month(text: str) -> datetime.date:
    try:
        return datetime.datetime.strptime(text, "%Y-%m").date()
    except ValueError as error:
        raise CommandError(f"--from takes a month as YYYY-MM, not {text!r}") from error


class Command(BaseCommand):
    help = "Recompute the stored month-end figures and today's counts from the hazards."

    def add_arguments(self, parser: Any) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        again = sub.add_parser("rebuild", help="recompute the months that are over")
        again.add_argument("--bureau", type=int, action="append", help="bureau id (repeatable)")
        again.add_argument("--from", dest="start", help="first month, YYYY-MM")
        again.add_argument("--reason", default="", help="why, kept with each correction")

    def handle(self, *args: Any, **options: Any) -> None:
        start = _month(options["start"]) if options["start"] else None
        written = rebuild(options["bureau"], start, options["reason"])
        for batch in written:
            self.stdout.write(f"stored {batch.month:%Y-%m} of bureau {batch.bureau_id}")
        self.stdout.write(self.style.SUCCESS(f"{len(written)} months stored, the others agreed"))
