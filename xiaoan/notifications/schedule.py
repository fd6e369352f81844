"""Periodic jobs without cron: each job of `PERIODIC_JOBS` runs once per time slot, however
many workers run. A slot is taken by creating its `JobRun` row (unique per job and slot) and
queueing the job's task in the same transaction: one worker wins, the others find the row.

A slot is `every` minutes long, starting at `at` (local time) for daily jobs. A worker runs
the slot that began last; one that was down catches up with that slot once, not every one it
missed.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from .models import JobRun
from .tasks import run_periodic_job

EPOCH = datetime.datetime(2000, 1, 3)  # a Monday, local time: slots count from it


def slot_of(job: dict[str, Any], moment: datetime.datetime) -> datetime.datetime:
    """The start of the slot `moment` falls in, for this job."""
    every = int(job["every"])
    hours, minutes = (int(part) for part in job.get("at", "00:00").split(":"))
    offset = hours * 60 + minutes
    local = timezone.localtime(moment).replace(tzinfo=None)
    elapsed = int((local - EPOCH).total_seconds() // 60) - offset
    start = EPOCH + datetime.timedelta(minutes=(elapsed // every) * every + offset)
    return timezone.make_aware(start)


def take_due_slots(worker: str, moment: datetime.datetime | None = None) -> list[str]:
    """Take every job's current slot not yet taken; the names of the jobs this worker took."""
    moment = moment or timezone.now()
    taken = []
    for name, job in settings.PERIODIC_JOBS.items():
        slot = slot_of(job, moment)
        if JobRun.objects.filter(job=name, slot=slot).exists():
            continue
        try:
            with transaction.atomic():
                run = JobRun.objects.create(job=name, slot=slot, worker=worker[:64])
                run_periodic_job.enqueue(run.pk)
        except IntegrityError:
            continue  # another worker took it between our look and our insert
        taken.append(name)
    return taken
