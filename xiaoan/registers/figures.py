"""The district figures of the key measures, for the quarterly report and the campaign summary.

`key_measures(bureau_id, start, end)` returns plain dicts (label in Chinese, value, unit) so a
report can freeze them as they were when it was issued. What stands at the period's end (the
vehicles, the children on the register, the auxiliary police) is counted as it was on `end`
(`as_of`, see `core.querysets`): a vehicle registered or retired later changes nothing.
"""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any

from django.db.models import Count, Q, Sum
from django.utils import translation
from django.utils.translation import gettext as _

from .choices import ActivityKind, SpecialGroupKind, StaffKind
from .models import (
    AccompanyingMeal,
    DefenceFunding,
    Drill,
    EscortTeam,
    FoodSample,
    Incident,
    MorningCheck,
    PoliceRoom,
    SafetyActivity,
    SecurityStaff,
    SpecialGroupChild,
    SupplierCertificate,
    SurroundingsCheck,
    Vehicle,
    missed_meals,
)


def _in(bureau_id: int) -> dict[str, int]:
    return {"school__bureau_id": bureau_id}


def figures(bureau_id: int, start: datetime.date, end: datetime.date) -> dict[str, Any]:
    """The key-measure figures by name: counts within [start, end] or standing at `end`."""
    scope = _in(bureau_id)
    funding = DefenceFunding.objects.filter(
        **scope, year__gte=start.year, year__lte=end.year
    ).aggregate(total=Sum("amount"))["total"] or Decimal(0)
    activities = SafetyActivity.objects.filter(**scope, held_on__range=(start, end))
    incidents = Incident.objects.filter(**scope, occurred_at__date__range=(start, end))
    drills = Drill.objects.filter(**scope, held_on__range=(start, end))
    vehicles = Vehicle.objects.filter(**scope).as_of(end)
    special = (
        SpecialGroupChild.objects.filter(**scope)
        .as_of(end)
        .aggregate(
            migrant=Count("id", filter=Q(kind=SpecialGroupKind.MIGRANT)),
            left_behind=Count("id", filter=Q(kind=SpecialGroupKind.LEFT_BEHIND)),
        )
    )
    return {
        "new_police_rooms": PoliceRoom.objects.filter(
            **scope, established_on__range=(start, end)
        ).count(),
        "police_rooms": PoliceRoom.objects.filter(**scope, established_on__lte=end).count(),
        "auxiliary_police": SecurityStaff.objects.filter(**scope, kind=StaffKind.AUXILIARY)
        .as_of(end)
        .count(),
        "defence_funding": funding,
        "vehicle_schools": vehicles.values("school").distinct().count(),
        "vehicles": vehicles.count(),
        "escort_teams": EscortTeam.objects.filter(**scope, founded_on__lte=end).count(),
        "escort_team_schools": EscortTeam.objects.filter(**scope, founded_on__lte=end)
        .values("school")
        .distinct()
        .count(),
        "drowning_activities": activities.filter(kind=ActivityKind.DROWNING).count(),
        "home_school_activities": activities.filter(home_school_contact=True).count(),
        "activity_participants": activities.aggregate(n=Sum("participants"))["n"] or 0,
        "special_group_activities": activities.filter(special_groups=True).count(),
        "migrant_children": special["migrant"],
        "left_behind_children": special["left_behind"],
        "surroundings_checks": SurroundingsCheck.objects.filter(
            **scope, checked_on__range=(start, end)
        ).count(),
        "drills": drills.count(),
        "drill_schools": drills.values("school").distinct().count(),
        "drill_participants": drills.aggregate(n=Sum("pupils") + Sum("staff"))["n"] or 0,
        "incidents": incidents.count(),
        "major_liability_incidents": incidents.major_liability().count(),
        "incidents_reported_late": sum(1 for i in incidents if i.reported_late),
        **food_figures(bureau_id, start, end),
    }


def food_figures(bureau_id: int, start: datetime.date, end: datetime.date) -> dict[str, Any]:
    """The district's daily food-safety control in [start, end]: the canteen schools on the
    registry at its end, morning checks, samples, meals left without a sample, accompanying
    meals, supplier papers received."""
    from xiaoan.schools.models import School

    scope = _in(bureau_id)
    canteens = School.objects.filter(bureau_id=bureau_id, canteen=True).as_of(end)
    checks = MorningCheck.objects.filter(**scope, checked_on__range=(start, end)).aggregate(
        n=Count("id"), workers=Sum("checked_count"), off_duty=Sum("off_duty_count")
    )
    return {
        "canteen_schools": canteens.count(),
        "morning_checks": checks["n"],
        "workers_checked": checks["workers"] or 0,
        "workers_off_duty": checks["off_duty"] or 0,
        "food_samples": FoodSample.objects.filter(**scope, served_on__range=(start, end)).count(),
        "samples_missed": len(missed_meals(canteens, start, end)),
        "accompanying_meals": AccompanyingMeal.objects.filter(
            **scope, served_on__range=(start, end)
        ).count(),
        "supplier_certificates": SupplierCertificate.objects.filter(
            **scope, received_on__range=(start, end)
        ).count(),
    }


def key_measures(bureau_id: int, start: datetime.date, end: datetime.date) -> list[dict[str, Any]]:
    """The figures a report states, as [{"key", "label", "value", "unit"}], labels in Chinese.

    `key` is the figure's key in `figures()`, so a report can pick one out without its label.
    """
    f = figures(bureau_id, start, end)
    funding = float(f["defence_funding"] / Decimal(10000))
    with translation.override("zh-hans"):
        rows = [
            ("new_police_rooms", _("New campus police rooms"), f["new_police_rooms"], _("rooms")),
            ("auxiliary_police", _("Auxiliary police"), f["auxiliary_police"], _("people")),
            (
                "defence_funding",
                _("Physical and technical defence funding"),
                funding,
                _("ten thousand yuan"),
            ),
            (
                "vehicle_schools",
                _("Schools with registered pick-up vehicles"),
                f["vehicle_schools"],
                _("school(s)"),
            ),
            ("vehicles", _("Registered pick-up vehicles"), f["vehicles"], _("vehicle(s)")),
            (
                "escort_team_schools",
                _("Schools with parent escort teams"),
                f["escort_team_schools"],
                _("school(s)"),
            ),
            (
                "drowning_activities",
                _("Drowning-prevention activities"),
                f["drowning_activities"],
                _("activities"),
            ),
            (
                "home_school_activities",
                _("Home-school contact activities"),
                f["home_school_activities"],
                _("activities"),
            ),
            (
                "special_group_activities",
                _("Activities including special groups"),
                f["special_group_activities"],
                _("activities"),
            ),
            (
                "migrant_children",
                _("Children of migrant workers on the register"),
                f["migrant_children"],
                _("people"),
            ),
            (
                "left_behind_children",
                _("Left-behind children on the register"),
                f["left_behind_children"],
                _("people"),
            ),
            (
                "surroundings_checks",
                _("Surroundings checks"),
                f["surroundings_checks"],
                _("checks"),
            ),
            ("drills", _("Emergency drills held"), f["drills"], _("drills")),
            (
                "drill_schools",
                _("Schools that held emergency drills"),
                f["drill_schools"],
                _("school(s)"),
            ),
            (
                "canteen_schools",
                _("Schools with their own canteen"),
                f["canteen_schools"],
                _("school(s)"),
            ),
            ("morning_checks", _("Canteen morning checks"), f["morning_checks"], _("checks")),
            ("food_samples", _("Food samples kept"), f["food_samples"], _("samples")),
            (
                "samples_missed",
                _("Meals without a sample by their end"),
                f["samples_missed"],
                _("meals"),
            ),
            (
                "accompanying_meals",
                _("Leaders' accompanying meals"),
                f["accompanying_meals"],
                _("meals"),
            ),
            (
                "supplier_certificates",
                _("Supplier certificates received"),
                f["supplier_certificates"],
                _("papers"),
            ),
            ("incidents", _("Safety incidents"), f["incidents"], _("incident(s)")),
            (
                "major_liability_incidents",
                _("Major liability accidents"),
                f["major_liability_incidents"],
                _("incident(s)"),
            ),
        ]
        return [
            {"key": key, "label": str(label), "value": value, "unit": str(unit)}
            for key, label, value, unit in rows
        ]
