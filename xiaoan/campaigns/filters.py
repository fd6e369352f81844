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
