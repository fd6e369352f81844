"""The pages of background jobs (`core.jobs`): one's own recent jobs, a job's progress (the page
asks again every two seconds until it is finished) and its file."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from . import jobs
from .errors import Refused
from .excel import content_disposition
from .models import Job

RECENT_JOBS = 50


def _own(request: HttpRequest, pk: int) -> Job:
    """A job is seen only by whoever asked for it (anyone else: not found)."""
    return get_object_or_404(Job.objects.for_user(request.user), pk=pk)


@require_GET
@login_required
def job_list(request: HttpRequest) -> HttpResponse:
    recent = Job.objects.for_user(request.user)[:RECENT_JOBS]
    return render(request, "core/job_list.html", {"jobs": recent})


@require_GET
@login_required
def job_detail(request: HttpRequest, pk: int) -> HttpResponse:
    job = _own(request, pk)
    if request.headers.get("HX-Request"):
        return render(request, "core/_job_status.html", {"job": job})
    return render(request, "core/job_detail.html", {"job": job})


@require_POST
@login_required
def job_file(request: HttpRequest, pk: int) -> FileResponse:
    """The file, once it is ready (a POST: a file given out once is gone after it)."""
    job = _own(request, pk)
    if not job.has_file:
        raise Refused(_("This job has no file to download (any more)."))
    data = job.file.open("rb").read()
    job.file.close()
    jobs.fetched(job)
    response = FileResponse(iter([data]), as_attachment=True, filename=job.filename)
    response["Content-Disposition"] = content_disposition(job.filename)
    return response
