"""The school's papers (证照): licences and certificates with their expiry, kept in the school's
safety file (一校一档). The kinds are the bureau's (`PaperKind`), seeded with the usual six."""

from __future__ import annotations

import datetime
import uuid
from typing import Any

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from xiaoan.accounts.choices import Role
from xiaoan.core.dates import local_today
from xiaoan.core.models import TimeStampedModel, Versioned
from xiaoan.schools.querysets import DistrictOrganisationQuerySet

from .base import SchoolRecord

# Reminders go out this many days before a paper expires, once each (`reports.reminders`).
REMINDER_DAYS = (30, 7)
# Papers due within this many days are flagged "due soon" on the lists and the school file.
PAPER_NOTICE_DAYS = 30

# The kinds every bureau starts with; the bureau renames, adds or retires them.
DEFAULT_PAPER_KINDS = (
    "食品经营许可证",
    "消防验收/检查意见书",
    "校舍安全鉴定",
    "校车使用许可",
    "从业人员健康证",
    "特种设备检验",
)


def paper_path(instance: Any, filename: str) -> str:
    suffix = filename.rsplit(".", 1)[-1].lower() if "." in filename else "bin"
    return f"papers/{uuid.uuid4().hex}.{suffix}"


class PaperKind(Versioned, TimeStampedModel):
    """A kind of licence or certificate a school keeps, as the bureau names it."""

    bureau = models.ForeignKey(
        "schools.Bureau", models.PROTECT, related_name="paper_kinds", verbose_name=_("bureau")
    )
    name = models.CharField(_("name"), max_length=60)
    is_active = models.BooleanField(
        _("in use"), default=True, help_text=_("A retired kind stays on the papers that name it.")
    )

    objects = DistrictOrganisationQuerySet.as_manager()

    class Meta:
        verbose_name = _("kind of paper")
        verbose_name_plural = _("kinds of paper")
        ordering = ["bureau", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["bureau", "name"],
                name="paperkind_unique_name",
                violation_error_message=_("The bureau already has a kind of paper of this name."),
            )
        ]

    def __str__(self) -> str:
        return self.name

    @classmethod
    def seed(cls, bureau: Any) -> None:
        """The six usual kinds, for a bureau that has none yet."""
        if not cls.objects.filter(bureau=bureau).exists():
            for name in DEFAULT_PAPER_KINDS:
                cls(bureau=bureau, name=name).save()

    def allowed_actions(self, user: Any) -> list[str]:
        from xiaoan.accounts.access import membership_of

        membership = membership_of(user)
        if membership is None or membership.role != Role.BUREAU_ADMIN:
            return []
        return ["edit"] if membership.bureau_id == self.bureau_id else []


class SchoolPaper(SchoolRecord):
    """A licence or certificate of the school (or of one of its people, a health certificate):
    its kind, number, issuer, dates, holder and a scan."""

    kind = models.ForeignKey(
        PaperKind, models.PROTECT, related_name="papers", verbose_name=_("kind of paper")
    )
    number = models.CharField(_("paper number"), max_length=60, blank=True)
    issuer = models.CharField(_("issued by"), max_length=100)
    issued_on = models.DateField(_("issued on"))
    valid_until = models.DateField(
        _("valid until"), null=True, blank=True, help_text=_("Empty: valid without end.")
    )
    holder = models.CharField(
        _("holder"),
        max_length=100,
        blank=True,
        help_text=_("The person the paper is for (a health certificate); empty: the school."),
    )
    attachment = models.FileField(_("scan"), upload_to=paper_path, blank=True)
    attachment_name = models.CharField(_("file name"), max_length=200, blank=True, editable=False)

    class Meta:
        verbose_name = _("school paper")
        verbose_name_plural = _("school papers")
        ordering = ["school", "valid_until", "pk"]
        constraints = [
            models.CheckConstraint(
                name="schoolpaper_valid_after_issue",
                condition=Q(valid_until__isnull=True) | Q(valid_until__gte=models.F("issued_on")),
                violation_error_message=_("A paper is valid until a day after it was issued."),
            )
        ]

    def __str__(self) -> str:
        holder = f" · {self.holder}" if self.holder else ""
        return f"{self.kind}{holder} {self.number}".strip()

    def clean(self) -> None:
        super().clean()
        if self.valid_until and self.issued_on and self.valid_until < self.issued_on:
            raise ValidationError(
                {"valid_until": gettext("A paper is valid until a day after it was issued.")}
            )
        if self.kind_id and self.school_id and self.kind.bureau_id != self.school.bureau_id:
            raise ValidationError({"kind": gettext("Choose one of the bureau's kinds of paper.")})

    def validity(self, today: datetime.date) -> str:
        """expired, due (within 30 days) or empty."""
        if self.valid_until is None:
            return ""
        if self.valid_until < today:
            return "expired"
        soon = today + datetime.timedelta(days=PAPER_NOTICE_DAYS)
        return "due" if self.valid_until <= soon else ""

    @property
    def validity_today(self) -> str:
        return self.validity(local_today())

    def reminder_due(self, today: datetime.date) -> int | None:
        """The reminder (30 or 7 days before) whose window `today` is in, if any: from 30 days
        before to 8 days before the 30-day one, the last 7 days the 7-day one."""
        if self.valid_until is None or self.valid_until < today:
            return None
        left = (self.valid_until - today).days
        for days in sorted(REMINDER_DAYS):
            if left <= days:
                return days
        return None


def validity_label(state: str) -> str:
    """What a paper's `validity` reads as on the lists, the school file and its PDF."""
    return str({"expired": _("Expired"), "due": _("Due soon")}.get(state, _("Valid")))
