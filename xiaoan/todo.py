"""What awaits this user now: the to-do list that opens every home page.

One list per role, made of groups ("Hazards to assign", "Hazards to rectify"…); each line
links to the object's page, where the step's button is (the steps the user may take are the
model's `allowed_actions`, and the querysets below select exactly the states in which the
role's step is allowed). Every group is one query for at most `LIMIT` + 1 rows, and one count
when there are more, whatever the size of the district: the home page's query count is fixed.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, Q, QuerySet
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from xiaoan.accounts.access import membership_of
from xiaoan.accounts.choices import Role
from xiaoan.campaigns.choices import CampaignStatus, WorkPlanStatus
from xiaoan.campaigns.models import Campaign, WorkPlan
from xiaoan.core.dates import local_today
from xiaoan.hazards.choices import ExtensionStatus, HazardLevel, HazardStatus
from xiaoan.hazards.models import ExtensionRequest, Hazard
from xiaoan.inspections.models import InspectionSchedule, kinds_for
from xiaoan.registers.models import DutyShift, SchoolPaper
from xiaoan.registers.models.duty import duty_gaps
from xiaoan.registers.reminders import expiring
from xiaoan.reports.choices import MonthlyStatus, OfficialStatus
from xiaoan.reports.models import (
    DocumentReceipt,
    IssuedDocument,
    MonthlyReport,
    OfficialReport,
    due_date_for,
)
from xiaoan.reports.reminders import previous_month
from xiaoan.risks.models import RiskPoint
from xiaoan.schools.models import School

LIMIT = 5
PAPERS_DAYS = 30


@dataclass
class Line:
    text: str
    link: str
    detail: str = ""
    urgent: bool = False


@dataclass
class Group:
    key: str
    title: str
    lines: list[Line] = field(default_factory=list)
    count: int = 0
    more: str = ""  # the full list, when it does not fit


def _group(
    key: str, title: str, rows: QuerySet, line: Callable[[Any], Line], more: str = ""
) -> Group:
    """Up to LIMIT lines of `rows` (one query), and their number (one more if they overflow)."""
    found = list(rows[: LIMIT + 1])
    count = len(found) if len(found) <= LIMIT else rows.count()
    return Group(key, title, [line(r) for r in found[:LIMIT]], count, more if count > LIMIT else "")


def _ledger(**query: Any) -> str:
    from urllib.parse import urlencode

    return f"{reverse('hazards:list')}?{urlencode(query, doseq=True)}"


def _hazard_line(
    hazard: Hazard, detail: str = "", urgent: bool = False, own_school: bool = False
) -> Line:
    """The code, the school (left out on the school's own list) and the description."""
    school = "" if own_school else f" {hazard.school.name}"
    text = f"{hazard.code}{school} · {hazard.description[:30]}"
    return Line(text, hazard.get_absolute_url(), detail, urgent)


def _days_left(hazard: Hazard, today: datetime.date, own_school: bool = False) -> Line:
    if hazard.deadline is None:
        return _hazard_line(hazard, own_school=own_school)
    days = (hazard.deadline - today).days
    if days < 0:
        detail = ngettext("%(n)s day overdue", "%(n)s days overdue", -days) % {"n": -days}
    elif days == 0:
        detail = _("due today")
    else:
        detail = ngettext("%(n)s day left", "%(n)s days left", days) % {"n": days}
    return _hazard_line(hazard, detail, urgent=days < 0, own_school=own_school)


# ---- the groups ----------------------------------------------------------------------------


def to_assign(user: Any) -> Group:
    rows = Hazard.objects.for_user(user).filter(status=HazardStatus.REPORTED)
    rows = rows.select_related("school").order_by("found_on", "id")
    line = lambda h: _hazard_line(h, h.found_on.isoformat())  # noqa: E731
    return _group("assign", _("Hazards to assign"), rows, line, _ledger(status="reported"))


def to_verify(user: Any) -> Group:
    rows = Hazard.objects.for_user(user).filter(status=HazardStatus.AWAITING_VERIFICATION)
    rows = rows.select_related("school").order_by("updated_at", "id")
    more = _ledger(status="awaiting_verification")
    return _group("verify", _("Verifications to decide"), rows, _hazard_line, more)


def extensions(user: Any) -> Group:
    rows = ExtensionRequest.objects.for_user(user).filter(status=ExtensionStatus.PENDING)
    rows = rows.select_related("hazard__school").order_by("created_at", "id")

    def line(request: ExtensionRequest) -> Line:
        detail = _("asks for %(date)s") % {"date": request.requested_deadline.isoformat()}
        return _hazard_line(request.hazard, detail)

    return _group("extensions", _("Extension requests"), rows, line)


def reports_to_review(user: Any) -> Group:
    rows = MonthlyReport.objects.for_user(user).filter(status=MonthlyStatus.SUBMITTED)
    rows = rows.select_related("school").order_by("submitted_at", "id")
    more = f"{reverse('reports:monthly_list')}?status=submitted"
    return _group("monthly", _("Monthly reports to review"), rows, _report_line, more)


def _report_line(report: MonthlyReport) -> Line:
    text = f"{report.school.name} · {report.year}-{report.month:02d}"
    return Line(text, report.get_absolute_url(), report.get_status_display())


def plans_to_review(user: Any) -> Group:
    rows = WorkPlan.objects.for_user(user).filter(status=WorkPlanStatus.SUBMITTED)
    rows = rows.select_related("school", "campaign").order_by("submitted_at", "id")
    return _group("plans", _("Work plans to review"), rows, _plan_line)


def _plan_line(plan: WorkPlan) -> Line:
    return Line(f"{plan.school.name} · {plan.campaign.name}", plan.get_absolute_url())


def overdue_by_school(user: Any, today: datetime.date) -> Group:
    rows = Hazard.objects.for_user(user).overdue(today).values("school_id", "school__name")
    rows = rows.annotate(n=Count("id")).order_by("-n", "school__name")

    def line(row: dict[str, Any]) -> Line:
        detail = ngettext("%(n)s overdue", "%(n)s overdue", row["n"]) % {"n": row["n"]}
        link = _ledger(school=row["school_id"], overdue="true")
        return Line(row["school__name"], link, detail, urgent=True)

    return _group("overdue", _("Overdue hazards by school"), rows, line, _ledger(overdue="true"))


def to_rectify(user: Any, today: datetime.date) -> Group:
    rows = Hazard.objects.for_user(user).filter(status__in=HazardStatus.overdue_states())
    rows = rows.select_related("school").order_by("deadline", "id")
    more = _ledger(status=HazardStatus.overdue_states())
    line = lambda h: _days_left(h, today, own_school=True)  # noqa: E731
    return _group("rectify", _("Hazards to rectify"), rows, line, more)


def risks_to_reassess(user: Any, own_school: bool = False) -> Group:
    """Risk points whose linked hazard recurred: the school re-assesses them."""
    rows = RiskPoint.objects.for_user(user).current().to_reassess()
    rows = rows.select_related("school", "flagged_by").order_by("flagged_at", "id")

    def line(point: RiskPoint) -> Line:
        school = "" if own_school else f"{point.school.name} · "
        code = point.flagged_by.code if point.flagged_by else ""
        detail = _("%(code)s recurred") % {"code": code} if code else ""
        return Line(f"{school}{point.name}", point.get_absolute_url(), detail)

    more = f"{reverse('risks:list')}?needs_reassessment=true"
    return _group("risks", _("Risk points to re-assess"), rows, line, more)


def returned(user: Any) -> Group:
    """Monthly reports and work plans the bureau sent back: two queries."""
    reports = MonthlyReport.objects.for_user(user).filter(status=MonthlyStatus.RETURNED)
    plans = WorkPlan.objects.for_user(user).filter(status=WorkPlanStatus.RETURNED)
    report_of = _("Monthly report of %(year)s-%(month)02d")
    plan_of = _("Work plan for “%(campaign)s”")
    lines = [
        Line(
            report_of % {"year": r.year, "month": r.month},
            r.get_absolute_url(),
            r.review_comment[:40],
            urgent=True,
        )
        for r in reports.order_by("year", "month")[:LIMIT]
    ]
    lines += [
        Line(
            plan_of % {"campaign": p.campaign.name},
            p.get_absolute_url(),
            p.review_comment[:40],
            urgent=True,
        )
        for p in plans.select_related("campaign").order_by("reviewed_at")[:LIMIT]
    ]
    return Group("returned", _("Returned to you"), lines, len(lines))


def due_to_file(user: Any, school: Any, today: datetime.date) -> Group:
    """Last month's report while not yet submitted, and running campaigns' missing work
    plans: two queries."""
    year, month = previous_month(today)
    report = MonthlyReport.objects.filter(school=school, year=year, month=month).first()
    lines = []
    if report is None or report.status == MonthlyStatus.DRAFT:
        due = report.due_date if report else due_date_for(year, month)
        detail = _("due by %(date)s") % {"date": due.isoformat()}
        link = report.get_absolute_url() if report else reverse("reports:monthly_list")
        text = _("Monthly report of %(year)s-%(month)02d") % {"year": year, "month": month}
        lines.append(Line(text, link, detail, urgent=today > due))
    filed = [WorkPlanStatus.SUBMITTED, WorkPlanStatus.ACCEPTED]
    campaigns = (
        Campaign.objects.for_user(user)
        .filter(status=CampaignStatus.RUNNING)
        .exclude(work_plans__school=school, work_plans__status__in=filed)
    )
    for campaign in campaigns.order_by("start_date")[:LIMIT]:
        link = reverse("campaigns:my_plan", args=[campaign.pk])
        lines.append(Line(campaign.name, link, _("work plan not yet filed")))
    return Group("due", _("Reports and plans to file"), lines, len(lines))


def documents_to_sign(user: Any, today: datetime.date) -> Group:
    """Documents the bureau issued to the school that it has not signed for yet."""
    rows = DocumentReceipt.objects.for_user(user).unsigned().select_related("document")
    rows = rows.order_by("document__sign_by", "id")

    def line(receipt: DocumentReceipt) -> Line:
        document = receipt.document
        detail = _("sign by %(date)s") % {"date": document.sign_by.isoformat()}
        return Line(str(document), document.get_absolute_url(), detail, today > document.sign_by)

    more = reverse("reports:document_list")
    return _group("receipts", _("Documents to sign for"), rows, line, more)


def receipts_late(user: Any, today: datetime.date) -> Group:
    """Documents issued whose deadline to sign has passed with schools still not signed."""
    rows = IssuedDocument.objects.for_user(user).filter(
        sign_by__lt=today, receipts__signed_at__isnull=True
    )
    rows = rows.annotate(unsigned=Count("receipts")).order_by("sign_by", "id")

    def line(document: IssuedDocument) -> Line:
        n = document.unsigned  # type: ignore[attr-defined]
        detail = ngettext("%(n)s school not signed", "%(n)s schools not signed", n) % {"n": n}
        return Line(str(document), document.get_absolute_url(), detail, urgent=True)

    more = reverse("reports:document_list")
    return _group("receipts_late", _("Documents not signed for in time"), rows, line, more)


def papers(user: Any, today: datetime.date) -> Group:
    vehicles, drivers = expiring(today, PAPERS_DAYS, user=user)
    link = reverse("registers:papers")
    lines = [
        Line(v.plate, link, _soonest(v.papers_due(today + _days(PAPERS_DAYS)))) for v in vehicles
    ]
    lines += [Line(d.name, link, d.licence_valid_until.isoformat()) for d in drivers]
    return Group(
        "papers",
        _("Papers expiring"),
        lines[:LIMIT],
        len(lines),
        link if len(lines) > LIMIT else "",
    )


def expired_papers(user: Any, today: datetime.date) -> Group:
    """The school's licences and certificates past their validity: one query (and a count)."""
    rows = (
        SchoolPaper.objects.for_user(user)
        .filter(valid_until__lt=today)
        .select_related("kind")
        .order_by("valid_until", "pk")
    )

    def line(paper: SchoolPaper) -> Line:
        label = " ".join(part for part in (paper.kind.name, paper.holder) if part)
        link = reverse("registers:detail", args=["school-papers", paper.pk])
        return Line(label, link, str(paper.valid_until), urgent=True)

    more = reverse("registers:list", args=["school-papers"]) + "?state=expired"
    return _group("expired_papers", _("Licences and certificates expired"), rows, line, more)


def _days(n: int) -> datetime.timedelta:
    return datetime.timedelta(days=n)


def _soonest(due: list[tuple[str, datetime.date]]) -> str:
    return min((d for _paper, d in due), default=None).isoformat() if due else ""  # type: ignore[union-attr]


def duty(user: Any, school: Any, today: datetime.date) -> Group:
    """Today's hours with nobody on duty at the school: one query."""
    gaps = duty_gaps(DutyShift.objects.for_user(user).filter(school=school), today)
    link = reverse("registers:list", args=["duty"])
    if school.pk not in gaps:
        lines = [Line(_("Nobody is on the duty roster today"), link, urgent=True)]
    else:
        lines = [
            Line(f"{_local(a):%H:%M}–{_local(b):%H:%M}", link, _("nobody on duty"), True)
            for a, b in gaps[school.pk]
        ]
    return Group("duty", _("Duty gaps today"), lines[:LIMIT], len(lines))


def _local(moment: datetime.datetime) -> datetime.datetime:
    from django.utils import timezone

    return timezone.localtime(moment)


def schedules(user: Any, today: datetime.date) -> Group:
    membership = membership_of(user)
    rows = InspectionSchedule.objects.for_user(user).planned()
    rows = rows.filter(due_date__gte=today, kind__in=kinds_for(user))
    if membership is not None and membership.department_id:
        mine = Q(departments=membership.department_id) | Q(departments__isnull=True)
        rows = rows.filter(mine).distinct()
    rows = rows.order_by("due_date", "id")

    def line(s: InspectionSchedule) -> Line:
        detail = f"{s.start_date.isoformat()} – {s.due_date.isoformat()}"
        return Line(s.title, s.get_absolute_url(), detail)

    return _group("schedules", _("Scheduled inspections"), rows, line)


def supervised(user: Any, today: datetime.date) -> Group:
    rows = Hazard.objects.for_user(user).open().filter(supervised=True)
    rows = rows.select_related("school").order_by("deadline", "id")
    more = _ledger(supervised="true", status=HazardStatus.open_states())
    title = _("Hazards under supervision")
    return _group("supervised", title, rows, lambda h: _days_left(h, today), more)


def to_supervise(user: Any) -> Group:
    rows = Hazard.objects.for_user(user).open().filter(level=HazardLevel.MAJOR, supervised=False)
    rows = rows.select_related("school").order_by("found_on", "id")
    more = _ledger(level="major", supervised="false", status=HazardStatus.open_states())
    return _group("supervise", _("Major hazards not under supervision"), rows, _hazard_line, more)


def reported_by_me(user: Any) -> Group:
    rows = Hazard.objects.for_user(user).open().filter(reported_by=user)
    rows = rows.select_related("school").order_by("-found_on", "-id")
    line = lambda h: _hazard_line(h, h.get_status_display(), own_school=True)  # noqa: E731
    return _group("mine", _("Hazards you reported, still open"), rows, line)


def latest_issued(user: Any) -> Group:
    report = (
        OfficialReport.objects.for_user(user)
        .filter(status=OfficialStatus.ISSUED)
        .order_by("-issued_at", "-id")
        .first()
    )
    lines = []
    if report is not None:
        issued = report.issued_at.date().isoformat() if report.issued_at else ""
        lines.append(Line(report.title, report.get_absolute_url(), issued))
    return Group("issued", _("Latest report issued"), lines, len(lines))


def setting_up(user: Any) -> Group:
    """A district without any school yet: the next steps of its set-up, each with its page
    (README, "Setting up a district"). One query; nothing once a school is on the registry."""
    if School.objects.for_user(user).exists():
        return Group("setup", "", [], 0)
    lines = [
        Line(
            _("Add the bureau's sections and the partner departments"),
            reverse("schools:organisations"),
        ),
        Line(
            _("Import the schools, with their safety administrators' accounts"),
            reverse("schools:import"),
            _("next step"),
            urgent=True,
        ),
        Line(
            _("Import the existing hazard ledger"),
            reverse("hazards:import"),
            _("after the schools"),
        ),
        Line(
            _("Open the accounts of leaders and department inspectors"),
            reverse("accounts:users"),
        ),
    ]
    return Group("setup", _("Set up your district"), lines, len(lines))


# ---- per role ------------------------------------------------------------------------------


def todo_for(user: Any, today: datetime.date | None = None) -> list[Group]:
    """The groups of this user's role, in the order they are shown (empty groups left out)."""
    today = today or local_today()
    membership = membership_of(user)
    role = membership.role if membership is not None else None
    groups: list[Group]
    if role == Role.BUREAU_ADMIN:
        groups = [
            setting_up(user),
            to_assign(user),
            to_verify(user),
            extensions(user),
            reports_to_review(user),
            plans_to_review(user),
            overdue_by_school(user, today),
            receipts_late(user, today),
        ]
    elif role == Role.DEPT_INSPECTOR:
        groups = [schedules(user, today), to_verify(user), to_assign(user), extensions(user)]
    elif role == Role.SCHOOL_ADMIN and membership is not None:
        school = membership.school
        groups = [
            to_rectify(user, today),
            documents_to_sign(user, today),
            returned(user),
            due_to_file(user, school, today),
            papers(user, today),
            expired_papers(user, today),
            duty(user, school, today),
            risks_to_reassess(user, own_school=True),
        ]
    elif role == Role.SCHOOL_STAFF and membership is not None:
        groups = [duty(user, membership.school, today), reported_by_me(user)]
    elif role == Role.BUREAU_LEADER:
        groups = [
            supervised(user, today),
            to_supervise(user),
            overdue_by_school(user, today),
            latest_issued(user),
        ]
    elif role == Role.GOV_VIEWER:
        groups = [supervised(user, today), overdue_by_school(user, today), latest_issued(user)]
    else:
        groups = []
    return [g for g in groups if g.count]
