"""The home dashboard: what awaits the user first (the to-do list), then the counts."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.db.models import Count, Q, QuerySet, Sum
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET

from xiaoan.accounts.access import membership_of
from xiaoan.accounts.choices import Role
from xiaoan.hazards import counts
from xiaoan.hazards.choices import HazardLevel, HazardStatus
from xiaoan.hazards.models import Hazard
from xiaoan.schools.choices import SchoolKind
from xiaoan.schools.models import Bureau, School
from xiaoan.todo import todo_for


@require_GET
@login_required
def home(request: HttpRequest) -> HttpResponse:
    if request.user.is_superuser and not Bureau.objects.exists():
        return redirect("schools:setup")  # day one: set up the district first
    schools = School.objects.for_user(request.user).current()
    # One grouped count gives every figure of the schools.
    counts = dict(schools.values_list("kind").annotate(n=Count("id")).order_by())
    primary_secondary = sum(counts.get(k, 0) for k in SchoolKind.primary_and_secondary())
    membership = membership_of(request.user)
    role = membership.role if membership is not None else None
    context = {
        "todo": todo_for(request.user),
        "school_count": sum(counts.values()),
        "childcare_count": sum(counts.values()) - primary_secondary,
        "primary_secondary_count": primary_secondary,
        "by_kind": [
            {"label": k.label, "n": counts[k.value]} for k in SchoolKind if k.value in counts
        ],
        # A school user's schools are their own, counted above if it is on the registry.
        "own_school": (
            membership.school
            if membership is not None and role in Role.school_roles() and counts
            else None
        ),
        "hazards": hazard_figures(request.user),
        "can_report": role in (*Role.school_roles(), Role.DEPT_INSPECTOR, Role.BUREAU_ADMIN),
    }
    return render(request, "home.html", context)


def hazard_figures(user: Any) -> dict[str, int]:
    """The ledger at a glance, for what the user may see: today's counts kept by the workflow
    where they are kept (`hazards.counts`, summed in SQL), else counted over the hazards."""
    hazards = Hazard.objects.for_user(user)
    kept = counts.kept_rows(user)
    figures = _from_counts(kept) if kept is not None else _counted(hazards)
    figures["overdue"] = hazards.overdue().count()
    # Like the reports: every hazard found counts, the rate leaves out those found not to be one.
    genuine = figures["total"] - figures["rejected"]
    figures["closed_rate"] = round(100 * figures["closed"] / genuine) if genuine else 0
    return figures


def _figures() -> dict[str, Q]:
    """Each figure as a condition on the fields hazards and their kept counts share."""
    open_states = HazardStatus.open_states()
    return {
        "total": Q(),
        "rejected": Q(status=HazardStatus.REJECTED),
        "open": Q(status__in=open_states),
        "closed": Q(status=HazardStatus.CLOSED),
        "awaiting": Q(status=HazardStatus.AWAITING_VERIFICATION),
        "reported": Q(status=HazardStatus.REPORTED),
        "supervised": Q(supervised=True, status__in=open_states),
        "major_open": Q(level=HazardLevel.MAJOR, status__in=open_states),
    }


def _from_counts(kept: QuerySet[Any]) -> dict[str, int]:
    """One query over the kept rows, whatever the number of hazards."""
    sums = kept.aggregate(**{k: Sum("count", filter=q) for k, q in _figures().items()})
    return {k: n or 0 for k, n in sums.items()}


def _counted(hazards: Any) -> dict[str, int]:
    return hazards.aggregate(**{k: Count("id", filter=q) for k, q in _figures().items()})
