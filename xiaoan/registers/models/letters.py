"""Safety responsibility letters (安全责任书), bureau → school and school → a member of staff."""

from __future__ import annotations

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from xiaoan.accounts.choices import Role

from ..choices import LetterLevel
from ..querysets import LetterQuerySet
from .base import SchoolRecord


class ResponsibilityLetter(SchoolRecord):
    """A safety responsibility letter, bureau → school or school → a member of staff."""

    writers = (Role.SCHOOL_ADMIN, Role.BUREAU_ADMIN)

    year = models.PositiveSmallIntegerField(
        _("year"), validators=[MinValueValidator(2000), MaxValueValidator(2100)]
    )
    level = models.CharField(_("letter level"), max_length=15, choices=LetterLevel.choices)
    issuer = models.CharField(_("issued by"), max_length=100)
    signatory = models.CharField(_("signatory"), max_length=100)
    signed_on = models.DateField(_("signed on"), null=True, blank=True)

    objects = LetterQuerySet.as_manager()  # type: ignore[misc,assignment]

    class Meta:
        verbose_name = _("responsibility letter")
        verbose_name_plural = _("responsibility letters")
        ordering = ["-year", "school", "level", "signatory"]
        constraints = [
            models.UniqueConstraint(
                fields=["school", "year", "level", "signatory"],
                name="letter_unique_signatory",
                violation_error_message=_(
                    "This school already has a letter of this level with this signatory for "
                    "the year; open it to correct it."
                ),
            )
        ]

    def __str__(self) -> str:
        return f"{self.year} {self.signatory}"

    @property
    def is_signed(self) -> bool:
        return self.signed_on is not None
