"""Background jobs: queued after the commit, run once however many workers take them, their
progress and file on a page only their asker sees, files given out once, the sweep."""

from __future__ import annotations

import datetime
import os
import subprocess
import sys

import pytest
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from xiaoan.core import jobs
from xiaoan.core.models import Job, JobStatus
from xiaoan.notifications.tests.receivers import database_for_other_processes, run_worker

pytestmark = pytest.mark.django_db
KIND = "xiaoan.core.tests.job_kinds.slow_count"


def run_queued_jobs() -> None:
    """What a worker does with the queued jobs, in the test's own transaction (the worker
    itself, which closes its connections, runs in the transactional tests below)."""
    for pk in Job.objects.filter(status=JobStatus.QUEUED).values_list("pk", flat=True):
        jobs.run(pk)


@pytest.mark.django_db(transaction=True)
def test_a_job_is_queued_when_its_transaction_commits_and_the_worker_runs_it(alice):
    with transaction.atomic():
        job = jobs.start(alice, KIND, "计数", {"n": 3})
        assert not DBTaskResult.objects.exists()
    assert DBTaskResult.objects.count() == 1
    run_worker()
    job.refresh_from_db()
    assert (job.status, job.progress, job.message, job.runs) == ("done", 100, "counted 3", 1)
    assert job.file.read() == b"42" and job.filename == "count.txt"


def test_a_job_taken_by_one_worker_is_not_run_by_another(alice):
    job = jobs.start(alice, KIND, "计数")
    assert jobs.run(job.pk) == "done"
    assert jobs.run(job.pk) == "taken"
    assert Job.objects.get(pk=job.pk).runs == 1


def test_an_unknown_kind_fails_in_the_request_not_in_a_worker(alice):
    with pytest.raises(ImportError):
        jobs.start(alice, "xiaoan.core.tests.job_kinds.nothing", "无")
    assert not Job.objects.exists()


def test_a_refusal_is_said_in_the_users_words_and_a_crash_plainly(alice):
    refused = jobs.start(alice, "xiaoan.core.tests.job_kinds.refused", "材料")
    broken = jobs.start(alice, "xiaoan.core.tests.job_kinds.broken", "材料")
    assert jobs.run(refused.pk) == jobs.run(broken.pk) == "failed"
    refused.refresh_from_db()
    broken.refresh_from_db()
    assert refused.error == "这份材料无法生成：活动已删除。"
    assert broken.status == JobStatus.FAILED and "disk full" in broken.error


def test_the_page_shows_progress_then_the_file_to_its_asker_only(as_user, alice, bob):
    job = jobs.start(alice, KIND, "计数")
    Job.objects.filter(pk=job.pk).update(status=JobStatus.RUNNING, progress=40, stage="halfway")
    page = as_user(alice).get(job.get_absolute_url())
    assert b"40%" in page.content and b"halfway" in page.content
    assert b'hx-trigger="every 2s"' in page.content  # it asks again until finished
    assert as_user(bob).get(job.get_absolute_url()).status_code == 404
    assert as_user(bob).post(reverse("jobs:file", args=[job.pk])).status_code == 404
    Job.objects.filter(pk=job.pk).update(status=JobStatus.QUEUED)
    jobs.run(job.pk)
    fragment = as_user(alice).get(job.get_absolute_url(), HTTP_HX_REQUEST="true")
    assert b"every 2s" not in fragment.content and b"count.txt" in fragment.content
    listed = as_user(alice).get(reverse("jobs:list"))
    assert "计数" in listed.content.decode()
    download = as_user(alice).post(reverse("jobs:file", args=[job.pk]))
    assert b"".join(download.streaming_content) == b"42"
    assert "count.txt" in download["Content-Disposition"]
    # A file not given out once may be fetched again.
    assert as_user(alice).post(reverse("jobs:file", args=[job.pk])).status_code == 200


def test_a_file_given_out_once_is_removed_when_fetched(as_user, alice):
    job = jobs.start(alice, KIND, "计数")
    jobs.run(job.pk)
    Job.objects.filter(pk=job.pk).update(once=True)
    path = Job.objects.get(pk=job.pk).file.path
    assert as_user(alice).post(reverse("jobs:file", args=[job.pk])).status_code == 200
    assert not os.path.exists(path)
    again = as_user(alice).post(reverse("jobs:file", args=[job.pk]), follow=True)
    assert "没有可下载的文件" in again.content.decode()


def test_the_sweep_fails_lost_jobs_and_removes_old_ones_with_their_files(alice):
    lost = jobs.start(alice, KIND, "丢失")
    old = jobs.start(alice, KIND, "旧")
    jobs.run(old.pk)
    path = Job.objects.get(pk=old.pk).file.path
    long_ago = timezone.now() - datetime.timedelta(days=8)
    Job.objects.filter(pk=lost.pk).update(status=JobStatus.RUNNING, started_at=long_ago)
    Job.objects.filter(pk=old.pk).update(finished_at=long_ago)
    assert jobs.prune() == "1 lost, 1 removed"
    assert Job.objects.get(pk=lost.pk).status == JobStatus.FAILED
    assert not Job.objects.filter(pk=old.pk).exists() and not os.path.exists(path)


@pytest.mark.django_db(transaction=True)
def test_two_worker_processes_run_each_job_once(tmp_path, alice):
    """Eight jobs of half a second, two workers: each job run once, the work shared."""
    for n in range(8):
        jobs.run_job.enqueue(
            Job.objects.create(kind=KIND, title=f"计数{n}", user=alice, params={"seconds": 0.5}).pk
        )
    url, sqlite_file = database_for_other_processes(tmp_path)
    media = tmp_path / "shared-media"
    env = {
        **os.environ,
        "DATABASE_URL": url,
        "MEDIA_ROOT": str(media),
        "DEBUG": "1",
        "LOG_LEVEL": "WARNING",
    }
    command = [os.path.join(os.path.dirname(sys.executable), "xiaoan"), "worker", "--batch"]
    workers = [
        subprocess.Popen([*command, "--worker-id", name], env=env, stdout=subprocess.PIPE)
        for name in ("first", "second")
    ]
    outputs = [w.communicate(timeout=240)[0] for w in workers]
    assert [w.returncode for w in workers] == [0, 0], outputs
    if sqlite_file:
        import sqlite3

        with sqlite3.connect(sqlite_file) as db:
            rows = db.execute("SELECT status, runs FROM core_job").fetchall()
    else:
        rows = list(Job.objects.values_list("status", "runs"))
    assert sorted(rows) == [("done", 1)] * 8
    assert len(list(media.glob("jobs/*count.txt"))) == 8
