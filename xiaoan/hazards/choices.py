from django.db import models
from django.utils.translation import gettext_lazy as _


class AreaCode(models.TextChoices):
    """The six special-rectification areas (专项整治六块内容) of the seed."""

    VEHICLE = "vehicle", _("Student pick-up vehicle safety")
    BUILDING = "building", _("School building safety")
    FIRE = "fire", _("Fire safety")
    FOOD = "food", _("Food hygiene safety")
    LAB = "lab", _("Laboratory and hazardous chemicals safety")
    SECURITY = "security", _("Campus security and surroundings")
