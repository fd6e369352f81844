from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    BUREAU_ADMIN = "bureau_admin", _("Bureau safety officer")
    BUREAU_LEADER = "bureau_leader", _("Bureau leader")
    GOV_VIEWER = "gov_viewer", _("District government")
    DEPT_INSPECTOR = "dept_inspector", _("Department inspector")
    SCHOOL_ADMIN = "school_admin", _("School safety administrator")
    SCHOOL_STAFF = "school_staff", _("School staff")
    # Above the district: a city's or a province's bureau reads its districts, never edits them.
    CITY_ADMIN = "city_admin", _("City bureau safety officer")
    CITY_VIEWER = "city_viewer", _("City viewer")
    PROVINCE_ADMIN = "province_admin", _("Province bureau safety officer")
    PROVINCE_VIEWER = "province_viewer", _("Province viewer")

    @classmethod
    def district_wide(cls) -> list[str]:
        return [cls.BUREAU_ADMIN, cls.BUREAU_LEADER, cls.GOV_VIEWER, cls.DEPT_INSPECTOR]

    @classmethod
    def school_roles(cls) -> list[str]:
        # A list, not a set: migrations must see the same order on every run.
        return [cls.SCHOOL_ADMIN, cls.SCHOOL_STAFF]

    @classmethod
    def regional(cls) -> list[str]:
        """The roles of a city's or a province's bureau (above the district)."""
        return [cls.CITY_ADMIN, cls.CITY_VIEWER, cls.PROVINCE_ADMIN, cls.PROVINCE_VIEWER]

    @classmethod
    def regional_admins(cls) -> list[str]:
        """Those of them who start campaigns and compile their districts' summaries."""
        return [cls.CITY_ADMIN, cls.PROVINCE_ADMIN]


# The region level each regional role's bureau stands at (`schools.choices.RegionLevel`).
REGIONAL_LEVEL = {
    Role.CITY_ADMIN: "city",
    Role.CITY_VIEWER: "city",
    Role.PROVINCE_ADMIN: "province",
    Role.PROVINCE_VIEWER: "province",
}
