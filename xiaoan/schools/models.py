"""The district's organisations: regions, the education bureau, partner departments, schools."""

from __future__ import annotations

from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from xiaoan.core.models import TimeStampedModel, Versioned

from .choices import DepartmentKind, RegionLevel, SchoolKind
from .querysets import DepartmentQuerySet, SchoolQuerySet


class Region(TimeStampedModel):
    """An administrative region: province → city → district."""

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
    def full_name(self) -> str:
        names = [self.name]
        node = self.parent
        while node is not None:
            names.append(node.name)
            node = node.parent
        return "".join(reversed(names))


class Bureau(TimeStampedModel):
    """A district education bureau (区教育局): the top of one district's school system."""

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


class BureauSection(Versioned, TimeStampedModel):
    """A section of the bureau (安全科, 基教科, 人事科, 装备科…)."""

    bureau = models.ForeignKey(
        Bureau, models.CASCADE, related_name="sections", verbose_name=_("bureau")
    )
    name = models.CharField(_("name"), max_length=100)
    is_safety_section = models.BooleanField(_("safety section"), default=False)

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


class Department(Versioned, TimeStampedModel):
    """A partner department that inspects schools with the bureau (fire brigade, traffic police…)."""

    bureau = models.ForeignKey(
        Bureau, models.PROTECT, related_name="departments", verbose_name=_("district bureau")
    )
    name = models.CharField(_("name"), max_length=100)
    kind = models.CharField(_("kind"), max_length=20, choices=DepartmentKind.choices)
    contact = models.CharField(_("contact person"), max_length=50, blank=True)
    phone = models.CharField(_("phone"), max_length=30, blank=True)

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


class School(Versioned, TimeStampedModel):
    """A school or childcare institution of the district."""

    bureau = models.ForeignKey(
        Bureau, models.PROTECT, related_name="schools", verbose_name=_("bureau")
    )
    code = models.CharField(_("code"), max_length=20)
    name = models.CharField(_("name"), max_length=100)
    kind = models.CharField(_("kind"), max_length=20, choices=SchoolKind.choices)
    address = models.CharField(_("address"), max_length=200, blank=True)
    principal = models.CharField(_("principal"), max_length=50, blank=True)
    phone = models.CharField(_("phone"), max_length=30, blank=True)
    enrolment = models.PositiveIntegerField(_("enrolment"), default=0)
    boarding = models.BooleanField(_("boarding"), default=False)
    private = models.BooleanField(_("private"), default=False)
    is_active = models.BooleanField(_("active"), default=True)

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
        ]
        indexes = [models.Index(fields=["bureau", "kind"], name="school_bureau_kind_idx")]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("schools:detail", args=[self.pk])

    @property
    def is_childcare(self) -> bool:
        return self.kind == SchoolKind.KINDERGARTEN
