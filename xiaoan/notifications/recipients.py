"""Who receives what: the one table of workflow events, each with the people told and whether
it is urgent, and `announce()`, which every step calls inside its transaction.

A step names its event and what it is about (`About`: the district, the schools, the
departments, who reported it); the table says who must act or know. The person who took the
step is not told of it. The rows are created in the step's transaction (a rolled-back step
leaves none) through `sending.notify`, which sends outside the app only once it commits.
The same table is in docs/notifications.md; `tests/test_recipients.py` tests it row by row.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from xiaoan.accounts.access import districts_below
from xiaoan.accounts.choices import Role

from .choices import URGENT_KINDS, NotificationKind
from .models import Notification
from .sending import notify


class Audience:
    """The people a row may name, each found by role within what the event is about."""

    SCHOOL = "school"
    SAFETY_SECTION = "safety_section"
    LEADERS = "leaders"
    GOVERNMENT = "government"
    DEPARTMENT = "department"
    REPORTER = "reporter"
    DISTRICTS = "districts"

    LABELS = {
        SCHOOL: _("the school's safety administrators"),
        SAFETY_SECTION: _("the bureau safety section"),
        LEADERS: _("the bureau leaders"),
        GOVERNMENT: _("the district government"),
        DEPARTMENT: _("the department's inspectors"),
        REPORTER: _("whoever reported it"),
        DISTRICTS: _("the safety sections of the districts below"),
    }


@dataclass(frozen=True)
class About:
    """What an event is about, as far as its recipients go."""

    bureau_id: int
    school_ids: tuple[int, ...] = ()
    department_ids: tuple[int, ...] = ()
    reporter_id: int | None = None


K, A = NotificationKind, Audience

# event kind → who is told (they must act, or must know) · urgent is `URGENT_KINDS`.
TABLE: dict[str, tuple[str, ...]] = {
    K.HAZARD_REPORTED: (A.SAFETY_SECTION, A.SCHOOL),
    K.HAZARD_FOUND_IN_INSPECTION: (A.SAFETY_SECTION, A.SCHOOL),
    K.HAZARD_ASSIGNED: (A.SCHOOL, A.REPORTER),
    K.HAZARD_EXTENSION_REQUESTED: (A.SAFETY_SECTION, A.DEPARTMENT),
    K.HAZARD_EXTENSION_DECIDED: (A.SCHOOL,),
    K.HAZARD_SUBMITTED: (A.SAFETY_SECTION, A.DEPARTMENT),
    K.HAZARD_VERIFICATION_FAILED: (A.SCHOOL,),
    K.HAZARD_CLOSED: (A.SCHOOL, A.REPORTER),
    K.HAZARD_REJECTED: (A.SCHOOL, A.REPORTER),
    K.HAZARD_SUPERVISED: (A.SCHOOL, A.SAFETY_SECTION),
    K.HAZARD_SUPERVISION_LIFTED: (A.SCHOOL, A.SAFETY_SECTION),
    K.INSPECTION_SCHEDULED: (A.DEPARTMENT, A.SCHOOL),
    K.MONTHLY_SUBMITTED: (A.SAFETY_SECTION,),
    K.MONTHLY_RETURNED: (A.SCHOOL,),
    K.MONTHLY_ACCEPTED: (A.SCHOOL,),
    K.WORK_PLAN_SUBMITTED: (A.SAFETY_SECTION,),
    K.WORK_PLAN_RETURNED: (A.SCHOOL,),
    K.WORK_PLAN_ACCEPTED: (A.SCHOOL,),
    K.CAMPAIGN_STARTED: (A.SCHOOL,),
    K.CAMPAIGN_TO_ADOPT: (A.DISTRICTS,),
    K.OFFICIAL_ISSUED: (A.GOVERNMENT, A.LEADERS),
    K.WATCH_LIST_STOP: (A.SCHOOL, A.SAFETY_SECTION),
    K.DOCUMENT_ISSUED: (A.SCHOOL,),
    K.WATCH_LIST_VISITOR: (A.SCHOOL, A.SAFETY_SECTION),
    K.INCIDENT_REPORTED: (A.SAFETY_SECTION, A.LEADERS, A.SCHOOL),
    K.VEHICLE_CHECK_FAILED: (A.SCHOOL, A.SAFETY_SECTION),
    K.RISK_REASSESSMENT_DUE: (A.SCHOOL, A.SAFETY_SECTION),
}


def rows() -> list[tuple[str, tuple[str, ...], bool]]:
    """The table as the docs show it: (kind, audiences, urgent)."""
    return [(kind, audiences, kind in URGENT_KINDS) for kind, audiences in TABLE.items()]


def _who(audience: str, about: About) -> Q | None:
    """The memberships an audience names for this event (None: nobody)."""
    district = Q(bureau_id=about.bureau_id)
    if audience == Audience.SCHOOL:
        if not about.school_ids:
            return None
        return district & Q(role=Role.SCHOOL_ADMIN, school_id__in=about.school_ids)
    if audience == Audience.SAFETY_SECTION:
        return district & Q(role=Role.BUREAU_ADMIN)
    if audience == Audience.LEADERS:
        return district & Q(role=Role.BUREAU_LEADER)
    if audience == Audience.GOVERNMENT:
        return district & Q(role=Role.GOV_VIEWER)
    if audience == Audience.DEPARTMENT:
        if not about.department_ids:
            return None
        return district & Q(role=Role.DEPT_INSPECTOR, department_id__in=about.department_ids)
    if audience == Audience.DISTRICTS:  # a city's or a province's bureau: those below it
        return districts_below(about.bureau_id) & Q(role=Role.BUREAU_ADMIN)
    if audience == Audience.REPORTER:
        return None if about.reporter_id is None else district & Q(user_id=about.reporter_id)
    raise ValueError(audience)


def recipients(kind: str, about: About, actor: Any = None) -> list[Any]:
    """The users a `kind` event about `about` reaches (active accounts, the actor left out):
    one query."""
    from xiaoan.accounts.models import Membership

    wanted = [q for q in (_who(a, about) for a in TABLE[kind]) if q is not None]
    if not wanted:
        return []
    combined = wanted[0]
    for q in wanted[1:]:
        combined |= q
    memberships = Membership.objects.filter(combined, is_active=True, user__is_active=True)
    if actor is not None and getattr(actor, "pk", None) is not None:
        memberships = memberships.exclude(user_id=actor.pk)
    return [m.user for m in memberships.select_related("user").order_by("user_id")]


def announce(
    kind: str,
    about: About,
    *,
    actor: Any,
    params: dict[str, Any],
    link: str = "",
    code: str = "",
) -> list[Notification]:
    """Tell everyone the table names for this event. Call inside the step's transaction."""
    told = (
        notify(user, kind, params, link=link, code=code) for user in recipients(kind, about, actor)
    )
    return [n for n in told if n is not None]


def school_ids(*ids: int | None) -> tuple[int, ...]:
    return tuple(i for i in ids if i is not None)


def ids(objects: Iterable[Any]) -> tuple[int, ...]:
    return tuple(o.pk for o in objects)
