"""The school's safety file (一校一档) as sections of rows, read once for the page and the PDF.

Every section starts from its model's `for_user(user)` (the same rule as the model's own
pages, the API and the exports), narrowed to the school: a user sees in the file exactly what
it sees elsewhere, and a section it may not read is empty.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from typing import Any

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from xiaoan.accounts.access import membership_of
from xiaoan.accounts.choices import Role
from xiaoan.accounts.models import Membership
from xiaoan.assessments.models import Assessment
from xiaoan.core.changelog import described_history
from xiaoan.hazards.models import Hazard
from xiaoan.inspections.models import Inspection
from xiaoan.registers.models import Drill, Incident, Patrol, ResponsibilityLetter, SchoolPaper
from xiaoan.registers.models.papers import validity_label
from xiaoan.reports.models import MonthlyReport

# The latest rows of the long registers (patrols are many a day); the full lists are a link away.
LATEST = 50


@dataclass
class Section:
    key: str
    title: str
    headers: list[str]
    rows: list[list[str]] = field(default_factory=list)
    links: list[str] = field(default_factory=list)
    # The state of each row, for the page's colours (a paper's validity).
    states: list[str] = field(default_factory=list)
    note: str = ""

    def lines(self) -> list[tuple[list[str], str, str]]:
        """Each row with its link and state, for the page."""
        count = len(self.rows)
        links = self.links + [""] * (count - len(self.links))
        states = self.states + [""] * (count - len(self.states))
        return list(zip(self.rows, links, states, strict=True))


def _d(day: datetime.date | None) -> str:
    return day.isoformat() if day else ""


def _dt(moment: datetime.datetime | None) -> str:
    return timezone.localtime(moment).strftime("%Y-%m-%d %H:%M") if moment else ""


def registry(school: Any) -> Section:
    yes = {True: _("Yes"), False: _("No")}
    rows = [
        [_("Code"), school.code],
        [_("Name"), school.name],
        [_("Kind"), school.get_kind_display()],
        [_("Address"), school.address],
        [_("Principal"), school.principal],
        [_("Phone"), school.phone],
        [_("Enrolment"), str(school.enrolment)],
        [_("Boarding"), yes[bool(school.boarding)]],
        [_("Canteen"), yes[bool(school.canteen)]],
        [_("Private"), yes[bool(school.private)]],
        [_("On the registry since"), _d(school.opened_on)],
    ]
    return Section(
        "registry",
        _("Registry data"),
        [pgettext("registry data", "Item"), pgettext("registry data", "Value")],
        rows,
    )


def registry_history(school: Any, user: Any) -> Section:
    section = Section("history", _("Registry changes"), [_("When"), _("Who"), _("Changes")])
    membership = membership_of(user)
    if membership is not None and membership.is_school_user:
        # As on the school's page: the registry's change log is the district's.
        return section
    for item in described_history(school, LATEST):
        entry = item["entry"]
        who = entry.user.get_full_name() or entry.user.username if entry.user else _("system")
        changes = "；".join(
            f"{label}：{old or '—'} → {new or '—'}" for label, old, new in item["changes"]
        )
        section.rows.append([_dt(entry.created_at), who, changes or entry.get_action_display()])
    return section


def people(school: Any, user: Any) -> Section:
    section = Section(
        "people", _("Responsible people and letters"), [_("Role"), _("Name"), _("Detail")]
    )
    section.rows.append([_("Principal"), school.principal, school.phone])
    admins = Membership.objects.filter(
        school=school, role=Role.SCHOOL_ADMIN, is_active=True
    ).select_related("user")
    for m in admins:
        section.rows.append(
            [_("Safety administrator"), m.user.get_full_name() or m.user.username, m.phone]
        )
    letters = ResponsibilityLetter.objects.for_user(user).filter(school=school)
    for letter in letters.order_by("-year", "level", "signatory"):
        signed = _d(letter.signed_on) or _("Not signed")
        detail = f"{letter.year} · {letter.get_level_display()} · {letter.issuer} · {signed}"
        section.rows.append([_("Responsibility letter"), letter.signatory, detail])
    return section


def papers(school: Any, user: Any, today: datetime.date) -> Section:
    section = Section(
        "papers",
        _("Licences and certificates"),
        [
            _("Kind of paper"),
            _("Number"),
            _("Holder"),
            _("Issued by"),
            _("Issued on"),
            _("Valid until"),
            _("Validity"),
        ],
    )
    rows = SchoolPaper.objects.for_user(user).filter(school=school).select_related("kind")
    for paper in rows.order_by("kind__pk", "valid_until", "pk"):
        state = paper.validity(today)
        section.rows.append(
            [
                paper.kind.name,
                paper.number,
                paper.holder,
                paper.issuer,
                _d(paper.issued_on),
                _d(paper.valid_until) or _("No end"),
                validity_label(state),
            ]
        )
        section.links.append(reverse("registers:detail", args=["school-papers", paper.pk]))
        section.states.append(state)
    return section


def hazards(school: Any, user: Any) -> Section:
    section = Section(
        "hazards",
        _("Hazards"),
        [
            _("Reference code"),
            _("Area"),
            _("Level"),
            _("Found on"),
            _("Description"),
            _("Status"),
            _("Deadline"),
        ],
    )
    rows = Hazard.objects.for_user(user).filter(school=school).select_related("area")
    for h in rows.order_by("-found_on", "-pk"):
        section.rows.append(
            [
                h.code,
                str(h.area),
                h.get_level_display(),
                _d(h.found_on),
                h.description,
                h.get_status_display(),
                _d(h.deadline),
            ]
        )
        section.links.append(h.get_absolute_url())
    return section


def inspections(school: Any, user: Any) -> Section:
    section = Section(
        "inspections", _("Inspections"), [_("Date"), _("Kind"), _("Status"), _("Inspectors")]
    )
    rows = Inspection.objects.for_user(user).filter(school=school)
    for i in rows.order_by("-date", "-pk")[:LATEST]:
        section.rows.append(
            [_d(i.date), i.get_kind_display(), i.get_status_display(), i.inspector_names]
        )
        section.links.append(i.get_absolute_url())
    return section


def patrols(school: Any, user: Any) -> Section:
    section = Section("patrols", _("Patrols"), [_("Patrolled at"), _("Patrol point"), _("Note")])
    rows = Patrol.objects.for_user(user).filter(school=school).select_related("point")
    for p in rows.order_by("-patrolled_at", "-pk")[:LATEST]:
        section.rows.append([_dt(p.patrolled_at), str(p.point), p.note])
    return section


def drills(school: Any, user: Any) -> Section:
    section = Section(
        "drills", _("Drills"), [_("Date"), _("Scenario"), _("Pupils"), _("Staff"), _("Evaluation")]
    )
    for d in Drill.objects.for_user(user).filter(school=school).order_by("-held_on", "-pk"):
        section.rows.append(
            [_d(d.held_on), d.get_scenario_display(), str(d.pupils), str(d.staff), d.evaluation]
        )
        section.links.append(reverse("registers:detail", args=["drills", d.pk]))
    return section


def incidents(school: Any, user: Any) -> Section:
    section = Section(
        "incidents",
        _("Incidents"),
        [_("Occurred at"), _("Kind"), _("Severity"), _("What happened")],
    )
    for i in Incident.objects.for_user(user).filter(school=school).order_by("-occurred_at"):
        section.rows.append(
            [_dt(i.occurred_at), i.get_kind_display(), i.get_severity_display(), i.description]
        )
        section.links.append(reverse("registers:detail", args=["incidents", i.pk]))
    return section


def monthly(school: Any, user: Any) -> Section:
    section = Section("monthly", _("Monthly reports"), [_("Month"), _("Status"), _("Submitted at")])
    rows = MonthlyReport.objects.for_user(user).filter(school=school)
    for r in rows.order_by("-year", "-month"):
        section.rows.append(
            [f"{r.year}-{r.month:02d}", r.get_status_display(), _dt(r.submitted_at)]
        )
        section.links.append(r.get_absolute_url())
    return section


def assessment(school: Any, user: Any) -> Section:
    section = Section(
        "assessment", _("Annual assessment"), [_("Year"), _("Total score"), _("One-vote veto")]
    )
    for a in Assessment.objects.for_user(user).filter(school=school).order_by("-year"):
        total = "" if a.total is None else str(a.total)
        section.rows.append([str(a.year), total, _("Yes") if a.vetoed else _("No")])
    return section


def school_file(school: Any, user: Any, today: datetime.date) -> list[Section]:
    """The file's sections in their order (the PDF's contents)."""
    return [
        registry(school),
        registry_history(school, user),
        people(school, user),
        papers(school, user, today),
        hazards(school, user),
        inspections(school, user),
        patrols(school, user),
        drills(school, user),
        incidents(school, user),
        monthly(school, user),
        assessment(school, user),
    ]
