from django.db import models
from django.utils.translation import gettext_lazy as _


class RegionLevel(models.TextChoices):
    PROVINCE = "province", _("Province")
    CITY = "city", _("City")
    DISTRICT = "district", _("District")


class SchoolKind(models.TextChoices):
    PRIMARY = "primary", _("Primary school")
    JUNIOR = "junior", _("Junior middle school")
    NINE_YEAR = "nine_year", _("Nine-year school")
    SENIOR = "senior", _("Senior high school")
    VOCATIONAL = "vocational", _("Vocational high school")
    KINDERGARTEN = "kindergarten", _("Kindergarten / childcare institution")
    MIGRANT = "migrant", _("School for children of migrant workers")

    @classmethod
    def primary_and_secondary(cls) -> list[str]:
        """The kinds the bureau counts as 中小学 (everything but childcare)."""
        return [k.value for k in cls if k != cls.KINDERGARTEN]


class DepartmentKind(models.TextChoices):
    TRAFFIC_POLICE = "traffic_police", _("Traffic police")
    FIRE = "fire", _("Fire brigade")
    FOOD = "food", _("Food supervision")
    QUALITY = "quality", _("Quality inspection")
    PUBLIC_SECURITY = "public_security", _("Public security")
    TOWN = "town", _("Town government")
    HEALTH = "health", _("Health")
    COMMERCE = "commerce", _("Industry and commerce")
    GOVERNANCE = "governance", _("Comprehensive governance committee")
    OTHER = "other", _("Other")
