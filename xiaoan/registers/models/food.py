"""Daily food-safety control (食品安全日管控) of the schools that run a canteen
(`School.canteen`): the morning health check of the canteen's staff (晨检), the food samples
kept of every meal (留样), the leaders' accompanying meals (陪餐) and the papers asked of the
suppliers (索证索票); the bureau's meal times (`MealTime`) and the rule of a meal left without
its sample (`sample_standings`), read by the board, the reminders and the monthly figures.

The rules, written once here and checked by the pages, the API and the demo alike:

- a sample weighs at least 125 g (`MIN_SAMPLE_GRAMS`) and is kept at least 48 hours
  (`KEEP_HOURS`), from a moment on the meal's day;
- a worker with any symptom of `Symptom` is sent off duty (离岗) that day;
- a meal of a day the canteen works (a morning check or a sample recorded that day) has its
  sample kept by the meal's end, else it is missed (or sampled late).
"""

from __future__ import annotations

import datetime
import json
import uuid
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Count, Min, Q, Sum
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from xiaoan.accounts.choices import Role
from xiaoan.core.dates import local_today
from xiaoan.core.models import TimeStampedModel, Versioned
from xiaoan.schools.querysets import DistrictOrganisationQuerySet

from ..choices import CertificateKind, Meal, MealScope, SampleStanding, Symptom
from .base import GATE_WRITERS, SchoolRecord
from .problems import ProblemsToLedger

MIN_SAMPLE_GRAMS = 125
KEEP_HOURS = 48
# Papers due within this many days are flagged on the list (as vehicle papers are).
CERTIFICATE_NOTICE_DAYS = 30
MAX_STAFF = 200

# The meal times a bureau has not set: breakfast and dinner only where pupils board.
DEFAULT_MEAL_TIMES: dict[str, tuple[datetime.time, str]] = {
    Meal.BREAKFAST: (datetime.time(8, 30), MealScope.BOARDING),
    Meal.LUNCH: (datetime.time(13, 0), MealScope.ALL),
    Meal.DINNER: (datetime.time(18, 30), MealScope.BOARDING),
}
MEAL_ORDER: list[str] = [Meal.BREAKFAST, Meal.LUNCH, Meal.DINNER]


def meal_now(moment: datetime.time) -> str:
    """The meal a sample or a leader's meal recorded at `moment` most likely belongs to."""
    if moment < datetime.time(10, 0):
        return Meal.BREAKFAST
    return Meal.LUNCH if moment < datetime.time(15, 0) else Meal.DINNER


def certificate_path(instance: Any, filename: str) -> str:
    suffix = filename.rsplit(".", 1)[-1].lower() if "." in filename else "bin"
    return f"certificates/{uuid.uuid4().hex}.{suffix}"


def _not_to_come(day: datetime.date | None, field: str) -> None:
    if day and day > local_today():
        raise ValidationError(
            {field: gettext("This day is still to come; enter when it happened.")}
        )


# ---- the morning check (晨检) -----------------------------------------------------------------


def staff_errors(staff: Any) -> list[str]:
    """What is wrong with a morning check's list of workers, one sentence each."""
    if not isinstance(staff, list) or not staff:
        return [gettext("List every canteen worker checked this morning.")]
    if len(staff) > MAX_STAFF:
        return [gettext("At most %(n)s workers in one check.") % {"n": MAX_STAFF}]
    errors, seen = [], set()
    known = set(Symptom.values)
    for person in staff:
        name = str(person.get("name", "")).strip() if isinstance(person, dict) else ""
        if not name:
            errors.append(gettext("Give the name of every worker checked."))
            continue
        symptoms = person.get("symptoms") or []
        if name in seen:
            errors.append(gettext("%(name)s is listed twice.") % {"name": name})
        seen.add(name)
        if not isinstance(symptoms, list) or not set(symptoms) <= known:
            errors.append(gettext("%(name)s: choose the symptoms from the list.") % {"name": name})
        elif symptoms and not person.get("off_duty"):
            errors.append(
                gettext(
                    "%(name)s has %(symptoms)s: a worker with a symptom stops handling food "
                    "that day (send them off duty)."
                )
                % {"name": name, "symptoms": symptom_text(symptoms)}
            )
        elif person.get("off_duty") and not symptoms:
            errors.append(
                gettext("Tick the symptom for which %(name)s is sent off duty.") % {"name": name}
            )
    return errors


def symptom_text(codes: Iterable[str]) -> str:
    return "、".join(str(Symptom(code).label) for code in codes)


def clean_staff(staff: Any) -> list[dict[str, Any]]:
    """The list as stored: name, symptoms (codes in the list's order), off duty."""
    if isinstance(staff, str):
        try:
            staff = json.loads(staff) if staff.strip() else []
        except ValueError:
            raise ValidationError(gettext("Send the workers as a list.")) from None
    if not isinstance(staff, list):
        raise ValidationError(gettext("Send the workers as a list."))
    rows = []
    for person in staff:
        if not isinstance(person, dict):
            raise ValidationError(gettext("Send the workers as a list."))
        symptoms = person.get("symptoms") or []
        rows.append(
            {
                "name": str(person.get("name", "")).strip(),
                "symptoms": [s for s in Symptom.values if s in symptoms]
                + [s for s in symptoms if s not in Symptom.values],
                "off_duty": bool(person.get("off_duty")),
            }
        )
    return rows


class MorningCheck(SchoolRecord):
    """The morning health check of the canteen's staff (晨检), one a day: each worker checked,
    healthy or with which symptoms, and whether sent off duty; who checked."""

    writers = GATE_WRITERS

    checked_on = models.DateField(_("date"))
    checker = models.CharField(_("checked by"), max_length=50)
    staff = models.JSONField(
        _("workers checked"),
        default=list,
        help_text=_("Each worker: name, symptoms, sent off duty."),
    )
    checked_count = models.PositiveSmallIntegerField(
        _("workers checked"), default=0, editable=False
    )
    unwell_count = models.PositiveSmallIntegerField(
        _("workers with symptoms"), default=0, editable=False
    )
    off_duty_count = models.PositiveSmallIntegerField(_("sent off duty"), default=0, editable=False)
    notes = models.TextField(_("notes"), blank=True)

    class Meta:
        verbose_name = _("morning check")
        verbose_name_plural = _("morning checks")
        ordering = ["-checked_on", "school"]
        constraints = [
            models.UniqueConstraint(
                fields=["school", "checked_on"],
                name="morningcheck_one_a_day",
                violation_error_message=_(
                    "This day's morning check is recorded already; correct that one."
                ),
            )
        ]

    def __str__(self) -> str:
        return gettext("Morning check %(day)s") % {"day": f"{self.checked_on:%Y-%m-%d}"}

    def clean(self) -> None:
        super().clean()
        _not_to_come(self.checked_on, "checked_on")
        errors = staff_errors(self.staff)
        if errors:
            raise ValidationError({"staff": errors})

    def save(self, *args: Any, **kwargs: Any) -> None:
        staff = self.staff if isinstance(self.staff, list) else []
        self.checked_count = len(staff)
        self.unwell_count = sum(1 for p in staff if p.get("symptoms"))
        self.off_duty_count = sum(1 for p in staff if p.get("off_duty"))
        if kwargs.get("update_fields") is not None and "staff" in kwargs["update_fields"]:
            kwargs["update_fields"] = {
                *kwargs["update_fields"],
                "checked_count",
                "unwell_count",
                "off_duty_count",
            }
        super().save(*args, **kwargs)

    def unwell_text(self) -> str:
        """张三（发热，离岗）；李四（手部伤口，离岗）, or empty when everyone is well."""
        off_duty = gettext("off duty")
        return "；".join(
            f"{p['name']}（{symptom_text(p['symptoms'])}"
            + (f"，{off_duty}" if p.get("off_duty") else "")
            + "）"
            for p in self.staff
            if p.get("symptoms")
        )


def last_staff(school: Any) -> list[dict[str, Any]]:
    """The workers of the school's latest morning check, all well: the next check's list."""
    latest = MorningCheck.objects.filter(school=school).order_by("-checked_on").first()
    if latest is None:
        return []
    return [{"name": p["name"], "symptoms": [], "off_duty": False} for p in latest.staff]


# ---- food samples (留样) ------------------------------------------------------------------------


class FoodSample(SchoolRecord):
    """A sample of one dish of one meal (留样): at least 125 g, kept refrigerated at least 48
    hours from the moment it was taken, by whom."""

    writers = GATE_WRITERS

    served_on = models.DateField(_("meal date"))
    meal = models.CharField(_("meal"), max_length=10, choices=Meal.choices)
    dish = models.CharField(_("dish"), max_length=100)
    weight_g = models.PositiveIntegerField(
        _("weight (g)"), help_text=_("At least 125 g of each dish.")
    )
    kept_at = models.DateTimeField(
        _("kept from"), blank=True, help_text=_("Empty: the moment it is recorded.")
    )
    kept_until = models.DateTimeField(
        _("kept until"), blank=True, help_text=_("At least 48 hours; empty: 48 hours.")
    )
    kept_by = models.CharField(_("kept by"), max_length=50)

    class Meta:
        verbose_name = _("food sample")
        verbose_name_plural = _("food samples")
        ordering = ["-served_on", "school", "meal", "dish"]
        indexes = [
            models.Index(fields=["school", "served_on", "meal"], name="foodsample_meal_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                name="foodsample_at_least_125g",
                condition=Q(weight_g__gte=MIN_SAMPLE_GRAMS),
                violation_error_message=_("Keep at least 125 g of each dish."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.served_on:%Y-%m-%d} {self.get_meal_display()} {self.dish}"

    def clean(self) -> None:
        super().clean()
        _not_to_come(self.served_on, "served_on")
        if self.weight_g is not None and self.weight_g < MIN_SAMPLE_GRAMS:
            raise ValidationError(
                {
                    "weight_g": gettext(
                        "Keep at least %(min)s g of each dish; this sample weighs %(weight)s g."
                    )
                    % {"min": MIN_SAMPLE_GRAMS, "weight": self.weight_g}
                }
            )
        self.kept_at = self.kept_at or timezone.now()
        if self.kept_at > timezone.now():
            raise ValidationError(
                {"kept_at": gettext("This time is still to come; enter when it happened.")}
            )
        if self.served_on and timezone.localtime(self.kept_at).date() != self.served_on:
            raise ValidationError({"kept_at": gettext("A sample is taken on the day of its meal.")})
        earliest = self.kept_at + datetime.timedelta(hours=KEEP_HOURS)
        self.kept_until = self.kept_until or earliest
        if self.kept_until < earliest:
            raise ValidationError(
                {
                    "kept_until": gettext(
                        "Keep the sample at least 48 hours: until %(earliest)s or later."
                    )
                    % {"earliest": f"{timezone.localtime(earliest):%Y-%m-%d %H:%M}"}
                }
            )


# ---- accompanying meals (陪餐) -----------------------------------------------------------------


class AccompanyingMeal(ProblemsToLedger, SchoolRecord):
    """A school leader eating the pupils' meal with them (陪餐): what they found of the food,
    its hygiene and the service; each problem (one a line) can go on the hazard ledger."""

    writers = GATE_WRITERS

    served_on = models.DateField(_("meal date"))
    meal = models.CharField(_("meal"), max_length=10, choices=Meal.choices)
    leader = models.CharField(_("leader"), max_length=50)
    post = models.CharField(_("post"), max_length=50, blank=True, help_text=_("e.g. principal."))
    notes = models.TextField(
        _("notes"), blank=True, help_text=_("The food, its hygiene, the quantity, the service.")
    )
    problems = models.TextField(_("problems found"), blank=True, help_text=_("One a line."))

    class Meta:
        verbose_name = _("accompanying meal")
        verbose_name_plural = _("accompanying meals")
        ordering = ["-served_on", "school", "meal"]
        indexes = [models.Index(fields=["school", "served_on"], name="meal_school_day_idx")]

    def __str__(self) -> str:
        return f"{self.served_on:%Y-%m-%d} {self.get_meal_display()} {self.leader}"

    def clean(self) -> None:
        super().clean()
        _not_to_come(self.served_on, "served_on")

    def action_checks(self) -> dict[str, Callable[[Any], object]]:
        return {"edit": self.check_edit, **self.problem_checks()}

    def problem_area_code(self) -> str:
        return "food"

    def problem_description(self, problem: str) -> str:
        return gettext("Found at the accompanying meal (%(meal)s) of %(day)s: %(problem)s") % {
            "meal": self.get_meal_display(),
            "day": f"{self.served_on:%Y-%m-%d}",
            "problem": problem,
        }

    def found_on(self) -> datetime.date:
        return self.served_on


class MealProblem(TimeStampedModel):
    """A problem found at an accompanying meal, put on the hazard ledger (its hazard)."""

    meal = models.ForeignKey(
        AccompanyingMeal,
        models.PROTECT,
        related_name="reported_problems",
        verbose_name=_("accompanying meal"),
    )
    problem = models.CharField(_("problem"), max_length=500)
    hazard = models.OneToOneField(
        "hazards.Hazard", models.PROTECT, related_name="meal_problem", verbose_name=_("hazard")
    )

    class Meta:
        verbose_name = _("meal problem on the ledger")
        verbose_name_plural = _("meal problems on the ledger")
        constraints = [models.UniqueConstraint(fields=["meal", "problem"], name="mealproblem_once")]

    def __str__(self) -> str:
        return self.problem


# ---- supplier certificates (索证索票) -----------------------------------------------------------


class SupplierCertificate(SchoolRecord):
    """A paper asked of a supplier of the canteen (索证索票): its kind and number, the day it
    was received, until when it is valid, and a scan of it."""

    supplier = models.CharField(_("supplier"), max_length=100)
    goods = models.CharField(_("goods"), max_length=200, help_text=_("e.g. rice, pork, milk."))
    kind = models.CharField(_("paper"), max_length=20, choices=CertificateKind.choices)
    number = models.CharField(_("number"), max_length=60, blank=True)
    received_on = models.DateField(_("received on"))
    valid_until = models.DateField(
        _("valid until"), null=True, blank=True, help_text=_("Empty: no expiry (an invoice).")
    )
    attachment = models.FileField(_("scan"), upload_to=certificate_path, blank=True)
    attachment_name = models.CharField(_("file name"), max_length=200, blank=True, editable=False)

    class Meta:
        verbose_name = _("supplier certificate")
        verbose_name_plural = _("supplier certificates")
        ordering = ["-received_on", "school", "supplier"]

    def __str__(self) -> str:
        return f"{self.supplier} · {self.get_kind_display()}"

    def clean(self) -> None:
        super().clean()
        _not_to_come(self.received_on, "received_on")
        if self.valid_until and self.received_on and self.valid_until < self.received_on:
            raise ValidationError(
                {"valid_until": gettext("This paper had expired when it was received.")}
            )

    def validity(self, today: datetime.date) -> str:
        """expired, due (within 30 days) or empty."""
        if self.valid_until is None:
            return ""
        if self.valid_until < today:
            return "expired"
        soon = today + datetime.timedelta(days=CERTIFICATE_NOTICE_DAYS)
        return "due" if self.valid_until <= soon else ""


# ---- the bureau's meal times and the sample rule --------------------------------------------


class MealTime(Versioned, TimeStampedModel):
    """The bureau's end of a meal (a sample not kept by then is missed) and which canteen
    schools serve it; a meal without a row takes `DEFAULT_MEAL_TIMES`."""

    bureau = models.ForeignKey(
        "schools.Bureau", models.PROTECT, related_name="meal_times", verbose_name=_("bureau")
    )
    meal = models.CharField(_("meal"), max_length=10, choices=Meal.choices)
    ends_at = models.TimeField(_("meal ends at"))
    scope = models.CharField(
        _("served at"), max_length=10, choices=MealScope.choices, default=MealScope.ALL
    )

    objects = DistrictOrganisationQuerySet.as_manager()

    class Meta:
        verbose_name = _("meal time")
        verbose_name_plural = _("meal times")
        ordering = ["bureau", "meal"]
        constraints = [
            models.UniqueConstraint(
                fields=["bureau", "meal"],
                name="mealtime_one_per_meal",
                violation_error_message=_("The bureau has set this meal's time already."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_meal_display()} {self.ends_at:%H:%M}"

    def allowed_actions(self, user: Any) -> list[str]:
        from xiaoan.accounts.access import membership_of

        membership = membership_of(user)
        if membership is None or membership.role != Role.BUREAU_ADMIN:
            return []
        return ["edit"] if membership.bureau_id == self.bureau_id else []


@dataclass(frozen=True)
class MealRule:
    meal: str
    ends_at: datetime.time
    scope: str
    is_default: bool

    @property
    def meal_label(self) -> str:
        return str(Meal(self.meal).label)

    @property
    def scope_label(self) -> str:
        return str(MealScope(self.scope).label)

    def serves(self, school: Any) -> bool:
        if self.scope == MealScope.ALL:
            return True
        return self.scope == MealScope.BOARDING and bool(school.boarding)


def meal_rules(bureau_ids: Iterable[int]) -> dict[int, dict[str, MealRule]]:
    """Each bureau's rule per meal: its own time where it set one, else the default."""
    ids = set(bureau_ids)
    rules = {
        bureau: {
            meal: MealRule(meal, ends, scope, True)
            for meal, (ends, scope) in DEFAULT_MEAL_TIMES.items()
        }
        for bureau in ids
    }
    for row in MealTime.objects.filter(bureau__in=ids):
        rules[row.bureau_id][row.meal] = MealRule(row.meal, row.ends_at, row.scope, False)
    return rules


@dataclass
class MealStanding:
    """One meal of one canteen day against its end."""

    meal: str
    ends: datetime.datetime
    status: str
    first_kept: datetime.datetime | None
    samples: int

    @property
    def meal_label(self) -> str:
        return str(Meal(self.meal).label)

    @property
    def status_label(self) -> str:
        return str(SampleStanding(self.status).label)


def _standing(rule: MealRule, day: datetime.date, found: Any, now: datetime.datetime) -> Any:
    ends = timezone.make_aware(datetime.datetime.combine(day, rule.ends_at))
    first, count = (found or (None, 0))[0], (found or (None, 0))[1]
    if first is not None and first <= ends:
        status = SampleStanding.ON_TIME
    elif first is not None:
        status = SampleStanding.LATE
    elif now > ends:
        status = SampleStanding.MISSED
    else:
        status = SampleStanding.DUE
    return MealStanding(rule.meal, ends, status, first, count)


def canteen_days(
    schools: Iterable[Any], start: datetime.date, end: datetime.date
) -> tuple[dict[tuple[int, datetime.date], dict[str, Any]], set[tuple[int, datetime.date]]]:
    """The samples of the period by (school, day) → meal → (first kept, how many), and the
    days each canteen worked (a morning check or a sample recorded that day)."""
    ids = [s.pk for s in schools]
    samples: dict[tuple[int, datetime.date], dict[str, Any]] = defaultdict(dict)
    rows = (
        FoodSample.objects.filter(school__in=ids, served_on__range=(start, end))
        .values("school", "served_on", "meal")
        .annotate(first=Min("kept_at"), n=Count("id"))
    )
    for row in rows:
        samples[(row["school"], row["served_on"])][row["meal"]] = (row["first"], row["n"])
    checked = MorningCheck.objects.filter(school__in=ids, checked_on__range=(start, end))
    open_days = set(checked.values_list("school", "checked_on")) | set(samples)
    return samples, open_days


def sample_standings(
    schools: Iterable[Any],
    start: datetime.date,
    end: datetime.date,
    now: datetime.datetime | None = None,
) -> dict[int, dict[datetime.date, list[MealStanding]]]:
    """For each canteen school, each day of [start, end] its canteen worked, each meal it
    serves (by its bureau's rule, and any meal sampled that day): sampled by the meal's end,
    sampled only after it, missed, or still due (`now`, default now)."""
    now = now or timezone.now()
    schools = [s for s in schools if s.canteen]
    samples, open_days = canteen_days(schools, start, end)
    rules = meal_rules({s.bureau_id for s in schools})
    days_of: dict[int, list[datetime.date]] = defaultdict(list)
    for school_id, day in sorted(open_days):
        days_of[school_id].append(day)
    result: dict[int, dict[datetime.date, list[MealStanding]]] = {}
    for school in schools:
        ordered = sorted(
            rules[school.bureau_id].items(), key=lambda item: MEAL_ORDER.index(item[0])
        )
        days: dict[datetime.date, list[MealStanding]] = {}
        for day in days_of.get(school.pk, []):
            found = samples.get((school.pk, day), {})
            days[day] = [
                _standing(rule, day, found.get(meal), now)
                for meal, rule in ordered
                if rule.serves(school) or meal in found
            ]
        result[school.pk] = days
    return result


def missed_meals(
    schools: Iterable[Any], start: datetime.date, end: datetime.date, now: Any = None
) -> list[tuple[Any, datetime.date, MealStanding]]:
    """The meals of the period whose sample was not kept by their end: (school, day, standing)."""
    schools = list(schools)
    by_id = {s.pk: s for s in schools}
    return [
        (by_id[school_id], day, meal)
        for school_id, days in sample_standings(schools, start, end, now).items()
        for day, meals in days.items()
        for meal in meals
        if meal.status in (SampleStanding.MISSED, SampleStanding.LATE)
    ]


def missed_by_school(
    schools: Iterable[Any], start: datetime.date, end: datetime.date, now: Any = None
) -> dict[int, int]:
    """How many meals of the period each school left without a sample by the meal's end."""
    counts: dict[int, int] = defaultdict(int)
    for school, _day, _meal in missed_meals(schools, start, end, now):
        counts[school.pk] += 1
    return dict(counts)


def month_food_figures(school: Any, start: datetime.date, end: datetime.date) -> dict | None:
    """What a school's monthly report says of its daily food-safety control; None for a
    school without a canteen that recorded nothing."""
    checks = MorningCheck.objects.filter(school=school, checked_on__range=(start, end)).aggregate(
        days=Count("id"),
        checked=Sum("checked_count"),
        unwell=Sum("unwell_count"),
        off_duty=Sum("off_duty_count"),
    )
    samples = FoodSample.objects.filter(school=school, served_on__range=(start, end))
    meals = AccompanyingMeal.objects.filter(school=school, served_on__range=(start, end))
    papers = SupplierCertificate.objects.filter(school=school, received_on__range=(start, end))
    standings = [
        m for day in sample_standings([school], start, end).get(school.pk, {}).values() for m in day
    ]
    figures = {
        "checks": checks["days"],
        "checked": checks["checked"] or 0,
        "unwell": checks["unwell"] or 0,
        "off_duty": checks["off_duty"] or 0,
        "samples": samples.count(),
        "meals_sampled": sum(1 for m in standings if m.status == SampleStanding.ON_TIME),
        "late": sum(1 for m in standings if m.status == SampleStanding.LATE),
        "missed": sum(1 for m in standings if m.status == SampleStanding.MISSED),
        "accompanied": meals.count(),
        "meal_problems": sum(len(m.problem_lines()) for m in meals),
        "certificates": papers.count(),
    }
    if not school.canteen and not any(figures.values()):
        return None
    return figures
