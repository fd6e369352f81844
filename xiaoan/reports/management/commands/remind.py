"""`xiaoan remind`: send today's reminders once; safe to run from cron every few minutes."""

from __future__ import annotations

import time
from typing import Any

from django.core.management.base import BaseCommand

from ...reminders import send_reminders


class Command(BaseCommand):
    help = "Remind users of hazards due or overdue, missing monthly reports, expiring papers, documents not signed for, meals without their food samples."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--days", type=int, default=3, help="remind this many days ahead")
        parser.add_argument("--loop", type=int, metavar="SECONDS", help="repeat every SECONDS")

    def handle(self, *args: Any, **options: Any) -> None:
        while True:
            sent = send_reminders(days=options["days"])
            self.stdout.write(
                f"reminders sent: hazards {sent['hazards']}, monthly reports {sent['monthly']}, "
                f"vehicle papers {sent['vehicles']}, documents not signed for {sent['receipts']}, "
                f"meals without their food samples {sent['food_samples']}, "
                f"licences and certificates expiring {sent['school_papers']}"
            )
            if not options["loop"]:
                return
            time.sleep(options["loop"])
