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
from .incidents import Incident
from .letters import ResponsibilityLetter
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
    "Incident",
    "Patrol",
    "PatrolPoint",
    "PatrolRoute",
    "PoliceRoom",
    "PreDepartureCheck",
    "ResponsibilityLetter",
    "Route",
    "SafetyActivity",
    "SchoolRecord",
    "SecurityStaff",
    "SpecialGroupChild",
    "SurroundingsCheck",
    "Vehicle",
    "Visitor",
    "WatchListEntry",
    "district_cover",
    "duty_gaps",
    "gaps_in",
    "month_drill_figures",
    "patrol_figures",
    "rounds",
    "shift_at",
    "standings",
    "uncovered_hours",
    "with_todays_check",
]
