"""The registers of the key measures, one module per register."""

from .base import SchoolRecord
from .drills import (
    Drill,
    DrillPhoto,
    DrillProblem,
    DrillRule,
    EmergencyPlan,
    month_drill_figures,
    standings,
)
from .duty import (
    DutyLogEntry,
    DutyShift,
    district_cover,
    duty_gaps,
    gaps_in,
    shift_at,
    uncovered_hours,
)
from .education import Acknowledgement, SafetyActivity, SpecialGroupChild
from .food import (
    AccompanyingMeal,
    FoodSample,
    MealProblem,
    MealTime,
    MorningCheck,
    SupplierCertificate,
    meal_rules,
    missed_meals,
    month_food_figures,
    sample_standings,
)
from .incidents import Incident
from .letters import ResponsibilityLetter
from .papers import PaperKind, SchoolPaper
from .patrols import Patrol, PatrolPoint, PatrolRoute, patrol_figures, rounds
from .security import DefenceFunding, Equipment, PoliceRoom, SecurityStaff
from .surroundings import SurroundingsCheck
from .vehicles import (
    Driver,
    EscortShift,
    EscortTeam,
    PreDepartureCheck,
    Route,
    Vehicle,
    with_todays_check,
)
from .visitors import Visitor, WatchListEntry

__all__ = [
    "AccompanyingMeal",
    "Acknowledgement",
    "DefenceFunding",
    "Drill",
    "DrillPhoto",
    "DrillProblem",
    "DrillRule",
    "Driver",
    "DutyLogEntry",
    "DutyShift",
    "EmergencyPlan",
    "Equipment",
    "EscortShift",
    "EscortTeam",
    "FoodSample",
    "Incident",
    "MealProblem",
    "MealTime",
    "MorningCheck",
    "PaperKind",
    "Patrol",
    "PatrolPoint",
    "PatrolRoute",
    "PoliceRoom",
    "PreDepartureCheck",
    "ResponsibilityLetter",
    "Route",
    "SafetyActivity",
    "SchoolPaper",
    "SchoolRecord",
    "SecurityStaff",
    "SpecialGroupChild",
    "SupplierCertificate",
    "SurroundingsCheck",
    "Vehicle",
    "Visitor",
    "WatchListEntry",
    "district_cover",
    "duty_gaps",
    "gaps_in",
    "meal_rules",
    "missed_meals",
    "month_drill_figures",
    "month_food_figures",
    "patrol_figures",
    "rounds",
    "sample_standings",
    "shift_at",
    "standings",
    "uncovered_hours",
    "with_todays_check",
]
