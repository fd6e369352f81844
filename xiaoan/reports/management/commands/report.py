"""`xiaoan report quarterly|campaign-summary`: write an official document to a file.

Uses the issued document of the scope if there is one (the file then matches what was sent),
else the newest draft, else generates a draft from the ledger now (or always, with --fresh).
"""

from __future__ import annotations

import sys
import time
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from xiaoan.campaigns.models import Campaign
from xiaoan.schools.models import Bureau

from ...choices import OfficialKind
from ...exports import FORMATS, render
from ...official import build_document, generate, latest

STEPS = ["figures", "narrative", "tables", "charts", "render", "write"]


class ProgressBar:
    """A one-line bar on stderr, redrawn at each step."""

    def __init__(self, stream: Any, enabled: bool) -> None:
        self.stream, self.enabled, self.started = stream, enabled, time.monotonic()

    def __call__(self, step: str) -> None:
        if not self.enabled:
            return
        done = STEPS.index(step) + 1 if step in STEPS else 0
        filled = round(30 * done / len(STEPS))
        elapsed = time.monotonic() - self.started
        self.stream.write(
            f"\r[{'#' * filled}{'.' * (30 - filled)}] {done}/{len(STEPS)} {step:<10} {elapsed:5.1f}s"
        )
        self.stream.flush()

    def finish(self) -> None:
        if self.enabled:
            self.stream.write("\n")


class Command(BaseCommand):
    help = "Write the quarterly report or a campaign summary as docx, pdf or xlsx."

    def add_arguments(self, parser: Any) -> None:
        sub = parser.add_subparsers(dest="which", required=True)
        quarterly = sub.add_parser("quarterly", help="the quarterly report to the government")
        quarterly.add_argument("--year", type=int, required=True)
        quarterly.add_argument("--quarter", type=int, choices=[1, 2, 3, 4], required=True)
        summary = sub.add_parser("campaign-summary", help="a campaign's summary")
        summary.add_argument("--campaign", type=int, required=True, help="campaign id")
        for p in (quarterly, summary):
            p.add_argument("--format", choices=FORMATS, default="docx")
            p.add_argument("--output", required=True, help="file to write")
            p.add_argument("--bureau", type=int, help="bureau id (default: the only one)")
            p.add_argument("--fresh", action="store_true", help="regenerate from the ledger")
            p.add_argument("--no-progress", action="store_true")

    def handle(self, *args: Any, **options: Any) -> None:
        progress = ProgressBar(sys.stderr, not options["no_progress"] and options["verbosity"])
        report = self._report(options, progress)
        document = build_document(report, progress)
        progress("render")
        data = render(document, options["format"])
        progress("write")
        Path(options["output"]).write_bytes(data)
        progress.finish()
        self.stdout.write(f"{options['output']}: {report.title} ({len(data)} bytes)")

    def _report(self, options: dict[str, Any], progress: ProgressBar) -> Any:
        if options["which"] == "quarterly":
            bureau = self._bureau(options["bureau"])
            scope: dict[str, Any] = {"year": options["year"], "quarter": options["quarter"]}
            kind = OfficialKind.QUARTERLY
        else:
            campaign = Campaign.objects.filter(pk=options["campaign"]).first()
            if campaign is None:
                raise CommandError(f"No campaign with id {options['campaign']}.")
            bureau, scope, kind = (
                campaign.bureau,
                {"campaign": campaign},
                (OfficialKind.CAMPAIGN_SUMMARY),
            )
        existing = None if options["fresh"] else latest(kind, bureau, **scope)
        return existing or generate(kind, bureau, progress=progress, **scope)

    def _bureau(self, pk: int | None) -> Bureau:
        bureaus = Bureau.objects.all() if pk is None else Bureau.objects.filter(pk=pk)
        if bureaus.count() != 1:
            raise CommandError("Name the bureau with --bureau ID.")
        return bureaus.get()
