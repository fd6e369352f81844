"""The registers of the key measures, one module per register."""

from .assessment import WEIGHTS, Assessment, AssessmentEvent, ResponsibilityLetter
from .base import RegisterError, SchoolRecord
from .duty import DutyLogEntry, DutyShift, district_cover, duty_gaps, gaps_in, uncovered_hours
from .education import Acknowledgement, SafetyActivity, SpecialGroupChild
from .incidents import Incident
from .security import DefenceFunding, Equipment, PoliceRoom, SecurityStaff
from .surroundings import SurroundingsCheck
from .vehicles import Driver, EscortShift, EscortTeam, PreDepartureCheck, Route, Vehicle
from .visitors import Visitor, WatchListEntry

__all__ = [
    "WEIGHTS",
    "Acknowledgement",
    "Assessment",
    "AssessmentEvent",
    "DefenceFunding",
    "Driver",
    "DutyLogEntry",
    "DutyShift",
    "Equipment",
    "EscortShift",
    "EscortTeam",
    "Incident",
    "PoliceRoom",
    "PreDepartureCheck",
    "RegisterError",
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
    "uncovered_hours",
]
