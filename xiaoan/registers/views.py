"""Register pages: one list, export and form for every register; the gate, duty gaps,
special-group counts, expiring papers and the assessments have their own views.

Action views load the row through `for_user` (404 for another school's), call one model
method and redirect; the model decides whether the step is allowed.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from xiaoan.accounts.access import has_role, membership_of, role_of
from xiaoan.accounts.choices import Role
from xiaoan.core.dates import local_today
from xiaoan.core.excel import build_workbook, workbook_response
from xiaoan.hazards.models import HazardError
from xiaoan.schools.models import School

from . import figures, forms, reminders
from .filters import AssessmentFilter
from .models import (
    Assessment,
    DutyShift,
    RegisterError,
    SurroundingsCheck,
    Visitor,
    district_cover,
)
from .models.education import counts_by_school
from .tables import BY_SLUG, Register, groups

PAGE_SIZE = 50


def _register(slug: str) -> Register:
    if slug not in BY_SLUG:
        raise Http404
    return BY_SLUG[slug]


def _rows(request: HttpRequest, register: Register) -> tuple[Any, QuerySet]:
    queryset = register.model.objects.for_user(request.user).select_related(*register.related)  # type: ignore[attr-defined]
    filterset = register.filterset(request.GET, queryset=queryset, request=request)
    return filterset, filterset.qs


def _query_without_page(request: HttpRequest) -> str:
    query = request.GET.copy()
    query.pop("page", None)
    return query.urlencode()


@require_GET
@login_required
def index(request: HttpRequest) -> HttpResponse:
    context: dict[str, Any] = {"groups": groups()}
    membership = membership_of(request.user)
    if membership is not None and membership.school_id is None:
        year = _figures_year(request.GET.get("year", ""), membership.bureau_id)
        start, end = datetime.date(year, 1, 1), datetime.date(year, 12, 31)
        context["measures"] = figures.key_measures(membership.bureau_id, start, end)
        context["year"] = year
    return render(request, "registers/index.html", context)


def _figures_year(asked: str, bureau_id: int) -> int:
    """The year asked for, else the year of the district's latest campaign, else this year."""
    if asked.isdigit() and 2000 <= int(asked) <= 2100:
        return int(asked)
    from xiaoan.campaigns.models import Campaign

    latest = Campaign.objects.filter(bureau=bureau_id).order_by("-start_date").first()
    return latest.start_date.year if latest else local_today().year


@require_GET
@login_required
def register_list(request: HttpRequest, slug: str) -> HttpResponse:
    register = _register(slug)
    filterset, rows = _rows(request, register)
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    table = [(row, register.cells(row, request.user)) for row in page.object_list]
    headers = register.headers()
    if role_of(request.user) in Role.school_roles():
        # A school sees only its own rows: the school column would only narrow a phone's table.
        headers, table = headers[1:], [(row, cells[1:]) for row, cells in table]
    return render(
        request,
        "registers/register_list.html",
        {
            "register": register,
            "filter": filterset,
            "headers": headers,
            "table": table,
            "restricted": register.readers is not None
            and not has_role(request.user, *register.readers),
            "page_obj": page,
            "paginator": page.paginator,
            "is_paginated": page.has_other_pages(),
            "query": _query_without_page(request),
            "can_write": has_role(request.user, *register.writers),
        },
    )


@require_GET
@login_required
def register_export(request: HttpRequest, slug: str) -> HttpResponse:
    register = _register(slug)
    _filterset, rows = _rows(request, register)
    title = str(register.title)
    workbook = build_workbook(
        title, register.headers(), (register.cells(row, request.user) for row in rows)
    )
    return workbook_response(workbook, f"{title}.xlsx")


@require_http_methods(["GET", "POST"])
@login_required
def register_form(request: HttpRequest, slug: str, pk: int | None = None) -> HttpResponse:
    register = _register(slug)
    if pk is None and register.gate_only:
        return redirect("registers:gate")
    instance = None
    if pk is not None:
        instance = get_object_or_404(register.model.objects.for_user(request.user), pk=pk)  # type: ignore[attr-defined]
    if not has_role(request.user, *register.writers):
        raise PermissionDenied
    form = register.form(request.POST or None, instance=instance, user=request.user)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("Saved."))
        return redirect("registers:list", slug=slug)
    return render(request, "registers/register_form.html", {"register": register, "form": form})


# ---- the gate -------------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
@login_required
def gate(request: HttpRequest) -> HttpResponse:
    """Register visitors at the gate and sign them out: today's list, who is still inside."""
    membership = membership_of(request.user)
    school = membership.school if membership is not None and membership.school_id else None
    can_register = school is not None and has_role(
        request.user, Role.SCHOOL_ADMIN, Role.SCHOOL_STAFF
    )
    if request.method == "POST":
        if not can_register:
            raise PermissionDenied
        form = forms.VisitorForm(request.POST)
        if form.is_valid():
            try:
                visitor = Visitor.register(school=school, user=request.user, **form.cleaned_data)
            except RegisterError as exc:
                form.add_error(None, exc.message)
            else:
                _announce(request, visitor)
                return redirect("registers:gate")
    else:
        form = forms.VisitorForm()
    day = forms.DayForm(request.GET).day_or_today()
    today = Visitor.objects.for_user(request.user).on_day(day).select_related("school", "watch_hit")
    return render(
        request,
        "registers/gate.html",
        {
            "form": form,
            "can_register": can_register,
            "day": day,
            "visitors": today,
            "inside": [v for v in today if v.is_inside],
        },
    )


def _announce(request: HttpRequest, visitor: Visitor) -> None:
    if visitor.watch_hit is not None:
        messages.warning(
            request,
            _("Warning: %(name)s is on the watch list (%(reason)s). Inform the safety officer.")
            % {"name": visitor.name, "reason": visitor.watch_hit.reason},
        )
    if visitor.refused:
        messages.info(request, _("%(name)s was refused entry.") % {"name": visitor.name})
    else:
        messages.success(request, _("%(name)s registered.") % {"name": visitor.name})


@require_POST
@login_required
def visitor_sign_out(request: HttpRequest, pk: int) -> HttpResponse:
    visitor = get_object_or_404(Visitor.objects.for_user(request.user), pk=pk)
    try:
        visitor.sign_out(request.user)
    except RegisterError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("%(name)s signed out.") % {"name": visitor.name})
    return redirect("registers:gate")


# ---- bureau views ---------------------------------------------------------------------------


@require_GET
@login_required
def duty_gap_view(request: HttpRequest) -> HttpResponse:
    """Each school's hours of a day with nobody on duty (schools with no roster: all day)."""
    day = forms.DayForm(request.GET).day_or_today()
    schools = School.objects.for_user(request.user).filter(is_active=True)
    rows = district_cover(schools, DutyShift.objects.for_user(request.user), day)
    only_gaps = request.GET.get("gaps") == "1"
    if only_gaps:
        rows = [r for r in rows if r["hours"] > 0]
    return render(
        request, "registers/duty_gaps.html", {"day": day, "rows": rows, "only_gaps": only_gaps}
    )


@require_GET
@login_required
def special_group_counts(request: HttpRequest) -> HttpResponse:
    """Counts by school for every district role; the children's names stay hidden."""
    schools = School.objects.for_user(request.user).filter(is_active=True)
    counts = counts_by_school(schools)
    return render(request, "registers/special_counts.html", {"counts": counts})


@require_GET
@login_required
def expiring_papers(request: HttpRequest) -> HttpResponse:
    today = local_today()
    days = forms.DaysForm(request.GET).days_or_default()
    vehicles, drivers = reminders.expiring(today, days, user=request.user)
    return render(
        request,
        "registers/papers.html",
        {"today": today, "days": days, "vehicles": vehicles, "drivers": drivers},
    )


@require_POST
@login_required
def surroundings_follow_up(request: HttpRequest, pk: int) -> HttpResponse:
    check = get_object_or_404(SurroundingsCheck.objects.for_user(request.user), pk=pk)
    if not has_role(request.user, Role.SCHOOL_ADMIN, Role.BUREAU_ADMIN):
        raise PermissionDenied
    try:
        hazard = check.follow_up(request.user)
    except (RegisterError, HazardError) as exc:
        messages.error(request, exc.message)
        return redirect("registers:list", slug="surroundings")
    messages.success(request, _("Hazard %(code)s recorded.") % {"code": hazard.code})
    return redirect(hazard)


# ---- assessments ----------------------------------------------------------------------------


def _assessments(request: HttpRequest) -> AssessmentFilter:
    queryset = (
        Assessment.objects.for_user(request.user).select_related("school").with_veto_flag().ranked()
    )
    data = request.GET.copy()
    if not data.get("year"):
        data["year"] = str(_latest_assessment_year(queryset))
    return AssessmentFilter(data, queryset=queryset, request=request)


def _latest_assessment_year(assessments: QuerySet[Assessment]) -> int:
    """The most recent year assessed, else this year."""
    latest = assessments.order_by("-year").values_list("year", flat=True).first()
    return latest or local_today().year


@require_GET
@login_required
def assessment_list(request: HttpRequest) -> HttpResponse:
    """The year's ranking: vetoed schools last, then by total score."""
    filterset = _assessments(request)
    page = Paginator(filterset.qs, 100).get_page(request.GET.get("page"))
    return render(
        request,
        "registers/assessment_list.html",
        {
            "filter": filterset,
            "page_obj": page,
            "paginator": page.paginator,
            "is_paginated": page.has_other_pages(),
            "query": _query_without_page(request),
            "rank_start": page.start_index(),
            "can_open": has_role(request.user, Role.BUREAU_ADMIN),
            "year_form": forms.YearForm(initial={"year": filterset.form.data["year"]}),
        },
    )


@require_GET
@login_required
def assessment_export(request: HttpRequest) -> HttpResponse:
    from .exports import ranking_workbook

    filterset = _assessments(request)
    year = filterset.form.data.get("year", "")
    return workbook_response(
        ranking_workbook(filterset.qs, year),
        _("Safety assessment %(year)s") % {"year": year} + ".xlsx",
    )


@require_POST
@login_required
def assessment_open(request: HttpRequest) -> HttpResponse:
    """Open the year's assessment for every school and compute what the data allows."""
    if not has_role(request.user, Role.BUREAU_ADMIN):
        raise PermissionDenied
    form = forms.YearForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Enter a valid year."))
        return redirect("registers:assessments")
    year = form.cleaned_data["year"]
    for school in School.objects.for_user(request.user).filter(is_active=True):
        assessment, _created = Assessment.objects.get_or_create(school=school, year=year)
        assessment.compute(request.user)
    messages.success(request, _("The %(year)s assessments are computed.") % {"year": year})
    return redirect(f"{_url('registers:assessments')}?year={year}")


def _url(name: str, *args: Any) -> str:
    from django.urls import reverse

    return reverse(name, args=args)


def _get_assessment(request: HttpRequest, pk: int) -> Assessment:
    return get_object_or_404(
        Assessment.objects.for_user(request.user).select_related("school", "vetoed_by"), pk=pk
    )


@require_GET
@login_required
def assessment_detail(request: HttpRequest, pk: int) -> HttpResponse:
    assessment = _get_assessment(request, pk)
    return render(
        request,
        "registers/assessment_detail.html",
        {
            "assessment": assessment,
            "events": assessment.events.select_related("actor"),
            "veto_proposed": assessment.veto_proposed(),
            "can_score": has_role(request.user, Role.BUREAU_ADMIN),
            "can_veto": has_role(request.user, Role.BUREAU_LEADER),
            "score_form": forms.ScoreForm(assessment=assessment),
            "reason_form": forms.ReasonForm(),
        },
    )


@require_POST
@login_required
def assessment_compute(request: HttpRequest, pk: int) -> HttpResponse:
    assessment = _get_assessment(request, pk)
    assessment.compute(request.user)
    messages.success(request, _("Computed from the data."))
    return redirect("registers:assessment", pk=pk)


@require_POST
@login_required
def assessment_score(request: HttpRequest, pk: int) -> HttpResponse:
    assessment = _get_assessment(request, pk)
    if not has_role(request.user, Role.BUREAU_ADMIN):
        raise PermissionDenied
    form = forms.ScoreForm(request.POST, assessment=assessment)
    if not form.is_valid():
        messages.error(request, _("A score lies between 0 and 100."))
        return redirect("registers:assessment", pk=pk)
    scores = {k: v for k, v in form.cleaned_data.items() if k != "comment"}
    try:
        assessment.score(request.user, scores, form.cleaned_data["comment"])
    except RegisterError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Scores saved."))
    return redirect("registers:assessment", pk=pk)


@require_POST
@login_required
def assessment_veto(request: HttpRequest, pk: int) -> HttpResponse:
    return _veto_step(request, pk, lift=False)


@require_POST
@login_required
def assessment_lift_veto(request: HttpRequest, pk: int) -> HttpResponse:
    return _veto_step(request, pk, lift=True)


def _veto_step(request: HttpRequest, pk: int, *, lift: bool) -> HttpResponse:
    assessment = _get_assessment(request, pk)
    reason = request.POST.get("reason", "")
    try:
        if lift:
            assessment.lift_veto(request.user, reason)
        else:
            assessment.veto(request.user, reason)
    except RegisterError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Veto lifted.") if lift else _("One-vote veto applied."))
    return redirect("registers:assessment", pk=pk)
