"""Who a user is in the district: one membership giving one role at one organisation."""

from __future__ import annotations

import pyotp
from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from xiaoan.core.models import TimeStampedModel, Versioned

from .choices import Role


class Membership(Versioned, TimeStampedModel):
    """A user's role in a district: at the bureau, at a partner department or at a school.

    Every membership names the bureau (the district's scope); school roles also name the
    school and inspectors their department. `for_user()` querysets read nothing else.
    """

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, models.CASCADE, related_name="membership", verbose_name=_("user")
    )
    role = models.CharField(_("role"), max_length=20, choices=Role.choices)
    bureau = models.ForeignKey(
        "schools.Bureau", models.PROTECT, related_name="memberships", verbose_name=_("bureau")
    )
    section = models.ForeignKey(
        "schools.BureauSection",
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="memberships",
        verbose_name=_("bureau section"),
    )
    department = models.ForeignKey(
        "schools.Department",
        models.PROTECT,
        null=True,
        blank=True,
        related_name="memberships",
        verbose_name=_("department"),
    )
    school = models.ForeignKey(
        "schools.School",
        models.PROTECT,
        null=True,
        blank=True,
        related_name="memberships",
        verbose_name=_("school"),
    )
    title = models.CharField(_("job title"), max_length=50, blank=True)
    phone = models.CharField(_("phone"), max_length=30, blank=True)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        constraints = [
            models.CheckConstraint(
                name="membership_school_roles_have_school",
                condition=~Q(role__in=Role.school_roles()) | Q(school__isnull=False),
            ),
            models.CheckConstraint(
                name="membership_district_roles_have_no_school",
                condition=Q(role__in=Role.school_roles()) | Q(school__isnull=True),
            ),
            models.CheckConstraint(
                name="membership_inspectors_have_department",
                condition=~Q(role=Role.DEPT_INSPECTOR) | Q(department__isnull=False),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} · {self.get_role_display()}"

    @property
    def organisation_name(self) -> str:
        if self.school_id:
            return str(self.school)
        if self.department_id:
            return str(self.department)
        return str(self.bureau)

    @property
    def is_school_user(self) -> bool:
        return self.role in Role.school_roles()

    @property
    def is_bureau_admin(self) -> bool:
        return self.role == Role.BUREAU_ADMIN

    @property
    def is_bureau_leader(self) -> bool:
        return self.role == Role.BUREAU_LEADER

    @property
    def is_inspector(self) -> bool:
        return self.role == Role.DEPT_INSPECTOR

    @property
    def is_school_admin(self) -> bool:
        return self.role == Role.SCHOOL_ADMIN


class TwoFactor(TimeStampedModel):
    """A user's confirmed TOTP secret (the second factor at login)."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, models.CASCADE, related_name="+", verbose_name=_("user")
    )
    secret = models.CharField(_("secret"), max_length=64)
    last_step = models.BigIntegerField(_("last code step used"), default=0)

    class Meta:
        verbose_name = _("second factor")
        verbose_name_plural = _("second factors")

    def __str__(self) -> str:
        return str(self.user)

    def verify(self, code: str) -> bool:
        """True once per valid code; a code already used (or older) is refused."""
        totp = pyotp.TOTP(self.secret)
        code = "".join(ch for ch in str(code) if ch.isdigit())
        now = timezone.now()
        for offset in (-1, 0, 1):
            step = totp.timecode(now) + offset
            if step > self.last_step and totp.generate_otp(step) == code and len(code) == 6:
                updated = TwoFactor.objects.filter(pk=self.pk, last_step__lt=step).update(
                    last_step=step
                )
                return bool(updated)
        return False
