"""The permission matrix: for every URL of the product, who gets which answer.

Read it as a table. `PAGES` has one line per URL name (`hazards:detail`), `API` one line per
operation of the OpenAPI schema (`GET /api/v1/hazards/{id}/`). Each line says which rule
applies (a named set of roles that may) and which object the URL is about (S001's object and
S002's object of the demo district, or the district's one object). From the rule, the object
and the persona, `expect()` derives the answer:

- anonymous: a page redirects to the login page; the API answers 401 or 403;
- an object the persona may not see (another school's, a hazard another department found…):
  404, never 403, so a stranger cannot even learn that it exists;
- an object (or a page) it may see but a step its role may not take: 403;
- a wrong method (GET on a POST-only step): 405;
- otherwise 200 for what is read. Steps a persona may take are not posted (that would change
  the demo data): the model's own tests cover them.

`KNOWN_FAILURES` lists the cells where today's code answers otherwise than the table, each with
its reason; the test expects them to fail (strict), so a fixed cell fails until its line goes.
`docs/permissions.md` is this table in prose; `test_permission_matrix.py` runs it.
"""

from __future__ import annotations

import fnmatch
import io
import re
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from functools import cache, partial
from typing import Any

from django.urls import reverse

from xiaoan.accounts.choices import Role

# ---- personas ---------------------------------------------------------------------------------

S001, S002 = "S001", "S002"


@dataclass(frozen=True)
class Persona:
    name: str  # the demo login
    role: str | None  # None: anonymous
    school: str | None = None  # the school code of a school role
    department: str | None = None  # the department kind of an inspector


PERSONAS = (
    Persona("anonymous", None),
    Persona("bureau", Role.BUREAU_ADMIN),
    Persona("leader", Role.BUREAU_LEADER),
    Persona("gov", Role.GOV_VIEWER),
    Persona("fire", Role.DEPT_INSPECTOR, department="fire"),
    Persona("school001", Role.SCHOOL_ADMIN, school=S001),
    Persona("school002", Role.SCHOOL_ADMIN, school=S002),
    Persona("staff001", Role.SCHOOL_STAFF, school=S001),
    # The city over the demo district: reads every school of it, edits nothing.
    Persona("city", Role.CITY_ADMIN),
)
BY_NAME = {p.name: p for p in PERSONAS}


def school_of_side(persona: Persona, side: str) -> str:
    """ "own" is the persona's school (S001 for district roles), "other" the other one."""
    own = persona.school or S001
    return own if side == "own" else (S002 if own == S001 else S001)


# ---- rules: who may --------------------------------------------------------------------------

ADMIN = Role.BUREAU_ADMIN
LEADER = Role.BUREAU_LEADER
GOV = Role.GOV_VIEWER
INSPECTOR = Role.DEPT_INSPECTOR
SCHOOL_ADMIN = Role.SCHOOL_ADMIN
STAFF = Role.SCHOOL_STAFF
CITY = Role.CITY_ADMIN


@dataclass(frozen=True)
class Rule:
    name: str
    roles: frozenset[str]

    def __repr__(self) -> str:
        return self.name


def rule(name: str, *roles: str) -> Rule:
    return Rule(name, frozenset(roles))


SIGNED_IN = rule("SIGNED_IN", ADMIN, LEADER, GOV, INSPECTOR, SCHOOL_ADMIN, STAFF, CITY)
DISTRICT_READ = SIGNED_IN  # read, each within its reach (a school its own rows)
# The district's own roles, and the city above it (it reads the district's plans).
DISTRICT_ROLES = rule("DISTRICT_ROLES", ADMIN, LEADER, GOV, INSPECTOR, CITY)
BUREAU_READ = rule("BUREAU_READ", ADMIN, LEADER, GOV)  # the bureau's figures and documents
BUREAU_STAFF = rule("BUREAU_STAFF", ADMIN, LEADER)
# Official documents: the bureau's roles, and the city (its districts' issued ones).
DOCUMENT_READ = rule("DOCUMENT_READ", ADMIN, LEADER, GOV, CITY)
# A campaign is started by a bureau's safety section: the district's, or the city's for its
# districts to adopt.
CAMPAIGN_MANAGERS = rule("CAMPAIGN_MANAGERS", ADMIN, CITY)
# The levels above the district: the districts side by side, one district's dashboard, the
# districts' summaries collected.
ABOVE_DISTRICT = rule("ABOVE_DISTRICT", CITY)
BUREAU_ADMIN_ONLY = rule("BUREAU_ADMIN_ONLY", ADMIN)
# The risk scores: the bureau's planners read them, and the levels above (their districts').
SCORE_READERS = rule("SCORE_READERS", ADMIN, LEADER, CITY)
LEADER_ONLY = rule("LEADER_ONLY", LEADER)
REPORTERS = rule("REPORTERS", ADMIN, LEADER, INSPECTOR, SCHOOL_ADMIN, STAFF)  # report a hazard
INSPECTORS = rule("INSPECTORS", ADMIN, LEADER, INSPECTOR, SCHOOL_ADMIN)  # record inspections
# Assign, verify, reject, decide extensions: the bureau, or the department that found it.
MANAGERS = rule("MANAGERS", ADMIN, INSPECTOR)
SCHOOL_ADMIN_ACTION = rule("SCHOOL_ADMIN_ACTION", SCHOOL_ADMIN)
SCHOOL_ACTION = rule("SCHOOL_ACTION", SCHOOL_ADMIN, STAFF)  # the gate, photos of the work
SCHOOL_OR_BUREAU_ADMIN = rule("SCHOOL_OR_BUREAU_ADMIN", SCHOOL_ADMIN, ADMIN)
# Photos of a hazard: those who find hazards and those who rectify them, not the readers.
PHOTOGRAPHERS = rule("PHOTOGRAPHERS", ADMIN, INSPECTOR, SCHOOL_ADMIN, STAFF)
# Accounts: the bureau reads and manages its district's, the leader reads them, a school's
# administrator reads its school's (and manages its staff's, not a peer administrator's).
ACCOUNT_READERS = rule("ACCOUNT_READERS", ADMIN, LEADER, SCHOOL_ADMIN)
ACCOUNT_OPENERS = rule("ACCOUNT_OPENERS", ADMIN, SCHOOL_ADMIN)
# Documents issued to schools: the bureau's staff and the schools they went to, not the
# government or the departments.
ISSUED_READERS = rule("ISSUED_READERS", ADMIN, LEADER, SCHOOL_ADMIN, STAFF)
NOBODY = rule("NOBODY")  # no demo persona (superusers only)


# ---- objects: what a URL is about --------------------------------------------------------------


def _persona_sees_school(persona: Persona, school: str) -> bool:
    return persona.school is None or persona.school == school


@dataclass(frozen=True)
class Kind:
    """A kind of object: how to find S001's and S002's (or the district's one) in the demo data,
    which school it belongs to, and who may see it at all."""

    name: str
    find: Callable[[str | None], Any]  # school code (None for district objects) → instance
    school: Callable[[Any], str | None] = lambda obj: None
    sees: Callable[[Persona, Any], bool] = lambda persona, obj: True
    kwargs: Callable[[Any], dict[str, Any]] = lambda obj: {"pk": obj.pk}
    per_school: bool = True
    marker: Callable[[Any], str | None] = lambda obj: None  # a distinctive text of the object


def _school_code(obj: Any) -> str:
    return str(obj.school.code)


def sees_school_owned(persona: Persona, obj: Any) -> bool:
    return _persona_sees_school(persona, _school_code(obj))


def _found_by(persona: Persona, hazard: Any) -> bool:
    """A department inspector sees the hazards its own department found."""
    if persona.role != INSPECTOR:
        return True
    return hazard.department is not None and hazard.department.kind == persona.department


def sees_hazard(persona: Persona, hazard: Any) -> bool:
    return sees_school_owned(persona, hazard) and _found_by(persona, hazard)


def sees_inspection(persona: Persona, inspection: Any) -> bool:
    """An inspector sees the inspections its department took part in."""
    if persona.role == INSPECTOR and not any(
        d.kind == persona.department for d in inspection.departments.all()
    ):
        return False
    return sees_school_owned(persona, inspection)


def sees_monthly(persona: Persona, report: Any) -> bool:
    """Monthly reports go from the school to the bureau; partner departments have no part."""
    return persona.role != INSPECTOR and sees_school_owned(persona, report)


def sees_personal(persona: Persona, row: Any) -> bool:
    """Visitors, the watch list and children's records: the school's and the bureau safety
    section's only (issue 10, personal data by need to know)."""
    return persona.role in (ADMIN, SCHOOL_ADMIN, STAFF) and sees_school_owned(persona, row)


def sees_children(persona: Persona, row: Any) -> bool:
    return persona.role in (ADMIN, SCHOOL_ADMIN) and sees_school_owned(persona, row)


def sees_official(persona: Persona, report: Any) -> bool:
    """Bureau staff see every document; the government and the city the issued ones."""
    if persona.role in (ADMIN, LEADER):
        return True
    return persona.role in (GOV, CITY) and report.status == "issued"


def sees_issued(persona: Persona, document: Any) -> bool:
    """The bureau's staff see every document issued; a school's users those issued to it."""
    if persona.role in (ADMIN, LEADER):
        return True
    return persona.school is not None and persona.school in _issued_to(document)


def _issued_to(document: Any) -> set[str]:
    return set(document.receipts.values_list("school__code", flat=True))


def sees_account(persona: Persona, membership: Any) -> bool:
    """The bureau and its leader see the district's accounts, a school's administrator its
    own school's; nobody else sees any."""
    if persona.role in (ADMIN, LEADER):
        return True
    return persona.role == SCHOOL_ADMIN and sees_school_owned(persona, membership)


def sees_own_notification(persona: Persona, note: Any) -> bool:
    return bool(note.recipient.username == persona.name)


def _first(queryset: Any) -> Any:
    obj = queryset.order_by("pk").first()
    assert obj is not None, f"the demo district has no {queryset.model.__name__} for the matrix"
    return obj


def _models() -> Any:
    from django.apps import apps

    return apps.get_model


def _hazard(code: str | None) -> Any:
    from xiaoan.hazards.models import Hazard

    hazards = Hazard.objects.filter(school__code=code).exclude(status__in=("closed", "rejected"))
    # S001's is one the fire brigade found, S002's one it did not: the inspector sees one of two.
    if code == S001:
        return _first(hazards.filter(department__kind="fire"))
    return _first(hazards.exclude(department__kind="fire"))


def _inspection(code: str | None) -> Any:
    from xiaoan.inspections.models import Inspection

    inspections = Inspection.objects.filter(school__code=code)
    if code == S001:
        return _first(inspections.filter(departments__kind="fire"))
    return _first(inspections.exclude(departments__kind="fire"))


def _answer(code: str | None) -> Any:
    from xiaoan.inspections.models import InspectionAnswer

    return _first(InspectionAnswer.objects.filter(inspection=_inspection(code)).exclude(photo=""))


def _of_school(label: str) -> Callable[[str | None], Any]:
    def find(code: str | None) -> Any:
        return _first(_models()(label).objects.filter(school__code=code))

    return find


def _district(label: str, **filters: Any) -> Callable[[str | None], Any]:
    return lambda code: _first(_models()(label).objects.filter(**filters))


def _notification(code: str | None) -> Any:
    from xiaoan.notifications.models import Notification

    return _first(Notification.objects.filter(recipient__username=f"school{code[1:]}"))  # type: ignore[index]


def school_kind(
    name: str, find: Callable[[str | None], Any], sees: Any = sees_school_owned
) -> Kind:
    return Kind(name, find, school=_school_code, sees=sees, marker=lambda obj: None)


SCHOOL = Kind(
    "school",
    lambda code: _first(_models()("schools.School").objects.filter(code=code)),
    school=lambda obj: str(obj.code),
    sees=lambda persona, obj: _persona_sees_school(persona, obj.code),
)
SCHOOL_BY_SCHOOL_PK = Kind(
    "school", SCHOOL.find, SCHOOL.school, SCHOOL.sees, kwargs=lambda obj: {"school_pk": obj.pk}
)
HAZARD = Kind("hazard", _hazard, _school_code, sees_hazard, marker=lambda obj: str(obj.code))
HAZARD_PHOTO = Kind(
    "hazard photo",
    lambda code: _first(_models()("hazards.HazardPhoto").objects.filter(hazard__school__code=code)),
    school=lambda obj: _school_code(obj.hazard),
    sees=lambda persona, obj: sees_hazard(persona, obj.hazard),
)
AREA = Kind("area", _district("hazards.Area"), per_school=False)
CAMPAIGN = Kind("campaign", _district("campaigns.Campaign"), per_school=False)
CITY_CAMPAIGN_FILE = Kind(
    "city campaign",
    _district("campaigns.Campaign", bureau__region__level="city"),
    kwargs=lambda obj: {"pk": obj.pk, "fmt": "docx"},
    per_school=False,
)
DISTRICT = Kind("district", _district("schools.Bureau", region__level="district"), per_school=False)
CAMPAIGN_FILE = Kind(
    "campaign", CAMPAIGN.find, kwargs=lambda obj: {"pk": obj.pk, "which": "plan"}, per_school=False
)
WORK_PLAN = school_kind("work plan", _of_school("campaigns.WorkPlan"))
CHECKLIST = Kind("checklist", _district("inspections.ChecklistTemplate"), per_school=False)
SCHEDULE = Kind("schedule", _district("inspections.InspectionSchedule"), per_school=False)
INSPECTION = school_kind("inspection", _inspection, sees_inspection)
ANSWER = Kind(
    "inspection answer",
    _answer,
    school=lambda obj: _school_code(obj.inspection),
    sees=lambda persona, obj: sees_inspection(persona, obj.inspection),
    kwargs=lambda obj: {"pk": obj.inspection_id, "answer_pk": obj.pk},
)
ASSESSMENT = school_kind("assessment", _of_school("assessments.Assessment"))
RISK_POINT = school_kind("risk point", _of_school("risks.RiskPoint"))
VISITOR = Kind(
    "visitor",
    _of_school("registers.Visitor"),
    _school_code,
    sees_personal,
    marker=lambda obj: str(obj.name),
)
SURROUNDINGS = school_kind("surroundings check", _of_school("registers.SurroundingsCheck"))
PATROL_POINT = school_kind("patrol point", _of_school("registers.PatrolPoint"))
PATROL_PHOTO = Kind(
    "patrol photo",
    lambda code: _first(
        _models()("registers.Patrol").objects.filter(school__code=code).exclude(photo="")
    ),
    school=_school_code,
    sees=sees_school_owned,
)
PLAN_FILE = Kind(
    "emergency plan file",
    lambda code: _first(
        _models()("registers.EmergencyPlan")
        .objects.filter(school__code=code)
        .exclude(attachment="")
    ),
    school=_school_code,
    sees=sees_school_owned,
)
DRILL = school_kind(
    "drill with problems",
    lambda code: _first(
        _models()("registers.Drill").objects.filter(school__code=code).exclude(problems="")
    ),
)
DRILL_PHOTO = Kind(
    "drill photo",
    lambda code: _first(_models()("registers.DrillPhoto").objects.filter(drill__school__code=code)),
    school=lambda obj: _school_code(obj.drill),
    sees=lambda persona, obj: sees_school_owned(persona, obj.drill),
)
DRILL_RULE = Kind("drill rule", _district("registers.DrillRule"), per_school=False)
ACCOMPANYING_MEAL = school_kind(
    "accompanying meal with problems",
    lambda code: _first(
        _models()("registers.AccompanyingMeal")
        .objects.filter(school__code=code)
        .exclude(problems="")
    ),
)
CERTIFICATE_FILE = Kind(
    "supplier certificate file",
    lambda code: _first(
        _models()("registers.SupplierCertificate")
        .objects.filter(school__code=code)
        .exclude(attachment="")
    ),
    school=_school_code,
    sees=sees_school_owned,
)
PAPER_FILE = Kind(
    "school paper scan",
    lambda code: _first(
        _models()("registers.SchoolPaper").objects.filter(school__code=code).exclude(attachment="")
    ),
    school=_school_code,
    sees=sees_school_owned,
)
PAPER_KIND = Kind("kind of paper", _district("registers.PaperKind"), per_school=False)
# A meal's time is the bureau's, set per meal (its code is the URL's argument).
MEAL_TIME = Kind(
    "meal time", lambda code: None, kwargs=lambda obj: {"meal": "lunch"}, per_school=False
)
MONTHLY = school_kind("monthly report", _of_school("reports.MonthlyReport"), sees_monthly)
OFFICIAL_ISSUED = Kind(
    "issued official report",
    _district("reports.OfficialReport", status="issued"),
    sees=sees_official,
    per_school=False,
)
OFFICIAL_DRAFT = Kind(
    "draft official report",
    _district("reports.OfficialReport", status="draft"),
    sees=sees_official,
    per_school=False,
)
OFFICIAL_DOWNLOAD = Kind(
    "issued official report",
    OFFICIAL_ISSUED.find,
    sees=sees_official,
    kwargs=lambda obj: {"pk": obj.pk, "fmt": "docx"},
    per_school=False,
)


def sees_official_list(persona: Persona, report: Any) -> bool:
    """The full list of a long table: whoever sees the report, if its tables are long (the
    demo's are not: then it is no page for anyone)."""
    from xiaoan.reports import official

    return bool(official.attachments(report)) and sees_official(persona, report)


OFFICIAL_LIST = Kind(
    "full list of an issued official report's table",
    OFFICIAL_ISSUED.find,
    sees=sees_official_list,
    kwargs=lambda obj: {"pk": obj.pk, "number": 1},
    per_school=False,
)
# A document issued to S001 only and one to S002 only (the matrix's demo adds them).
ISSUED_DOCUMENT = Kind(
    "issued document",
    lambda code: _first(
        _models()("reports.IssuedDocument").objects.filter(title=f"{code}校舍整改通知")
    ),
    school=lambda obj: min(_issued_to(obj)),
    sees=sees_issued,
    marker=lambda obj: str(obj.title),
)
NOTIFICATION = Kind(
    "notification",
    _notification,
    school=lambda obj: str(obj.recipient.membership.school.code),
    sees=sees_own_notification,
)
# A background job of school001's administrator and one of school002's (the matrix's demo).
JOB = Kind(
    "background job",
    lambda code: _first(_models()("core.Job").objects.filter(user__username=f"school{code[1:]}")),
    school=lambda obj: str(obj.user.membership.school.code),
    sees=lambda persona, job: bool(job.user.username == persona.name),
)
# A group robot of the district (the matrix's demo adds one): the bureau safety section's.
WEBHOOK = Kind("group robot", _district("notifications.Webhook"), per_school=False)

# A school's administrator account (school001's, school002's): its peers may read it, never
# manage it (a school's administrator manages its staff's accounts: the accounts tests).
ACCOUNT = Kind(
    "account",
    lambda code: _first(
        _models()("accounts.Membership").objects.filter(school__code=code, role=SCHOOL_ADMIN)
    ),
    school=_school_code,
    sees=sees_account,
)
SECTION = Kind(
    "section", _district("schools.BureauSection", is_safety_section=False), per_school=False
)
DEPARTMENT = Kind("department", _district("schools.Department"), per_school=False)

# The registers: slug → (model, who sees a row).
REGISTER_MODELS: dict[str, tuple[str, Callable[[Persona, Any], bool]]] = {
    "duty": ("registers.DutyShift", sees_school_owned),
    "duty-log": ("registers.DutyLogEntry", sees_school_owned),
    "visitors": ("registers.Visitor", sees_personal),
    "watch-list": ("registers.WatchListEntry", sees_personal),
    "police-rooms": ("registers.PoliceRoom", sees_school_owned),
    "security-staff": ("registers.SecurityStaff", sees_school_owned),
    "equipment": ("registers.Equipment", sees_school_owned),
    "funding": ("registers.DefenceFunding", sees_school_owned),
    "vehicles": ("registers.Vehicle", sees_school_owned),
    "drivers": ("registers.Driver", sees_school_owned),
    "routes": ("registers.Route", sees_school_owned),
    "checks": ("registers.PreDepartureCheck", sees_school_owned),
    "escort-teams": ("registers.EscortTeam", sees_school_owned),
    "escort-shifts": ("registers.EscortShift", sees_school_owned),
    "activities": ("registers.SafetyActivity", sees_school_owned),
    "acknowledgements": ("registers.Acknowledgement", sees_school_owned),
    "special-groups": ("registers.SpecialGroupChild", sees_children),
    "surroundings": ("registers.SurroundingsCheck", sees_school_owned),
    "incidents": ("registers.Incident", sees_school_owned),
    "letters": ("registers.ResponsibilityLetter", sees_school_owned),
    "patrol-points": ("registers.PatrolPoint", sees_school_owned),
    "patrol-routes": ("registers.PatrolRoute", sees_school_owned),
    "patrols": ("registers.Patrol", sees_school_owned),
    "emergency-plans": ("registers.EmergencyPlan", sees_school_owned),
    "drills": ("registers.Drill", sees_school_owned),
    "morning-checks": ("registers.MorningCheck", sees_school_owned),
    "food-samples": ("registers.FoodSample", sees_school_owned),
    "accompanying-meals": ("registers.AccompanyingMeal", sees_school_owned),
    "supplier-certificates": ("registers.SupplierCertificate", sees_school_owned),
    "school-papers": ("registers.SchoolPaper", sees_school_owned),
}
# Registers served at the API's top level (`/api/v1/patrols/`), not under `registers/`.
TOP_LEVEL_REGISTERS = (
    "patrol-points",
    "patrol-routes",
    "patrols",
    "emergency-plans",
    "drills",
    "morning-checks",
    "food-samples",
    "accompanying-meals",
    "supplier-certificates",
)


def register_row(slug: str, *, page: bool = True) -> Kind:
    label, sees = REGISTER_MODELS[slug]
    kwargs = (lambda obj: {"slug": slug, "pk": obj.pk}) if page else (lambda obj: {"pk": obj.pk})
    # People's names are what must not reach those who may not see the row.
    marker = (lambda obj: str(obj.name)) if sees is not sees_school_owned else lambda obj: None
    return Kind(f"{slug} row", _of_school(label), _school_code, sees, kwargs=kwargs, marker=marker)


def register_slug(slug: str) -> Kind:
    """A register page without a row: the slug is its only argument."""
    return Kind(slug, lambda code: None, kwargs=lambda obj: {"slug": slug}, per_school=False)


# ---- the table ---------------------------------------------------------------------------------

VIEW, FORM, ACTION, PUBLIC, ADMIN_SITE = "view", "form", "action", "public", "admin"


@dataclass(frozen=True)
class Entry:
    """One URL: `how` it is used (a page to read, a form, a POST-only step, a public page),
    the `rule` of who may, and the `kind` of object it is about (None: no object)."""

    how: str
    rule: Rule
    kind: Kind | None = None
    variant: str = ""  # for one URL name used with several fixed arguments (register slugs)
    rows: Kind | None = None  # a list's rows: those the persona may not see must not show
    ok: int = 200  # what an allowed GET answers


def view(
    rule: Rule, kind: Kind | None = None, *, rows: Kind | None = None, variant: str = ""
) -> Entry:
    return Entry(VIEW, rule, kind, variant, rows)


def listing(rows: Kind, rule: Rule = SIGNED_IN, variant: str = "") -> Entry:
    """A list (or its export) anyone signed in may open: it shows the rows they may see."""
    return Entry(VIEW, rule, None, variant, rows)


def form(rule: Rule, kind: Kind | None = None, variant: str = "") -> Entry:
    """A GET+POST form: the GET is checked (the POST runs the same access check first)."""
    return Entry(FORM, rule, kind, variant)


def action(rule: Rule, kind: Kind | None = None) -> Entry:
    return Entry(ACTION, rule, kind)


def redirect(rule: Rule, kind: Kind | None = None, variant: str = "") -> Entry:
    """A page that sends an allowed user on to another (302)."""
    return Entry(VIEW, rule, kind, variant, ok=302)


def public(kind: Kind | None = None) -> Entry:
    return Entry(PUBLIC, SIGNED_IN, kind)


def admin() -> Entry:
    """Django's admin: superusers only (none among the personas): its own login page."""
    return Entry(ADMIN_SITE, NOBODY)


# Page URL name → entry (or several, one per fixed argument).
PAGES: dict[str, Entry | tuple[Entry, ...]] = {
    "home": view(SIGNED_IN),
    "set_language": public(),
    "accounts:login": public(),
    "accounts:logout": action(SIGNED_IN),  # everyone may (a POST would end the test's session)
    "accounts:password_change": form(SIGNED_IN),
    "accounts:password_change_done": view(SIGNED_IN),
    "accounts:tokens": view(SIGNED_IN),
    "accounts:token_revoke": action(SIGNED_IN),
    "accounts:two_factor": form(BUREAU_STAFF),
    "accounts:login_code": redirect(SIGNED_IN),  # without a pending login: back to the login
    "schools:list": view(DISTRICT_READ),
    "schools:create": form(BUREAU_ADMIN_ONLY),
    "schools:export": view(DISTRICT_READ),
    "schools:import": form(BUREAU_ADMIN_ONLY),
    "schools:import_preview": redirect(BUREAU_ADMIN_ONLY),
    "schools:import_template": view(BUREAU_ADMIN_ONLY),
    "schools:organisations": view(DISTRICT_READ),
    "schools:setup": form(NOBODY),  # day one: the superuser only
    "schools:bureau_edit": form(BUREAU_ADMIN_ONLY),
    "schools:detail": view(DISTRICT_READ, SCHOOL),
    "schools:update": form(BUREAU_ADMIN_ONLY, SCHOOL),
    "schools:retire": form(BUREAU_ADMIN_ONLY, SCHOOL),
    "schools:section_create": form(BUREAU_ADMIN_ONLY),
    "schools:section_update": form(BUREAU_ADMIN_ONLY, SECTION),
    "schools:section_retire": action(BUREAU_ADMIN_ONLY, SECTION),
    "schools:section_reinstate": action(BUREAU_ADMIN_ONLY, SECTION),
    "schools:department_create": form(BUREAU_ADMIN_ONLY),
    "schools:department_update": form(BUREAU_ADMIN_ONLY, DEPARTMENT),
    "schools:department_retire": action(BUREAU_ADMIN_ONLY, DEPARTMENT),
    "schools:department_reinstate": action(BUREAU_ADMIN_ONLY, DEPARTMENT),
    "accounts:users": view(ACCOUNT_READERS),
    "accounts:user_create": form(ACCOUNT_OPENERS),
    "accounts:initial_passwords": form(ACCOUNT_OPENERS),
    "accounts:user_detail": view(ACCOUNT_READERS, ACCOUNT),
    "accounts:user_edit": form(BUREAU_ADMIN_ONLY, ACCOUNT),
    "accounts:user_deactivate": action(BUREAU_ADMIN_ONLY, ACCOUNT),
    "accounts:user_activate": action(BUREAU_ADMIN_ONLY, ACCOUNT),
    "accounts:user_reset_password": action(BUREAU_ADMIN_ONLY, ACCOUNT),
    "hazards:list": listing(HAZARD),
    "hazards:report": form(REPORTERS),
    "hazards:export": listing(HAZARD),
    "hazards:board": listing(HAZARD),
    # The ledger import: upload, preview (with nothing uploaded: back to the upload, 302), template.
    "hazards:import": form(BUREAU_ADMIN_ONLY),
    "hazards:import_preview": redirect(BUREAU_ADMIN_ONLY),
    "hazards:import_template": view(BUREAU_ADMIN_ONLY),
    "hazards:areas": view(DISTRICT_READ),
    "hazards:area_edit": form(BUREAU_ADMIN_ONLY, AREA),
    "hazards:school": view(DISTRICT_READ, SCHOOL_BY_SCHOOL_PK, rows=HAZARD),
    "hazards:photo": view(DISTRICT_READ, HAZARD_PHOTO),
    "hazards:thumbnail": view(DISTRICT_READ, HAZARD_PHOTO),
    "hazards:detail": view(DISTRICT_READ, HAZARD),
    "hazards:edit": form(SCHOOL_OR_BUREAU_ADMIN, HAZARD),
    "hazards:assign": action(MANAGERS, HAZARD),
    "hazards:start": action(SCHOOL_ADMIN_ACTION, HAZARD),
    "hazards:submit": action(SCHOOL_ADMIN_ACTION, HAZARD),
    "hazards:verify": action(MANAGERS, HAZARD),
    "hazards:reject": action(MANAGERS, HAZARD),
    "hazards:extend": action(SCHOOL_ADMIN_ACTION, HAZARD),
    "hazards:decide_extension": action(MANAGERS, HAZARD),
    "hazards:supervise": action(LEADER_ONLY, HAZARD),
    "hazards:lift": action(LEADER_ONLY, HAZARD),
    "hazards:add_photos": action(PHOTOGRAPHERS, HAZARD),
    "campaigns:list": view(DISTRICT_READ),
    "campaigns:create": form(CAMPAIGN_MANAGERS),
    "campaigns:adopt": action(BUREAU_ADMIN_ONLY, CAMPAIGN),
    "campaigns:detail": view(DISTRICT_READ, CAMPAIGN),
    "campaigns:edit": form(BUREAU_ADMIN_ONLY, CAMPAIGN),
    "campaigns:start": action(BUREAU_ADMIN_ONLY, CAMPAIGN),
    "campaigns:close": action(BUREAU_ADMIN_ONLY, CAMPAIGN),
    "campaigns:remind": action(BUREAU_ADMIN_ONLY, CAMPAIGN),
    "campaigns:plans_export": view(DISTRICT_READ, CAMPAIGN),
    "campaigns:file": view(DISTRICT_READ, CAMPAIGN_FILE),
    "campaigns:my_plan": redirect(SCHOOL_ACTION, CAMPAIGN),  # on to the school's own plan
    "campaigns:plan": view(DISTRICT_READ, WORK_PLAN),
    "campaigns:plan_edit": form(SCHOOL_ADMIN_ACTION, WORK_PLAN),
    "campaigns:plan_submit": action(SCHOOL_ADMIN_ACTION, WORK_PLAN),
    "campaigns:plan_accept": action(BUREAU_ADMIN_ONLY, WORK_PLAN),
    "campaigns:plan_return": action(BUREAU_ADMIN_ONLY, WORK_PLAN),
    "campaigns:plan_document": view(DISTRICT_READ, WORK_PLAN),
    "inspections:list": view(DISTRICT_READ),
    "inspections:export": view(DISTRICT_READ),
    "inspections:start": form(INSPECTORS),
    "inspections:checklists": view(DISTRICT_READ),
    "inspections:checklist_revise": form(BUREAU_ADMIN_ONLY, CHECKLIST),
    "inspections:schedules": view(DISTRICT_ROLES),
    "inspections:schedule_create": form(BUREAU_ADMIN_ONLY),
    "inspections:schedule": view(DISTRICT_ROLES, SCHEDULE),
    "inspections:schedule_edit": form(BUREAU_ADMIN_ONLY, SCHEDULE),
    "inspections:schedule_cancel": action(BUREAU_ADMIN_ONLY, SCHEDULE),
    "inspections:schedule_reinstate": action(BUREAU_ADMIN_ONLY, SCHEDULE),
    "inspections:schedule_export": view(DISTRICT_ROLES, SCHEDULE),
    "inspections:school_history": view(DISTRICT_READ, SCHOOL_BY_SCHOOL_PK),
    "inspections:detail": view(DISTRICT_READ, INSPECTION),
    "inspections:submit": action(INSPECTORS, INSPECTION),
    "inspections:print": view(DISTRICT_READ, INSPECTION),
    "inspections:docx": view(DISTRICT_READ, INSPECTION),
    "inspections:answer": action(INSPECTORS, ANSWER),
    # The demo's inspections are submitted (locked): an inspector is sent back to the record.
    "inspections:raise_hazard": Entry(FORM, INSPECTORS, ANSWER, ok=302),
    "inspections:photo": view(DISTRICT_READ, ANSWER),
    "registers:index": view(DISTRICT_READ),
    "registers:gate": listing(VISITOR),
    "registers:visitor-sign-out": action(SCHOOL_ACTION, VISITOR),
    "registers:duty-gaps": view(DISTRICT_READ),
    "registers:special-counts": view(DISTRICT_READ),
    "registers:papers": view(DISTRICT_READ),
    "registers:surroundings-follow-up": action(SCHOOL_OR_BUREAU_ADMIN, SURROUNDINGS),
    # A point's QR code opens its page for whoever sees the school; recording is the school's
    # admin and staff (the POST checks the role first: tested in registers/tests).
    "registers:patrol-scan": view(DISTRICT_READ, PATROL_POINT),
    "registers:patrol-sheet": view(SIGNED_IN),
    "registers:patrol-board": view(SIGNED_IN),
    "registers:patrol-photo": view(DISTRICT_READ, PATROL_PHOTO),
    # Emergency plans and drills: the school keeps them, the district reads them; the board
    # and the bureau's rules are read by everyone, the rules set by the bureau's safety section.
    "registers:plan-file": view(DISTRICT_READ, PLAN_FILE),
    "registers:drill-photo": view(DISTRICT_READ, DRILL_PHOTO),
    "registers:drill-report-problem": action(SCHOOL_ACTION, DRILL),
    "registers:drill-board": view(SIGNED_IN),
    "registers:drill-rules": view(SIGNED_IN),
    "registers:drill-rule-create": form(BUREAU_ADMIN_ONLY),
    "registers:drill-rule-edit": form(BUREAU_ADMIN_ONLY, DRILL_RULE),
    # Daily food-safety control: the school keeps its logs, the district reads them; the board
    # and the meal times are read by everyone, the times set by the bureau's safety section.
    "registers:meal-report-problem": action(SCHOOL_ACTION, ACCOMPANYING_MEAL),
    "registers:certificate-file": view(DISTRICT_READ, CERTIFICATE_FILE),
    "registers:food-board": view(SIGNED_IN),
    "registers:meal-times": view(SIGNED_IN),
    "registers:meal-time-edit": form(BUREAU_ADMIN_ONLY, MEAL_TIME),
    # The school's licences and certificates: kept by the school, read by the district; the
    # kinds read by everyone and set by the bureau's safety section.
    "registers:paper-file": view(DISTRICT_READ, PAPER_FILE),
    "registers:paper-kinds": view(SIGNED_IN),
    "registers:paper-kind-create": form(BUREAU_ADMIN_ONLY),
    "registers:paper-kind-edit": form(BUREAU_ADMIN_ONLY, PAPER_KIND),
    # The school's safety file, its PDF and its originals: whoever sees the school.
    "schoolfiles:detail": view(DISTRICT_READ, SCHOOL),
    "schoolfiles:pdf": view(DISTRICT_READ, SCHOOL),
    "schoolfiles:originals": view(DISTRICT_READ, SCHOOL),
    # The installable web app's shell: public files, and today's field work.
    "field:sw": public(),
    "field:manifest": public(),
    "field:offline": public(),
    "field:today": view(SIGNED_IN),
    "assessments:list": view(DISTRICT_READ),
    "assessments:export": view(DISTRICT_READ),
    "assessments:open": action(BUREAU_ADMIN_ONLY),
    "assessments:detail": view(DISTRICT_READ, ASSESSMENT),
    "assessments:compute": action(BUREAU_ADMIN_ONLY, ASSESSMENT),
    "assessments:score": action(BUREAU_ADMIN_ONLY, ASSESSMENT),
    "assessments:veto": action(LEADER_ONLY, ASSESSMENT),
    "assessments:lift-veto": action(LEADER_ONLY, ASSESSMENT),
    # The risk register: the school's admin and the bureau's safety section keep it, everyone
    # reads it within reach; the district table is the district's (a school's people: 403).
    "risks:list": view(DISTRICT_READ),
    "risks:export": view(DISTRICT_READ),
    "risks:create": form(SCHOOL_OR_BUREAU_ADMIN),
    "risks:map": view(SIGNED_IN),
    "risks:district": view(DISTRICT_ROLES),
    "risks:district-export": view(DISTRICT_ROLES),
    "risks:detail": view(DISTRICT_READ, RISK_POINT),
    "risks:edit": form(SCHOOL_OR_BUREAU_ADMIN, RISK_POINT),
    "risks:reassess": action(SCHOOL_OR_BUREAU_ADMIN, RISK_POINT),
    "risks:retire": action(SCHOOL_OR_BUREAU_ADMIN, RISK_POINT),
    # registers:list, :export, :create and :edit: one line per register, below.
    "reports:monthly_list": view(DISTRICT_READ),
    "reports:monthly_export": view(DISTRICT_READ),
    "reports:monthly_start": action(SCHOOL_ADMIN_ACTION),
    "reports:monthly_detail": view(DISTRICT_READ, MONTHLY),
    "reports:monthly_compile": action(SCHOOL_ADMIN_ACTION, MONTHLY),
    "reports:monthly_submit": action(SCHOOL_ADMIN_ACTION, MONTHLY),
    "reports:monthly_return": action(BUREAU_ADMIN_ONLY, MONTHLY),
    "reports:monthly_accept": action(BUREAU_ADMIN_ONLY, MONTHLY),
    "reports:compliance": view(BUREAU_READ),
    "reports:compliance_remind": action(BUREAU_ADMIN_ONLY),
    "reports:official_list": view(DOCUMENT_READ),
    "reports:official_generate": action(BUREAU_ADMIN_ONLY),
    "reports:official_detail": view(DOCUMENT_READ, OFFICIAL_ISSUED),
    "reports:official_edit": action(BUREAU_ADMIN_ONLY, OFFICIAL_DRAFT),
    "reports:official_preview": action(BUREAU_ADMIN_ONLY, OFFICIAL_DRAFT),
    "reports:official_issue": action(BUREAU_ADMIN_ONLY, OFFICIAL_DRAFT),
    "reports:official_download": view(DOCUMENT_READ, OFFICIAL_DOWNLOAD),
    "reports:official_list_file": view(DOCUMENT_READ, OFFICIAL_LIST),
    "reports:document_list": listing(ISSUED_DOCUMENT, ISSUED_READERS),
    "reports:document_issue": form(BUREAU_ADMIN_ONLY),
    "reports:document_detail": view(ISSUED_READERS, ISSUED_DOCUMENT),
    "reports:document_sign": action(SCHOOL_ADMIN_ACTION, ISSUED_DOCUMENT),
    "reports:document_export": view(BUREAU_STAFF, ISSUED_DOCUMENT),
    "reports:document_file": view(ISSUED_READERS, ISSUED_DOCUMENT),
    "reports:dashboard": view(DISTRICT_READ),
    "regions:overview": view(ABOVE_DISTRICT),
    "regions:district": view(ABOVE_DISTRICT, DISTRICT),
    "regions:campaign_summary": view(ABOVE_DISTRICT, CITY_CAMPAIGN_FILE),
    # Risk-based planning: the bureau's planners plan, the levels above read the scores.
    "planning:index": view(BUREAU_STAFF),
    "planning:schedule": action(BUREAU_ADMIN_ONLY),
    "planning:school": view(SCORE_READERS, SCHOOL),
    "planning:districts": view(ABOVE_DISTRICT),
    "reports:notifications": view(SIGNED_IN),
    "reports:notification_read": action(SIGNED_IN, NOTIFICATION),
    "reports:notifications_read_all": action(SIGNED_IN),
    "reports:notifications_badge": view(SIGNED_IN),
    "jobs:list": view(SIGNED_IN),
    "jobs:detail": view(SIGNED_IN, JOB),
    "jobs:file": action(SIGNED_IN, JOB),
    "reports:notification_preferences": form(SIGNED_IN),
    "reports:webhooks": view(BUREAU_ADMIN_ONLY),
    "reports:webhook_create": form(BUREAU_ADMIN_ONLY),
    "reports:webhook_edit": form(BUREAU_ADMIN_ONLY, WEBHOOK),
    "reports:failed_deliveries": view(BUREAU_ADMIN_ONLY),
    "reports:delivery_retry": action(BUREAU_ADMIN_ONLY),
    # The API's own pages outside the schema.
    "api:api-root": view(SIGNED_IN),
    "api:schema": public(),
    "api:docs": public(),
    # Django's admin (superusers only): two samples stand for the namespace.
    "admin:index": admin(),
    "admin:hazards_hazard_changelist": admin(),
}

# Each register: who reads its rows (the list and export show them only those rows; a row's
# edit page is hidden from the rest) and who writes (the forms and the API's writes).
REGISTERS: dict[str, Rule] = {
    "duty": SCHOOL_ACTION,
    "duty-log": SCHOOL_ACTION,
    "visitors": SCHOOL_ACTION,
    "watch-list": SCHOOL_ADMIN_ACTION,
    "police-rooms": SCHOOL_ADMIN_ACTION,
    "security-staff": SCHOOL_ADMIN_ACTION,
    "equipment": SCHOOL_ADMIN_ACTION,
    "funding": SCHOOL_ADMIN_ACTION,
    "vehicles": SCHOOL_ADMIN_ACTION,
    "drivers": SCHOOL_ADMIN_ACTION,
    "routes": SCHOOL_ADMIN_ACTION,
    "checks": SCHOOL_ADMIN_ACTION,
    "escort-teams": SCHOOL_ADMIN_ACTION,
    "escort-shifts": SCHOOL_ADMIN_ACTION,
    "activities": SCHOOL_ADMIN_ACTION,
    "acknowledgements": SCHOOL_ADMIN_ACTION,
    "special-groups": SCHOOL_ADMIN_ACTION,
    "surroundings": SCHOOL_OR_BUREAU_ADMIN,
    "incidents": SCHOOL_OR_BUREAU_ADMIN,
    "letters": SCHOOL_OR_BUREAU_ADMIN,
    "patrol-points": SCHOOL_ADMIN_ACTION,
    "patrol-routes": SCHOOL_ADMIN_ACTION,
    "patrols": SCHOOL_ACTION,
    "emergency-plans": SCHOOL_ADMIN_ACTION,
    "drills": SCHOOL_ACTION,
    "morning-checks": SCHOOL_ACTION,
    "food-samples": SCHOOL_ACTION,
    "accompanying-meals": SCHOOL_ACTION,
    "supplier-certificates": SCHOOL_ADMIN_ACTION,
    "school-papers": SCHOOL_ADMIN_ACTION,
}
PAGES["registers:list"] = tuple(
    view(SIGNED_IN, register_slug(s), rows=register_row(s), variant=s) for s in REGISTERS
)
PAGES["registers:export"] = PAGES["registers:list"]
PAGES["registers:create"] = tuple(
    # Visitors are registered at the gate (ID checked): the plain form sends everyone there.
    redirect(SIGNED_IN, register_slug(s), s) if s == "visitors" else form(w, register_slug(s), s)
    for s, w in REGISTERS.items()
)
PAGES["registers:edit"] = tuple(form(w, register_row(s), s) for s, w in REGISTERS.items())
PAGES["registers:detail"] = tuple(view(SIGNED_IN, register_row(s), variant=s) for s in REGISTERS)

# The registers imported from Excel: a school's admin for its own school or the bureau's; the
# children's register by the bureau only (docs/visibility.md).
IMPORTS: dict[str, Rule] = {
    "vehicles": SCHOOL_OR_BUREAU_ADMIN,
    "drivers": SCHOOL_OR_BUREAU_ADMIN,
    "security-staff": SCHOOL_OR_BUREAU_ADMIN,
    "police-rooms": SCHOOL_OR_BUREAU_ADMIN,
    "letters": SCHOOL_OR_BUREAU_ADMIN,
    "special-groups": BUREAU_ADMIN_ONLY,
}
PAGES["registers:import"] = tuple(form(r, register_slug(s), s) for s, r in IMPORTS.items())
PAGES["registers:import-preview"] = tuple(
    redirect(r, register_slug(s), s) for s, r in IMPORTS.items()
)
PAGES["registers:import-template"] = tuple(
    view(r, register_slug(s), variant=s) for s, r in IMPORTS.items()
)


# API operation ("METHOD /path") → entry. GET reads; any other method is a step or a write.
API: dict[str, Entry] = {
    "POST /api/v1/auth/token/": public(),
    "GET /api/v1/schools/": view(DISTRICT_READ),
    "GET /api/v1/changes/": view(BUREAU_STAFF),  # others name one record (tested apart)
    "GET /api/v1/notifications/": view(SIGNED_IN),  # each reads only their own
    "GET /api/v1/notifications/{id}/": view(SIGNED_IN, NOTIFICATION),
    "POST /api/v1/notifications/{id}/read/": action(SIGNED_IN, NOTIFICATION),
    "POST /api/v1/notifications/read-all/": action(SIGNED_IN),
    "GET /api/v1/schools/{id}/": view(DISTRICT_READ, SCHOOL),
    "GET /api/v1/users/": view(ACCOUNT_READERS),
    "POST /api/v1/users/": action(ACCOUNT_OPENERS),
    "GET /api/v1/users/{id}/": view(ACCOUNT_READERS, ACCOUNT),
    "PATCH /api/v1/users/{id}/": action(BUREAU_ADMIN_ONLY, ACCOUNT),
    "POST /api/v1/users/{id}/deactivate/": action(BUREAU_ADMIN_ONLY, ACCOUNT),
    "POST /api/v1/users/{id}/activate/": action(BUREAU_ADMIN_ONLY, ACCOUNT),
    "POST /api/v1/users/{id}/reset-password/": action(BUREAU_ADMIN_ONLY, ACCOUNT),
    "GET /api/v1/sections/": view(DISTRICT_READ),
    "GET /api/v1/sections/{id}/": view(DISTRICT_READ, SECTION),
    "GET /api/v1/departments/": view(DISTRICT_READ),
    "GET /api/v1/departments/{id}/": view(DISTRICT_READ, DEPARTMENT),
    "GET /api/v1/hazards/": listing(HAZARD),
    "POST /api/v1/hazards/": action(REPORTERS),
    "GET /api/v1/hazards/{id}/": view(DISTRICT_READ, HAZARD),
    "PATCH /api/v1/hazards/{id}/": action(SCHOOL_OR_BUREAU_ADMIN, HAZARD),
    "POST /api/v1/hazards/{id}/assign/": action(MANAGERS, HAZARD),
    "POST /api/v1/hazards/{id}/decide-extension/": action(MANAGERS, HAZARD),
    "POST /api/v1/hazards/{id}/extend/": action(SCHOOL_ADMIN_ACTION, HAZARD),
    "POST /api/v1/hazards/{id}/lift-supervision/": action(LEADER_ONLY, HAZARD),
    "POST /api/v1/hazards/{id}/photos/": action(PHOTOGRAPHERS, HAZARD),
    "POST /api/v1/hazards/{id}/reject/": action(MANAGERS, HAZARD),
    "POST /api/v1/hazards/{id}/start/": action(SCHOOL_ADMIN_ACTION, HAZARD),
    "POST /api/v1/hazards/{id}/submit/": action(SCHOOL_ADMIN_ACTION, HAZARD),
    "POST /api/v1/hazards/{id}/supervise/": action(LEADER_ONLY, HAZARD),
    "POST /api/v1/hazards/{id}/verify/": action(MANAGERS, HAZARD),
    "GET /api/v1/stats/summary/": view(DISTRICT_READ),
    "GET /api/v1/risk-scores/": view(SCORE_READERS),
    "GET /api/v1/stats/by-area/": view(DISTRICT_READ),
    "GET /api/v1/stats/funnel/": view(DISTRICT_READ),
    "GET /api/v1/stats/trend/": view(DISTRICT_READ),
    "GET /api/v1/stats/ranking/": view(DISTRICT_READ),
    "GET /api/v1/stats/compliance/": view(BUREAU_READ),  # as the compliance board
    "GET /api/v1/campaigns/": view(DISTRICT_READ),
    "GET /api/v1/campaigns/{id}/": view(DISTRICT_READ, CAMPAIGN),
    "POST /api/v1/campaigns/{id}/close/": action(BUREAU_ADMIN_ONLY, CAMPAIGN),
    "POST /api/v1/campaigns/{id}/adopt/": action(BUREAU_ADMIN_ONLY, CAMPAIGN),
    "GET /api/v1/campaigns/{id}/missing/": view(DISTRICT_READ, CAMPAIGN),
    "GET /api/v1/campaigns/{id}/notice-file/": view(DISTRICT_READ, CAMPAIGN),
    "GET /api/v1/campaigns/{id}/plan-file/": view(DISTRICT_READ, CAMPAIGN),
    "POST /api/v1/campaigns/{id}/remind/": action(BUREAU_ADMIN_ONLY, CAMPAIGN),
    "POST /api/v1/campaigns/{id}/start/": action(BUREAU_ADMIN_ONLY, CAMPAIGN),
    "GET /api/v1/work-plans/": view(DISTRICT_READ),
    "GET /api/v1/work-plans/{id}/": view(DISTRICT_READ, WORK_PLAN),
    "POST /api/v1/work-plans/{id}/accept/": action(BUREAU_ADMIN_ONLY, WORK_PLAN),
    "GET /api/v1/work-plans/{id}/document/": view(DISTRICT_READ, WORK_PLAN),
    "POST /api/v1/work-plans/{id}/draft/": action(SCHOOL_ADMIN_ACTION, WORK_PLAN),
    "POST /api/v1/work-plans/{id}/return/": action(BUREAU_ADMIN_ONLY, WORK_PLAN),
    "POST /api/v1/work-plans/{id}/submit/": action(SCHOOL_ADMIN_ACTION, WORK_PLAN),
    "GET /api/v1/checklists/": view(DISTRICT_READ),
    "GET /api/v1/checklists/{id}/": view(DISTRICT_READ, CHECKLIST),
    "POST /api/v1/checklists/{id}/revise/": action(BUREAU_ADMIN_ONLY, CHECKLIST),
    "GET /api/v1/inspections/": view(DISTRICT_READ),
    "POST /api/v1/inspections/": action(INSPECTORS),
    "GET /api/v1/inspections/{id}/": view(DISTRICT_READ, INSPECTION),
    "POST /api/v1/inspections/{id}/answer/": action(INSPECTORS, INSPECTION),
    "POST /api/v1/inspections/{id}/raise-hazard/": action(INSPECTORS, INSPECTION),
    "POST /api/v1/inspections/{id}/submit/": action(INSPECTORS, INSPECTION),
    "GET /api/v1/inspection-schedules/": view(DISTRICT_ROLES),
    "POST /api/v1/inspection-schedules/": action(BUREAU_ADMIN_ONLY),
    "GET /api/v1/inspection-schedules/{id}/": view(DISTRICT_ROLES, SCHEDULE),
    "PUT /api/v1/inspection-schedules/{id}/": action(BUREAU_ADMIN_ONLY, SCHEDULE),
    "PATCH /api/v1/inspection-schedules/{id}/": action(BUREAU_ADMIN_ONLY, SCHEDULE),
    "POST /api/v1/inspection-schedules/{id}/cancel/": action(BUREAU_ADMIN_ONLY, SCHEDULE),
    "GET /api/v1/inspection-schedules/{id}/coverage/": view(DISTRICT_ROLES, SCHEDULE),
    "POST /api/v1/inspection-schedules/{id}/reinstate/": action(BUREAU_ADMIN_ONLY, SCHEDULE),
    "GET /api/v1/monthly-reports/": view(DISTRICT_READ),
    "POST /api/v1/monthly-reports/": action(SCHOOL_ADMIN_ACTION),
    "GET /api/v1/monthly-reports/{id}/": view(DISTRICT_READ, MONTHLY),
    "POST /api/v1/monthly-reports/{id}/accept/": action(BUREAU_ADMIN_ONLY, MONTHLY),
    "POST /api/v1/monthly-reports/{id}/compile/": action(SCHOOL_ADMIN_ACTION, MONTHLY),
    "POST /api/v1/monthly-reports/{id}/return/": action(BUREAU_ADMIN_ONLY, MONTHLY),
    "POST /api/v1/monthly-reports/{id}/submit/": action(SCHOOL_ADMIN_ACTION, MONTHLY),
    "GET /api/v1/issued-documents/": listing(ISSUED_DOCUMENT, ISSUED_READERS),
    "GET /api/v1/issued-documents/{id}/": view(ISSUED_READERS, ISSUED_DOCUMENT),
    "GET /api/v1/issued-documents/{id}/file/": view(ISSUED_READERS, ISSUED_DOCUMENT),
    "POST /api/v1/issued-documents/{id}/sign/": action(SCHOOL_ADMIN_ACTION, ISSUED_DOCUMENT),
    "GET /api/v1/official-reports/": view(DOCUMENT_READ),
    "GET /api/v1/official-reports/{id}/": view(DOCUMENT_READ, OFFICIAL_ISSUED),
    "GET /api/v1/official-reports/{id}/download/{fmt}/": view(DOCUMENT_READ, OFFICIAL_DOWNLOAD),
    "GET /api/v1/official-reports/{id}/lists/{number}/": view(DOCUMENT_READ, OFFICIAL_LIST),
    "POST /api/v1/official-reports/generate/": action(BUREAU_ADMIN_ONLY),
    "POST /api/v1/official-reports/{id}/edit/": action(BUREAU_ADMIN_ONLY, OFFICIAL_DRAFT),
    "POST /api/v1/official-reports/{id}/issue/": action(BUREAU_ADMIN_ONLY, OFFICIAL_DRAFT),
    "GET /api/v1/registers/duty-gaps/": view(DISTRICT_READ),
    "GET /api/v1/registers/special-group-counts/": view(DISTRICT_READ),
    "GET /api/v1/registers/expiring-papers/": view(DISTRICT_READ),
    "GET /api/v1/registers/assessments/": view(DISTRICT_READ),
    "GET /api/v1/registers/assessments/{id}/": view(DISTRICT_READ, ASSESSMENT),
    "POST /api/v1/registers/assessments/{id}/compute/": action(BUREAU_ADMIN_ONLY, ASSESSMENT),
    "GET /api/v1/registers/assessments/{id}/events/": view(DISTRICT_READ, ASSESSMENT),
    "POST /api/v1/registers/assessments/{id}/lift-veto/": action(LEADER_ONLY, ASSESSMENT),
    "POST /api/v1/registers/assessments/{id}/score/": action(BUREAU_ADMIN_ONLY, ASSESSMENT),
    "POST /api/v1/registers/assessments/{id}/veto/": action(LEADER_ONLY, ASSESSMENT),
    "POST /api/v1/registers/visitors/{id}/sign-out/": action(SCHOOL_ACTION, VISITOR),
    "POST /api/v1/registers/surroundings/{id}/follow-up/": action(
        SCHOOL_OR_BUREAU_ADMIN, SURROUNDINGS
    ),
    "POST /api/v1/drills/{id}/report-problem/": action(SCHOOL_ACTION, DRILL),
    "GET /api/v1/risk-points/": view(DISTRICT_READ),
    "POST /api/v1/risk-points/": action(SCHOOL_OR_BUREAU_ADMIN),
    "GET /api/v1/risk-points/{id}/": view(DISTRICT_READ, RISK_POINT),
    "PATCH /api/v1/risk-points/{id}/": action(SCHOOL_OR_BUREAU_ADMIN, RISK_POINT),
    "POST /api/v1/risk-points/{id}/reassess/": action(SCHOOL_OR_BUREAU_ADMIN, RISK_POINT),
    "POST /api/v1/risk-points/{id}/retire/": action(SCHOOL_OR_BUREAU_ADMIN, RISK_POINT),
    "POST /api/v1/accompanying-meals/{id}/report-problem/": action(
        SCHOOL_ACTION, ACCOMPANYING_MEAL
    ),
}
for _slug, _writers in REGISTERS.items():
    _row = register_row(_slug, page=False)
    _path = f"/api/v1/{_slug}/" if _slug in TOP_LEVEL_REGISTERS else f"/api/v1/registers/{_slug}/"
    _path = "/api/v1/certificates/" if _slug == "school-papers" else _path
    API[f"GET {_path}"] = listing(_row)
    API[f"POST {_path}"] = action(_writers)
    API[f"GET {_path}{{id}}/"] = view(SIGNED_IN, _row)
    API[f"PUT {_path}{{id}}/"] = action(_writers, _row)
    API[f"PATCH {_path}{{id}}/"] = action(_writers, _row)


# ---- cells where today's code answers otherwise -----------------------------------------------

# Cell id (shell-style wildcards allowed) → why the code is wrong. Fix the code, delete the line.
# Why a cell fails today (each is a bug to fix in the app, not in this table).
FORM_FIRST = (
    "the page step validates its form before the role: an empty POST by a role that may not "
    "act is sent back with a message (302) instead of 403"
)
BODY_FIRST = (
    "the API step validates the request body before the role: a role that may not act gets 400 "
    "instead of 403"
)
STATE_FIRST = (
    "the step checks the state before the role: a role that may not act is sent back (302) "
    "instead of 403 (the hazard is not in the step's state, the inspection is locked)"
)
STATE_FIRST_API = "the API step checks the state before the role: 409 instead of 403"
API_LISTS = "the API lists (empty) what the page refuses the role (403)"
API_HIDES_SCHEDULES = (
    "the API hides the bureau's inspection schedules from schools (404) where the pages refuse "
    "them (403)"
)
API_COMPLIANCE = (
    "GET /api/v1/stats/compliance/ answers every role; the compliance board refuses all but the "
    "bureau, the leader and the government (403)"
)

# "{a,b}" stands for a or b, as in a shell.
KNOWN_FAILURES: dict[str, str] = {
    # FORM_FIRST
    # STATE_FIRST
    "inspections:submit POST {gov,city} {own,other}": STATE_FIRST,
    "inspections:submit POST staff001 own": STATE_FIRST,
    "inspections:answer POST {gov,city} {own,other}": STATE_FIRST,
    "inspections:answer POST staff001 own": STATE_FIRST,
    "inspections:raise_hazard GET {gov,city} {own,other}": STATE_FIRST,
    "inspections:raise_hazard GET staff001 own": STATE_FIRST,
    # BODY_FIRST
    "POST /api/v1/checklists/{id}/revise/ POST {leader,gov,fire,school001,school002,staff001,city} -": BODY_FIRST,
    "POST /api/v1/inspections/ POST {gov,staff001,city} -": BODY_FIRST,
    "POST /api/v1/inspections/{id}/answer/ POST {gov,city} {own,other}": BODY_FIRST,
    "POST /api/v1/inspections/{id}/answer/ POST staff001 own": BODY_FIRST,
    "POST /api/v1/inspections/{id}/raise-hazard/ POST {gov,city} {own,other}": BODY_FIRST,
    "POST /api/v1/inspections/{id}/raise-hazard/ POST staff001 own": BODY_FIRST,
    "POST /api/v1/inspections/{id}/submit/ POST {gov,city} {own,other}": BODY_FIRST,
    "POST /api/v1/inspections/{id}/submit/ POST staff001 own": BODY_FIRST,
    "POST /api/v1/inspection-schedules/ POST {leader,gov,fire,school001,school002,staff001,city} -": BODY_FIRST,
    "PUT /api/v1/inspection-schedules/{id}/ PUT {leader,gov,fire,city} -": BODY_FIRST,
    # STATE_FIRST_API
    # API_COMPLIANCE
    "GET /api/v1/stats/compliance/ GET {fire,school001,school002,staff001,city} -": API_COMPLIANCE,
    # API_LISTS
    "GET /api/v1/inspection-schedules/ GET {school001,school002,staff001} -": API_LISTS,
    "GET /api/v1/official-reports/ GET {fire,school001,school002,staff001} -": API_LISTS,
    # API_HIDES_SCHEDULES
    "GET /api/v1/inspection-schedules/{id}/ GET {school001,school002,staff001} -": API_HIDES_SCHEDULES,
    "PUT /api/v1/inspection-schedules/{id}/ PUT {school001,school002,staff001} -": API_HIDES_SCHEDULES,
    "PATCH /api/v1/inspection-schedules/{id}/ PATCH {school001,school002,staff001} -": API_HIDES_SCHEDULES,
    "POST /api/v1/inspection-schedules/{id}/cancel/ POST {school001,school002,staff001} -": API_HIDES_SCHEDULES,
    "GET /api/v1/inspection-schedules/{id}/coverage/ GET {school001,school002,staff001} -": API_HIDES_SCHEDULES,
    "POST /api/v1/inspection-schedules/{id}/reinstate/ POST {school001,school002,staff001} -": API_HIDES_SCHEDULES,
}


def _expand(pattern: str) -> list[str]:
    match = re.search(r"\{([^{}]*,[^{}]*)\}", pattern)  # "{id}" in a path stays
    if match is None:
        return [pattern]
    head, tail = pattern[: match.start()], pattern[match.end() :]
    return [p for choice in match.group(1).split(",") for p in _expand(head + choice + tail)]


def known_failure(cell_id: str) -> str | None:
    for pattern, reason in _known_patterns():
        if pattern.match(cell_id):
            return reason
    return None


@cache
def _known_patterns() -> list[tuple[re.Pattern[str], str]]:
    return [
        (re.compile(fnmatch.translate(p)), reason)
        for key, reason in KNOWN_FAILURES.items()
        for p in _expand(key)
    ]


# ---- cells and what each expects ---------------------------------------------------------------


def is_operation(key: str) -> bool:
    """An API operation ("GET /api/v1/…") rather than a URL name."""
    return key.split(" ", 1)[0] in {"GET", "POST", "PUT", "PATCH", "DELETE"}


def is_api(key: str) -> bool:
    return is_operation(key) or key.startswith("api:")


OK, FORBIDDEN, HIDDEN, ANONYMOUS = "ok", "forbidden", "hidden", "anonymous"
LOGIN_URL = "accounts:login"


@dataclass(frozen=True)
class Cell:
    key: str  # "hazards:detail" or "GET /api/v1/hazards/{id}/"
    variant: str
    persona: str
    side: str  # "own", "other", or "-" (a URL without a school's object)
    method: str

    @property
    def id(self) -> str:
        key = f"{self.key}/{self.variant}" if self.variant else self.key
        return f"{key} {self.method} {self.persona} {self.side}"

    @property
    def is_api(self) -> bool:
        return is_api(self.key)

    @property
    def entry(self) -> Entry:
        if is_operation(self.key):
            return API[self.key]
        found = PAGES[self.key]
        entries = found if isinstance(found, tuple) else (found,)
        return next(e for e in entries if e.variant == self.variant)


@dataclass(frozen=True)
class Expect:
    statuses: frozenset[int]
    to: str = ""  # where a 302 must lead (a login page)

    def __str__(self) -> str:
        text = "/".join(str(s) for s in sorted(self.statuses))
        return f"{text} to {self.to}" if self.to else text


def outcome(entry: Entry, persona: Persona, obj: Any) -> str:
    if persona.role is None:
        return ANONYMOUS
    if entry.kind is not None and obj is not None and not entry.kind.sees(persona, obj):
        return HIDDEN
    return OK if persona.role in entry.rule.roles else FORBIDDEN


STATUS = {OK: 200, FORBIDDEN: 403, HIDDEN: 404}


def expect(cell: Cell, obj: Any) -> Expect:
    entry, persona = cell.entry, BY_NAME[cell.persona]
    verdict = outcome(entry, persona, obj)
    if entry.how == ADMIN_SITE:
        return Expect(frozenset({302}), to=reverse("admin:login"))
    if entry.how == PUBLIC:
        # The login page, the language switch, the token (an empty POST is invalid input).
        return Expect(frozenset({200, 204, 302} if cell.method == "GET" else {200, 400}))
    wrong_method = entry.how == ACTION and cell.method == "GET"
    if verdict == ANONYMOUS:
        if cell.is_api:
            return Expect(frozenset({401, 403}))
        # A step's method is checked before or after the login: both are fine.
        return Expect(frozenset({302, 405} if wrong_method else {302}), to=reverse(LOGIN_URL))
    if wrong_method:
        return Expect(frozenset({405}))
    return Expect(frozenset({entry.ok if verdict == OK else STATUS[verdict]}))


def sides(entry: Entry) -> tuple[str, ...]:
    return ("own", "other") if entry.kind is not None and entry.kind.per_school else ("-",)


def _entries(found: Entry | tuple[Entry, ...]) -> tuple[Entry, ...]:
    return found if isinstance(found, tuple) else (found,)


def _may_be_refused(entry: Entry, persona: Persona, side: str) -> bool:
    """Whether a step's POST is refused (so it is safe to post): an anonymous user, a role that
    may not, or another school's object (or one its department did not find)."""
    if persona.role is None or persona.role not in entry.rule.roles:
        return True
    return side == "other" and (persona.school is not None or persona.role == INSPECTOR)


def cells() -> Iterator[Cell]:
    """Every cell: GET for what is read; for a step, GET (405) and a POST by each persona that
    may not take it (an allowed POST would change the demo data)."""
    table: list[tuple[str, Entry]] = [(k, e) for k, f in PAGES.items() for e in _entries(f)]
    table += list(API.items())
    for key, entry in table:
        method, _, path = key.partition(" ") if is_operation(key) else ("", "", "")
        for persona in PERSONAS:
            if entry.how in (PUBLIC, ADMIN_SITE) and persona.name not in ("anonymous", "bureau"):
                continue  # the same for everyone: asked once signed in and once not
            for side in sides(entry):
                cell = partial(Cell, key, entry.variant, persona.name, side)
                if entry.how == PUBLIC and method:
                    yield cell(method)
                elif entry.how != ACTION:
                    yield cell("GET")
                else:
                    # GET on a step is a wrong method (unless the path also reads: an API list);
                    # asked once signed in and once not.
                    wrong = persona.name in ("anonymous", "bureau") and side != "other"
                    if wrong and f"GET {path}" not in API:
                        yield cell("GET")
                    if _may_be_refused(entry, persona, side):
                        yield cell(method or "POST")


# ---- another school's data in a body -----------------------------------------------------------


def body_text(response: Any) -> str:
    """The text of a page, a JSON answer, or the XML inside an Excel or Word file."""
    content_type = response.get("Content-Type", "")
    data = b"".join(response.streaming_content) if response.streaming else response.content
    if "openxmlformats" in content_type or data[:2] == b"PK":
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            parts = [n for n in archive.namelist() if n.endswith(".xml")]
            return "".join(archive.read(n).decode("utf-8", "replace") for n in parts)
    if content_type.startswith(("text/", "application/json")):
        return data.decode("utf-8", "replace")
    return ""  # images and PDF: nothing to read


@dataclass
class Markers:
    """What only another school's data contains: its name and its objects' codes."""

    by_school: dict[str, set[str]] = field(default_factory=dict)

    def of_other(self, persona: Persona) -> set[str]:
        if persona.school is None:
            return set()
        return self.by_school[S002 if persona.school == S001 else S001]
