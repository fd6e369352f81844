"""Ledger pages: list, detail with timeline, report, the workflow actions, files, boards.

Action views load the hazard through `for_user` (404 for another school's), call one model
method and redirect; the model decides whether the step is allowed. A role that may not take
the step gets the 403 page with the reason (`core.middleware.DomainErrorMiddleware`); a step
refused in this state, with incomplete input or on a stale page goes back to the hazard with
the reason as a message.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, cast

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, QuerySet
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse_lazy
from django.utils.translation import gettext as _
from django.views import generic
from django.views.decorators.http import require_POST

from xiaoan.accounts.access import has_role
from xiaoan.accounts.choices import Role
from xiaoan.core import imports, keyset
from xiaoan.core.counting import Total
from xiaoan.core.errors import DomainError, Invalid, NotAllowed, Refused
from xiaoan.core.excel import workbook_response
from xiaoan.core.forms import add_domain_error
from xiaoan.core.idempotency import idempotent
from xiaoan.schools.models import School

from . import counts, forms
from .choices import ExtensionStatus, HazardStatus, PhotoKind
from .exports import ledger_workbook
from .filters import HazardFilter
from .imports import LedgerImporter
from .models import Area, ExtensionRequest, Hazard, HazardPhoto
from .querysets import HazardQuerySet

REPORTER_ROLES = (
    Role.BUREAU_ADMIN,
    Role.BUREAU_LEADER,
    Role.DEPT_INSPECTOR,
    Role.SCHOOL_ADMIN,
    Role.SCHOOL_STAFF,
)


def visible_hazards(request: HttpRequest) -> HazardQuerySet:
    return Hazard.objects.for_user(request.user).with_related()


def filtered_hazards(request: HttpRequest) -> HazardFilter:
    return HazardFilter(request.GET, queryset=visible_hazards(request), request=request)


def _query_without_page(request: HttpRequest) -> str:
    query = request.GET.copy()
    query.pop("page", None)
    query.pop("cursor", None)
    return query.urlencode()


LEDGER_ROWS = 50


def ledger_page(request: HttpRequest, filterset: HazardFilter) -> tuple[keyset.Page, Total]:
    """The ledger's page by keyset (`?cursor=`, the first page without one) and its total;
    a changed link shows the first page with a message. When everything fits on the first
    page its rows are the count. The rows are read with only their keys: those rendered
    before come from the cache (`{% ledger_rows %}`)."""
    hazards = filterset.qs
    page = keyset.page_of(request, cast(HazardQuerySet, hazards).row_keys(), LEDGER_ROWS)
    if page.is_whole_list:
        return page, Total(len(page.rows))
    cleaned = filterset.form.cleaned_data if filterset.is_bound else {}
    return page, counts.ledger_total(request.user, cleaned, hazards)


class HazardListView(LoginRequiredMixin, generic.ListView):
    """The ledger (隐患台账): filter, sort, page by keyset, export exactly these rows."""

    template_name = "hazards/hazard_list.html"

    def get_queryset(self) -> QuerySet[Hazard]:
        self.filterset = filtered_hazards(self.request)
        return self.filterset.qs

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        page, total = ledger_page(self.request, self.filterset)
        context = super().get_context_data(object_list=page.rows, **kwargs)
        context["page"] = page
        context["total"] = total
        context["filter"] = self.filterset
        context["query"] = _query_without_page(self.request)
        context["can_report"] = has_role(self.request.user, *REPORTER_ROLES)
        context["can_import"] = has_role(self.request.user, *LedgerImporter.roles)
        return context


@login_required
def hazard_export(request: HttpRequest) -> HttpResponse:
    hazards = filtered_hazards(request).qs
    return workbook_response(ledger_workbook(hazards), _("Hazard ledger") + ".xlsx")


def _get_hazard(request: HttpRequest, pk: int) -> Hazard:
    return get_object_or_404(visible_hazards(request), pk=pk)


class HazardDetailView(LoginRequiredMixin, generic.DetailView):
    template_name = "hazards/hazard_detail.html"
    context_object_name = "hazard"

    def get_queryset(self) -> QuerySet[Hazard]:
        return visible_hazards(self.request)

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context.update(detail_context(self.request, self.object))
        return context


STEP_FORMS: dict[str, type[Any]] = {
    "assign": forms.AssignForm,
    "start": forms.CommentForm,
    "submit": forms.SubmitForm,
    "verify": forms.VerifyForm,
    "reject": forms.ReasonForm,
    "extend": forms.ExtensionForm,
    "decide_extension": forms.ExtensionDecisionForm,
    "supervise": forms.CommentForm,
    "lift": forms.CommentForm,
    "photo": forms.PhotoForm,
}


def step_form(hazard: Hazard, step: str, *args: Any) -> Any:
    """The form of one step, its ids prefixed by the step (several are on one page)."""
    auto_id = f"id_{step}_%s"
    if step == "submit":
        return forms.SubmitForm.for_hazard(hazard, *args, auto_id=auto_id)
    if step == "photo":
        # Once rectification has begun, a photo added is most likely of the work done.
        initial = {"kind": _photo_kind_now(hazard)}
        return forms.PhotoForm(*args, auto_id=auto_id, initial=initial)
    return STEP_FORMS[step](*args, auto_id=auto_id)


def detail_context(request: HttpRequest, hazard: Hazard, bound: Any = None) -> dict[str, Any]:
    """The detail page's context; `bound` is a step's form that came back with its errors,
    shown in its card with everything that was typed."""
    user = request.user
    actions = set(hazard.allowed_actions(user))
    step_forms = {step: step_form(hazard, step) for step in STEP_FORMS if step in actions}
    if bound is not None:
        step_forms[bound.step] = bound
    return {
        "hazard": hazard,
        "actions": actions,
        "step_forms": step_forms,
        "failed_step": bound.step if bound is not None else "",
        "found_in": found_in_inspection(hazard, user),
        "events": hazard.events.select_related("actor").prefetch_related("photos"),
        "photos": list(hazard.photos.all()),
        # A request left pending when the school submitted is moot until it rectifies again.
        "pending_extension": (
            hazard.pending_extension() if hazard.status in HazardStatus.overdue_states() else None
        ),
        # Only a leader supervises (挂牌督办); the bureau is told whom to ask.
        "supervision_hint": (
            hazard.is_major
            and hazard.is_open
            and not hazard.supervised
            and has_role(user, Role.BUREAU_ADMIN)
        ),
    }


def _photo_kind_now(hazard: Hazard) -> str:
    started = (HazardStatus.RECTIFYING, HazardStatus.AWAITING_VERIFICATION, HazardStatus.CLOSED)
    return PhotoKind.AFTER if hazard.status in started else PhotoKind.BEFORE


def found_in_inspection(hazard: Hazard, user: Any) -> Any:
    """The inspection answer that raised the hazard, if the user may see that inspection."""
    from xiaoan.inspections.models import Inspection, InspectionAnswer

    answer = InspectionAnswer.objects.filter(hazard=hazard).select_related("inspection").first()
    if answer and Inspection.objects.for_user(user).filter(pk=answer.inspection_id).exists():
        return answer
    return None


@login_required
@idempotent
def hazard_report(request: HttpRequest) -> HttpResponse:
    """Report a hazard: quick on a phone, the school fixed for school users, photos at once."""
    if not has_role(request.user, *REPORTER_ROLES):
        raise NotAllowed(_("Your role may not report hazards."))
    form = forms.ReportForm(request.POST or None, request.FILES or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            with transaction.atomic():
                hazard = Hazard.objects.report(
                    school=data["school"],
                    area=data["area"],
                    level=data["level"],
                    description=data["description"],
                    location=data["location"],
                    found_on=data["found_on"],
                    source=data["source"],
                    campaign=data["campaign"],
                    reported_by=request.user,
                    backdated=data.get("backdated", False),
                    risk_point=data.get("risk_point"),
                )
                for photo in data["photos"]:
                    hazard.add_photo(request.user, photo, PhotoKind.BEFORE)
        except DomainError as error:
            form.add_error(_field_of(error, form), error.message)
        else:
            messages.success(
                request, _("Hazard %(code)s is in the ledger.") % {"code": hazard.code}
            )
            return redirect(hazard)
    return render(request, "hazards/hazard_form.html", {"form": form})


@login_required
def hazard_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """Correct the details; a save after someone else's is refused at the form, which keeps
    what was typed (a role that may not edit gets the 403 page from the model's check)."""
    hazard = _get_hazard(request, pk)
    try:
        hazard.check_edit(request.user)
    except Refused as error:
        messages.error(request, error.message)
        return redirect(hazard)
    form = forms.EditForm(
        request.POST or None, instance=Hazard.objects.get(pk=hazard.pk), user=request.user
    )
    if request.method == "POST" and form.is_valid():
        values = {f: form.cleaned_data[f] for f in Hazard.EDITABLE_FIELDS}
        try:
            hazard.edit(request.user, version=form.cleaned_data["version"], **values)
        except DomainError as error:
            form.add_error(_field_of(error, form), error.message)
        else:
            messages.success(request, _("Changes saved."))
            return redirect(hazard)
    return render(request, "hazards/hazard_edit.html", {"form": form, "hazard": hazard})


def _field_of(error: DomainError, form: Any) -> str | None:
    """The form field a domain error is about, if the form has it (else the form's top)."""
    field = getattr(error, "field", None)
    return field if field in form.fields else None


def _step(
    request: HttpRequest,
    pk: int,
    form_class: type[Any],
    run: Callable[[Hazard, dict[str, Any]], Any],
    done: str,
    step: str,
) -> HttpResponse:
    """Validate the step's form, run it on the hazard the user may see, report the outcome.

    Who comes before what: a role that may not take the step is refused (403) before the form
    is read. On any error — the form's, or the model's `Invalid`/`Refused` — the hazard's page
    comes back (400/409) with the step's form as it was typed and the sentence at its field."""
    hazard = _get_hazard(request, pk)
    hazard.refuse_if_not_allowed(request.user, step)
    form = step_form(hazard, step, request.POST, request.FILES)
    form.step = step
    if not form.is_valid():
        return _step_failed(request, hazard, form, 400)
    posted_version = request.POST.get("version", "")
    if posted_version.isdigit():
        # The page the user pressed the button on: if the hazard changed since, refuse.
        hazard.version = int(posted_version)
    try:
        with transaction.atomic():
            run(hazard, form.cleaned_data)
    except (Refused, Invalid) as error:
        add_domain_error(form, error)
        return _step_failed(request, hazard, form, error.status)
    except ValidationError as exc:
        form.add_error("photos" if "photos" in form.fields else None, exc.messages)
        return _step_failed(request, hazard, form, 400)
    messages.success(request, done)
    return redirect(hazard)


def _step_failed(request: HttpRequest, hazard: Hazard, form: Any, status: int) -> HttpResponse:
    fresh = Hazard.objects.for_user(request.user).with_related().get(pk=hazard.pk)
    if form.step not in fresh.allowed_actions(request.user):
        # The step is not on the page in this state (someone moved the hazard on): say why.
        try:
            fresh.action_checks()[form.step](request.user)
        except DomainError as error:
            messages.error(request, error.message)
        return redirect(fresh)
    context = detail_context(request, fresh, bound=form)
    return render(request, "hazards/hazard_detail.html", context, status=status)


def _add_photos(hazard: Hazard, user: Any, photos: list[Any], kind: str) -> None:
    for photo in photos:
        hazard.add_photo(user, photo, kind)


@require_POST
@login_required
def hazard_assign(request: HttpRequest, pk: int) -> HttpResponse:
    def run(h: Hazard, d: dict[str, Any]) -> None:
        h.assign(request.user, **d)

    return _step(request, pk, forms.AssignForm, run, _("Rectification opinion issued."), "assign")


@require_POST
@login_required
def hazard_start(request: HttpRequest, pk: int) -> HttpResponse:
    def run(h: Hazard, d: dict[str, Any]) -> None:
        h.start(request.user, comment=d["comment"])

    return _step(request, pk, forms.CommentForm, run, _("Rectification started."), "start")


@require_POST
@login_required
def hazard_submit(request: HttpRequest, pk: int) -> HttpResponse:
    def run(h: Hazard, d: dict[str, Any]) -> None:
        h.submit(
            request.user,
            measures=d["measures"],
            cost=d["cost"],
            comment=d["comment"],
            photos=d["photos"],
        )

    return _step(request, pk, forms.SubmitForm, run, _("Submitted for verification."), "submit")


@require_POST
@login_required
def hazard_verify(request: HttpRequest, pk: int) -> HttpResponse:
    def run(h: Hazard, d: dict[str, Any]) -> None:
        h.verify(request.user, passed=d["passed"], comment=d["comment"])

    return _step(request, pk, forms.VerifyForm, run, _("Verification recorded."), "verify")


@require_POST
@login_required
def hazard_reject(request: HttpRequest, pk: int) -> HttpResponse:
    def run(h: Hazard, d: dict[str, Any]) -> None:
        h.reject(request.user, reason=d["reason"])

    return _step(request, pk, forms.ReasonForm, run, _("The report was rejected."), "reject")


@require_POST
@login_required
def hazard_extend(request: HttpRequest, pk: int) -> HttpResponse:
    def run(h: Hazard, d: dict[str, Any]) -> None:
        h.request_extension(request.user, new_deadline=d["new_deadline"], reason=d["reason"])

    return _step(request, pk, forms.ExtensionForm, run, _("Extension requested."), "extend")


@require_POST
@login_required
def hazard_decide_extension(request: HttpRequest, pk: int) -> HttpResponse:
    def run(h: Hazard, d: dict[str, Any]) -> None:
        h.decide_extension(request.user, approve=d["approve"], comment=d["comment"])

    return _step(
        request, pk, forms.ExtensionDecisionForm, run, _("Decision recorded."), "decide_extension"
    )


@require_POST
@login_required
def hazard_supervise(request: HttpRequest, pk: int) -> HttpResponse:
    def run(h: Hazard, d: dict[str, Any]) -> None:
        h.supervise(request.user, comment=d["comment"])

    return _step(
        request, pk, forms.CommentForm, run, _("The hazard is under supervision."), "supervise"
    )


@require_POST
@login_required
def hazard_lift(request: HttpRequest, pk: int) -> HttpResponse:
    def run(h: Hazard, d: dict[str, Any]) -> None:
        h.lift_supervision(request.user, comment=d["comment"])

    return _step(request, pk, forms.CommentForm, run, _("Supervision lifted."), "lift")


@require_POST
@login_required
def hazard_add_photos(request: HttpRequest, pk: int) -> HttpResponse:
    def run(h: Hazard, d: dict[str, Any]) -> None:
        _add_photos(h, request.user, d["photos"], d["kind"])

    return _step(request, pk, forms.PhotoForm, run, _("Photos added."), "photo")


def _serve(request: HttpRequest, pk: int, field: str) -> FileResponse:
    photo = get_object_or_404(HazardPhoto.objects.for_user(request.user), pk=pk)
    response = FileResponse(getattr(photo, field).open("rb"), content_type="image/jpeg")
    response["Cache-Control"] = "private, max-age=3600"
    response["X-Content-Type-Options"] = "nosniff"
    return response


@login_required
def photo_image(request: HttpRequest, pk: int) -> FileResponse:
    return _serve(request, pk, "image")


@login_required
def photo_thumbnail(request: HttpRequest, pk: int) -> FileResponse:
    return _serve(request, pk, "thumbnail")


@login_required
def school_ledger(request: HttpRequest, school_pk: int) -> HttpResponse:
    """One school, one file (一校一档): its hazards by status and area, and the full list."""
    school = get_object_or_404(School.objects.for_user(request.user), pk=school_pk)
    hazards = visible_hazards(request).filter(school=school).order_by("-found_on", "-id")
    by_status = dict(hazards.order_by().values_list("status").annotate(n=Count("id")))
    by_area = dict(hazards.order_by().values_list("area").annotate(n=Count("id")))
    context = {
        "school": school,
        "hazards": hazards,
        "status_counts": [(s.label, by_status.get(s.value, 0)) for s in HazardStatus],
        "area_counts": [(a, by_area.get(a.pk, 0)) for a in Area.objects.all()],
        "overdue_count": hazards.overdue().count(),
        "total": sum(by_status.values()),
    }
    return render(request, "hazards/school_ledger.html", context)


BOARD_ROWS = 100
SCHOOLS_BEHIND = 20


@login_required
def board(request: HttpRequest) -> HttpResponse:
    """Overdue and supervised hazards: what the bureau must chase today."""
    hazards = visible_hazards(request)
    overdue = hazards.overdue().order_by("deadline", "id")
    supervised = hazards.open().filter(supervised=True).order_by("deadline", "id")
    # The longest overdue first, and no more than a page of them: the ledger lists them all.
    # Their ids first, from the deadline's partial indexes, then the joins for those rows.
    context = {
        "overdue": keyset.first_rows(overdue, BOARD_ROWS),
        "overdue_count": overdue.count(),
        "supervised": keyset.first_rows(supervised, BOARD_ROWS),
        "supervised_count": supervised.count(),
        "board_rows": BOARD_ROWS,
        # Requests wait on the bureau; without this list it had to open hazards one by one.
        "extensions": (
            ExtensionRequest.objects.filter(status=ExtensionStatus.PENDING, hazard__in=hazards)
            .select_related("hazard__school")
            .order_by("created_at", "id")
        ),
        "schools_behind": hazards.overdue().most_by_school(SCHOOLS_BEHIND),
    }
    return render(request, "hazards/board.html", context)


class AreaListView(LoginRequiredMixin, generic.ListView):
    """The six areas; the bureau safety section may rename, reorder or retire them."""

    template_name = "hazards/area_list.html"
    model = Area

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["can_edit"] = has_role(self.request.user, Role.BUREAU_ADMIN)
        return context


class AreaUpdateView(LoginRequiredMixin, generic.UpdateView):
    template_name = "hazards/area_form.html"
    model = Area
    form_class = forms.AreaForm
    success_url = reverse_lazy("hazards:areas")

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> Any:
        if request.user.is_authenticated and not has_role(request.user, Role.BUREAU_ADMIN):
            raise NotAllowed(_("Only the bureau safety section may change the areas."))
        return super().dispatch(request, *args, **kwargs)

    def form_valid(self, form: Any) -> HttpResponse:
        # A rename saved after someone else's is refused at the form (the change log keeps both).
        if form.save_or_error() is None:
            return self.form_invalid(form)
        messages.success(self.request, _("Changes saved."))
        return redirect(self.success_url)


# ---- importing the ledger ------------------------------------------------------------------


# Upload the bureau's existing ledger (checked whole), its preview (confirm saves it), and
# the template.
ledger_import, ledger_import_preview, ledger_import_template = imports.import_views(
    LedgerImporter, "hazards", "hazards:list"
)
