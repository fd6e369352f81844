"""Assessment pages: the year's ranking and its export, one school's assessment, its steps.

Step views load the assessment through `for_user` (404 for another district's), call the
model's step with the version the page was read at, and go back; the model refuses what the
user may not do (`Assessment.allowed_actions`), and the page shows only the allowed steps.
"""

from __future__ import annotations

import datetime
from typing import TypeVar

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from xiaoan.accounts.access import has_role
from xiaoan.accounts.choices import Role
from xiaoan.core.dates import local_today
from xiaoan.core.errors import Invalid
from xiaoan.core.excel import workbook_response
from xiaoan.schools.models import School

from . import forms
from .exports import ranking_workbook
from .filters import AssessmentFilter
from .models import Assessment


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


def _query_without_page(request: HttpRequest) -> str:
    query = request.GET.copy()
    query.pop("page", None)
    return query.urlencode()


@require_GET
@login_required
def assessment_list(request: HttpRequest) -> HttpResponse:
    """The year's ranking: vetoed schools last, then by total score."""
    filterset = _assessments(request)
    page = Paginator(filterset.qs, 100).get_page(request.GET.get("page"))
    return render(
        request,
        "assessments/assessment_list.html",
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
    filterset = _assessments(request)
    asked = filterset.form.cleaned_data.get("year") if filterset.is_valid() else None
    year = "" if asked is None else str(int(asked))
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
        return redirect("assessments:list")
    year = form.cleaned_data["year"]
    # The schools on the registry at the year's end (today, for the running year).
    year_end = min(datetime.date(year, 12, 31), local_today())
    for school in School.objects.for_user(request.user).as_of(year_end):
        assessment, _created = Assessment.objects.get_or_create(school=school, year=year)
        assessment.compute(request.user)
    messages.success(request, _("The %(year)s assessments are computed.") % {"year": year})
    return redirect(f"{reverse('assessments:list')}?year={year}")


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
        "assessments/assessment_detail.html",
        {
            "assessment": assessment,
            "events": assessment.events.select_related("actor"),
            "veto_proposed": assessment.veto_proposed(),
            "actions": assessment.allowed_actions(request.user),
            "step_form": forms.StepForm(assessment=assessment),
            "score_form": forms.ScoreForm(assessment=assessment),
            "reason_form": forms.ReasonForm(assessment=assessment),
        },
    )


StepFormT = TypeVar("StepFormT", bound=forms.StepForm)


def _posted(form: StepFormT) -> StepFormT:
    if not form.is_valid():
        if isinstance(form, forms.ScoreForm):
            raise Invalid(_("A score lies between 0 and 100."))
        raise Invalid(_("Reload the page and take the step again."))
    return form


@require_POST
@login_required
def assessment_compute(request: HttpRequest, pk: int) -> HttpResponse:
    assessment = _get_assessment(request, pk)
    form = _posted(forms.StepForm(request.POST, assessment=assessment))
    assessment.compute(request.user, version=form.cleaned_data["version"])
    messages.success(request, _("Computed from the data."))
    return redirect("assessments:detail", pk=pk)


@require_POST
@login_required
def assessment_score(request: HttpRequest, pk: int) -> HttpResponse:
    assessment = _get_assessment(request, pk)
    assessment.check_score(request.user)
    form = _posted(forms.ScoreForm(request.POST, assessment=assessment))
    data = form.cleaned_data
    assessment.score(request.user, form.scores(), data["comment"], version=data["version"])
    messages.success(request, _("Scores saved."))
    return redirect("assessments:detail", pk=pk)


@require_POST
@login_required
def assessment_veto(request: HttpRequest, pk: int) -> HttpResponse:
    assessment = _get_assessment(request, pk)
    assessment.check_veto(request.user)
    data = _posted(forms.ReasonForm(request.POST, assessment=assessment)).cleaned_data
    assessment.veto(request.user, data["reason"], version=data["version"])
    messages.success(request, _("One-vote veto applied."))
    return redirect("assessments:detail", pk=pk)


@require_POST
@login_required
def assessment_lift_veto(request: HttpRequest, pk: int) -> HttpResponse:
    assessment = _get_assessment(request, pk)
    assessment.check_lift_veto(request.user)
    data = _posted(forms.ReasonForm(request.POST, assessment=assessment)).cleaned_data
    assessment.lift_veto(request.user, data["reason"], version=data["version"])
    messages.success(request, _("Veto lifted."))
    return redirect("assessments:detail", pk=pk)
