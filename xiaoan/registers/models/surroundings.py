"""Checks of the school's surroundings against the "four no's" (四无), with follow-up as hazards."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.db import models, transaction
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from xiaoan.accounts.choices import Role
from xiaoan.core.changelog import guarded_update
from xiaoan.core.errors import Refused

from .base import SchoolRecord, check_writer

FOUR_NOS = ("no_illegal_venues", "no_illegal_stalls", "no_illegal_buildings", "no_major_accident")


class SurroundingsCheck(SchoolRecord):
    """One check of the surroundings, its findings and the department responsible."""

    writers = (Role.SCHOOL_ADMIN, Role.BUREAU_ADMIN)

    checked_on = models.DateField(_("date"))
    no_illegal_venues = models.BooleanField(
        _("no illegal internet cafés or entertainment venues"), default=True
    )
    no_illegal_stalls = models.BooleanField(
        _("no unlicensed or road-occupying stalls"), default=True
    )
    no_illegal_buildings = models.BooleanField(
        _("no illegal buildings or public-order cases"), default=True
    )
    no_major_accident = models.BooleanField(
        _("no fire, collapse, poisoning or other major accident"), default=True
    )
    findings = models.TextField(_("findings"), blank=True)
    department = models.ForeignKey(
        "schools.Department",
        models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("department responsible"),
    )
    hazard = models.OneToOneField(
        "hazards.Hazard",
        models.PROTECT,
        null=True,
        blank=True,
        related_name="surroundings_check",
        verbose_name=_("follow-up hazard"),
    )

    class Meta:
        verbose_name = _("surroundings check")
        verbose_name_plural = _("surroundings checks")
        ordering = ["-checked_on", "school"]

    def __str__(self) -> str:
        return f"{self.school} {self.checked_on}"

    @property
    def failed_items(self) -> list[str]:
        return [
            str(getattr(self._meta.get_field(name), "verbose_name", name))
            for name in FOUR_NOS
            if not getattr(self, name)
        ]

    @property
    def meets_four_nos(self) -> bool:
        return not self.failed_items

    def action_checks(self) -> dict[str, Callable[[Any], object]]:
        return {"edit": self.check_edit, "follow_up": self.check_follow_up}

    def check_follow_up(self, user: Any) -> None:
        check_writer(user, self.writers, self.school)
        if self.meets_four_nos:
            raise Refused(gettext("The surroundings meet the four no's: nothing to follow."))
        if self.hazard_id:
            raise Refused(gettext("This check already has its follow-up hazard."))

    def follow_up(self, user: Any) -> Any:
        """Put the failures on the hazard ledger as one hazard of area `security`, once."""
        from xiaoan.hazards.choices import AreaCode, HazardLevel, HazardSource
        from xiaoan.hazards.models import Area, Hazard

        self.check_follow_up(user)
        description = gettext("Surroundings do not meet the four no's: %(items)s.") % {
            "items": "; ".join(self.failed_items)
        }
        if self.findings:
            description += " " + self.findings
        with transaction.atomic():
            hazard = Hazard.objects.report(
                school=self.school,
                area=Area.objects.get(code=AreaCode.SECURITY),
                level=HazardLevel.GENERAL,
                description=description,
                reported_by=user,
                source=HazardSource.INSPECTION,
                location=gettext("School surroundings"),
                found_on=self.checked_on,
                department=self.department,
                from_record=True,
            )
            guarded_update(self, {"hazard": hazard}, user=user, expect={"hazard__isnull": True})
        return hazard
