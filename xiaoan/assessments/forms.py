"""The assessment's forms: the bureau's scores, a reason for the veto, the year to compute.

Each step form carries the version of the assessment the user read, so a step taken on a page
someone else has changed since is refused instead of overwriting their step.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from xiaoan.core.forms import BootstrapMixin

from .models import WEIGHTS, Assessment


class StepForm(BootstrapMixin, forms.Form):
    """A step of one assessment: the version read travels with it."""

    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args: Any, assessment: Assessment, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["version"].initial = assessment.version


class ScoreForm(StepForm):
    """The bureau's scores for the items the data cannot measure."""

    comment = forms.CharField(
        label=_("Comment"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args: Any, assessment: Assessment, **kwargs: Any) -> None:
        super().__init__(*args, assessment=assessment, **kwargs)
        for name in WEIGHTS:
            if name in assessment.computed_items:
                continue
            self.fields[name] = forms.DecimalField(
                label=_verbose(assessment, name),
                min_value=0,
                max_value=100,
                decimal_places=1,
                required=False,
                initial=getattr(assessment, name),
            )
        self.order_fields([*WEIGHTS, "comment"])

    def scores(self) -> dict[str, Any]:
        return {k: v for k, v in self.cleaned_data.items() if k in WEIGHTS}


def _verbose(instance: Any, name: str) -> str:
    return str(getattr(instance._meta.get_field(name), "verbose_name", name))


class ReasonForm(StepForm):
    # Not required here: the model's step says why a blank reason is refused.
    reason = forms.CharField(
        label=_("Reason"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class YearForm(BootstrapMixin, forms.Form):
    year = forms.IntegerField(label=_("Year"), min_value=2000, max_value=2100)
