"""`xiaoan worker`: periodic jobs run once per slot however many workers run, and the worker
delivers what the jobs queue; real worker processes against the test database."""

from __future__ import annotations

import datetime
import os
import sqlite3
import subprocess
import sys
import zoneinfo

import pytest
from django.db import IntegrityError
from django.db.models import Count
from django_tasks_db.models import DBTaskResult

from xiaoan.notifications.models import JobRun
from xiaoan.notifications.schedule import slot_of, take_due_slots

from .receivers import database_for_other_processes, run_worker

SHANGHAI = zoneinfo.ZoneInfo("Asia/Shanghai")


def at(day, hour, minute=0):
    return datetime.datetime(2014, 10, day, hour, minute, tzinfo=SHANGHAI)


def test_slots_are_whole_periods_from_their_start_time():
    hourly, daily = {"every": 60}, {"every": 1440, "at": "07:00"}
    assert slot_of(hourly, at(8, 9, 59)) == at(8, 9)
    assert slot_of({"every": 10}, at(8, 9, 59)) == at(8, 9, 50)
    assert slot_of(daily, at(8, 6, 59)) == at(7, 7)  # before 07:00: yesterday's slot
    assert slot_of(daily, at(8, 7, 0)) == at(8, 7)
    assert slot_of(daily, at(8, 23, 59)) == at(8, 7)


@pytest.mark.django_db(transaction=True)
def test_a_slot_is_taken_once_and_its_job_runs_once(settings):
    settings.PERIODIC_JOBS = {
        "digests": {"call": "xiaoan.notifications.digests.send_digests", "every": 60}
    }
    assert take_due_slots("one", at(8, 9, 5)) == ["digests"]
    assert take_due_slots("two", at(8, 9, 40)) == []
    assert take_due_slots("two", at(8, 10, 0)) == ["digests"]
    assert DBTaskResult.objects.count() == 2
    with pytest.raises(IntegrityError):
        JobRun.objects.create(job="digests", slot=at(8, 9))
    run_worker()
    runs = list(JobRun.objects.order_by("slot").values_list("worker", "result"))
    assert runs == [("one", {"digests": 0}), ("two", {"digests": 0})]
    assert not JobRun.objects.filter(finished_at__isnull=True).exists()


@pytest.mark.django_db(transaction=True)
def test_two_worker_processes_run_each_job_once_per_slot(tmp_path, alice):
    url, sqlite_file = database_for_other_processes(tmp_path)
    env = {**os.environ, "DATABASE_URL": url, "DEBUG": "1", "LOG_LEVEL": "WARNING"}
    command = [os.path.join(os.path.dirname(sys.executable), "xiaoan"), "worker", "--batch"]
    workers = [
        subprocess.Popen(
            [*command, "--worker-id", name], env=env, stdout=subprocess.PIPE, text=True
        )
        for name in ("first", "second")
    ]
    outputs = [w.communicate(timeout=240)[0] for w in workers]
    assert [w.returncode for w in workers] == [0, 0], outputs
    taken = "".join(outputs).count("took the slot of")
    assert taken == 5, outputs  # reminders, digests, requeue, month-ends, jobs: each by one
    if sqlite_file:
        with sqlite3.connect(sqlite_file) as db:
            rows = db.execute(
                "SELECT job, COUNT(*), COUNT(finished_at) FROM notifications_jobrun GROUP BY job"
            ).fetchall()
    else:
        rows = list(
            JobRun.objects.values_list("job")
            .annotate(n=Count("id"), done=Count("finished_at"))
            .order_by("job")
        )
    assert sorted(rows) == [
        ("digests", 1, 1),
        ("jobs", 1, 1),
        ("month-ends", 1, 1),
        ("reminders", 1, 1),
        ("requeue", 1, 1),
    ]
