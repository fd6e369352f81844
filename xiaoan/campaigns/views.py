"""Campaign pages: list, detail with every school's work-plan status, reminders, the schools'
plans (edit, submit, accept, return) and the attachments.

Views load through `for_user` (404 outside the user's reach) and call the model methods,
which decide what the user's role may do (403) and what the state allows: a refused step comes
back as a message (`core.middleware`), a refused edit as a form error with what was typed kept.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.mixins import LoginRequiredMixin
from django.db import transaction
from django.db.models import Count, Q, QuerySet
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views import generic
from django.views.decorators.http import require_GET, require_POST

from xiaoan.accounts.access import has_role, member, membership_of
from xiaoan.accounts.choices import Role
from xiaoan.core.errors import Invalid, NotAllowed, Refused
from xiaoan.core.excel import build_workbook, workbook_response
from xiaoan.schools.choices import SchoolKind
from xiaoan.schools.models import School

from . import forms
from .choices import WorkPlanStatus
from .filters import PLAN_STATES, district_rows, plan_rows
from .models import CAMPAIGN_MANAGERS, Campaign, WorkPlan


def _campaigns(request: HttpRequest) -> QuerySet[Campaign]:
    return Campaign.objects.for_user(request.user)


def _is_admin(request: HttpRequest) -> bool:
    return has_role(request.user, *CAMPAIGN_MANAGERS)


class CampaignListView(LoginRequiredMixin, generic.ListView):
    template_name = "campaigns/campaign_list.html"
    paginate_by = 50

    def get_queryset(self) -> QuerySet[Campaign]:
        filed = Q(work_plans__status__in=[WorkPlanStatus.SUBMITTED, WorkPlanStatus.ACCEPTED])
        campaigns = _campaigns(self.request).annotate(filed=Count("work_plans", filter=filed))
        campaigns = campaigns.select_related("bureau")
        return campaigns.order_by("-start_date", "-id")

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["can_manage"] = _is_admin(self.request)
        return context


def _campaign_form(request: HttpRequest, campaign: Campaign) -> HttpResponse:
    form = forms.CampaignForm(request.POST or None, request.FILES or None, instance=campaign)
    if request.method == "POST" and form.is_valid() and form.save_or_error():
        messages.success(request, _("Campaign saved."))
        return redirect(form.instance)
    context = {"form": form, "campaign": campaign if campaign.pk else None}
    return render(request, "campaigns/campaign_form.html", context)


@login_required
def campaign_create(request: HttpRequest) -> HttpResponse:
    if not _is_admin(request):
        raise NotAllowed(_("Only the bureau safety section may do this."))
    return _campaign_form(request, Campaign(bureau_id=member(request.user).bureau_id))


@login_required
def campaign_edit(request: HttpRequest, pk: int) -> HttpResponse:
    campaign = get_object_or_404(_campaigns(request), pk=pk)
    campaign.check_edit(request.user)
    return _campaign_form(request, campaign)


@login_required
@require_GET
def campaign_detail(request: HttpRequest, pk: int) -> HttpResponse:
    campaign = get_object_or_404(_campaigns(request), pk=pk)
    membership = membership_of(request.user)
    state, kind = request.GET.get("state", ""), request.GET.get("kind", "")
    rows = plan_rows(campaign, School.objects.for_user(request.user), state, kind)
    all_rows = plan_rows(campaign, School.objects.for_user(request.user))
    districts = district_rows(campaign, request.user) if campaign.is_from_above else []
    adopted = sum(1 for row in districts if row.campaign is not None)
    context = {
        "campaign": campaign,
        "rows": rows,
        "filed": sum(1 for r in all_rows if r.filed),
        "total": len(all_rows),
        "states": PLAN_STATES,
        "kinds": SchoolKind.choices,
        "state": state,
        "kind": kind,
        "actions": campaign.allowed_actions(request.user),
        "is_school": membership is not None and membership.school_id is not None,
        "query": request.GET.urlencode(),
        "events": campaign.events.filter(school=None).select_related("actor")[:10],
        "from_above": campaign.is_from_above,
        "can_collect": has_role(request.user, *Role.regional_admins()),
        "districts": districts,
        # The collected summary lists its districts in full beside it when they are too many.
        "collected_lists": adopted > settings.DOCUMENT_TABLE_ROWS,
    }
    return render(request, "campaigns/campaign_detail.html", context)


@require_POST
@login_required
def campaign_adopt(request: HttpRequest, pk: int) -> HttpResponse:
    """A district's safety section adopts its city's or province's campaign: its own campaign
    opens for editing, to add the district's work plan before starting it."""
    campaign = get_object_or_404(_campaigns(request), pk=pk)
    campaign.refuse_if_not_allowed(request.user, "adopt")
    try:
        adopted = campaign.adopt(request.user)
    except Refused as error:
        messages.error(request, error.message)
        return redirect(campaign)
    messages.success(request, _("Adopted: add the district's work plan, then start it."))
    return redirect("campaigns:edit", adopted.pk)


@login_required
@require_GET
def plans_export(request: HttpRequest, pk: int) -> HttpResponse:
    campaign = get_object_or_404(_campaigns(request), pk=pk)
    rows = plan_rows(
        campaign,
        School.objects.for_user(request.user),
        request.GET.get("state", ""),
        request.GET.get("kind", ""),
    )
    labels = dict(PLAN_STATES)
    headers = [
        _("School code"),
        _("School"),
        _("Kind"),
        _("Work plan"),
        _("Submitted at"),
        _("Reminders sent"),
    ]
    data = [
        [
            r.school.code,
            r.school.name,
            r.school.get_kind_display(),
            str(labels[r.state]),
            r.plan.submitted_at.strftime("%Y-%m-%d") if r.plan and r.plan.submitted_at else "",
            r.reminded,
        ]
        for r in rows
    ]
    title = f"{campaign.name} · {_('Work plans')}"
    return workbook_response(
        build_workbook(title, headers, data, sheet=_("Work plans")), f"{title}.xlsx"
    )


def _use_posted_version(request: HttpRequest, record: Any) -> None:
    """The version of the page the button was pressed on: if the record changed since, the
    step is refused instead of acting on what the user did not see."""
    posted = request.POST.get("version", "")
    if posted.isdigit():
        record.version = int(posted)


def _step(request: HttpRequest, record: Any, run: Any, done: str) -> HttpResponse:
    _use_posted_version(request, record)
    run()
    messages.success(request, done)
    return redirect(record)


@login_required
@require_POST
def campaign_start(request: HttpRequest, pk: int) -> HttpResponse:
    campaign = get_object_or_404(_campaigns(request), pk=pk)
    return _step(request, campaign, lambda: campaign.start(request.user), _("Campaign started."))


@login_required
@require_POST
def campaign_close(request: HttpRequest, pk: int) -> HttpResponse:
    campaign = get_object_or_404(_campaigns(request), pk=pk)
    return _step(request, campaign, lambda: campaign.close(request.user), _("Campaign closed."))


@login_required
@require_POST
def campaign_remind(request: HttpRequest, pk: int) -> HttpResponse:
    campaign = get_object_or_404(_campaigns(request), pk=pk)
    events = campaign.remind_missing(request.user, comment=request.POST.get("comment", ""))
    messages.success(
        request, _("%(n)s schools reminded to file their work plan.") % {"n": len(events)}
    )
    return redirect(campaign)


def attachment_response(field: Any, name: str) -> FileResponse:
    """A stored file as a download under its original name (the API uses it too)."""
    if not field:
        raise Http404
    response = FileResponse(field.open("rb"), content_type="application/octet-stream")
    response["Content-Disposition"] = (
        f"attachment; filename=\"document\"; filename*=UTF-8''{quote(name or 'document')}"
    )
    return response


@login_required
@require_GET
def campaign_file(request: HttpRequest, pk: int, which: str) -> FileResponse:
    campaign = get_object_or_404(_campaigns(request), pk=pk)
    if which == "notice":
        return attachment_response(campaign.notice_file, campaign.notice_file_name)
    if which == "plan":
        return attachment_response(campaign.plan_file, campaign.plan_file_name)
    raise Http404


@login_required
@require_GET
def my_plan(request: HttpRequest, pk: int) -> HttpResponse:
    """A school user's way to its own plan for the campaign (opened as a draft)."""
    campaign = get_object_or_404(_campaigns(request), pk=pk)
    membership = membership_of(request.user)
    if membership is None or membership.school_id is None:
        raise NotAllowed(_("Only a school's users have a work plan."))
    plan = WorkPlan.objects.filter(campaign=campaign, school=membership.school_id).first()
    if plan is None:
        if not has_role(request.user, Role.SCHOOL_ADMIN):
            raise Http404
        plan = campaign.plan_for(membership.school)
    return redirect(plan)


def _get_plan(request: HttpRequest, pk: int) -> WorkPlan:
    qs = WorkPlan.objects.for_user(request.user).with_related()
    return get_object_or_404(qs, pk=pk)


@login_required
@require_GET
def plan_detail(request: HttpRequest, pk: int) -> HttpResponse:
    plan = _get_plan(request, pk)
    context = {
        "plan": plan,
        "sections": plan.sections.select_related("area"),
        "events": plan.events.select_related("actor"),
        "actions": plan.allowed_actions(request.user),
        "review_form": forms.CommentForm(),
    }
    return render(request, "campaigns/plan_detail.html", context)


@login_required
def plan_edit(request: HttpRequest, pk: int) -> HttpResponse:
    plan = _get_plan(request, pk)
    plan.check_school_admin(request.user)
    if not plan.is_editable:
        messages.error(request, _("A filed work plan cannot be changed."))
        return redirect(plan)
    form = forms.WorkPlanForm(request.POST or None, request.FILES or None, plan=plan)
    if request.method == "POST" and form.is_valid():
        submit = "submit" in request.POST
        try:
            with transaction.atomic():
                plan.save_draft(
                    request.user,
                    summary=form.cleaned_data["summary"],
                    sections=form.sections(),
                    document=form.cleaned_data.get("document"),
                )
                if submit:
                    plan.submit(request.user)
        except (Invalid, Refused) as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, _("Work plan submitted.") if submit else _("Draft saved."))
            return redirect(plan)
    return render(request, "campaigns/plan_form.html", {"form": form, "plan": plan})


@login_required
@require_POST
def plan_submit(request: HttpRequest, pk: int) -> HttpResponse:
    plan = _get_plan(request, pk)
    return _step(request, plan, lambda: plan.submit(request.user), _("Work plan submitted."))


@login_required
@require_POST
def plan_accept(request: HttpRequest, pk: int) -> HttpResponse:
    plan = _get_plan(request, pk)
    comment = request.POST.get("comment", "")
    return _step(
        request, plan, lambda: plan.accept(request.user, comment), _("Work plan accepted.")
    )


@login_required
@require_POST
def plan_return(request: HttpRequest, pk: int) -> HttpResponse:
    plan = _get_plan(request, pk)
    comment = request.POST.get("comment", "")
    return _step(
        request,
        plan,
        lambda: plan.return_to_school(request.user, comment),
        _("Work plan returned to the school."),
    )


@login_required
@require_GET
def plan_document(request: HttpRequest, pk: int) -> FileResponse:
    plan = _get_plan(request, pk)
    return attachment_response(plan.document, plan.document_name)
