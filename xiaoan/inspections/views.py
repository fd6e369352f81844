"""Inspection pages: list and export, start, fill in item by item, submit, print, Word, photos,
the school's history, checklists and schedules with coverage.

Every view starts from `for_user` (another school's inspection answers 404) and lets the model
methods decide whether a change is allowed: the pages show exactly the steps of
`allowed_actions(user)`; a step refused for the role answers the 403 page with the reason
(`core.middleware.DomainErrorMiddleware`), one refused in this state or on a stale page a
message (at the form, keeping what was typed, where there is one).
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import ValidationError
from django.db.models import Count, Q, QuerySet
from django.forms.models import model_to_dict
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views import generic
from django.views.decorators.http import require_GET, require_POST

from xiaoan.accounts.access import has_role
from xiaoan.accounts.choices import Role
from xiaoan.core.errors import DomainError, Invalid, NotAllowed, Refused
from xiaoan.core.excel import workbook_response
from xiaoan.core.idempotency import idempotent
from xiaoan.hazards.choices import HazardLevel
from xiaoan.hazards.models import Hazard
from xiaoan.schools.models import School

from . import forms
from .exports import DOCX_CONTENT_TYPE, coverage_workbook, inspections_workbook, record_docx
from .filters import InspectionFilter
from .models import (
    ChecklistTemplate,
    Inspection,
    InspectionAnswer,
    InspectionSchedule,
    kinds_for,
)


def visible(request: HttpRequest) -> Any:
    """The inspections the user may see (an InspectionQuerySet)."""
    return Inspection.objects.for_user(request.user)


def _list_queryset(request: HttpRequest) -> QuerySet[Inspection]:
    return (
        visible(request)
        .with_related()
        .annotate(failed=Count("answers", filter=Q(answers__result="fail"), distinct=True))
        # Meta.ordering does not apply to aggregated queries: say it again.
        .order_by("-date", "-id")
    )


def _query_without_page(request: HttpRequest) -> str:
    query = request.GET.copy()
    query.pop("page", None)
    return query.urlencode()


class InspectionListView(LoginRequiredMixin, generic.ListView):
    template_name = "inspections/inspection_list.html"
    paginate_by = 50

    def get_queryset(self) -> QuerySet[Inspection]:
        self.filterset = InspectionFilter(
            self.request.GET, queryset=_list_queryset(self.request), request=self.request
        )
        return self.filterset.qs

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["filter"] = self.filterset
        context["query"] = _query_without_page(self.request)
        context["can_record"] = bool(kinds_for(self.request.user))
        context["is_district"] = has_role(self.request.user, *Role.district_wide())
        return context


@login_required
@require_GET
def inspection_export(request: HttpRequest) -> HttpResponse:
    qs = InspectionFilter(request.GET, queryset=visible(request).with_related(), request=request).qs
    return workbook_response(inspections_workbook(qs), _("Inspections") + ".xlsx")


@login_required
def inspection_start(request: HttpRequest) -> HttpResponse:
    if not kinds_for(request.user):
        raise NotAllowed(_("Your role may not record inspections."))
    # A link from a schedule's coverage ("still due") fills in the round, its kind and school.
    initial = {k: v for k, v in request.GET.items() if k in ("kind", "schedule", "school")}
    form = forms.StartForm(request.POST or None, user=request.user, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            inspection = Inspection.objects.start(
                request.user,
                school=data["school"],
                kind=data["kind"],
                date=data["date"],
                areas=data["areas"],
                campaign=data["campaign"],
                schedule=data.get("schedule"),
                departments=data.get("departments") or [],
                sections=data.get("sections") or [],
                inspectors=data.get("inspectors") or [],
                inspector_names=data["inspector_names"],
            )
        except DomainError as error:
            form.add_error(None, error.message)
        else:
            return redirect(inspection)
    return render(request, "inspections/inspection_start.html", {"form": form})


def _answers(inspection: Inspection) -> QuerySet[InspectionAnswer]:
    return inspection.answers.select_related("area", "hazard").order_by("order")


def _get(request: HttpRequest, pk: int) -> Inspection:
    qs = visible(request).select_related("school", "campaign", "created_by")
    return get_object_or_404(qs, pk=pk)


@login_required
def inspection_detail(request: HttpRequest, pk: int) -> HttpResponse:
    inspection = _get(request, pk)
    answers = list(_answers(inspection))
    visible_hazards = set(
        Hazard.objects.for_user(request.user)
        .filter(pk__in=[a.hazard_id for a in answers if a.hazard_id])
        .values_list("pk", flat=True)
    )
    context = {
        "inspection": inspection,
        "answers": answers,
        "visible_hazards": visible_hazards,
        "actions": set(inspection.allowed_actions(request.user)),
        "counts": inspection.counts(),
        "missing": inspection.missing_answers(answers),
        "levels": HazardLevel.choices,
        "risk_points": _risk_points(request, inspection),
        "submit_form": forms.SubmitForm(
            initial={
                "notes": inspection.notes,
                "signed_by": getattr(request.user, "get_full_name", str)() or request.user.username,
            }
        ),
    }
    return render(request, "inspections/inspection_detail.html", context)


def _risk_points(request: HttpRequest, inspection: Inspection) -> list[Any]:
    """The points of the school's risk register a failed item's hazard may be linked to."""
    field = forms.RaiseHazardForm(user=request.user, school=inspection.school).fields["risk_point"]
    return list(field.queryset)  # type: ignore[attr-defined]


def _get_answer(request: HttpRequest, pk: int, answer_pk: int) -> tuple[Inspection, Any]:
    inspection = _get(request, pk)
    answer = get_object_or_404(_answers(inspection), pk=answer_pk)
    return inspection, answer


def _answer_card(
    request: HttpRequest, inspection: Inspection, answer: Any, *, status: int = 200, **extra: Any
) -> HttpResponse:
    """One item's card, with the figures and the list of what is missing swapped out of band
    (they change with every answer)."""
    hazard_ok = answer.hazard_id and Hazard.objects.for_user(request.user).filter(
        pk=answer.hazard_id
    )
    context = {
        "inspection": inspection,
        "answer": answer,
        "actions": set(inspection.allowed_actions(request.user)),
        "visible_hazards": {answer.hazard_id} if hazard_ok else set(),
        "levels": HazardLevel.choices,
        "risk_points": _risk_points(request, inspection),
        "counts_oob": inspection.counts(),
        "missing_oob": inspection.missing_answers(),
        **extra,
    }
    return render(request, "inspections/_answer.html", context, status=status)


@login_required
@require_POST
@idempotent
def answer_item(request: HttpRequest, pk: int, answer_pk: int) -> HttpResponse:
    """Save one item's answer as it is tapped. The field script (and htmx) gets the item's card
    back — 409 with the reason and what was typed when someone saved the item since, 400 when
    the input is wrong; a plain post goes back to the page."""
    inspection, answer = _get_answer(request, pk, answer_pk)
    form = forms.AnswerForm(request.POST, request.FILES)
    error, status = "", 200
    if form.is_valid():
        try:
            inspection.answer(request.user, answer, **form.cleaned_data)
        except (Refused, Invalid) as refusal:
            error, status = refusal.message, refusal.status
            # The card shows what is saved now (and its version), with what was typed.
            answer = _answers(inspection).get(pk=answer.pk)
        except ValidationError as exc:
            error, status = " ".join(exc.messages), 400
    else:
        error, status = _("Choose pass, fail or not applicable."), 400
    if request.headers.get("HX-Request"):
        # A refused answer keeps what was chosen and typed, so only the photo is to redo.
        posted = {"result": request.POST.get("result", ""), "note": request.POST.get("note", "")}
        extra = {"posted": posted, "error": error} if error else {"saved": True}
        return _answer_card(request, inspection, answer, status=status, **extra)
    if error:
        messages.error(request, error)
    return redirect(f"{inspection.get_absolute_url()}#answer-{answer.pk}")


@login_required
@idempotent
def raise_hazard(request: HttpRequest, pk: int, answer_pk: int) -> HttpResponse:
    """One step from a failed item to a hazard: the form comes prefilled from the item (its
    own page, or inside the item's card, where the field script gets the card back)."""
    inspection, answer = _get_answer(request, pk, answer_pk)
    try:
        inspection.check_fill(request.user)
    except Refused as refusal:
        messages.error(request, refusal.message)
        return redirect(inspection)
    initial = {
        "description": answer.note or answer.item_text,
        "level": answer.default_level,
    }
    form = forms.RaiseHazardForm(
        request.POST or None, initial=initial, user=request.user, school=inspection.school
    )
    in_card = bool(request.headers.get("HX-Request"))
    if request.method == "POST" and form.is_valid():
        try:
            hazard = inspection.raise_hazard(request.user, answer, **form.cleaned_data)
        except DomainError as error:
            if in_card:
                answer = _answers(inspection).get(pk=answer.pk)
                return _answer_card(
                    request, inspection, answer, status=error.status, error=error.message
                )
            form.add_error(None, error.message)
        else:
            if in_card:
                answer = _answers(inspection).get(pk=answer.pk)
                return _answer_card(request, inspection, answer, saved=True)
            messages.success(request, _("Hazard %(code)s recorded.") % {"code": hazard.code})
            return redirect(f"{inspection.get_absolute_url()}#answer-{answer.pk}")
    elif in_card and request.method == "POST":
        errors = "; ".join(str(m) for field in form.errors.values() for m in field)
        return _answer_card(request, inspection, answer, status=400, error=errors)
    context = {"inspection": inspection, "answer": answer, "form": form}
    return render(request, "inspections/raise_hazard.html", context)


@login_required
@require_POST
def inspection_submit(request: HttpRequest, pk: int) -> HttpResponse:
    inspection = _get(request, pk)
    form = forms.SubmitForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Sign the record with your name."))
        return redirect(f"{inspection.get_absolute_url()}#submit-card")
    try:
        inspection.submit(
            request.user, signed_by=form.cleaned_data["signed_by"], notes=form.cleaned_data["notes"]
        )
    except (Refused, Invalid) as refusal:
        # What is missing is listed above the button, each item a link to its card.
        messages.error(request, refusal.message)
        return redirect(f"{inspection.get_absolute_url()}#submit-card")
    messages.success(request, _("Inspection submitted and locked."))
    return redirect(inspection)


@login_required
@require_GET
def answer_photo(request: HttpRequest, pk: int, answer_pk: int) -> FileResponse:
    _inspection, answer = _get_answer(request, pk, answer_pk)
    if not answer.photo:
        raise Http404
    return FileResponse(answer.photo.open("rb"), content_type="image/jpeg")


@login_required
@require_GET
def inspection_print(request: HttpRequest, pk: int) -> HttpResponse:
    inspection = _get(request, pk)
    context = {"inspection": inspection, "answers": _answers(inspection)}
    return render(request, "inspections/inspection_print.html", context)


@login_required
@require_GET
def inspection_docx(request: HttpRequest, pk: int) -> HttpResponse:
    inspection = _get(request, pk)
    response = HttpResponse(record_docx(inspection), content_type=DOCX_CONTENT_TYPE)
    from urllib.parse import quote

    name = f"{_('Safety inspection record')}-{inspection.school.name}-{inspection.date}.docx"
    response["Content-Disposition"] = (
        f"attachment; filename=\"inspection.docx\"; filename*=UTF-8''{quote(name)}"
    )
    return response


@login_required
@require_GET
def school_history(request: HttpRequest, school_pk: int) -> HttpResponse:
    """The school's inspections, for its file (一校一档); loaded into the school page."""
    school = get_object_or_404(School.objects.for_user(request.user), pk=school_pk)
    inspections = (
        visible(request)
        .filter(school=school)
        .select_related("campaign")
        .annotate(failed=Count("answers", filter=Q(answers__result="fail")))
        .order_by("-date", "-id")[:50]
    )
    context = {"school": school, "inspections": inspections}
    return render(request, "inspections/_school_history.html", context)


@login_required
@require_GET
def checklist_list(request: HttpRequest) -> HttpResponse:
    templates = ChecklistTemplate.objects.filter(is_current=True).select_related("area")
    templates = templates.prefetch_related("items")
    context = {"templates": templates, "can_revise": has_role(request.user, Role.BUREAU_ADMIN)}
    return render(request, "inspections/checklist_list.html", context)


@login_required
def checklist_revise(request: HttpRequest, pk: int) -> HttpResponse:
    """Publish the next version of an area's checklist; recorded inspections keep theirs."""
    if not has_role(request.user, Role.BUREAU_ADMIN):
        raise NotAllowed(_("Only the bureau safety section may edit checklists."))
    template = get_object_or_404(ChecklistTemplate.objects.select_related("area"), pk=pk)
    if not template.is_current:
        raise Http404
    initial = [item.as_dict() for item in template.items.all()]
    formset = forms.ItemFormSet(request.POST or None, initial=initial)
    if request.method == "POST" and formset.is_valid():
        items = [
            {k: v for k, v in f.cleaned_data.items() if k != "DELETE"}
            for f in formset.forms
            if f.cleaned_data.get("text") and not f.cleaned_data.get("DELETE")
        ]
        try:
            new = template.revise(request.user, items)
        except (Refused, Invalid) as refusal:
            messages.error(request, refusal.message)
        else:
            messages.success(
                request, _("Version %(v)s of the checklist is now in use.") % {"v": new.version}
            )
            return redirect("inspections:checklists")
    context = {"template": template, "formset": formset, "next_version": template.version + 1}
    return render(request, "inspections/checklist_revise.html", context)


# ---- schedules --------------------------------------------------------------------------


def _require_district(request: HttpRequest) -> None:
    # The district's roles, and the city and the province above it (they read, never plan).
    if not has_role(request.user, *Role.district_wide(), *Role.regional()):
        raise NotAllowed(_("Inspection schedules are the bureau's plans for the district."))


@login_required
@require_GET
def schedule_list(request: HttpRequest) -> HttpResponse:
    _require_district(request)
    schedules = InspectionSchedule.objects.for_user(request.user).select_related("campaign")
    rows = [(s, s.figures()) for s in schedules.prefetch_related("schools")]
    context = {"rows": rows, "can_plan": has_role(request.user, Role.BUREAU_ADMIN)}
    return render(request, "inspections/schedule_list.html", context)


@login_required
def schedule_create(request: HttpRequest) -> HttpResponse:
    if not has_role(request.user, Role.BUREAU_ADMIN):
        raise NotAllowed(_("Only the bureau safety section may plan inspections."))
    form = forms.ScheduleForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            schedule = InspectionSchedule.objects.plan(request.user, **form.plan_values())
        except DomainError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, _("Schedule saved."))
            return redirect(schedule)
    return render(request, "inspections/schedule_form.html", {"form": form})


@login_required
def schedule_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """Re-plan a round: name, period, kind, schools; what was recorded stays. A save made after
    someone else's is refused at the form, which keeps what was typed."""
    schedule = _get_schedule(request, pk)
    try:
        schedule.check_replan(request.user)
    except Refused as refusal:
        messages.error(request, refusal.message)
        return redirect(schedule)
    initial = model_to_dict(schedule, fields=forms.ScheduleForm.Meta.fields)
    initial["version"] = schedule.version
    form = forms.ScheduleForm(request.POST or None, initial=initial, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            schedule.replan(
                request.user, version=form.cleaned_data["version"], **form.plan_values()
            )
        except DomainError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, _("Schedule saved."))
            return redirect(schedule)
    context = {"form": form, "schedule": schedule}
    return render(request, "inspections/schedule_form.html", context)


def _schedule_step(request: HttpRequest, pk: int, run: Any, done: str) -> HttpResponse:
    """Run a step on the schedule as the page showed it (its posted version); a refusal in
    this state, incomplete input or a stale page goes back to the schedule with the reason."""
    schedule = _get_schedule(request, pk)
    posted_version = request.POST.get("version", "")
    if posted_version.isdigit():
        schedule.version = int(posted_version)
    try:
        run(schedule)
    except (Refused, Invalid) as refusal:
        messages.error(request, refusal.message)
    else:
        messages.success(request, done)
    return redirect(schedule)


@login_required
@require_POST
def schedule_cancel(request: HttpRequest, pk: int) -> HttpResponse:
    def run(schedule: InspectionSchedule) -> None:
        schedule.cancel(request.user, request.POST.get("reason", ""))

    return _schedule_step(request, pk, run, _("Schedule cancelled."))


@login_required
@require_POST
def schedule_reinstate(request: HttpRequest, pk: int) -> HttpResponse:
    def run(schedule: InspectionSchedule) -> None:
        schedule.reinstate(request.user)

    return _schedule_step(request, pk, run, _("Schedule reinstated."))


def _get_schedule(request: HttpRequest, pk: int) -> InspectionSchedule:
    _require_district(request)
    return get_object_or_404(InspectionSchedule.objects.for_user(request.user), pk=pk)


@login_required
@require_GET
def schedule_detail(request: HttpRequest, pk: int) -> HttpResponse:
    schedule = _get_schedule(request, pk)
    rows = schedule.coverage()
    show = request.GET.get("show", "")
    if show == "due":
        rows = [r for r in rows if r.inspection is None]
    elif show == "done":
        rows = [r for r in rows if r.inspection is not None]
    context = {
        "schedule": schedule,
        "rows": rows,
        "figures": schedule.figures(),
        "show": show,
        "actions": set(schedule.allowed_actions(request.user)),
        "cancel_form": forms.CancelScheduleForm(),
        "events": schedule.events.select_related("actor"),
    }
    return render(request, "inspections/schedule_detail.html", context)


@login_required
@require_GET
def schedule_export(request: HttpRequest, pk: int) -> HttpResponse:
    schedule = _get_schedule(request, pk)
    return workbook_response(coverage_workbook(schedule), f"{schedule.title}.xlsx")
