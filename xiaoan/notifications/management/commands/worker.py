"""`xiaoan worker`: deliver notifications and run the periodic jobs (reminders, digests).

Runs the task worker of `django_tasks_db` and, beside it, a thread that takes each periodic
job's slot when it begins (`schedule.take_due_slots`). Start one or several: each task runs
once, each job once per slot. `--batch` takes the due slots, runs every task ready, and exits.
"""

from __future__ import annotations

import threading
import time
from typing import Any

from django.core.management.base import BaseCommand
from django.db import close_old_connections
from django.utils.crypto import get_random_string
from django_tasks_db.management.commands.db_worker import Worker

from ...schedule import take_due_slots


class Command(BaseCommand):
    help = "Deliver notifications (email, SMS, group robots) and run the periodic jobs."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--interval", type=float, default=1.0, help="seconds between polls")
        parser.add_argument(
            "--schedule-interval", type=float, default=30.0, help="seconds between slot checks"
        )
        parser.add_argument("--batch", action="store_true", help="run what is due, then exit")
        parser.add_argument("--worker-id", default="", help="unique among the workers")

    def handle(self, *args: Any, **options: Any) -> None:
        worker_id = options["worker_id"] or get_random_string(32)
        if options["batch"]:
            self._take_slots(worker_id)
        else:
            threading.Thread(
                target=self._schedule,
                args=(worker_id, options["schedule_interval"]),
                daemon=True,
                name="periodic-jobs",
            ).start()
        Worker(
            queue_names=["default"],
            interval=options["interval"],
            batch=options["batch"],
            backend_name="default",
            startup_delay=not options["batch"],
            max_tasks=None,
            worker_id=worker_id,
            excluded_queue_names=[],
        ).run()

    def _take_slots(self, worker_id: str) -> None:
        for job in take_due_slots(worker_id):
            self.stdout.write(f"worker {worker_id}: took the slot of {job}")

    def _schedule(self, worker_id: str, interval: float) -> None:
        while True:
            try:
                self._take_slots(worker_id)
            except Exception as error:  # a database hiccup must not end the schedule
                self.stderr.write(f"periodic jobs: {error}")
            finally:
                close_old_connections()
            time.sleep(interval)
