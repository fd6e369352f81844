"""Work-plan status of a campaign's schools: one filter for the page and the export."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext_lazy as _

from .choices import WorkPlanStatus
from .models import Campaign, WorkPlan

MISSING = "missing"
PLAN_STATES = [(MISSING, _("Not filed")), *WorkPlanStatus.choices]


@dataclass(frozen=True)
class PlanRow:
    school: Any
    plan: WorkPlan | None
    reminded: int

    @property
    def state(self) -> str:
        return self.plan.status if self.plan else MISSING

    @property
    def filed(self) -> bool:
        return self.plan is not None and self.plan.is_filed


def plan_rows(campaign: Campaign, schools: Any, state: str = "", kind: str = "") -> list[PlanRow]:
    """One row per school the user may see, with its plan (or none) and reminders sent."""
    from django.db.models import Count, Q

    schools = (
        schools.filter(bureau=campaign.bureau_id)
        .as_of(campaign.counted_on())
        .annotate(reminders=Count("campaign_events", filter=Q(campaign_events__campaign=campaign)))
    )
    if kind:
        schools = schools.filter(kind=kind)
    plans = {p.school_id: p for p in campaign.work_plans.filter(school__in=schools)}
    rows = [PlanRow(s, plans.get(s.pk), s.reminders) for s in schools.order_by("code")]
    if state == MISSING:
        # "Not filed": no plan, a draft or a returned plan all still owe the bureau.
        return [r for r in rows if not r.filed]
    if state:
        return [r for r in rows if r.plan is not None and r.plan.status == state]
    return rows


@dataclass(frozen=True)
class DistrictRow:
    """A district under a city's or a province's campaign: its own campaign, if adopted."""

    bureau: Any
    campaign: Campaign | None
    filed: int
    schools: int


def district_rows(campaign: Campaign, user: Any) -> list[DistrictRow]:
    """The districts under the campaign's bureau that `user` may see (a district's user its
    own), each with the campaign it adopted and how many of its schools filed a plan."""
    from xiaoan.accounts.access import districts_below
    from xiaoan.schools.models import Bureau, School

    bureaus = Bureau.objects.filter(districts_below(campaign.bureau_id, ""))
    bureaus = bureaus.filter(pk__in=School.objects.for_user(user).values("bureau"))
    adopted = {c.bureau_id: c for c in campaign.adoptions.all()}
    rows = []
    for bureau in sorted(bureaus, key=lambda b: b.name):
        own = adopted.get(bureau.pk)
        plans = plan_rows(own, School.objects.filter(bureau=bureau.pk)) if own else []
        rows.append(DistrictRow(bureau, own, sum(1 for r in plans if r.filed), len(plans)))
    return rows
