"""The hazard ledger (隐患台账) and the six areas it is counted by."""

from __future__ import annotations

from django.db import models
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from xiaoan.core.models import TimeStampedModel


class Area(TimeStampedModel):
    """One of the six special-rectification areas; the bureau may rename or reorder them."""

    code = models.SlugField(_("code"), max_length=20, unique=True)
    name_zh = models.CharField(_("Chinese name"), max_length=50)
    name_en = models.CharField(_("English name"), max_length=80)
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("area")
        verbose_name_plural = _("areas")
        ordering = ["order", "code"]

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        """The name in the user's language."""
        language = translation.get_language() or "zh-hans"
        return self.name_en if language.startswith("en") else self.name_zh
