"""The district's organisations: regions, the education bureau, partner departments, schools."""

from __future__ import annotations

import datetime
from typing import Any

from django.db import models, transaction
from django.urls import reverse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from xiaoan.accounts.access import has_role
from xiaoan.accounts.choices import Role
from xiaoan.core.changelog import guarded_update
from xiaoan.core.dates import local_today
from xiaoan.core.errors import Invalid, NotAllowed, Refused
from xiaoan.core.models import ActiveDuring, TimeStampedModel, Versioned, span_in_order
from xiaoan.core.validators import validate_phone

from .choices import DepartmentKind, RegionLevel, SchoolKind
from .querysets import DepartmentQuerySet, SchoolQuerySet, SectionQuerySet


class Region(Versioned, TimeStampedModel):
    """An administrative region: province → city → district. A district's name is kept by its
    bureau's safety section (`BureauForm`); every rename is in the change log."""

    code = models.CharField(_("code"), max_length=12, unique=True)
    name = models.CharField(_("name"), max_length=100)
    level = models.CharField(_("level"), max_length=10, choices=RegionLevel.choices)
    parent = models.ForeignKey(
        "self",
        models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
        verbose_name=_("parent region"),
    )

    class Meta:
        verbose_name = _("region")
        verbose_name_plural = _("regions")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name

    @property
    def bureau_id(self) -> int | None:
        """The district whose change log lists this region's changes: its bureau's."""
        return Bureau.objects.filter(region_id=self.pk).values_list("pk", flat=True).first()

    @property
    def full_name(self) -> str:
        names = [self.name]
        node = self.parent
        while node is not None:
            names.append(node.name)
            node = node.parent
        return "".join(reversed(names))


class Bureau(Versioned, TimeStampedModel):
    """A district education bureau (区教育局): the top of one district's school system. Its
    names are edited by its safety section, each change in the change log."""

    region = models.OneToOneField(
        Region, models.PROTECT, related_name="bureau", verbose_name=_("district")
    )
    name = models.CharField(_("name"), max_length=100)
    short_name = models.CharField(_("short name"), max_length=50, blank=True)

    class Meta:
        verbose_name = _("education bureau")
        verbose_name_plural = _("education bureaus")

    def __str__(self) -> str:
        return self.name

    @property
    def bureau_id(self) -> int | None:
        """A bureau's changes are its own district's (`ChangeLog.bureau_id`)."""
        return self.pk


class Retirable:
    """An organisation the bureau retires (kept for the records that name it) or reinstates;
    never deleted. Both steps are the bureau safety section's."""

    is_active: bool

    def retire(self, user: Any) -> None:
        self._check_retire(user)
        guarded_update(self, {"is_active": False}, user=user, expect={"is_active": True})

    def reinstate(self, user: Any) -> None:
        _check_bureau_admin(user)
        if self.is_active:
            raise Refused(gettext("This organisation is in use."))
        guarded_update(self, {"is_active": True}, user=user, expect={"is_active": False})

    def _check_retire(self, user: Any) -> None:
        _check_bureau_admin(user)
        if not self.is_active:
            raise Refused(gettext("This organisation is already retired."))


def _check_bureau_admin(user: Any) -> None:
    if not has_role(user, Role.BUREAU_ADMIN):
        raise NotAllowed(gettext("Only the bureau safety section manages the organisations."))


class BureauSection(Retirable, Versioned, TimeStampedModel):
    """A section of the bureau (安全科, 基教科, 人事科, 装备科…)."""

    bureau = models.ForeignKey(
        Bureau, models.CASCADE, related_name="sections", verbose_name=_("bureau")
    )
    name = models.CharField(_("name"), max_length=100)
    is_safety_section = models.BooleanField(_("safety section"), default=False)
    # A retired section is kept (inspections and accounts name it) but offered no more.
    is_active = models.BooleanField(_("in use"), default=True)

    objects = SectionQuerySet.as_manager()

    class Meta:
        verbose_name = _("bureau section")
        verbose_name_plural = _("bureau sections")
        ordering = ["bureau", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["bureau", "name"], name="section_unique_name_per_bureau"
            )
        ]

    def __str__(self) -> str:
        return self.name

    def _check_retire(self, user: Any) -> None:
        super()._check_retire(user)
        if self.is_safety_section:
            raise Refused(gettext("The safety section cannot be retired."))


class Department(Retirable, Versioned, TimeStampedModel):
    """A partner department that inspects schools with the bureau (fire brigade, traffic police…)."""

    bureau = models.ForeignKey(
        Bureau, models.PROTECT, related_name="departments", verbose_name=_("district bureau")
    )
    name = models.CharField(_("name"), max_length=100)
    kind = models.CharField(_("kind"), max_length=20, choices=DepartmentKind.choices)
    contact = models.CharField(_("contact person"), max_length=50, blank=True)
    phone = models.CharField(_("phone"), max_length=30, blank=True, validators=[validate_phone])
    # A retired department is kept (inspections and accounts name it) but offered no more.
    is_active = models.BooleanField(_("in use"), default=True)

    objects = DepartmentQuerySet.as_manager()

    class Meta:
        verbose_name = _("partner department")
        verbose_name_plural = _("partner departments")
        ordering = ["bureau", "kind", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["bureau", "name"], name="department_unique_name_per_bureau"
            )
        ]

    def __str__(self) -> str:
        return self.name


class School(ActiveDuring, Versioned, TimeStampedModel):
    """A school or childcare institution of the district.

    It is on the district's registry from `opened_on` (empty: since before the records began)
    until `closed_on`, the day it left (closed, or merged into `merged_into`). A school that
    left keeps everything it recorded; current lists no longer show it, and every figure of a
    past period counts the schools on the registry then (`School.objects.as_of(day)`).
    """

    active_span = ("opened_on", "closed_on")

    bureau = models.ForeignKey(
        Bureau, models.PROTECT, related_name="schools", verbose_name=_("bureau")
    )
    code = models.CharField(_("code"), max_length=20)
    name = models.CharField(_("name"), max_length=100)
    kind = models.CharField(_("kind"), max_length=20, choices=SchoolKind.choices)
    address = models.CharField(_("address"), max_length=200, blank=True)
    principal = models.CharField(_("principal"), max_length=50, blank=True)
    phone = models.CharField(_("phone"), max_length=30, blank=True, validators=[validate_phone])
    enrolment = models.PositiveIntegerField(_("enrolment"), default=0)
    boarding = models.BooleanField(_("boarding"), default=False)
    # A school with its own canteen keeps the daily food-safety registers (晨检, 留样, 陪餐).
    canteen = models.BooleanField(
        _("canteen"),
        default=False,
        help_text=_("The school runs its own canteen and keeps the daily food-safety control."),
    )
    private = models.BooleanField(_("private"), default=False)
    opened_on = models.DateField(
        _("on the registry since"),
        null=True,
        blank=True,
        default=local_today,
        help_text=_("The day the school joined the district's registry (opened or taken over)."),
    )
    closed_on = models.DateField(
        _("left the registry on"),
        null=True,
        blank=True,
        help_text=_("The day the school closed or was merged; from that day it is not counted."),
    )
    merged_into = models.ForeignKey(
        "self",
        models.PROTECT,
        null=True,
        blank=True,
        related_name="merged_schools",
        verbose_name=_("merged into"),
    )

    objects = SchoolQuerySet.as_manager()

    class Meta:
        verbose_name = _("school")
        verbose_name_plural = _("schools")
        ordering = ["code"]
        constraints = [
            models.UniqueConstraint(
                fields=["bureau", "code"], name="school_unique_code_per_bureau"
            ),
            models.UniqueConstraint(
                fields=["bureau", "name"], name="school_unique_name_per_bureau"
            ),
            span_in_order("school_closed_after_opened", "opened_on", "closed_on"),
            models.CheckConstraint(
                name="school_merged_only_when_closed",
                condition=models.Q(merged_into__isnull=True) | models.Q(closed_on__isnull=False),
                violation_error_message=_("Only a school that left the registry is merged."),
            ),
        ]
        indexes = [models.Index(fields=["bureau", "kind"], name="school_bureau_kind_idx")]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("schools:detail", args=[self.pk])

    @property
    def is_childcare(self) -> bool:
        return self.kind == SchoolKind.KINDERGARTEN

    def retire(self, user: Any, on: datetime.date, merged_into: School | None = None) -> None:
        """Take the school off the registry from `on` (closed, or merged into another school).

        Nothing of it is deleted: its ledger, inspections and reports stay, and the figures of
        the periods before `on` still count it.
        """
        self.check_retire(user, on, merged_into)
        with transaction.atomic():
            changes = {"closed_on": on, "merged_into": merged_into}
            guarded_update(self, changes, user=user, expect={"closed_on": None})

    def check_retire(self, user: Any, on: datetime.date, merged_into: School | None) -> None:
        from xiaoan.accounts.access import can_manage_schools

        if not can_manage_schools(user):
            raise NotAllowed(gettext("Only the bureau's safety section keeps the registry."))
        if self.closed_on is not None:
            raise Refused(gettext("The school has already left the registry."))
        if on > local_today():
            raise Invalid(gettext("A school leaves the registry today or on a past day."))
        if self.opened_on is not None and on <= self.opened_on:
            raise Invalid(gettext("A school leaves the registry after the day it joined."))
        if merged_into is None:
            return
        if merged_into.pk == self.pk or merged_into.bureau_id != self.bureau_id:
            raise Invalid(gettext("A school is merged into another school of the district."))
        if not merged_into.active_on(on):
            raise Invalid(gettext("The school it is merged into is not on the registry then."))

    def admin_username(self) -> str:
        """The login its safety administrator gets by default: S080 → school080."""
        code = self.code.lower()
        return f"school{code[1:]}" if code[:1] == "s" and code[1:].isdigit() else f"school-{code}"

    def open_admin_account(self, user: Any, username: str = "") -> dict[str, str]:
        """The school's safety administrator account, with its initial password (to hand out
        once: `accounts.exports.keep_for_sheet`)."""
        return open_admin_accounts(user, self.bureau, [self], {self.pk: username})[0]

    def admin_full_name(self) -> str:
        """The name its safety administrator's account gets: the principal's, or the post's."""
        return self.principal or gettext("%(school)s safety administrator") % {"school": self.name}

    def has_admin_account(self) -> bool:
        return self.memberships.filter(role=Role.SCHOOL_ADMIN).exists()


def open_admin_accounts(
    user: Any, bureau: Bureau, schools: list[School], usernames: dict[Any, str] | None = None
) -> list[dict[str, str]]:
    """The safety administrator accounts of `schools` (of `bureau`), opened together, each
    with its initial password: the rows of the sheet to hand out once. `usernames`: a login
    other than the default (`admin_username`) by school id."""
    from xiaoan.accounts.models import Membership, NewAccount

    chosen = usernames or {}
    accounts = [
        NewAccount(
            username=chosen.get(school.pk) or school.admin_username(),
            full_name=school.admin_full_name(),
            role=Role.SCHOOL_ADMIN,
            school=school,
        )
        for school in schools
    ]
    opened = Membership.objects.open_accounts(user, bureau, accounts)
    return [
        {
            "organisation": f"{school.code} {school.name}",
            "username": membership.user.username,
            "full_name": new.full_name,
            "password": password,
        }
        for school, new, (membership, password) in zip(schools, accounts, opened, strict=True)
    ]


def check_district_setup(user: Any) -> None:
    """Who sets up the district, and when: the system's superuser, once (`NotAllowed`, or
    `Refused` when it is set up)."""
    if not getattr(user, "is_superuser", False):
        raise NotAllowed(gettext("Only the system's superuser sets up the district."))
    if Bureau.objects.exists():
        raise Refused(gettext("The district is already set up."))


def set_up_district(
    user: Any, *, code: str, district: str, name: str, short_name: str = ""
) -> Bureau:
    """Day one: the district, its education bureau and the bureau's safety section, and the
    superuser who sets them up becomes the safety section's first administrator (who then
    opens the other accounts in the product)."""
    from xiaoan.accounts.models import Membership

    check_district_setup(user)
    code = code.strip()
    if Region.objects.filter(code=code).exists():
        raise Invalid(gettext("A region with this code exists already."), field="code")
    with transaction.atomic():
        region = Region.objects.create(code=code, name=district.strip(), level=RegionLevel.DISTRICT)
        bureau = Bureau.objects.create(region=region, name=name.strip(), short_name=short_name)
        section = BureauSection.objects.create(
            bureau=bureau, name=gettext("Safety section"), is_safety_section=True
        )
        Membership.objects.create(user=user, role=Role.BUREAU_ADMIN, bureau=bureau, section=section)
    return bureau
