"""Documents made in the background when their scope is large (`core.jobs`): a district's
official document with more than `BACKGROUND_DOCUMENT_SCHOOLS` schools (and, in
`regions.jobs`, a city's or a province's collected campaign summary). A small one is made in the request, as before.

`download` decides: the file now, or the job's page (the same job again, if this user's
identical one has not been fetched yet: clicking twice does not make the file twice)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _

from xiaoan.core import jobs
from xiaoan.core.excel import content_disposition
from xiaoan.core.models import Job, JobStatus

from .document import Document
from .exports import CONTENT_TYPES
from .exports import render as render_file


def download(
    request: HttpRequest,
    *,
    schools: int,
    title: str,
    fmt: str,
    kind: str,
    params: dict[str, Any],
    build: Callable[[], Document],
    fallback: str,
) -> HttpResponse:
    if schools <= settings.BACKGROUND_DOCUMENT_SCHOOLS:
        response = HttpResponse(render_file(build(), fmt), content_type=CONTENT_TYPES[fmt])
        response["Content-Disposition"] = content_disposition(f"{title}.{fmt}", fallback)
        return response
    params = {**params, "format": fmt}
    waiting = [
        job
        for job in Job.objects.for_user(request.user).filter(
            kind=kind,
            status__in=[JobStatus.QUEUED, JobStatus.RUNNING, JobStatus.DONE],
            fetched_at=None,
        )[:20]
        if {k: job.params.get(k) for k in params} == params
    ]
    if waiting:
        return redirect(waiting[0])
    return redirect(jobs.start(request.user, kind, f"{title}（{fmt.upper()}）", params))


def document_file(document: Document, fmt: str, progress: jobs.Progress) -> jobs.Output:
    progress(90, _("Laying out the %(format)s file") % {"format": fmt.upper()})
    return jobs.Output(
        _("The file is ready."), f"{document.title}.{fmt}", render_file(document, fmt)
    )


def official_file(job: Job, progress: jobs.Progress) -> jobs.Output:
    """A district's quarterly report or campaign summary, as the user could read it."""
    from . import official
    from .models import OfficialReport

    report = OfficialReport.objects.for_user(job.user).get(pk=job.params["report"])
    stages = {"tables": 30, "charts": 60}
    document = official.build_document(
        report, progress=lambda stage: progress(stages.get(stage, 10), _("Tables and charts"))
    )
    return document_file(document, job.params["format"], progress)
