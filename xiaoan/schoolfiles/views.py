"""The school file's page, its PDF and the ZIP of its originals: the school itself, its
district and the levels above (read only) open them; anyone else gets 404."""

from __future__ import annotations

from urllib.parse import quote

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_GET

from xiaoan.core.dates import local_today
from xiaoan.schools.models import School

from . import exports
from .sections import school_file


def _school(request: HttpRequest, pk: int) -> School:
    return get_object_or_404(School.objects.for_user(request.user).select_related("bureau"), pk=pk)


def _download(content: bytes, content_type: str, name: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = (
        f"attachment; filename=\"school-file\"; filename*=UTF-8''{quote(name)}"
    )
    return response


@require_GET
@login_required
def detail(request: HttpRequest, pk: int) -> HttpResponse:
    school = _school(request, pk)
    today = local_today()
    sections = school_file(school, request.user, today)
    return render(
        request,
        "schoolfiles/detail.html",
        {"school": school, "sections": sections, "today": today},
    )


@require_GET
@login_required
def pdf(request: HttpRequest, pk: int) -> HttpResponse:
    school = _school(request, pk)
    today = local_today()
    content = exports.file_pdf(school, school_file(school, request.user, today), today)
    return _download(content, "application/pdf", f"{exports.file_title(school)}.pdf")


@require_GET
@login_required
def originals(request: HttpRequest, pk: int) -> HttpResponse:
    school = _school(request, pk)
    content = exports.originals_zip(school, request.user)
    return _download(content, "application/zip", f"{exports.file_title(school)}.zip")
