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


class Meal(models.TextChoices):
    """The meals of a school canteen (餐次)."""

    BREAKFAST = "breakfast", _("Breakfast")
    LUNCH = "lunch", _("Lunch")
    DINNER = "dinner", _("Dinner")


class Symptom(models.TextChoices):
    """What the morning check looks for in a canteen worker (晨检): any of them keeps the
    worker from handling food that is eaten as it is served."""

    FEVER = "fever", _("Fever")
    DIARRHOEA = "diarrhoea", _("Diarrhoea")
    VOMITING = "vomiting", _("Vomiting")
    SORE_THROAT = "sore_throat", _("Sore throat or cough")
    HAND_WOUND = "hand_wound", _("Wound on the hands")
    SKIN = "skin", _("Skin infection or rash")


class MealScope(models.TextChoices):
    """Which canteen schools serve a meal, as far as the sample rule is concerned."""

    ALL = "all", _("Every school with a canteen")
    BOARDING = "boarding", _("Boarding schools with a canteen")
    NONE = "none", _("Not checked")


class SampleStanding(models.TextChoices):
    """A meal's food samples against its end (留样)."""

    ON_TIME = "on_time", _("Sampled")
    LATE = "late", _("Sampled after the meal")
    MISSED = "missed", _("No sample")
    DUE = "due", _("Still to sample")


class CertificateKind(models.TextChoices):
    """The papers a canteen asks of its suppliers (索证索票)."""

    BUSINESS_LICENCE = "business_licence", _("Business licence")
    FOOD_LICENCE = "food_licence", _("Food business licence")
    PRODUCTION_LICENCE = "production_licence", _("Food production licence")
    TEST_REPORT = "test_report", _("Inspection or test report")
    QUARANTINE = "quarantine", _("Animal quarantine certificate")
    INVOICE = "invoice", _("Purchase invoice or delivery note")
    OTHER = "other", _("Other paper")
