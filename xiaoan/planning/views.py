"""The bureau's planning page (schools in score order, a round made from the ones ticked), one
school's score explained, and the scores per district for the levels above.

The bureau's safety section and its leaders plan; a city or a province reads its districts'
scores (and a school's explanation), never a district's schedules; a school sees none of it.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from xiaoan.accounts.access import has_role, is_regional, require_role
from xiaoan.accounts.choices import Role
from xiaoan.core.errors import NotAllowed
from xiaoan.schools.models import School

from . import exports
from .forms import DayForm, ScheduleFromScoresForm
from .scores import by_district, score_schools
from .terms import TERMS

PLANNERS = (Role.BUREAU_ADMIN, Role.BUREAU_LEADER)
# The schools the page proposes for the next round (ticked when it opens).
PROPOSED = 10


def _day(request: HttpRequest) -> Any:
    return DayForm(request.GET).day_or_today()


def _planning_page(request: HttpRequest, form: ScheduleFromScoresForm) -> HttpResponse:
    day = _day(request)
    scores = score_schools(School.objects.for_user(request.user), day)
    if form.is_bound:
        chosen = {str(pk) for pk in (form["schools"].value() or [])}
    else:
        chosen = {str(row.school.pk) for row in scores[:PROPOSED] if row.score > 0}
    context = {
        "day": day,
        "scores": scores,
        "chosen": chosen,
        "form": form,
        "terms": TERMS,
        "may_plan": has_role(request.user, Role.BUREAU_ADMIN),
    }
    return render(request, "planning/index.html", context)


@require_GET
@login_required
def index(request: HttpRequest) -> HttpResponse:
    """The district's schools, highest score first, each with its reason."""
    require_role(request.user, *PLANNERS)
    if request.GET.get("format") == "xlsx":
        day = _day(request)
        scores = score_schools(School.objects.for_user(request.user), day)
        return exports.ranking_response(scores, day)
    return _planning_page(request, ScheduleFromScoresForm(user=request.user))


@require_POST
@login_required
def schedule(request: HttpRequest) -> HttpResponse:
    """A round of inspections of the ticked schools, in one step (the schedule's own `plan`)."""
    if not has_role(request.user, Role.BUREAU_ADMIN):
        raise NotAllowed(_("Only the bureau safety section may plan inspections."))
    form = ScheduleFromScoresForm(request.POST, user=request.user)
    if not form.is_valid():
        return _planning_page(request, form)
    scores = score_schools(
        School.objects.filter(pk__in=form.cleaned_data["schools"]), _day(request)
    )
    planned = form.plan(request.user, {row.school.pk: row for row in scores})
    messages.success(request, _("Inspection schedule “%(title)s” planned.") % {"title": planned})
    return redirect(planned)


@require_GET
@login_required
def school(request: HttpRequest, pk: int) -> HttpResponse:
    """One school's score, term by term, with its rank in its district."""
    chosen = get_object_or_404(School.objects.for_user(request.user), pk=pk)
    require_role(request.user, *PLANNERS, *Role.regional())
    day = _day(request)
    district = School.objects.for_user(request.user).filter(bureau=chosen.bureau_id)
    scores = score_schools(district, day)
    row = next((s for s in scores if s.school.pk == chosen.pk), None)
    context = {
        "day": day,
        "school": chosen,
        "row": row,
        "of": len(scores),
        "is_regional": is_regional(request.user),
    }
    return render(request, "planning/school.html", context)


@require_GET
@login_required
def districts(request: HttpRequest) -> HttpResponse:
    """A city's or a province's districts by their schools' scores, the highest mean first."""
    require_role(request.user, *Role.regional())
    day = _day(request)
    rows = by_district(score_schools(School.objects.for_user(request.user), day))
    if request.GET.get("format") == "xlsx":
        return exports.districts_response(rows, day)
    return render(request, "planning/districts.html", {"day": day, "rows": rows, "terms": TERMS})
