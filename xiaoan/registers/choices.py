"""Choices of the registers (TextChoices; the values are stored, the labels translated)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class DutyLogKind(models.TextChoices):
    PATROL = "patrol", _("Patrol")
    EVENT = "event", _("Event")
    HANDOVER = "handover", _("Handover")


class IdType(models.TextChoices):
    RESIDENT = "resident", _("Resident identity card")
    PASSPORT = "passport", _("Passport")
    HK_MACAO = "hk_macao", _("Mainland travel permit (HK/Macao)")
    OTHER = "other", _("Other document")


class StaffKind(models.TextChoices):
    GUARD = "guard", _("Security guard")
    AUXILIARY = "auxiliary", _("Auxiliary police")
    FULL_TIME = "full_time", _("Full-time security officer")


class EquipmentKind(models.TextChoices):
    PHYSICAL = "physical", _("Physical defence")
    TECHNICAL = "technical", _("Technical defence")


class LicenceClass(models.TextChoices):
    A1 = "A1", "A1"
    A3 = "A3", "A3"
    B1 = "B1", "B1"
    B2 = "B2", "B2"
    C1 = "C1", "C1"

    @classmethod
    def school_bus_classes(cls) -> list[str]:
        """Licence classes that permit driving a passenger school bus."""
        return [cls.A1, cls.A3, cls.B1]


class ActivityKind(models.TextChoices):
    DROWNING = "drowning", _("Drowning prevention")
    EDUCATION = "education", _("Safety education")
    HOME_VISIT = "home_visit", _("Home-school contact")
    DRILL = "drill", _("Emergency drill")


class SpecialGroupKind(models.TextChoices):
    MIGRANT = "migrant", _("Child of migrant workers")
    LEFT_BEHIND = "left_behind", _("Left-behind child")


class IncidentKind(models.TextChoices):
    TRAFFIC = "traffic", _("Traffic accident")
    DROWNING = "drowning", _("Drowning")
    FIRE = "fire", _("Fire")
    FOOD = "food", _("Food poisoning")
    BUILDING = "building", _("Building collapse")
    INJURY = "injury", _("Injury on campus")
    CRIME = "crime", _("Criminal case")
    OTHER = "other", _("Other")


class Severity(models.TextChoices):
    MINOR = "minor", _("Minor")
    SERIOUS = "serious", _("Serious")
    MAJOR = "major", _("Major")


class LetterLevel(models.TextChoices):
    BUREAU_SCHOOL = "bureau_school", _("Bureau → school")
    SCHOOL_STAFF = "school_staff", _("School → staff")


class DrillScenario(models.TextChoices):
    """What an emergency plan is for and what a drill rehearses (预案与演练的情景)."""

    FIRE = "fire", _("Fire")
    EARTHQUAKE = "earthquake", _("Earthquake")
    FLOOD = "flood", _("Flood")
    CROWDING = "crowding", _("Crowding and stampede")
    FOOD_POISONING = "food_poisoning", _("Food poisoning")
    INTRUSION = "intrusion", _("Intrusion")
    OTHER = "other", _("Other emergency")


class DrillPeriod(models.TextChoices):
    MONTH = "month", _("Per month")
    TERM = "term", _("Per term")


class DrillStanding(models.TextChoices):
    MET = "met", _("Met")
    DUE = "due", _("Still to drill")
    BEHIND = "behind", _("Behind")
