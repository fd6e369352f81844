"""Pages of the reports app: monthly reports, the compliance board, official documents and the
dashboard. Actions load through for_user and call the model methods, which check who may take
the step now; a refused step comes back as a message (`core.middleware`), a refused edit as a
form error with what was typed kept."""

from __future__ import annotations

import datetime
from collections.abc import Callable
from typing import Any, cast
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.paginator import Paginator
from django.db.models import Count, Q, QuerySet
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views import generic
from django.views.decorators.http import require_GET, require_POST

from xiaoan.accounts.access import has_role, member, membership_of, require_role
from xiaoan.accounts.choices import Role
from xiaoan.campaigns.models import Campaign
from xiaoan.campaigns.views import attachment_response
from xiaoan.core import counting, keyset
from xiaoan.core.counting import Total
from xiaoan.core.dates import local_today
from xiaoan.core.errors import Invalid, Refused
from xiaoan.core.excel import build_workbook, content_disposition, workbook_response
from xiaoan.core.keyset import Page
from xiaoan.schools.models import School

from . import jobs, official, stats
from .choices import Compliance, IssuedKind, OfficialKind, OfficialStatus, ReceiptState
from .exports import CONTENT_TYPES, render_attachment
from .exports import render as render_file
from .filters import MonthlyReportFilter
from .forms import DocumentTextForm, GenerateForm, IssueDocumentForm, MonthForm, NarrativeForm
from .models import DocumentReceipt, IssuedDocument, MonthlyReport, OfficialReport
from .querysets import MonthlyReportQuerySet
from .reminders import monthly_reminders, previous_month

BUREAU_ROLES = (Role.BUREAU_ADMIN, Role.BUREAU_LEADER, Role.GOV_VIEWER)
# The documents: the bureau's, and a city's or a province's (its own, its districts' issued).
DOCUMENT_READERS = (*BUREAU_ROLES, *Role.regional())


def _query_without_page(request: HttpRequest) -> str:
    query = request.GET.copy()
    query.pop("page", None)
    query.pop("cursor", None)
    return query.urlencode()


def filtered_reports(request: HttpRequest) -> MonthlyReportFilter:
    reports = MonthlyReport.objects.for_user(request.user).select_related("school", "submitted_by")
    return MonthlyReportFilter(request.GET, queryset=reports)


MONTHLY_ROWS = 50


def monthly_page(request: HttpRequest, reports: QuerySet[MonthlyReport]) -> tuple[Page, Total]:
    """The list's page by keyset and its total (estimated above `EXACT_UP_TO` on PostgreSQL).
    The page's ids come first, in the month index's order (`monthlyreport_month_idx`), then
    those rows' keys with their schools' (`row_keys`): a province has 100,000 reports to join
    else; the rows are kept rendered (`{% monthly_rows %}`)."""
    keys = cast(MonthlyReportQuerySet, reports).row_keys()
    page = keyset.page_of(request, keys, MONTHLY_ROWS, ids_first=True)
    if page.is_whole_list:
        return page, Total(len(page.rows))
    return page, counting.total(reports)


class MonthlyListView(LoginRequiredMixin, generic.ListView):
    """The monthly reports a user may read, newest month first, by school code within one."""

    template_name = "reports/monthly_list.html"

    def get_queryset(self) -> QuerySet[MonthlyReport]:
        self.filterset = filtered_reports(self.request)
        return self.filterset.qs

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        year, month = previous_month(local_today())
        page, total = monthly_page(self.request, self.filterset.qs)
        return super().get_context_data(
            object_list=page.rows,
            page=page,
            total=total,
            filter=self.filterset,
            query=_query_without_page(self.request),
            month_form=MonthForm(initial={"year": year, "month": month}),
            **kwargs,
        )


@require_GET
@login_required
def monthly_export(request: HttpRequest) -> HttpResponse:
    rows = [
        [
            r.school.name,
            f"{r.year}-{r.month:02d}",
            r.get_status_display(),
            r.figures.get("total", {}).get("found", ""),
            r.figures.get("total", {}).get("closed", ""),
            r.figures.get("total", {}).get("open", ""),
            r.figures.get("total", {}).get("overdue", ""),
            r.submitted_at and timezone.localtime(r.submitted_at).strftime("%Y-%m-%d %H:%M"),
        ]
        for r in filtered_reports(request).qs
    ]
    headers = [
        _("School"),
        _("Month"),
        _("Status"),
        _("Found"),
        _("Rectified"),
        _("Open"),
        _("Overdue"),
        _("Submitted at"),
    ]
    return workbook_response(
        build_workbook(_("Monthly reports"), headers, rows), _("Monthly reports") + ".xlsx"
    )


@require_POST
@login_required
def monthly_start(request: HttpRequest) -> HttpResponse:
    MonthlyReport.check_start(request.user)
    form = MonthForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Give a valid year and month."))
        return redirect("reports:monthly_list")
    try:
        year, month = form.cleaned_data["year"], form.cleaned_data["month"]
        report = MonthlyReport.start(request.user, year, month)
    except Invalid as error:
        messages.error(request, error.message)
        return redirect("reports:monthly_list")
    return redirect(report)


def _monthly(request: HttpRequest, pk: int) -> MonthlyReport:
    reports = MonthlyReport.objects.for_user(request.user).select_related("school")
    return get_object_or_404(reports, pk=pk)


def _monthly_page(
    request: HttpRequest, report: MonthlyReport, form: NarrativeForm | None = None
) -> HttpResponse:
    context = {
        "object": report,
        "actions": report.allowed_actions(request.user),
        "form": form or NarrativeForm(report=report),
        "events": report.events.select_related("actor"),
        "compliance": Compliance(report.compliance(local_today())).label,
    }
    return render(request, "reports/monthly_detail.html", context)


@require_GET
@login_required
def monthly_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _monthly_page(request, _monthly(request, pk))


def _use_posted_version(request: HttpRequest, record: Any) -> None:
    """The version of the page the button was pressed on: if the record changed since, the
    step is refused instead of acting on what the user did not see."""
    posted = request.POST.get("version", "")
    if posted.isdigit():
        record.version = int(posted)


def _narrative_step(
    request: HttpRequest, pk: int, step: Callable[[MonthlyReport, str], Any], done: str
) -> HttpResponse:
    """Save the narrative with a step; a refused one shows the page again with the text typed."""
    report = _monthly(request, pk)
    form = NarrativeForm(request.POST, report=report)
    if form.is_valid():
        try:
            step(report, form.cleaned_data["narrative"])
        except (Invalid, Refused) as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, done)
            return redirect(report)
    return _monthly_page(request, report, form)


@require_POST
@login_required
def monthly_compile(request: HttpRequest, pk: int) -> HttpResponse:
    return _narrative_step(
        request,
        pk,
        lambda r, text: r.compile(request.user, text),
        _("Figures recounted from the ledger."),
    )


@require_POST
@login_required
def monthly_submit(request: HttpRequest, pk: int) -> HttpResponse:
    return _narrative_step(
        request,
        pk,
        lambda r, text: r.submit(request.user, text),
        _("Report submitted to the bureau."),
    )


def _review_step(
    request: HttpRequest, pk: int, step: Callable[[MonthlyReport], Any], done: str
) -> HttpResponse:
    report = _monthly(request, pk)
    _use_posted_version(request, report)
    step(report)
    messages.success(request, done)
    return redirect(report)


@require_POST
@login_required
def monthly_return(request: HttpRequest, pk: int) -> HttpResponse:
    return _review_step(
        request,
        pk,
        lambda r: r.return_for_changes(request.user, request.POST.get("comment", "")),
        _("Report returned to the school."),
    )


@require_POST
@login_required
def monthly_accept(request: HttpRequest, pk: int) -> HttpResponse:
    return _review_step(
        request,
        pk,
        lambda r: r.accept(request.user, request.POST.get("comment", "")),
        _("Report accepted."),
    )


def _board_month(request: HttpRequest, bureau_id: int) -> tuple[int, int]:
    """The month asked for; else last month, unless the reports stopped long before it.

    When no school has reported for two months or more (a district between campaigns, or the
    demo's 2014 data), last month's board would only say that everybody is missing; the board
    then opens on the latest month that has reports.
    """
    form = MonthForm(request.GET or None)
    if form.is_valid():
        return form.cleaned_data["year"], form.cleaned_data["month"]
    year, month = previous_month(local_today())
    latest = (
        MonthlyReport.objects.filter(school__bureau_id=bureau_id)
        .order_by("-year", "-month")
        .values_list("year", "month")
        .first()
    )
    if latest and latest < previous_month(datetime.date(year, month, 1)):
        return latest
    return year, month


COMPLIANCE_ROWS = 100


@require_GET
@login_required
def compliance_board(request: HttpRequest) -> HttpResponse:
    """Every school's standing for a month, counted in SQL; the missing and late first, a
    page of them at a time (a province's district has thousands of schools)."""
    require_role(request.user, *BUREAU_ROLES)
    bureau_id = member(request.user).bureau_id
    year, month = _board_month(request, bureau_id)
    board = official.compliance_board(bureau_id, year, month, local_today())
    if request.GET.get("format") == "xlsx":
        data = [
            [
                s.code,
                s.name,
                s.get_kind_display(),
                str(Compliance(s.compliance).label),
                s.first_submitted
                and timezone.localtime(s.first_submitted).strftime("%Y-%m-%d %H:%M"),
            ]
            for s in board
        ]
        title = _("Monthly report compliance %(year)s-%(month)02d") % {"year": year, "month": month}
        headers = [_("Code"), _("School"), _("Kind"), _("State"), _("First submitted")]
        return workbook_response(build_workbook(title, headers, data), title + ".xlsx")
    counts = official.compliance_counts(bureau_id, year, month, local_today())
    paginator = Paginator(board, COMPLIANCE_ROWS)
    page = paginator.get_page(request.GET.get("page"))
    return render(
        request,
        "reports/compliance.html",
        {
            "rows": [(s, s.compliance, Compliance(s.compliance).label) for s in page],
            "year": year,
            "month": month,
            "counts": counts,
            "states": [(c.value, c.label, counts[c.value]) for c in Compliance],
            "can_remind": member(request.user).role == Role.BUREAU_ADMIN,
            "page_obj": page,
            "paginator": paginator,
            "is_paginated": page.has_other_pages(),
            "query": urlencode({"year": year, "month": month}),
        },
    )


@require_POST
@login_required
def compliance_remind(request: HttpRequest) -> HttpResponse:
    require_role(request.user, Role.BUREAU_ADMIN)
    year, month = int(request.POST["year"]), int(request.POST["month"])
    bureau_id = member(request.user).bureau_id
    board = official.compliance_board(bureau_id, year, month, local_today())
    due = (Compliance.MISSING.value, Compliance.RETURNED.value)
    missing = set(board.filter(compliance__in=due).values_list("pk", flat=True))
    sent = monthly_reminders(local_today(), school_ids=missing, year=year, month=month)
    messages.success(request, _("%(n)s reminders sent.") % {"n": sent})
    return redirect(f"{_url('reports:compliance')}?year={year}&month={month}")


def _url(name: str) -> str:
    from django.urls import reverse

    return reverse(name)


class OfficialListView(LoginRequiredMixin, generic.ListView):
    template_name = "reports/official_list.html"
    paginate_by = 50

    def get_queryset(self) -> QuerySet[OfficialReport]:
        require_role(self.request.user, *DOCUMENT_READERS)
        reports = OfficialReport.objects.for_user(self.request.user)
        return reports.select_related("campaign", "bureau")

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        membership = membership_of(self.request.user)
        bureau_id = membership.bureau_id if membership is not None else None
        return super().get_context_data(
            form=GenerateForm(bureau_id=bureau_id, initial={"year": local_today().year}),
            can_generate=membership is not None and membership.role == Role.BUREAU_ADMIN,
            **kwargs,
        )


@require_POST
@login_required
def official_generate(request: HttpRequest) -> HttpResponse:
    require_role(request.user, Role.BUREAU_ADMIN)
    membership = member(request.user)
    form = GenerateForm(request.POST, bureau_id=membership.bureau_id)
    if not form.is_valid():
        messages.error(
            request,
            " ".join(str(e) for e in form.errors.get("__all__", [])) or _("Check the form."),
        )
        return redirect("reports:official_list")
    data = form.cleaned_data
    if data["kind"] == OfficialKind.QUARTERLY:
        report = official.generate(
            data["kind"],
            membership.bureau,
            year=data["year"],
            quarter=data["quarter"],
            user=request.user,
        )
    else:
        report = official.generate(
            data["kind"], membership.bureau, campaign=data["campaign"], user=request.user
        )
    messages.success(request, _("Draft generated from the ledger; edit it, then issue it."))
    return redirect(report)


def _official(request: HttpRequest, pk: int) -> OfficialReport:
    return get_object_or_404(OfficialReport.objects.for_user(request.user), pk=pk)


def _official_page(
    request: HttpRequest, report: OfficialReport, form: DocumentTextForm | None = None
) -> HttpResponse:
    """A draft opens in the editor beside its preview; an issued document reads as it is."""
    actions = report.allowed_actions(request.user)
    editing = "edit" in actions
    narrative = form.data.get("narrative") if form is not None and form.is_bound else None
    text = report.narrative if narrative is None else narrative
    context = {
        "object": report,
        "actions": actions,
        "form": form or DocumentTextForm(report=report),
        "editor_blocks": official.text_blocks(text) if editing else [],
        "preview": official.preview(report, narrative) if editing else None,
        "blocks": [] if editing else official.page_blocks(report),
        "changed": official.hand_changed_figures(report) if "issue" in actions else [],
        "formats": list(CONTENT_TYPES),
        "attachments": official.attachments(report),
        "can_circulate": report.is_issued and has_role(request.user, Role.BUREAU_ADMIN),
    }
    return render(request, "reports/official_detail.html", context)


def _posted_text(request: HttpRequest) -> Any:
    """The form's data with the narrative put together from the editor's blocks."""
    data = request.POST.copy()
    if "block_kind" in data:
        data["narrative"] = official.narrative_from_blocks(
            data.getlist("block_kind"), data.getlist("block_text")
        )
    return data


@require_GET
@login_required
def official_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _official_page(request, _official(request, pk))


@require_POST
@login_required
def official_edit(request: HttpRequest, pk: int) -> HttpResponse:
    report = _official(request, pk)
    report.check_editor(request.user)
    form = DocumentTextForm(_posted_text(request), report=report)
    if form.is_valid():
        try:
            report.edit(
                request.user,
                title=form.cleaned_data["title"],
                narrative=form.cleaned_data["narrative"],
            )
        except (Invalid, Refused) as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, _("Document saved."))
            return redirect(report)
    return _official_page(request, report, form)


@require_POST
@login_required
def official_preview(request: HttpRequest, pk: int) -> HttpResponse:
    """The preview of the text being edited (not saved), for the page beside the editor."""
    report = _official(request, pk)
    report.check_edit(request.user)
    narrative = _posted_text(request).get("narrative", "")
    return render(
        request,
        "reports/_official_preview.html",
        {"object": report, "preview": official.preview(report, narrative)},
    )


@require_POST
@login_required
def official_issue(request: HttpRequest, pk: int) -> HttpResponse:
    report = _official(request, pk)
    report.check_issue(request.user)
    _use_posted_version(request, report)
    try:
        report.issue(
            request.user, confirm_changed_figures=bool(request.POST.get("figures_checked"))
        )
    except Invalid as error:
        messages.error(request, error.message)
        return redirect(report)
    messages.success(request, _("Document issued."))
    return redirect(report)


@require_GET
@login_required
def official_download(request: HttpRequest, pk: int, fmt: str) -> HttpResponse:
    report = get_object_or_404(OfficialReport.objects.for_user(request.user), pk=pk)
    if fmt not in CONTENT_TYPES:
        return HttpResponse(status=404)
    return jobs.download(
        request,
        schools=School.objects.filter(bureau=report.bureau_id).count(),
        title=report.title,
        fmt=fmt,
        kind="xiaoan.reports.jobs.official_file",
        params={"report": report.pk},
        build=lambda: official.build_document(report),
        fallback="report",
    )


@require_GET
@login_required
def official_list_file(request: HttpRequest, pk: int, number: int) -> HttpResponse:
    """The full list of one of the document's long tables, as .xlsx (its figures are frozen
    with the document: no need for a background job)."""
    report = get_object_or_404(OfficialReport.objects.for_user(request.user), pk=pk)
    attachments = official.attachments(report)
    if not 1 <= number <= len(attachments):
        raise Http404
    attachment = attachments[number - 1]
    response = HttpResponse(render_attachment(attachment), content_type=CONTENT_TYPES["xlsx"])
    response["Content-Disposition"] = content_disposition(attachment.filename, "list")
    return response


@require_GET
@login_required
def dashboard(request: HttpRequest) -> HttpResponse:
    form = stats.StatsFilterForm(request.GET or None, user=request.user)
    return render(
        request,
        "reports/dashboard.html",
        {
            "form": form,
            "data": stats.dashboard(request.user, form),
        },
    )


# ---- documents issued to schools, with receipts (签收) ----------------------------------------

ISSUED_READERS = (Role.BUREAU_ADMIN, Role.BUREAU_LEADER, Role.SCHOOL_ADMIN, Role.SCHOOL_STAFF)


@require_GET
@login_required
def document_list(request: HttpRequest) -> HttpResponse:
    """The bureau: every document issued, with how many schools have signed; a school: the
    documents issued to it, with its receipt."""
    require_role(request.user, *ISSUED_READERS)
    membership = membership_of(request.user)
    context: dict[str, Any] = {"today": local_today()}
    if membership is not None and membership.school_id is not None:
        receipts = DocumentReceipt.objects.for_user(request.user).select_related("document")
        context["receipts"] = list(receipts.order_by("-document__issued_at", "-id")[:200])
    else:
        signed = Count("receipts", filter=Q(receipts__signed_at__isnull=False))
        documents = IssuedDocument.objects.for_user(request.user).annotate(
            total=Count("receipts"), signed=signed
        )
        context["documents"] = list(documents[:200])
        context["can_issue"] = membership is not None and membership.role == Role.BUREAU_ADMIN
    return render(request, "reports/document_list.html", context)


def _issue_initial(request: HttpRequest) -> dict[str, Any]:
    """A document issued from a campaign's or a report's page starts filled in from it."""
    initial: dict[str, Any] = {}
    campaign_id, report_id = request.GET.get("campaign", ""), request.GET.get("report", "")
    if campaign_id.isdigit():
        campaign = get_object_or_404(Campaign.objects.for_user(request.user), pk=campaign_id)
        initial.update(
            kind=IssuedKind.CAMPAIGN_NOTICE,
            title=(campaign.notice_title or campaign.name).strip("《》"),
            body=campaign.description,
            campaign=campaign.pk,
            to_all=True,
        )
    elif report_id.isdigit():
        reports = OfficialReport.objects.for_user(request.user).filter(status=OfficialStatus.ISSUED)
        report = get_object_or_404(reports, pk=report_id)
        initial.update(
            kind=IssuedKind.CIRCULAR,
            title=_("On issuing “%(title)s”") % {"title": report.title},
            official_report=report.pk,
            to_all=True,
        )
    return initial


def _attachment(form: IssueDocumentForm) -> Any:
    """The uploaded file, else the report as Word or the campaign's notice it is issued from."""
    from django.core.files.base import ContentFile

    data = form.cleaned_data
    if data.get("attachment"):
        return data["attachment"]
    source = form.attached_document(data)
    if isinstance(source, OfficialReport):
        content = render_file(official.build_document(source), "docx")
        return ContentFile(content, name=f"{source.title[:150]}.docx")
    if source is not None:
        with source.notice_file.open("rb") as stored:
            name = source.notice_file_name or source.notice_file.name.rsplit("/", 1)[-1]
            return ContentFile(stored.read(), name=name)
    return None


@login_required
def document_issue(request: HttpRequest) -> HttpResponse:
    require_role(request.user, Role.BUREAU_ADMIN)
    if request.method != "POST":
        form = IssueDocumentForm(user=request.user, initial=_issue_initial(request))
        return render(request, "reports/document_form.html", {"form": form})
    form = IssueDocumentForm(request.POST, request.FILES, user=request.user)
    if form.is_valid():
        data = form.cleaned_data
        try:
            document = IssuedDocument.issue(
                request.user,
                schools=form.chosen,
                kind=data["kind"],
                title=data["title"],
                number=data["number"],
                body=data["body"],
                sign_by=data["sign_by"],
                attachment=_attachment(form),
                campaign=data.get("campaign"),
                official_report=data.get("official_report"),
            )
        except Invalid as error:
            form.add_error(error.field if error.field in form.fields else None, error.message)
        else:
            messages.success(
                request,
                _("Issued to %(n)s schools; their safety administrators have been told.")
                % {"n": len(form.chosen)},
            )
            return redirect(document)
    return render(request, "reports/document_form.html", {"form": form}, status=400)


def _document(request: HttpRequest, pk: int) -> IssuedDocument:
    documents = IssuedDocument.objects.for_user(request.user).with_receipts(request.user)
    return get_object_or_404(documents, pk=pk)


@require_GET
@login_required
def document_detail(request: HttpRequest, pk: int) -> HttpResponse:
    document = _document(request, pk)
    document.mark_opened(request.user)
    today = local_today()
    actions = document.allowed_actions(request.user)
    receipt = document.receipt_for(request.user)
    context: dict[str, Any] = {
        "object": document,
        "actions": actions,
        "receipt": receipt,
        "receipt_state": receipt.state_on(today) if receipt else "",
        "today": today,
    }
    if "follow" in actions:
        rows = document.receipt_rows(today)
        context["rows"] = rows
        context["counts"] = {
            state: sum(1 for r in rows if r.state == state) for state in ReceiptState.values
        }
        context["signed"] = sum(1 for r in rows if r.signed_at is not None)
    return render(request, "reports/document_detail.html", context)


@require_POST
@login_required
def document_sign(request: HttpRequest, pk: int) -> HttpResponse:
    document = _document(request, pk)
    document.sign(request.user)
    messages.success(request, _("Signed for. The bureau sees your school's receipt."))
    return redirect(document)


@require_GET
@login_required
def document_export(request: HttpRequest, pk: int) -> HttpResponse:
    document = _document(request, pk)
    document.check_follow(request.user)
    from .exports.receipts import receipts_workbook

    name = _("Receipts of “%(document)s”") % {"document": document.title}
    return workbook_response(receipts_workbook(document, local_today()), f"{name}.xlsx")


@require_GET
@login_required
def document_file(request: HttpRequest, pk: int) -> FileResponse:
    document = _document(request, pk)
    document.mark_opened(request.user)
    return attachment_response(document.attachment, document.attachment_name)
