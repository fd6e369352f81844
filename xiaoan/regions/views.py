"""Pages of a city's or a province's bureau: its districts side by side, one district's
dashboard as its bureau sees it (read only), and the districts' campaign summaries collected.

Every page starts from the user's reach (`regions.figures.districts`, `for_user`): a district
out of reach answers 404; a role below the city 403.
"""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from xiaoan.accounts.access import member, require_role
from xiaoan.accounts.choices import Role
from xiaoan.campaigns.models import Campaign
from xiaoan.core.excel import build_workbook, workbook_response
from xiaoan.hazards.choices import HazardStatus
from xiaoan.reports import jobs, stats
from xiaoan.reports.exports import CONTENT_TYPES
from xiaoan.schools.models import School

from . import figures
from .summary import collected_summary, summary_title


def _year(request: HttpRequest) -> int:
    asked = request.GET.get("year", "")
    if asked.isdigit() and 2000 <= int(asked) <= 2100:
        return int(asked)
    return figures.figure_year(request.user)


@require_GET
@login_required
def overview(request: HttpRequest) -> HttpResponse:
    require_role(request.user, *Role.regional())
    year = _year(request)
    rows = figures.district_rows(request.user, year)
    if request.GET.get("format") == "xlsx":
        return _overview_workbook(rows, year)
    areas = rows[0].areas if rows else []
    context = {
        "rows": rows,
        "year": year,
        "areas": areas,
        "states": HazardStatus.choices,
        "state_rows": [(r, [r.states.get(code, 0) for code in HazardStatus.values]) for r in rows],
        "bureau": member(request.user).bureau,
    }
    return render(request, "regions/overview.html", context)


def _overview_workbook(rows: list[figures.DistrictRow], year: int) -> HttpResponse:
    """The table of the page, as it shows it, in Excel."""
    headers = [
        _("District"),
        _("Schools"),
        _("Found"),
        _("Open"),
        _("Overdue"),
        _("Supervised"),
        _("Rectification rate"),
        _("Monthly reports submitted"),
        _("Monthly reports expected"),
        _("Schools inspected"),
        _("Assessed"),
        _("Average score"),
        _("Vetoed"),
    ]
    data = [
        [
            r.bureau.name,
            r.schools,
            r.found,
            r.open,
            r.overdue,
            r.supervised,
            r.closed_rate,
            r.submitted,
            r.compliance.get("expected", ""),
            r.inspected,
            r.assessed,
            r.average_score,
            r.vetoed,
        ]
        for r in rows
    ]
    title = _("Districts side by side %(year)s") % {"year": year}
    return workbook_response(build_workbook(title, headers, data), title + ".xlsx")


@require_GET
@login_required
def district(request: HttpRequest, pk: int) -> HttpResponse:
    """The district's dashboard and its schools, as the district's bureau sees them."""
    require_role(request.user, *Role.regional())
    bureau = figures.district_in_reach(request.user, pk)
    if bureau is None:
        raise Http404
    form = stats.StatsFilterForm(request.GET or None, user=request.user, bureau_id=bureau.pk)
    context = {
        "form": form,
        "data": stats.dashboard(request.user, form, bureau_id=bureau.pk),
        "district": bureau,
        "schools": figures.school_rows(request.user, bureau),
    }
    return render(request, "regions/district.html", context)


@require_GET
@login_required
def campaign_summary(request: HttpRequest, pk: int, fmt: str) -> HttpResponse:
    """The city's or the province's campaign with its districts' summaries, as one file."""
    require_role(request.user, *Role.regional_admins())
    own = Campaign.objects.for_user(request.user).filter(bureau=member(request.user).bureau_id)
    campaign = get_object_or_404(own, pk=pk)
    if fmt not in CONTENT_TYPES and fmt != jobs.LISTS:
        raise Http404
    reach = figures.districts(request.user)
    return jobs.download(
        request,
        schools=School.objects.filter(bureau__in=reach).count(),
        title=summary_title(campaign),
        fmt=fmt,
        kind="xiaoan.regions.jobs.collected_summary_file",
        params={"campaign": campaign.pk},
        build=lambda: collected_summary(campaign, request.user),
        fallback="summary",
    )
