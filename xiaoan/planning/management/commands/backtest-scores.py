"""`xiaoan backtest-scores`: do the schools the score ranks high see their hazards recur?"""

from __future__ import annotations

import datetime
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from xiaoan.planning.backtest import HORIZON_DAYS, Result, backtest
from xiaoan.schools.models import School


class _RollBack(Exception):
    pass


class Command(BaseCommand):
    help = (
        "Score the schools as of a past day, then check whether those whose hazards recur after "
        "it rank above those whose hazards do not (AUC). --generated: on a generated district "
        "with planted recurring problems, removed afterwards."
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--day", type=datetime.date.fromisoformat, help="YYYY-MM-DD")
        parser.add_argument("--bureau", help="the district bureau's name (default: every one)")
        parser.add_argument("--generated", action="store_true", help="on a generated district")
        parser.add_argument("--seed", type=int, default=1, help="the generated district's seed")
        parser.add_argument("--schools", type=int, default=40, help="schools generated")
        parser.add_argument("--top", type=int, default=10, help="schools listed")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["generated"]:
            self._generated(options)
            return
        schools = School.objects.filter(bureau__region__level="district")
        if options["bureau"]:
            schools = schools.filter(bureau__name=options["bureau"])
        if not schools.exists():
            raise CommandError("No schools to score.")
        self._report(backtest(schools, options["day"] or _default_day()), options["top"])

    def _generated(self, options: dict[str, Any]) -> None:
        from xiaoan.planning.generate import generate

        try:
            with transaction.atomic():
                district = generate(seed=options["seed"], schools=options["schools"])
                schools = School.objects.filter(bureau=district.bureau)
                result = backtest(schools, options["day"] or district.day)
                self.stdout.write(
                    f"generated district (seed {options['seed']}): {len(district.schools)} "
                    f"schools, {len(district.troubled)} with planted recurring problems"
                )
                self._report(result, options["top"])
                raise _RollBack
        except _RollBack:
            pass

    def _report(self, result: Result, top: int) -> None:
        self.stdout.write(
            f"scores as of {result.day}; recurrences counted in the {HORIZON_DAYS} days after it"
        )
        self.stdout.write(
            f"schools: {result.schools}, with a recurrence after the day: {len(result.positives)}"
        )
        for row in result.scores[:top]:
            mark = "*" if row.school.pk in result.positives else " "
            self.stdout.write(
                f"{row.rank:4d} {mark} {row.score:8.2f}  {row.school.code} {row.school.name}"
            )
        figure = "n/a (no school on one side)" if result.auc is None else f"{result.auc:.3f}"
        self.stdout.write(f"AUC: {figure}")


def _default_day() -> datetime.date:
    """Half a year before the latest hazard found (else today)."""
    from django.db.models import Max

    from xiaoan.core.dates import local_today
    from xiaoan.hazards.models import Hazard

    latest = Hazard.objects.aggregate(last=Max("found_on"))["last"]
    return latest - datetime.timedelta(days=182) if latest else local_today()
