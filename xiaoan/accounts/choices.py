from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    BUREAU_ADMIN = "bureau_admin", _("Bureau safety officer")
    BUREAU_LEADER = "bureau_leader", _("Bureau leader")
    GOV_VIEWER = "gov_viewer", _("District government")
    DEPT_INSPECTOR = "dept_inspector", _("Department inspector")
    SCHOOL_ADMIN = "school_admin", _("School safety administrator")
    SCHOOL_STAFF = "school_staff", _("School staff")

    @classmethod
    def district_wide(cls) -> list[str]:
        return [cls.BUREAU_ADMIN, cls.BUREAU_LEADER, cls.GOV_VIEWER, cls.DEPT_INSPECTOR]

    @classmethod
    def school_roles(cls) -> list[str]:
        # A list, not a set: migrations must see the same order on every run.
        return [cls.SCHOOL_ADMIN, cls.SCHOOL_STAFF]
