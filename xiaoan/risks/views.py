"""The risk register's pages: a school's register (list, form, detail with its assessments),
the colour map of a school's points, and the district table with its export.

Every page starts from `RiskPoint.objects.for_user` (another school's point answers 404); the
steps call the model, which refuses what the user may not do (`RiskPoint.allowed_actions`),
and the pages show only the allowed steps. Errors are the project's one vocabulary, mapped by
`core.middleware.DomainErrorMiddleware`.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from xiaoan.accounts.access import has_role, membership_of
from xiaoan.core.dates import local_today
from xiaoan.core.errors import DomainError, Invalid
from xiaoan.core.excel import workbook_response
from xiaoan.core.forms import add_domain_error
from xiaoan.schools.models import School

from . import forms
from .exports import district_workbook, register_workbook
from .filters import DistrictFilter, RiskPointFilter
from .models import WRITERS, RiskPoint
from .tables import colour_map, district_rows, totals


def _points(request: HttpRequest) -> RiskPointFilter:
    queryset = RiskPoint.objects.for_user(request.user).select_related("school", "area")
    return RiskPointFilter(request.GET, queryset=queryset, request=request)


def _query_without_page(request: HttpRequest) -> str:
    query = request.GET.copy()
    query.pop("page", None)
    return query.urlencode()


def _may_add(request: HttpRequest) -> bool:
    return has_role(request.user, *WRITERS)


@require_GET
@login_required
def point_list(request: HttpRequest) -> HttpResponse:
    """The register: the points of the user's school (or district), gravest first."""
    filterset = _points(request)
    rows = filterset.qs.order_by("school__code", "-likelihood", "-severity", "name", "id")
    page = Paginator(rows, 100).get_page(request.GET.get("page"))
    return render(
        request,
        "risks/point_list.html",
        {
            "filter": filterset,
            "page_obj": page,
            "paginator": page.paginator,
            "is_paginated": page.has_other_pages(),
            "query": _query_without_page(request),
            "can_add": _may_add(request),
        },
    )


@require_GET
@login_required
def point_export(request: HttpRequest) -> HttpResponse:
    rows = _points(request).qs.order_by("school__code", "-likelihood", "-severity", "name", "id")
    filename = _("Risk register") + f" {local_today():%Y-%m-%d}.xlsx"
    return workbook_response(register_workbook(rows), filename)


@require_http_methods(["GET", "POST"])
@login_required
def point_create(request: HttpRequest) -> HttpResponse:
    if not _may_add(request):
        raise PermissionDenied
    form = forms.NewPointForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        values = form.values()
        try:
            point = RiskPoint.objects.identify(request.user, **values)
        except DomainError as error:
            add_domain_error(form, error)
        else:
            messages.success(request, _("Risk point “%(name)s” added.") % {"name": point.name})
            return redirect(point)
    return render(request, "risks/point_form.html", {"form": form, "point": None})


def _get(request: HttpRequest, pk: int) -> RiskPoint:
    rows = RiskPoint.objects.for_user(request.user).select_related("school", "area", "flagged_by")
    return get_object_or_404(rows, pk=pk)


@require_GET
@login_required
def point_detail(request: HttpRequest, pk: int) -> HttpResponse:
    point = _get(request, pk)
    hazards = point.hazards.select_related("area").order_by("-found_on", "-id")  # type: ignore[attr-defined]
    return render(
        request,
        "risks/point_detail.html",
        {
            "point": point,
            "actions": point.allowed_actions(request.user),
            "assessments": point.assessments.select_related("assessed_by", "hazard"),
            "hazards": hazards,
            "reassess_form": forms.ReassessForm(point=point),
            "retire_form": forms.RetireForm(point=point),
        },
    )


@require_http_methods(["GET", "POST"])
@login_required
def point_edit(request: HttpRequest, pk: int) -> HttpResponse:
    point = _get(request, pk)
    point.refuse_if_not_allowed(request.user, "edit")
    point.check_edit(request.user)
    form = forms.PointForm(request.POST or None, instance=point)
    if request.method == "POST" and form.is_valid():
        try:
            saved = form.save_or_error()
        except DomainError as error:
            add_domain_error(form, error)
            saved = None
        if saved is not None:
            messages.success(request, _("Risk point saved."))
            return redirect(point)
    return render(request, "risks/point_form.html", {"form": form, "point": point})


@require_POST
@login_required
def point_reassess(request: HttpRequest, pk: int) -> HttpResponse:
    point = _get(request, pk)
    point.refuse_if_not_allowed(request.user, "reassess")
    form = forms.ReassessForm(request.POST, point=point)
    if not form.is_valid():
        raise Invalid(_("Choose the likelihood, the severity and the reason."))
    data = form.cleaned_data
    point.reassess(
        request.user,
        likelihood=data["likelihood"],
        severity=data["severity"],
        reason=data["reason"],
        comment=data["comment"],
        version=data.get("version"),
    )
    messages.success(request, _("Re-assessed: %(level)s.") % {"level": point.get_level_display()})
    return redirect(point)


@require_POST
@login_required
def point_retire(request: HttpRequest, pk: int) -> HttpResponse:
    point = _get(request, pk)
    point.refuse_if_not_allowed(request.user, "retire")
    form = forms.RetireForm(request.POST, point=point)
    if not form.is_valid():
        raise Invalid(_("Say why the point leaves the register."))
    data = form.cleaned_data
    point.retire(
        request.user, reason=data["reason"], on=data.get("on"), version=data.get("version")
    )
    messages.success(request, _("The risk point left the register."))
    return redirect(point)


@require_GET
@login_required
def risk_map(request: HttpRequest) -> HttpResponse:
    """The colour map of one school: its points in the register placed on the L×S grid."""
    schools = School.objects.for_user(request.user).current().order_by("code")
    membership = membership_of(request.user)
    school: School | None
    if membership is not None and membership.school_id:
        school = schools.filter(pk=membership.school_id).first()
    else:
        asked = request.GET.get("school", "")
        school = schools.filter(pk=asked).first() if asked.isdigit() else None
    points = RiskPoint.objects.for_user(request.user).current().select_related("area")
    points = points.filter(school=school) if school is not None else points.none()
    return render(
        request,
        "risks/map.html",
        {
            "school": school,
            "schools": [] if membership is not None and membership.school_id else schools,
            "grid": colour_map(points),
            "counts": points.level_counts(),
        },
    )


def _district(request: HttpRequest) -> tuple[DistrictFilter, list[Any]]:
    """The district's roles (and those above it) read the table; a school's people read their
    own register instead (403)."""
    membership = membership_of(request.user)
    district_wide = membership is not None and not membership.school_id
    if not (district_wide or getattr(request.user, "is_superuser", False)):
        raise PermissionDenied
    points = RiskPoint.objects.for_user(request.user).current()
    filterset = DistrictFilter(request.GET, queryset=points, request=request)
    schools = School.objects.for_user(request.user).current()
    only_grave = False
    if filterset.is_valid():
        if filterset.form.cleaned_data.get("kind"):
            schools = schools.filter(kind=filterset.form.cleaned_data["kind"])
        only_grave = bool(filterset.form.cleaned_data.get("grave"))
    return filterset, district_rows(schools, filterset.qs, only_grave)


@require_GET
@login_required
def district(request: HttpRequest) -> HttpResponse:
    """The bureau's table: every school of the district with its points by level."""
    filterset, rows = _district(request)
    return render(
        request,
        "risks/district.html",
        {
            "filter": filterset,
            "rows": rows,
            "totals": totals(rows),
            "query": _query_without_page(request),
        },
    )


@require_GET
@login_required
def district_export(request: HttpRequest) -> HttpResponse:
    _filterset, rows = _district(request)
    filename = _("Risk points by school") + f" {local_today():%Y-%m-%d}.xlsx"
    return workbook_response(district_workbook(rows), filename)
