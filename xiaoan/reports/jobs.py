"""Documents made in the background when their scope is large (`core.jobs`): a district's
official document with more than `BACKGROUND_DOCUMENT_SCHOOLS` schools (and, in
`regions.jobs`, a city's or a province's collected campaign summary). A small one is made in the request, as before.

`download` decides: the file now, or the job's page (the same job again, if this user's
identical one has not been fetched yet: clicking twice does not make the file twice)."""

from __future__ import annotations

import io
import zipfile
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from xiaoan.core import jobs
from xiaoan.core.excel import content_disposition
from xiaoan.core.models import Job, JobStatus

from .document import Document
from .exports import CONTENT_TYPES, render_attachment
from .exports import render as render_file

# A download of a document's full lists alone (`Document.long_table`), beside its formats.
LISTS = "lists"


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
        document = build()
        if fmt == LISTS:
            if not document.attachments:
                raise Http404
            name, data = lists_file(document)
        else:
            name, data = f"{title}.{fmt}", render_file(document, fmt)
        response = HttpResponse(data, content_type=_content_type(name))
        response["Content-Disposition"] = content_disposition(name, fallback)
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
    label = pgettext("document", "full lists") if fmt == LISTS else fmt.upper()
    return redirect(jobs.start(request.user, kind, f"{title}（{label}）", params))


def _content_type(name: str) -> str:
    return "application/zip" if name.endswith(".zip") else CONTENT_TYPES[name.rsplit(".", 1)[1]]


def lists_file(document: Document) -> tuple[str, bytes]:
    """A document's full lists: the one .xlsx, or a ZIP of them."""
    files = [(a.filename, render_attachment(a)) for a in document.attachments]
    if len(files) == 1:
        return files[0]
    return f"{document.title}（{pgettext('document', 'full lists')}）.zip", _zipped(files)


def _zipped(files: list[tuple[str, bytes]]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in files:
            archive.writestr(name, data)
    return buffer.getvalue()


def document_file(document: Document, fmt: str, progress: jobs.Progress) -> jobs.Output:
    """The file; with the full lists of its long tables (a job keeps one file), a ZIP of the
    document and the lists' .xlsx files."""
    if fmt == LISTS:
        progress(90, pgettext("document", "full lists"))
        if not document.attachments:
            return jobs.Output(_("The document has no list too long to be shown in full."))
        return jobs.Output(_("The file is ready."), *lists_file(document))
    progress(90, _("Laying out the %(format)s file") % {"format": fmt.upper()})
    name, data = f"{document.title}.{fmt}", render_file(document, fmt)
    if not document.attachments:
        return jobs.Output(_("The file is ready."), name, data)
    files = [(name, data), *((a.filename, render_attachment(a)) for a in document.attachments)]
    message = _("The file is ready: the document and its full lists (.xlsx), in one ZIP.")
    return jobs.Output(message, f"{document.title}.zip", _zipped(files))


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
