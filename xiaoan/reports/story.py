"""The facts a campaign summary tells, beyond the hazard ledger: the work plans, the rounds of
inspections (before term, after opening, the childcare check, the pick-up vehicle survey and the
enforcement), the departments that took part, the surroundings, and the registers' key measures.

Everything is counted from the records as of a day (the campaign's end), so the summary tells
what the bureau did, in the order the seed tells it. The results are plain JSON-able dicts,
frozen with the document.
"""

from __future__ import annotations

import datetime
from collections import Counter
from decimal import Decimal
from typing import Any

from django.db.models import QuerySet, Sum

from xiaoan.campaigns.choices import WorkPlanStatus
from xiaoan.inspections.choices import AnswerResult, InspectionKind
from xiaoan.inspections.models import Inspection, InspectionAnswer
from xiaoan.registers.figures import figures as register_figures
from xiaoan.registers.models import (
    Acknowledgement,
    DutyShift,
    EscortTeam,
    SafetyActivity,
    SurroundingsCheck,
    Visitor,
)
from xiaoan.registers.models.surroundings import FOUR_NOS
from xiaoan.schools.choices import DepartmentKind, SchoolKind

from .figures import _start_of

ONE_DAY = datetime.timedelta(days=1)
CHILDCARE = SchoolKind.KINDERGARTEN.value
MIGRANT = SchoolKind.MIGRANT.value
DEPARTMENT_ORDER = [k.value for k in DepartmentKind]


def term_start(year: int) -> datetime.date:
    """The autumn term opens on 1 September: "before term" and "after opening" split there."""
    return datetime.date(year, 9, 1)


def part_of_month(day: datetime.date) -> str:
    """8月初 · 8月中旬 · 8月底, as a bureau dates a round of work."""
    if day.day <= 10:
        return f"{day.month}月初"
    if day.day <= 20:
        return f"{day.month}月中旬"
    return f"{day.month}月底"


def campaign_story(campaign: Any, as_of: datetime.date) -> dict[str, Any]:
    """The campaign's facts as they stood at the end of `as_of`."""
    year_start = datetime.date(campaign.start_date.year, 1, 1)
    inspections = Inspection.objects.filter(campaign=campaign, date__lte=as_of)
    return {
        "notice": campaign.notice_title,
        "plan": _plan_title(campaign),
        "launched": campaign.start_date.isoformat(),
        "plans": _plans(campaign, as_of),
        "inspections": dict(Counter(inspections.values_list("kind", flat=True))),
        "pre_term": _pre_term(inspections, campaign, as_of),
        "leadership": _round(inspections.filter(kind=InspectionKind.LEADERSHIP)),
        "childcare": _childcare(inspections, campaign),
        "survey": _round(inspections.filter(kind=InspectionKind.SURVEY)),
        "enforcement": _round(inspections.filter(kind=InspectionKind.ENFORCEMENT)),
        "departments": _departments(inspections),
        "surroundings": _surroundings(campaign, as_of),
        "security": _security(campaign, as_of),
        "escort": _escort(campaign.bureau_id, year_start, as_of),
        "drowning": _drowning(campaign.bureau_id, year_start, as_of),
        "measures": _measures(campaign.bureau_id, year_start, as_of),
    }


def _plan_title(campaign: Any) -> str:
    name = (campaign.plan_file_name or "").rsplit(".", 1)[0].strip("《》")
    return f"《{name}》" if name else ""


def _plans(campaign: Any, as_of: datetime.date) -> dict[str, Any]:
    until = _start_of(as_of + ONE_DAY)
    targets = campaign.target_schools()
    plans = campaign.work_plans.filter(submitted_at__lt=until)
    filed = plans.filter(status__in=[WorkPlanStatus.SUBMITTED, WorkPlanStatus.ACCEPTED])
    returned = plans.filter(status=WorkPlanStatus.RETURNED)
    # A plan returned for revision was filed once: it is counted as returned, not as missing.
    missing = targets.exclude(pk__in=filed.values("school")).exclude(
        pk__in=returned.values("school")
    )
    kinds = Counter(missing.values_list("kind", flat=True))
    return {
        "schools": targets.count(),
        "filed": filed.count() + returned.count(),
        "under_review": plans.filter(status=WorkPlanStatus.SUBMITTED).count(),
        "accepted": plans.filter(status=WorkPlanStatus.ACCEPTED, reviewed_at__lt=until).count(),
        "returned": returned.count(),
        "missing_childcare": kinds.get(CHILDCARE, 0),
        "missing_schools": sum(kinds.values()) - kinds.get(CHILDCARE, 0),
    }


def _round(inspections: QuerySet[Inspection]) -> dict[str, Any]:
    """A round of inspections: when, how many schools of which kind, with which departments."""
    rows = list(inspections.values("school", "school__kind", "date"))
    if not rows:
        return {}
    schools = {r["school"]: r["school__kind"] for r in rows}
    kinds = Counter(schools.values())
    days = sorted(r["date"] for r in rows)
    return {
        "inspections": len(rows),
        "schools": len(schools),
        "childcare": kinds.get(CHILDCARE, 0),
        "migrant": kinds.get(MIGRANT, 0),
        "others": len(schools) - kinds.get(CHILDCARE, 0) - kinds.get(MIGRANT, 0),
        "first": days[0].isoformat(),
        "last": days[-1].isoformat(),
        "departments": _department_names(inspections),
    }


def _department_names(inspections: QuerySet[Inspection]) -> list[dict[str, str]]:
    from xiaoan.schools.models import Department

    found = Department.objects.filter(inspections__in=inspections).distinct()
    ordered = sorted(found, key=lambda d: (DEPARTMENT_ORDER.index(d.kind), d.name))
    return [{"kind": d.kind, "name": d.name} for d in ordered]


def _childcare_only(inspection_schedule: Any) -> bool:
    return bool(inspection_schedule) and inspection_schedule.school_kinds == [CHILDCARE]


def _pre_term(
    inspections: QuerySet[Inspection], campaign: Any, as_of: datetime.date
) -> dict[str, Any]:
    """The joint inspections of every school before term (a childcare-only round apart)."""
    before = inspections.filter(
        kind=InspectionKind.JOINT, date__lt=term_start(campaign.start_date.year)
    )
    childcare = [s.pk for s in _schedules(campaign) if _childcare_only(s)]
    story = _round(before.exclude(schedule__in=childcare))
    if story:
        story["all_schools"] = story["schools"] >= campaign.target_schools().count()
    return story


def _schedules(campaign: Any) -> list[Any]:
    from xiaoan.inspections.models import InspectionSchedule

    return list(InspectionSchedule.objects.filter(campaign=campaign))


def _childcare(inspections: QuerySet[Inspection], campaign: Any) -> dict[str, Any]:
    """The round that checked every childcare institution, and those told to put things right
    on the spot (a failed item recorded without a hazard to follow up)."""
    rounds = [s.pk for s in _schedules(campaign) if _childcare_only(s)]
    checked = inspections.filter(schedule__in=rounds, school__kind=CHILDCARE)
    story = _round(checked)
    if story:
        failed = InspectionAnswer.objects.filter(
            inspection__in=checked, result=AnswerResult.FAIL, hazard__isnull=True
        )
        story["rectified"] = failed.values("inspection__school").distinct().count()
    return story


def _departments(inspections: QuerySet[Inspection]) -> list[dict[str, Any]]:
    """Per partner department: the inspections it took part in, the schools, the kinds."""
    rows = inspections.filter(departments__isnull=False).values(
        "departments__kind", "departments__name", "kind", "school"
    )
    by_department: dict[tuple[str, str], dict[str, Any]] = {}
    for row in rows:
        key = (row["departments__kind"], row["departments__name"])
        entry = by_department.setdefault(key, {"inspections": 0, "schools": set(), "kinds": set()})
        entry["inspections"] += 1
        entry["schools"].add(row["school"])
        entry["kinds"].add(row["kind"])
    ordered = sorted(by_department.items(), key=lambda i: DEPARTMENT_ORDER.index(i[0][0]))
    return [
        {
            "kind": kind,
            "name": name,
            "inspections": entry["inspections"],
            "schools": len(entry["schools"]),
            "kinds": sorted(entry["kinds"]),
        }
        for (kind, name), entry in ordered
    ]


def _surroundings(campaign: Any, as_of: datetime.date) -> dict[str, Any]:
    checks = SurroundingsCheck.objects.filter(
        school__bureau_id=campaign.bureau_id, checked_on__range=(campaign.start_date, as_of)
    )
    rows = list(checks.values("school", "department__name", *FOUR_NOS))
    if not rows:
        return {}
    failing: Counter[str] = Counter()
    short = set()
    for row in rows:
        for key in FOUR_NOS:
            if not row[key]:
                failing[key] += 1
                short.add(row["school"])
    schools = {r["school"] for r in rows}
    return {
        "checks": len(rows),
        "schools": len(schools),
        "meeting": len(schools - short),
        "failing": dict(failing),
        "departments": sorted({r["department__name"] for r in rows if r["department__name"]}),
    }


def _security(campaign: Any, as_of: datetime.date) -> dict[str, Any]:
    scope = {"school__bureau_id": campaign.bureau_id}
    start, until = _start_of(campaign.start_date), _start_of(as_of + ONE_DAY)
    shifts = DutyShift.objects.filter(**scope, starts_at__gte=start, starts_at__lt=until)
    visitors = Visitor.objects.filter(**scope, entered_at__gte=start, entered_at__lt=until)
    return {
        "duty_schools": shifts.values("school").distinct().count(),
        "visitors": visitors.count(),
        "refused": visitors.filter(refused=True).count(),
    }


def _escort(bureau_id: int, start: datetime.date, as_of: datetime.date) -> dict[str, Any]:
    teams = EscortTeam.objects.filter(school__bureau_id=bureau_id, founded_on__range=(start, as_of))
    first = teams.order_by("founded_on").values_list("founded_on", flat=True).first()
    if first is None:
        return {}
    return {
        "schools": teams.values("school").distinct().count(),
        "pilot": teams.filter(is_pilot=True).values("school").distinct().count(),
        "members": teams.aggregate(n=Sum("members"))["n"] or 0,
        "first": first.isoformat(),
    }


def _drowning(bureau_id: int, start: datetime.date, as_of: datetime.date) -> dict[str, Any]:
    scope = {"school__bureau_id": bureau_id}
    activities = SafetyActivity.objects.filter(
        **scope, kind="drowning", held_on__range=(start, as_of)
    )
    signed = Acknowledgement.objects.filter(**scope, signed_on__range=(start, as_of)).aggregate(
        students=Sum("students"), signed=Sum("acknowledged")
    )
    months = sorted({d.month for d in activities.values_list("held_on", flat=True)})
    return {
        "activities": activities.count(),
        "schools": activities.values("school").distinct().count(),
        "home_school": activities.filter(home_school_contact=True).count(),
        "special_groups": activities.filter(special_groups=True).count(),
        "participants": activities.aggregate(n=Sum("participants"))["n"] or 0,
        "months": months,
        "students": signed["students"] or 0,
        "signed": signed["signed"] or 0,
    }


def _measures(bureau_id: int, start: datetime.date, as_of: datetime.date) -> dict[str, Any]:
    """The registers' annual measures, counted over the campaign's year up to `as_of`."""
    found = register_figures(bureau_id, start, as_of)
    funding = found["defence_funding"] or Decimal(0)
    keep = (
        "new_police_rooms",
        "police_rooms",
        "auxiliary_police",
        "vehicle_schools",
        "vehicles",
        "migrant_children",
        "left_behind_children",
        "incidents",
        "major_liability_incidents",
    )
    result: dict[str, Any] = {key: found[key] for key in keep}
    result["defence_funding_10k"] = float(funding / Decimal(10000))
    return result


def has_any(story: dict[str, Any], *keys: str) -> bool:
    return any(story.get(k) for k in keys)
