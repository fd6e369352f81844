"""Emergency plans and drills (应急预案与演练): each school's plan per scenario, its drills with
the problems they showed (each can go on the hazard ledger), and the bureau's rule of how often
every school drills each scenario (`DrillRule`), read by the board and the monthly figures.

Periods: a month is a calendar month; a term is the spring term (1 February to 31 August) or the
autumn term (1 September to 31 January), so every day of the year belongs to one term.
"""

from __future__ import annotations

import calendar
import datetime
import uuid
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import models
from django.db.models import Count, Q
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from xiaoan.accounts.choices import Role
from xiaoan.core.dates import local_today
from xiaoan.core.models import TimeStampedModel, Versioned
from xiaoan.schools.querysets import DistrictOrganisationQuerySet

from ..choices import DrillPeriod, DrillScenario, DrillStanding
from .base import GATE_WRITERS, SchoolRecord
from .problems import ProblemsToLedger

# The hazard area a drill's problem goes to, unless the reporter chooses another.
SCENARIO_AREA = {
    DrillScenario.FIRE: "fire",
    DrillScenario.EARTHQUAKE: "building",
    DrillScenario.FLOOD: "building",
    DrillScenario.CROWDING: "building",
    DrillScenario.FOOD_POISONING: "food",
    DrillScenario.INTRUSION: "security",
    DrillScenario.OTHER: "security",
}


def plan_path(instance: Any, filename: str) -> str:
    suffix = filename.rsplit(".", 1)[-1].lower() if "." in filename else "bin"
    return f"plans/{uuid.uuid4().hex}.{suffix}"


def drill_photo_path(instance: Any, filename: str) -> str:
    return f"drills/{uuid.uuid4().hex}.jpg"


class EmergencyPlan(SchoolRecord):
    """A school's emergency plan for one scenario (应急预案): its version, who approved it and
    when, the person responsible, and the plan itself as a file."""

    scenario = models.CharField(_("scenario"), max_length=20, choices=DrillScenario.choices)
    title = models.CharField(_("title"), max_length=200)
    edition = models.CharField(
        _("plan version"), max_length=30, help_text=_("e.g. 2014 edition, revision 2.")
    )
    responsible = models.CharField(_("person responsible"), max_length=50)
    approved_by = models.CharField(
        _("approved by"),
        max_length=100,
        blank=True,
        help_text=_("The person or body that approved the plan, e.g. the principal's meeting."),
    )
    approved_on = models.DateField(_("approved on"), null=True, blank=True)
    attachment = models.FileField(_("plan file"), upload_to=plan_path, blank=True)
    attachment_name = models.CharField(_("file name"), max_length=200, blank=True, editable=False)
    in_force = models.BooleanField(_("in force"), default=True)

    class Meta:
        verbose_name = _("emergency plan")
        verbose_name_plural = _("emergency plans")
        ordering = ["school", "scenario", "-approved_on"]
        constraints = [
            models.UniqueConstraint(
                fields=["school", "scenario", "edition"],
                name="emergencyplan_unique_edition",
                violation_error_message=_("This school already has this version of the plan."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.title}（{self.edition}）"

    @property
    def is_approved(self) -> bool:
        return bool(self.approved_by and self.approved_on)

    def clean(self) -> None:
        super().clean()
        if self.approved_on and not self.approved_by.strip():
            raise ValidationError({"approved_by": gettext("Say who approved the plan.")})
        if self.approved_by.strip() and not self.approved_on:
            raise ValidationError({"approved_on": gettext("Give the day the plan was approved.")})
        if self.approved_on and self.approved_on > local_today():
            raise ValidationError(
                {"approved_on": gettext("This day is still to come; enter when it happened.")}
            )


class Drill(ProblemsToLedger, SchoolRecord):
    """One emergency drill (应急演练): the scenario, the day, who took part, how long the
    evacuation took, the problems it showed (one a line) and the school's evaluation."""

    writers = GATE_WRITERS

    scenario = models.CharField(_("scenario"), max_length=20, choices=DrillScenario.choices)
    held_on = models.DateField(_("date"))
    plan = models.ForeignKey(
        EmergencyPlan,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="drills",
        verbose_name=_("emergency plan"),
    )
    pupils = models.PositiveIntegerField(_("pupils taking part"), default=0)
    staff = models.PositiveIntegerField(_("staff taking part"), default=0)
    evacuation_seconds = models.PositiveIntegerField(
        _("evacuation time"),
        null=True,
        blank=True,
        help_text=_("In seconds (95) or minutes and seconds (1:35)."),
    )
    problems = models.TextField(_("problems found"), blank=True, help_text=_("One a line."))
    evaluation = models.TextField(_("evaluation"), blank=True)

    class Meta:
        verbose_name = _("drill")
        verbose_name_plural = _("drills")
        ordering = ["-held_on", "school"]
        indexes = [models.Index(fields=["school", "held_on"], name="drill_school_day_idx")]
        constraints = [
            models.CheckConstraint(
                name="drill_has_participants",
                condition=Q(pupils__gt=0) | Q(staff__gt=0),
                violation_error_message=_("A drill has pupils or staff taking part."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_scenario_display()} {self.held_on:%Y-%m-%d}"

    def clean(self) -> None:
        super().clean()
        if self.held_on and self.held_on > local_today():
            raise ValidationError(
                {"held_on": gettext("This day is still to come; enter when it happened.")}
            )
        if self.plan_id and self.plan is not None and self.plan.scenario != self.scenario:
            raise ValidationError({"plan": gettext("Choose a plan for the drill's scenario.")})

    @property
    def evacuation_time(self) -> str:
        """`1:35` for 95 seconds; empty when not measured."""
        return format_seconds(self.evacuation_seconds)

    def action_checks(self) -> dict[str, Callable[[Any], object]]:
        return {"edit": self.check_edit, **self.problem_checks()}

    def problem_area_code(self) -> str:
        return SCENARIO_AREA[DrillScenario(self.scenario)]

    def problem_description(self, problem: str) -> str:
        return gettext("Found in the %(scenario)s drill of %(day)s: %(problem)s") % {
            "scenario": self.get_scenario_display(),
            "day": f"{self.held_on:%Y-%m-%d}",
            "problem": problem,
        }

    def found_on(self) -> datetime.date:
        return self.held_on

    def add_photo(self, user: Any, upload: Any) -> DrillPhoto:
        """A photo of the drill, checked and re-encoded as every photo of the product."""
        from xiaoan.hazards.photos import process_upload

        self.check_edit(user)
        processed = process_upload(upload)
        photo = DrillPhoto(drill=self, taken_by=user)
        photo.photo.save("photo.jpg", ContentFile(processed.jpeg), save=False)
        photo.save()
        return photo


class DrillProblem(TimeStampedModel):
    """A problem a drill showed, put on the hazard ledger (its hazard)."""

    drill = models.ForeignKey(
        Drill, models.PROTECT, related_name="reported_problems", verbose_name=_("drill")
    )
    problem = models.CharField(_("problem"), max_length=500)
    hazard = models.OneToOneField(
        "hazards.Hazard",
        models.PROTECT,
        related_name="drill_problem",
        verbose_name=_("hazard"),
    )

    class Meta:
        verbose_name = _("drill problem on the ledger")
        verbose_name_plural = _("drill problems on the ledger")
        constraints = [
            models.UniqueConstraint(fields=["drill", "problem"], name="drillproblem_once")
        ]

    def __str__(self) -> str:
        return self.problem


class DrillPhoto(TimeStampedModel):
    """A photo of a drill."""

    drill = models.ForeignKey(Drill, models.PROTECT, related_name="photos", verbose_name=_("drill"))
    photo = models.FileField(_("photo"), upload_to=drill_photo_path)
    taken_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("uploaded by"),
    )

    class Meta:
        verbose_name = _("drill photo")
        verbose_name_plural = _("drill photos")
        ordering = ["created_at"]

    def __str__(self) -> str:
        return f"{self.drill} #{self.pk}"


class DrillRule(Versioned, TimeStampedModel):
    """The bureau's rule: every school drills `scenario` at least `count` times per month or
    per term."""

    bureau = models.ForeignKey(
        "schools.Bureau", models.PROTECT, related_name="drill_rules", verbose_name=_("bureau")
    )
    scenario = models.CharField(_("scenario"), max_length=20, choices=DrillScenario.choices)
    period = models.CharField(_("how often"), max_length=10, choices=DrillPeriod.choices)
    count = models.PositiveSmallIntegerField(
        _("drills at least"), default=1, help_text=_("0: no longer required.")
    )

    objects = DistrictOrganisationQuerySet.as_manager()

    class Meta:
        verbose_name = _("drill rule")
        verbose_name_plural = _("drill rules")
        ordering = ["bureau", "scenario"]
        constraints = [
            models.UniqueConstraint(
                fields=["bureau", "scenario"],
                name="drillrule_one_per_scenario",
                violation_error_message=_("The bureau already has a rule for this scenario."),
            ),
            models.CheckConstraint(
                name="drillrule_count_at_most_31",
                condition=Q(count__lte=31),
                violation_error_message=_("At most 31 drills per period."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_scenario_display()} · {self.get_period_display()} ≥ {self.count}"

    def allowed_actions(self, user: Any) -> list[str]:
        from xiaoan.accounts.access import membership_of

        membership = membership_of(user)
        if membership is None or membership.role != Role.BUREAU_ADMIN:
            return []
        return ["edit"] if membership.bureau_id == self.bureau_id else []


# ---- the rule: who is behind ---------------------------------------------------------------


def format_seconds(seconds: int | None) -> str:
    if seconds is None:
        return ""
    return f"{seconds // 60}:{seconds % 60:02d}"


def parse_seconds(text: str) -> int | None:
    """`95`, `1:35`, `1：35` or `1分35秒` → 95; empty → None; ValidationError otherwise."""
    text = text.strip().replace("：", ":").replace("分", ":").replace("秒", "")
    if not text:
        return None
    parts = text.split(":")
    if len(parts) <= 2 and all(p.strip().isdigit() for p in parts if p.strip()) and parts[0]:
        minutes, seconds = (0, parts[0]) if len(parts) == 1 else (parts[0], parts[1] or "0")
        total = int(minutes) * 60 + int(seconds)
        if (len(parts) == 1 or int(seconds) < 60) and total <= 24 * 3600:
            return total
    raise ValidationError(
        gettext("Give the time in seconds (95) or minutes and seconds (1:35)."), code="invalid"
    )


def period_bounds(day: datetime.date, period: str) -> tuple[datetime.date, datetime.date]:
    """The month or term containing `day`, first and last day."""
    if period == DrillPeriod.MONTH:
        last = calendar.monthrange(day.year, day.month)[1]
        return day.replace(day=1), day.replace(day=last)
    if 2 <= day.month <= 8:
        return datetime.date(day.year, 2, 1), datetime.date(day.year, 8, 31)
    start_year = day.year if day.month >= 9 else day.year - 1
    return datetime.date(start_year, 9, 1), datetime.date(start_year + 1, 1, 31)


@dataclass
class Standing:
    """One school against one rule in the period containing a day."""

    rule: DrillRule
    start: datetime.date
    end: datetime.date
    done: int
    status: str

    @property
    def status_label(self) -> str:
        return str(DrillStanding(self.status).label)

    @property
    def short(self) -> int:
        return max(self.rule.count - self.done, 0)


def standings(
    schools: Iterable[Any], rules: Iterable[DrillRule], day: datetime.date
) -> dict[int, dict[str, Standing]]:
    """For each school, its standing against each rule of its own bureau in the period
    containing `day`, drills counted up to `day`, by scenario: met, still to drill (the period
    runs on), or behind (it has ended short)."""
    schools = list(schools)
    by_bureau: dict[int, list[DrillRule]] = defaultdict(list)
    for rule in rules:
        if rule.count > 0:
            by_bureau[rule.bureau_id].append(rule)
    done: dict[tuple[int, str], int] = defaultdict(int)
    for rule in [rule for group in by_bureau.values() for rule in group]:
        start, _end = period_bounds(day, rule.period)
        rows = (
            Drill.objects.filter(
                school__bureau=rule.bureau_id,
                school__in=[school.pk for school in schools],
                scenario=rule.scenario,
                held_on__range=(start, day),
            )
            .values("school")
            .annotate(n=Count("id"))
        )
        for row in rows:
            done[(row["school"], rule.scenario)] = row["n"]
    result: dict[int, dict[str, Standing]] = {}
    for school in schools:
        items = {}
        for rule in by_bureau.get(school.bureau_id, []):
            start, end = period_bounds(day, rule.period)
            n = done[(school.pk, rule.scenario)]
            if n >= rule.count:
                status = DrillStanding.MET
            else:
                status = DrillStanding.BEHIND if day >= end else DrillStanding.DUE
            items[rule.scenario] = Standing(rule, start, end, n, status)
        result[school.pk] = items
    return result


def month_drill_figures(school: Any, start: datetime.date, end: datetime.date) -> dict[str, Any]:
    """What a school's monthly report says of its drills: those held in the month by scenario,
    and the rules it falls short of at the month's end (codes, translated when shown)."""
    held = (
        Drill.objects.filter(school=school, held_on__range=(start, end))
        .values("scenario")
        .annotate(n=Count("id"))
    )
    rules = DrillRule.objects.filter(bureau=school.bureau_id)
    short = [
        {
            "scenario": s.rule.scenario,
            "period": s.rule.period,
            "done": s.done,
            "required": s.rule.count,
            "behind": s.status == DrillStanding.BEHIND,
        }
        for s in standings([school], rules, end)[school.pk].values()
        if s.status != DrillStanding.MET
    ]
    by_scenario = {row["scenario"]: row["n"] for row in held}
    return {"held": sum(by_scenario.values()), "by_scenario": by_scenario, "short": short}
