"""Register pages: one list, export, detail and form for every register; the gate, duty gaps,
special-group counts and expiring papers have their own views.

Action views load the row through `for_user` (404 for another school's), call one model
method and redirect; the model decides whether the step is allowed (`allowed_actions`), and
the pages show only the allowed steps.
"""

from __future__ import annotations

import datetime
from typing import Any

import segno
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Model, QuerySet
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from xiaoan.accounts.access import has_role, member, membership_of, role_of
from xiaoan.accounts.choices import Role
from xiaoan.campaigns.views import attachment_response
from xiaoan.core import imports
from xiaoan.core.dates import local_today
from xiaoan.core.errors import DomainError
from xiaoan.core.excel import build_workbook, workbook_response
from xiaoan.core.idempotency import idempotent
from xiaoan.schools.models import School

from . import figures, forms, reminders, visibility
from .choices import DrillScenario, DrillStanding, Meal
from .imports import IMPORTERS, RegisterImporter
from .models import (
    Drill,
    DrillPhoto,
    DrillRule,
    DutyShift,
    EmergencyPlan,
    MealTime,
    MorningCheck,
    PaperKind,
    Patrol,
    PatrolPoint,
    SchoolPaper,
    SupplierCertificate,
    SurroundingsCheck,
    Visitor,
    WatchListEntry,
    district_cover,
    meal_rules,
    patrol_figures,
    rounds,
    sample_standings,
    standings,
)
from .models.education import counts_by_school
from .models.food import DEFAULT_MEAL_TIMES, MEAL_ORDER, missed_by_school
from .tables import BY_SLUG, Register, groups

PAGE_SIZE = 50


def _register(slug: str) -> Register:
    if slug not in BY_SLUG:
        raise Http404
    return BY_SLUG[slug]


def _rows(request: HttpRequest, register: Register) -> tuple[Any, QuerySet]:
    filterset = register.filterset(
        request.GET, queryset=register.rows(request.user), request=request
    )
    return filterset, filterset.qs


def _query_without_page(request: HttpRequest) -> str:
    query = request.GET.copy()
    query.pop("page", None)
    return query.urlencode()


@require_GET
@login_required
def index(request: HttpRequest) -> HttpResponse:
    context: dict[str, Any] = {"groups": groups()}
    membership = membership_of(request.user)
    if membership is not None and membership.school_id is None:
        year = _figures_year(request.GET.get("year", ""), membership.bureau_id)
        start, end = datetime.date(year, 1, 1), datetime.date(year, 12, 31)
        context["measures"] = figures.key_measures(membership.bureau_id, start, end)
        context["year"] = year
    return render(request, "registers/index.html", context)


def _figures_year(asked: str, bureau_id: int) -> int:
    """The year asked for, else the year of the district's latest campaign, else this year."""
    if asked.isdigit() and 2000 <= int(asked) <= 2100:
        return int(asked)
    from xiaoan.campaigns.models import Campaign

    latest = Campaign.objects.filter(bureau=bureau_id).order_by("-start_date").first()
    return latest.start_date.year if latest else local_today().year


@require_GET
@login_required
def register_list(request: HttpRequest, slug: str) -> HttpResponse:
    register = _register(slug)
    filterset, rows = _rows(request, register)
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    table = [
        (row, register.cells(row, request.user), row.allowed_actions(request.user))
        for row in page.object_list
    ]
    headers = register.headers()
    if role_of(request.user) in Role.school_roles():
        # A school sees only its own rows: the school column would only narrow a phone's table.
        headers = headers[1:]
        table = [(row, cells[1:], actions) for row, cells, actions in table]
    return render(
        request,
        "registers/register_list.html",
        {
            "register": register,
            "filter": filterset,
            "headers": headers,
            "table": table,
            "restricted": register.readers is not None
            and not has_role(request.user, *register.readers),
            "page_obj": page,
            "paginator": page.paginator,
            "is_paginated": page.has_other_pages(),
            "query": _query_without_page(request),
            "can_write": has_role(request.user, *register.writers),
            "can_import": slug in IMPORTERS and has_role(request.user, *IMPORTERS[slug].roles),
            "has_actions": any(actions for _row, _cells, actions in table),
        },
    )


@require_GET
@login_required
def register_export(request: HttpRequest, slug: str) -> HttpResponse:
    register = _register(slug)
    _filterset, rows = _rows(request, register)
    title = str(register.title)
    workbook = build_workbook(
        title, register.headers(), (register.cells(row, request.user) for row in rows)
    )
    return workbook_response(workbook, f"{title}.xlsx")


@require_http_methods(["GET", "POST"])
@login_required
@idempotent
def register_form(request: HttpRequest, slug: str, pk: int | None = None) -> HttpResponse:
    """Add or correct a row. The daily logs' forms may come from the field pages' outbox, sent
    again after a lost answer: the id they carry saves them once (`core.idempotency`)."""
    register = _register(slug)
    if pk is None and register.gate_only:
        return redirect("registers:gate")
    instance = None
    if pk is not None:
        instance = _row(request, register, pk)
        instance.check_edit(request.user)  # type: ignore[attr-defined]
    elif not has_role(request.user, *register.writers):
        raise PermissionDenied
    form = register.form(
        request.POST or None, request.FILES or None, instance=instance, user=request.user
    )
    if request.method == "POST" and form.is_valid() and form.save_or_error():
        messages.success(request, _("Saved."))
        return redirect("registers:list", slug=slug)
    return render(
        request,
        "registers/register_form.html",
        {"register": register, "form": form, "row": instance},
    )


def _row(request: HttpRequest, register: Register, pk: int) -> Model:
    return get_object_or_404(register.rows(request.user), pk=pk)


@require_GET
@login_required
def register_detail(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    """One row as its list shows it, the steps the user may take, and its change history."""
    register = _register(slug)
    row = _row(request, register, pk)
    return render(
        request,
        "registers/register_detail.html",
        {
            "register": register,
            "row": row,
            "cells": list(zip(register.headers(), register.cells(row, request.user), strict=True)),
            "actions": row.allowed_actions(request.user),  # type: ignore[attr-defined]
            "show_history": visibility.sees_whole_history(row, request.user),
            "extra": register.detail_extra,
        },
    )


# ---- the gate -------------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
@login_required
def gate(request: HttpRequest) -> HttpResponse:
    """Register visitors at the gate and sign them out: today's list, who is still inside."""
    membership = membership_of(request.user)
    school = membership.school if membership is not None and membership.school_id else None
    can_register = school is not None and has_role(
        request.user, Role.SCHOOL_ADMIN, Role.SCHOOL_STAFF
    )
    if request.method == "POST":
        if not can_register:
            raise PermissionDenied
        visitor, form = _at_the_gate(request, school, forms.VisitorForm(request.POST))
        if visitor is not None:
            _announce(request, visitor)
            return redirect("registers:gate")
        if form.stop is None and form.data.get("watch_told"):
            # A decision with a reason missing: the warning and the two choices stay.
            told = WatchListEntry.objects.filter(school=school, pk=form.data["watch_told"])
            form.stop = told.first()
    else:
        form = forms.VisitorForm()
    day = forms.DayForm(request.GET).day_or_today()
    today = Visitor.objects.for_user(request.user).on_day(day).select_related("school", "watch_hit")
    return render(
        request,
        "registers/gate.html",
        {
            "form": form,
            "can_register": can_register,
            "day": day,
            "visitors": today,
            "inside": [(v, v.allowed_actions(request.user)) for v in today if v.is_inside],
        },
    )


def _at_the_gate(
    request: HttpRequest, school: Any, form: forms.VisitorForm
) -> tuple[Visitor | None, forms.VisitorForm]:
    """Register the visitor, unless the watch list stops it: then the form comes back
    stopped (what was typed, the warning, the keeper's choices). Errors go to their fields."""
    if not form.is_valid():
        return None, form
    told = form.cleaned_data["watch_told"]
    stop = Visitor.screen(school=school, user=request.user, told=told, **form.details())
    if stop is not None:
        return None, form.stopped_at(stop)
    try:
        return Visitor.register(school=school, user=request.user, **form.details()), form
    except DomainError as exc:
        # Said at the form, so what the gate keeper typed stays on the page.
        form.add_error(exc.field if exc.field in form.fields else None, exc.message)
        return None, form


def _announce(request: HttpRequest, visitor: Visitor) -> None:
    if visitor.watch_hit is not None:
        messages.warning(
            request,
            _("%(name)s is on the watch list (%(reason)s); the safety officer has been told.")
            % {"name": visitor.name, "reason": visitor.watch_hit.reason},
        )
    if visitor.refused:
        messages.info(request, _("%(name)s was refused entry.") % {"name": visitor.name})
    else:
        messages.success(request, _("%(name)s registered.") % {"name": visitor.name})


@require_POST
@login_required
def visitor_sign_out(request: HttpRequest, pk: int) -> HttpResponse:
    visitor = get_object_or_404(Visitor.objects.for_user(request.user), pk=pk)
    visitor.sign_out(request.user)
    messages.success(request, _("%(name)s signed out.") % {"name": visitor.name})
    return redirect("registers:gate")


# ---- bureau views ---------------------------------------------------------------------------


@require_GET
@login_required
def duty_gap_view(request: HttpRequest) -> HttpResponse:
    """Each school's hours of a day with nobody on duty (schools with no roster: all day)."""
    day = forms.DayForm(request.GET).day_or_today()
    schools = School.objects.for_user(request.user).as_of(day)
    rows = district_cover(schools, DutyShift.objects.for_user(request.user), day)
    only_gaps = request.GET.get("gaps") == "1"
    if only_gaps:
        rows = [r for r in rows if r["hours"] > 0]
    return render(
        request, "registers/duty_gaps.html", {"day": day, "rows": rows, "only_gaps": only_gaps}
    )


@require_GET
@login_required
def special_group_counts(request: HttpRequest) -> HttpResponse:
    """Counts by school for every district role; the children's names stay hidden."""
    schools = School.objects.for_user(request.user).current()
    counts = counts_by_school(schools)
    return render(request, "registers/special_counts.html", {"counts": counts})


@require_GET
@login_required
def expiring_papers(request: HttpRequest) -> HttpResponse:
    today = local_today()
    days = forms.DaysForm(request.GET).days_or_default()
    vehicles, drivers = reminders.expiring(today, days, user=request.user)
    return render(
        request,
        "registers/papers.html",
        {"today": today, "days": days, "vehicles": vehicles, "drivers": drivers},
    )


@require_POST
@login_required
def surroundings_follow_up(request: HttpRequest, pk: int) -> HttpResponse:
    check = get_object_or_404(
        SurroundingsCheck.objects.for_user(request.user).select_related("school"), pk=pk
    )
    hazard = check.follow_up(request.user)
    messages.success(request, _("Hazard %(code)s recorded.") % {"code": hazard.code})
    return redirect(hazard)


# ---- patrols (巡查打卡) ----------------------------------------------------------------------


def _point(request: HttpRequest, pk: int) -> PatrolPoint:
    points = PatrolPoint.objects.for_user(request.user).select_related("school")
    return get_object_or_404(points, pk=pk)


@require_http_methods(["GET", "POST"])
@login_required
@idempotent
def patrol_scan(request: HttpRequest, pk: int) -> HttpResponse:
    """The page a point's QR code opens: record the patrol now, with a note, a photo or a
    hazard found; sent later with its own time and id when the phone had no network."""
    point = _point(request, pk)
    form = forms.PatrolForm(request.POST or None, request.FILES or None)
    if request.method == "POST":
        point.check_record(request.user)
        if form.is_valid():
            data = form.cleaned_data
            try:
                patrol = point.record(
                    request.user,
                    at=data["patrolled_at"],
                    note=data["note"],
                    photo=data["photo"],
                    hazard=form.hazard(),
                )
            except DomainError as error:
                form.add_error(None, error.message)
            except ValidationError as error:
                form.add_error("photo", error)
            else:
                at = timezone.localtime(patrol.patrolled_at)
                messages.success(
                    request,
                    _("Patrol of %(point)s recorded at %(time)s.")
                    % {"point": point.name, "time": f"{at:%H:%M}"},
                )
                return redirect(point)
    today = local_today()
    context = {
        "point": point,
        "form": form,
        "may_record": "record" in _patrol_actions(request, point),
        "rounds": [r for r in rounds(point.school, today) if r.point.pk == point.pk],
        "recent": point.patrols.select_related("recorded_by", "hazard")[:10],
    }
    return render(request, "registers/patrol_scan.html", context)


def _patrol_actions(request: HttpRequest, point: PatrolPoint) -> list[str]:
    try:
        point.check_record(request.user)
    except DomainError:
        return []
    return ["record"]


@require_GET
@login_required
def patrol_sheet(request: HttpRequest) -> HttpResponse:
    """The QR codes of the school's points, to print on A4 and put up at each point."""
    points = PatrolPoint.objects.for_user(request.user).filter(is_active=True)
    school = _asked_school(request)
    if school is not None:
        points = points.filter(school=school)
    cards = []
    for point in points.select_related("school").order_by("school__code", "order", "name"):
        url = request.build_absolute_uri(reverse("registers:patrol-scan", args=[point.pk]))
        qr = segno.make(url, error="m")
        cards.append({"point": point, "url": url, "svg": qr.svg_inline(scale=5, border=2)})
    return render(request, "registers/patrol_sheet.html", {"cards": cards, "school": school})


def _asked_school(request: HttpRequest) -> School | None:
    membership = membership_of(request.user)
    if membership is not None and membership.school_id is not None:
        return membership.school
    asked = request.GET.get("school", "")
    if not asked.isdigit():
        return None
    return get_object_or_404(School.objects.for_user(request.user), pk=int(asked))


@require_GET
@login_required
def patrol_board(request: HttpRequest) -> HttpResponse:
    """Today's rounds of a school (on time, late, missed, due); for the district, each school's
    rounds of the day and of the month so far."""
    form = forms.DayForm(request.GET or None)
    day = form.cleaned_data["day"] if form.is_valid() and form.cleaned_data.get("day") else None
    day = day or local_today()
    school = _asked_school(request)
    context: dict[str, Any] = {"day": day, "school": school}
    if school is not None:
        context["rounds"] = rounds(school, day)
        context["figures"] = patrol_figures([school.pk], day, day).get(school.pk)
    else:
        schools = School.objects.for_user(request.user).order_by("code")
        today = patrol_figures(schools, day, day)
        month = patrol_figures(schools, day.replace(day=1), day)
        context["rows"] = [(s, today[s.pk], month[s.pk]) for s in schools if s.pk in month]
    return render(request, "registers/patrol_board.html", context)


@require_GET
@login_required
def patrol_photo(request: HttpRequest, pk: int) -> FileResponse:
    patrol = get_object_or_404(Patrol.objects.for_user(request.user), pk=pk)
    if not patrol.photo:
        raise Http404
    return FileResponse(patrol.photo.open("rb"), content_type="image/jpeg")


# ---- importing from Excel ------------------------------------------------------------------


def _importer(slug: str) -> type[RegisterImporter]:
    if slug not in IMPORTERS:
        raise Http404
    return IMPORTERS[slug]


def _import_pages(slug: str) -> imports.Pages:
    return imports.Pages(
        upload=reverse("registers:import", args=[slug]),
        preview=reverse("registers:import-preview", args=[slug]),
        template=reverse("registers:import-template", args=[slug]),
        done=reverse("registers:list", args=[slug]),
    )


@require_http_methods(["GET", "POST"])
@login_required
def register_import(request: HttpRequest, slug: str) -> HttpResponse:
    """Upload a register kept in Excel: checked whole, then previewed."""
    return imports.upload_page(request, _importer(slug), _import_pages(slug))


@require_http_methods(["GET", "POST"])
@login_required
def register_import_preview(request: HttpRequest, slug: str) -> HttpResponse:
    """What the uploaded file will create and update; confirm saves it."""
    return imports.preview_page(request, _importer(slug), _import_pages(slug))


@require_GET
@login_required
def register_import_template(request: HttpRequest, slug: str) -> HttpResponse:
    importer = _importer(slug)
    importer(request.user)
    return imports.template_response(importer)


# ---- emergency plans and drills (应急预案与演练) ---------------------------------------------


@require_GET
@login_required
def plan_file(request: HttpRequest, pk: int) -> FileResponse:
    plan = get_object_or_404(EmergencyPlan.objects.for_user(request.user), pk=pk)
    return attachment_response(plan.attachment, plan.attachment_name)


@require_GET
@login_required
def drill_photo(request: HttpRequest, pk: int) -> FileResponse:
    photo = get_object_or_404(
        DrillPhoto.objects.filter(drill__in=Drill.objects.for_user(request.user)), pk=pk
    )
    return FileResponse(photo.photo.open("rb"), content_type="image/jpeg")


@require_POST
@login_required
def report_problem(request: HttpRequest, pk: int, slug: str) -> HttpResponse:
    """Put one of the row's problems (a drill's, an accompanying meal's) on the hazard ledger,
    in one step."""
    register = _register(slug)
    row: Any = _row(request, register, pk)
    row.refuse_if_not_allowed(request.user, "report_problem")
    hazard = row.report_problem(request.user, request.POST.get("problem", ""))
    messages.success(request, _("Hazard %(code)s recorded.") % {"code": hazard.code})
    return redirect(hazard)


@require_GET
@login_required
def drill_board(request: HttpRequest) -> HttpResponse:
    """Each school against the bureau's drill rules in the month or term containing the day:
    met, still to drill, or behind (the period ended short)."""
    day = forms.DayForm(request.GET).day_or_today()
    membership = member(request.user)
    rules = list(DrillRule.objects.for_user(request.user).filter(count__gt=0))
    schools = School.objects.for_user(request.user).as_of(day).order_by("code")
    table = standings(schools, rules, day)
    # One column per scenario: a city's districts may each set their own rule for it.
    scenarios = list(dict.fromkeys(rule.scenario for rule in rules))
    only_short = request.GET.get("short") == "1"
    rows = []
    for school in schools:
        items = table[school.pk]
        if only_short and all(s.status == DrillStanding.MET for s in items.values()):
            continue
        rows.append((school, [items.get(scenario) for scenario in scenarios]))
    behind = sum(
        1 for s in table.values() if any(i.status == DrillStanding.BEHIND for i in s.values())
    )
    context = {
        "day": day,
        "columns": [_column(scenario, rules) for scenario in scenarios],
        "rows": rows,
        "only_short": only_short,
        "behind": behind,
        "is_school": membership.school_id is not None,
    }
    return render(request, "registers/drill_board.html", context)


def _column(scenario: str, rules: list[DrillRule]) -> dict[str, Any]:
    """A scenario's column: its rule under the heading when the whole board has one."""
    of_scenario = [rule for rule in rules if rule.scenario == scenario]
    return {
        "label": DrillScenario(scenario).label,
        "rule": of_scenario[0] if len(of_scenario) == 1 else None,
    }


@require_GET
@login_required
def drill_rules(request: HttpRequest) -> HttpResponse:
    """The bureau's drill rules: every school reads them, the bureau's safety section sets them."""
    rules = DrillRule.objects.for_user(request.user)
    return render(
        request,
        "registers/drill_rules.html",
        {
            "rules": [(rule, rule.allowed_actions(request.user)) for rule in rules],
            "can_write": has_role(request.user, Role.BUREAU_ADMIN),
        },
    )


@require_http_methods(["GET", "POST"])
@login_required
def drill_rule_form(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    membership = member(request.user)
    if not has_role(request.user, Role.BUREAU_ADMIN):
        raise PermissionDenied
    rule = None
    if pk is not None:
        rule = get_object_or_404(DrillRule.objects.for_user(request.user), pk=pk)
    form = forms.DrillRuleForm(request.POST or None, instance=rule, bureau_id=membership.bureau_id)
    if request.method == "POST" and form.is_valid() and form.save_or_error():
        messages.success(request, _("Saved."))
        return redirect("registers:drill-rules")
    return render(request, "registers/drill_rule_form.html", {"form": form, "rule": rule})


# ---- the school's papers (证照) ---------------------------------------------------------------


@require_GET
@login_required
def paper_file(request: HttpRequest, pk: int) -> FileResponse:
    paper = get_object_or_404(SchoolPaper.objects.for_user(request.user), pk=pk)
    return attachment_response(paper.attachment, paper.attachment_name)


@require_GET
@login_required
def paper_kinds(request: HttpRequest) -> HttpResponse:
    """The bureau's kinds of paper: every school reads them, the safety section edits them."""
    membership = membership_of(request.user)
    if membership is not None and membership.bureau_id is not None:
        PaperKind.seed(membership.bureau)
    kinds = PaperKind.objects.for_user(request.user)
    return render(
        request,
        "registers/paper_kinds.html",
        {
            "kinds": [(kind, kind.allowed_actions(request.user)) for kind in kinds],
            "can_write": has_role(request.user, Role.BUREAU_ADMIN),
        },
    )


@require_http_methods(["GET", "POST"])
@login_required
def paper_kind_form(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    membership = member(request.user)
    kind = None
    if pk is not None:
        kind = get_object_or_404(PaperKind.objects.for_user(request.user), pk=pk)
    if not has_role(request.user, Role.BUREAU_ADMIN) or (
        kind is not None and "edit" not in kind.allowed_actions(request.user)
    ):
        raise PermissionDenied
    form = forms.PaperKindForm(request.POST or None, instance=kind, bureau_id=membership.bureau_id)
    if request.method == "POST" and form.is_valid() and form.save_or_error():
        messages.success(request, _("Saved."))
        return redirect("registers:paper-kinds")
    return render(request, "registers/paper_kind_form.html", {"form": form, "kind": kind})


# ---- daily food-safety control (食品安全日管控) ------------------------------------------------


@require_GET
@login_required
def certificate_file(request: HttpRequest, pk: int) -> FileResponse:
    paper = get_object_or_404(SupplierCertificate.objects.for_user(request.user), pk=pk)
    return attachment_response(paper.attachment, paper.attachment_name)


@require_GET
@login_required
def food_board(request: HttpRequest) -> HttpResponse:
    """Each canteen school's day: the morning check, each meal's sample against its end; and
    the meals missed (or sampled late) in the month so far. `short=1` keeps the schools behind."""
    day = forms.DayForm(request.GET).day_or_today()
    schools = list(
        School.objects.for_user(request.user).as_of(day).filter(canteen=True).order_by("code")
    )
    today = sample_standings(schools, day, day)
    month = missed_by_school(schools, day.replace(day=1), day)
    checks = {
        c.school_id: c for c in MorningCheck.objects.filter(school__in=schools, checked_on=day)
    }
    only_short = request.GET.get("short") == "1"
    rows = []
    for school in schools:
        meals = today[school.pk].get(day, [])
        behind = month.get(school.pk, 0)
        if only_short and not behind:
            continue
        rows.append(
            {"school": school, "check": checks.get(school.pk), "meals": meals, "month": behind}
        )
    context = {
        "day": day,
        "rows": rows,
        "only_short": only_short,
        "behind": sum(1 for n in month.values() if n),
        "is_school": member(request.user).school_id is not None,
    }
    return render(request, "registers/food_board.html", context)


@require_GET
@login_required
def meal_times(request: HttpRequest) -> HttpResponse:
    """The end of each meal (a sample not kept by then is missed) and the schools that serve
    it: the bureau's own where it set them, else the defaults."""
    membership = member(request.user)
    rules = meal_rules([membership.bureau_id])[membership.bureau_id]
    return render(
        request,
        "registers/meal_times.html",
        {
            "rules": [rules[meal] for meal in MEAL_ORDER],
            "can_write": has_role(request.user, Role.BUREAU_ADMIN),
        },
    )


@require_http_methods(["GET", "POST"])
@login_required
def meal_time_form(request: HttpRequest, meal: str) -> HttpResponse:
    membership = member(request.user)
    if not has_role(request.user, Role.BUREAU_ADMIN):
        raise PermissionDenied
    if meal not in Meal.values:
        raise Http404
    row = MealTime.objects.filter(bureau=membership.bureau_id, meal=meal).first()
    if row is None:
        ends, scope = DEFAULT_MEAL_TIMES[meal]
        row = MealTime(bureau_id=membership.bureau_id, meal=meal, ends_at=ends, scope=scope)
    form = forms.MealTimeForm(request.POST or None, instance=row)
    if request.method == "POST" and form.is_valid() and form.save_or_error():
        messages.success(request, _("Saved."))
        return redirect("registers:meal-times")
    return render(
        request, "registers/meal_time_form.html", {"form": form, "meal": Meal(meal).label}
    )
