"""Background jobs: work too long for a web request, run by `xiaoan worker`.

A page that has such work calls `start(user, kind, title, params)` and sends the user to the
job's page, which shows the progress and, when it is done, the message and the file. The
`kind` is the dotted path of a function (as `PERIODIC_JOBS` names theirs): it gets the `Job`
and a `progress(percent, stage)` callback, and returns an `Output`. The job runs as a task of Django's Tasks API on the
`django-tasks-db` queue; however many workers run, a job runs once: a worker takes it with a
conditional update from `queued` to `running`, and a job already taken is left alone.

Files go to the default storage (`STORAGES`), so any app server can hand them out.
"""

from __future__ import annotations

import datetime
import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from django.db.models import F
from django.utils import timezone, translation
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

try:  # Django 6
    from django.tasks import task  # type: ignore[import-not-found,unused-ignore]
except ImportError:
    from django_tasks import task  # type: ignore[no-redef]

from .errors import DomainError
from .models import Job, JobStatus

logger = logging.getLogger(__name__)

# A job running longer than this is taken as lost (its worker stopped) and marked failed.
LOST_AFTER = datetime.timedelta(hours=2)
# Finished jobs and their files are removed after this.
KEPT_FOR = datetime.timedelta(days=7)


@dataclass
class Output:
    """What a job made: the message shown on its page and, if any, a file (given out once
    when `once`: initial passwords)."""

    message: str
    filename: str = ""
    data: bytes = b""
    once: bool = False


Progress = Callable[[int, str], None]


def start(user: Any, kind: str, title: str, params: dict[str, Any] | None = None) -> Job:
    """Record the job (in the language of the page that asked for it) and queue it once the
    current transaction commits."""
    import_string(kind)  # a wrong name fails here, in the request, not later in a worker
    params = {"language": translation.get_language() or settings.LANGUAGE_CODE, **(params or {})}
    job = Job.objects.create(kind=kind, title=title[:200], user=user, params=params)
    transaction.on_commit(lambda: run_job.enqueue(job.pk))
    return job


@task()
def run_job(job_id: int) -> str:
    return run(job_id)


def run(job_id: int) -> str:
    """Take the job if no worker has, run it, and keep what it made (or why it failed)."""
    now = timezone.now()
    taken = Job.objects.filter(pk=job_id, status=JobStatus.QUEUED).update(
        status=JobStatus.RUNNING,
        started_at=now,
        runs=F("runs") + 1,
        stage=pgettext("job", "Started"),
    )
    if not taken:
        return "taken"
    job = Job.objects.select_related("user").get(pk=job_id)

    def progress(percent: int, stage: str) -> None:
        Job.objects.filter(pk=job_id).update(progress=max(0, min(percent, 99)), stage=stage[:200])

    try:
        with translation.override(job.params.get("language") or settings.LANGUAGE_CODE):
            output = import_string(job.kind)(job, progress)
    except DomainError as error:  # the work cannot be done as asked: said in the user's words
        return _failed(job, str(error.message))
    except Exception as error:  # anything else: kept for the operator, said plainly
        logger.exception("job %s (%s) failed", job.pk, job.kind)
        return _failed(job, _("The job failed: %(error)s") % {"error": error})
    if output.data:
        job.file.save(f"{job.pk}-{output.filename}", ContentFile(output.data), save=False)
    Job.objects.filter(pk=job_id).update(
        status=JobStatus.DONE,
        progress=100,
        stage="",
        message=output.message,
        file=job.file.name or "",
        filename=output.filename,
        once=output.once,
        finished_at=timezone.now(),
    )
    return "done"


def _failed(job: Job, error: str) -> str:
    Job.objects.filter(pk=job.pk).update(
        status=JobStatus.FAILED, error=error, stage="", finished_at=timezone.now()
    )
    return "failed"


def fetched(job: Job) -> None:
    """A file given out once is removed when it has been fetched."""
    if job.once and job.file:
        job.file.delete(save=False)
        Job.objects.filter(pk=job.pk).update(file="", fetched_at=timezone.now())


def prune(now: datetime.datetime | None = None) -> str:
    """The periodic sweep: lost jobs marked failed, old finished jobs and their files removed."""
    now = now or timezone.now()
    lost = Job.objects.filter(status=JobStatus.RUNNING, started_at__lt=now - LOST_AFTER).update(
        status=JobStatus.FAILED,
        error=_("The worker running this job stopped; start it again."),
        finished_at=now,
    )
    old = Job.objects.filter(
        status__in=[JobStatus.DONE, JobStatus.FAILED], finished_at__lt=now - KEPT_FOR
    )
    removed = 0
    for job in old:
        if job.file:
            job.file.delete(save=False)
        source = job.params.get("source")  # the input of a job whose worker stopped
        if source and default_storage.exists(source):
            default_storage.delete(source)
        job.delete()
        removed += 1
    return f"{lost} lost, {removed} removed"
