"""What the dashboards show, computed once for the page and the /api/v1/stats/ endpoints."""

from __future__ import annotations

import datetime
from typing import Any, cast

from django import forms
from django.db.models import Count, Max, Min, Q, QuerySet, Sum
from django.db.models.functions import Coalesce
from django.utils.translation import gettext_lazy as _

from xiaoan.accounts.access import is_regional, membership_of
from xiaoan.campaigns.models import Campaign
from xiaoan.core.dates import local_today
from xiaoan.core.forms import BootstrapMixin
from xiaoan.hazards import counts as hazard_counts
from xiaoan.hazards.choices import HazardLevel, HazardStatus
from xiaoan.hazards.models import Area, Hazard
from xiaoan.hazards.querysets import HazardQuerySet
from xiaoan.schools.choices import SchoolKind
from xiaoan.schools.models import School

from . import monthend
from .choices import Compliance
from .figures import area_rows, month_bounds, rate, totals
from .models import MonthlyReport


class StatsFilterForm(BootstrapMixin, forms.Form):
    """The dashboard's filters: campaign, school kind and period (by the date found)."""

    campaign = forms.ModelChoiceField(
        Campaign.objects.none(), required=False, label=_("Campaign"), empty_label=_("All campaigns")
    )
    kind = forms.ChoiceField(
        choices=[("", _("All kinds of school")), *SchoolKind.choices],
        required=False,
        label=_("Kind of school"),
    )
    start = forms.DateField(
        required=False, label=_("Found from"), widget=forms.DateInput(attrs={"type": "date"})
    )
    end = forms.DateField(
        required=False, label=_("Found until"), widget=forms.DateInput(attrs={"type": "date"})
    )

    def __init__(
        self, *args: Any, user: Any = None, bureau_id: int | None = None, **kwargs: Any
    ) -> None:
        """`bureau_id`: one district's figures (a city or a province drilling down)."""
        super().__init__(*args, **kwargs)
        membership = membership_of(user)
        campaigns = Campaign.objects.for_user(user)
        if bureau_id is not None:
            campaigns = campaigns.filter(bureau=bureau_id)
        elif membership is not None and not is_regional(user):
            campaigns = campaigns.filter(bureau=membership.bureau_id)
        self.fields["campaign"].queryset = campaigns  # type: ignore[attr-defined]

    def as_of(self) -> datetime.date:
        """The day the figures describe: the end of the chosen period, else today."""
        data = self.cleaned_data if self.is_valid() else {}
        today = local_today()
        return min(data["end"], today) if data.get("end") else today

    def filter(self, hazards: QuerySet[Hazard]) -> QuerySet[Hazard]:
        data = self.cleaned_data if self.is_valid() else {}
        if data.get("campaign"):
            hazards = hazards.filter(campaign=data["campaign"])
        if data.get("kind"):
            hazards = hazards.filter(school__kind=data["kind"])
        if data.get("start"):
            hazards = hazards.filter(found_on__gte=data["start"])
        if data.get("end"):
            hazards = hazards.filter(found_on__lte=data["end"])
        return hazards


def _months(hazards: QuerySet[Hazard], limit: int = 12) -> list[tuple[int, int]]:
    span = hazards.aggregate(first=Min("found_on"), last=Max("found_on"))
    last = span["last"] or local_today()
    first = span["first"] or last
    months: list[tuple[int, int]] = []
    y, m = last.year, last.month
    while len(months) < limit and (y, m) >= (first.year, first.month):
        months.append((y, m))
        y, m = (y - 1, 12) if m == 1 else (y, m - 1)
    return list(reversed(months))


def _source(hazards: QuerySet[Hazard], kept: QuerySet[Any] | None) -> Any:
    """What a part counts: today's kept rows where given (summed), else the hazards."""
    if kept is not None:
        return kept, lambda **where: Coalesce(Sum("count", filter=Q(**where)), 0)
    return hazards.order_by(), lambda **where: Count("id", filter=Q(**where))


def by_area(
    hazards: QuerySet[Hazard],
    kept: QuerySet[Any] | list[dict[str, Any]] | None = None,
    areas: list[Area] | None = None,
) -> list[dict]:
    """General and major hazards per active area; from today's kept counts when given (their
    rows, summed here in SQL, or rows of `area_id`, `level` and `n` already summed), the
    active `areas` too when already read."""
    if isinstance(kept, QuerySet):
        kept = list(kept.values("area_id", "level").annotate(n=Sum("count")))
    counts: dict[int, Any] = {}
    if kept is not None:
        for row in kept:
            entry = counts.setdefault(row["area_id"], {"general": 0, "major": 0})
            entry[row["level"]] += row["n"]
    else:
        rows, n = _source(hazards, None)
        counts = {
            r["area"]: r
            for r in rows.values("area").annotate(
                general=n(level=HazardLevel.GENERAL), major=n(level=HazardLevel.MAJOR)
            )
        }
    return [
        {
            "code": a.code,
            "name": a.name,
            "general": counts.get(a.pk, {}).get("general", 0),
            "major": counts.get(a.pk, {}).get("major", 0),
        }
        for a in (Area.objects.filter(is_active=True) if areas is None else areas)
    ]


# Each step is named by what was done, not by the status word: "待受理: 101" read as 101
# hazards still waiting, while the figure counts every hazard that got that far.
FUNNEL_STEPS = [
    (HazardStatus.REPORTED, _("Found")),
    (HazardStatus.ASSIGNED, _("Opinion issued")),
    (HazardStatus.RECTIFYING, _("Rectification begun")),
    (HazardStatus.AWAITING_VERIFICATION, _("Sent for verification")),
    (HazardStatus.CLOSED, _("Closed out")),
]


def funnel(hazards: QuerySet[Hazard], kept: QuerySet[Any] | None = None) -> list[dict]:
    """Hazards that reached each step of the closed loop (a closed one passed them all); from
    today's kept counts when given."""
    rows, n = _source(hazards, kept)
    counts: dict[str, int] = dict(rows.values_list("status").annotate(n=n()))
    order = [status for status, _label in FUNNEL_STEPS]
    rows = []
    for index, (status, label) in enumerate(FUNNEL_STEPS):
        reached = sum(counts.get(s, 0) for s in order[index:])
        if index == 0:
            # Found counts every hazard reported, as the home page and the reports do, also
            # those later found not to be one (不属实).
            reached += counts.get(HazardStatus.REJECTED, 0)
        rows.append({"status": status.value, "name": str(label), "count": reached})
    return rows


def trend(
    hazards: QuerySet[Hazard],
    stored: dict | None = None,
    kept: QuerySet[Any] | None = None,
) -> list[dict[str, Any]]:
    """Per month: found that month; rectification rate and overdue count at the month's end.

    A month that is over is read from the stored month-end figures where every district of
    the user's reach has them (`stored`: `monthend.reach` with the filters, None when they
    cannot answer); the running month from today's kept counts when given (`kept`); any
    other month is computed here.
    """
    rows = []
    today = local_today()
    months = _months(hazards)
    stored_months = _stored_months(stored, months, today)
    for year, month in months:
        start, end = month_bounds(year, month)
        as_of = min(end, today)
        if start in stored_months:
            found, total = stored_months[start]["found_in_month"], stored_months[start]
        else:
            found = hazards.filter(found_on__range=(start, end)).count()
            if kept is not None and as_of == today:
                total = _today(hazards, kept, today)
            else:
                total = totals(area_rows(hazards.filter(found_on__lte=end), as_of))
        rows.append(
            {
                "month": f"{year}-{month:02d}",
                "found": found,
                "closed": total["closed"],
                "open": total["open"],
                "overdue": total["overdue"],
                "rate": rate(total["closed"], total["closed"] + total["open"]),
            }
        )
    return rows


def _today(hazards: QuerySet[Hazard], kept: QuerySet[Any], today: datetime.date) -> dict[str, int]:
    """What `figures.area_rows` says as of today, from the kept counts of the active areas
    and the overdue hazards (which the deadline, not a step, makes): three queries that do
    not read every hazard."""
    rows, n = _source(hazards, kept.filter(area__is_active=True))
    total = rows.aggregate(
        closed=n(status=HazardStatus.CLOSED), open=n(status__in=HazardStatus.open_states())
    )
    total["overdue"] = _overdue(hazards, today).filter(area__is_active=True).count()
    return total


def _overdue(hazards: QuerySet[Hazard], today: datetime.date) -> QuerySet[Hazard]:
    return cast(HazardQuerySet, hazards).overdue(today)


def _stored_months(
    stored: dict | None, months: list[tuple[int, int]], today: datetime.date
) -> dict[datetime.date, dict[str, int]]:
    over = [datetime.date(y, m, 1) for y, m in months if month_bounds(y, m)[1] < today]
    if stored is None or not over:
        return {}
    return monthend.month_totals(stored, over, stored.get("campaign"), stored.get("kind", ""))


def kept_counts(
    user: Any, form: StatsFilterForm, bureau_id: int | None, per_school: bool = False
) -> QuerySet[Any] | None:
    """Today's counts kept by the workflow, for the user's reach or one district of it,
    unfiltered (they keep no campaign, kind or date found); None: counted from the hazards.
    The districts' rows, or with `per_school` their schools'."""
    data = form.cleaned_data if form.is_valid() else {}
    if any(data.get(k) for k in ("campaign", "kind", "start", "end")):
        return None
    return hazard_counts.kept_rows(user, bureau_id, per_school)


def stored_scope(user: Any, form: StatsFilterForm, bureau_id: int | None) -> dict | None:
    """What the stored month ends are read for: the user's reach with the campaign and the
    kind of school. A period filter (by the date found) is not stored: None, computed live."""
    data = form.cleaned_data if form.is_valid() else {}
    if data.get("start") or data.get("end"):
        return None
    scope = monthend.reach(user, bureau_id)
    if scope is None:
        return None
    return {**scope, "campaign": data.get("campaign"), "kind": data.get("kind") or ""}


def ranking(
    hazards: QuerySet[Hazard], limit: int = 10, kept: QuerySet[Any] | None = None
) -> list[dict[str, Any]]:
    """The schools with the most overdue, then open hazards (then by name); their open ones
    from their kept rows when given (`kept_counts(..., per_school=True)`). When `limit`
    schools or more have overdue hazards, only the schools level with or above the last of
    them can be shown, and only their kept rows are read (a province's 10,000 schools'
    else)."""
    if kept is None:
        return _ranking_counted(hazards, limit)
    overdue = dict(
        _overdue(hazards, local_today()).order_by().values_list("school").annotate(n=Count("id"))
    )
    least = sorted(overdue.values(), reverse=True)[limit - 1] if len(overdue) >= limit else 0
    if least:
        kept = kept.filter(school__in=[s for s, n in overdue.items() if n >= least])
    opened = dict(
        kept.filter(status__in=HazardStatus.open_states())
        .values_list("school")
        .annotate(n=Sum("count"))
    )
    ranked = sorted(opened, key=lambda s: (-overdue.get(s, 0), -opened[s]))
    if not ranked:
        return []
    # The name breaks ties: the schools level with the last one shown are read too.
    last = ranked[:limit][-1]
    level = [
        s for s in ranked if (overdue.get(s, 0), opened[s]) >= (overdue.get(last, 0), opened[last])
    ]
    names = dict(School.objects.filter(pk__in=level).values_list("pk", "name"))
    shown = sorted(level, key=lambda s: (-overdue.get(s, 0), -opened[s], names[s]))[:limit]
    return [{"school": names[s], "open": opened[s], "overdue": overdue.get(s, 0)} for s in shown]


def _ranking_counted(hazards: QuerySet[Hazard], limit: int) -> list[dict[str, Any]]:
    today = local_today()
    rows = (
        hazards.values("school", "school__name")
        .annotate(
            open=Count("id", filter=Q(status__in=HazardStatus.open_states())),
            overdue=Count(
                "id", filter=Q(status__in=HazardStatus.overdue_states(), deadline__lt=today)
            ),
        )
        .filter(open__gt=0)
        .order_by("-overdue", "-open", "school__name")[:limit]
    )
    return [{"school": r["school__name"], "open": r["open"], "overdue": r["overdue"]} for r in rows]


def compliance_trend(
    user: Any, months: list[tuple[int, int]], bureau_id: int | None = None
) -> list[dict[str, Any]]:
    """The district's compliance by month: the user's own, or `bureau_id`'s (a district the
    user reaches from above)."""
    from .official import compliance_counts

    membership = membership_of(user)
    if membership is None or membership.school_id:
        return []
    bureau_id = bureau_id or membership.bureau_id
    today = local_today()
    # Months before the bureau collected monthly reports in Xiao'an are left out.
    collected = set(
        MonthlyReport.objects.filter(school__bureau_id=bureau_id)
        .values_list("year", "month")
        .distinct()
    )
    return [
        {**compliance_counts(bureau_id, y, m, today), "key": f"{y}-{m:02d}"}
        for y, m in months
        if (y, m) in collected
    ]


# Each part of the dashboard from the filtered hazards, the user and the district (None: the
# user's own reach); an endpoint of /api/v1/stats/ computes only its own.
PARTS: dict[str, Any] = {
    "by_area": lambda hazards, user, bureau_id, form: by_area(
        hazards, kept_counts(user, form, bureau_id)
    ),
    "funnel": lambda hazards, user, bureau_id, form: funnel(
        hazards, kept_counts(user, form, bureau_id)
    ),
    "trend": lambda hazards, user, bureau_id, form: trend(
        hazards, stored_scope(user, form, bureau_id), kept_counts(user, form, bureau_id)
    ),
    "ranking": lambda hazards, user, bureau_id, form: ranking(
        hazards, kept=kept_counts(user, form, bureau_id, per_school=True)
    ),
    "compliance": lambda hazards, user, bureau_id, form: compliance_trend(
        user, _months(hazards), bureau_id
    ),
}


def _hazards(user: Any, form: StatsFilterForm, bureau_id: int | None) -> QuerySet[Hazard]:
    hazards = form.filter(Hazard.objects.for_user(user))
    return hazards if bureau_id is None else hazards.filter(bureau=bureau_id)


def part(user: Any, form: StatsFilterForm, name: str, bureau_id: int | None = None) -> Any:
    """One part of the dashboard, without computing the others."""
    return PARTS[name](_hazards(user, form, bureau_id), user, bureau_id, form)


def dashboard(user: Any, form: StatsFilterForm, bureau_id: int | None = None) -> dict[str, Any]:
    """The dashboard of the user's reach, or of one district in it (`bureau_id`)."""
    hazards = _hazards(user, form, bureau_id)
    schools = School.objects.for_user(user).as_of(form.as_of())
    if bureau_id is not None:
        schools = schools.filter(bureau=bureau_id)
    return {
        **{name: compute(hazards, user, bureau_id, form) for name, compute in PARTS.items()},
        "compliance_states": [{"code": c.value, "name": str(c.label)} for c in Compliance],
        "schools": schools.count(),
    }
