"""The risk register's forms: a point with its first assessment, its details, a re-assessment,
its retirement. Each form of an existing point carries the version read, so a save after
someone else's is refused instead of overwriting it."""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.utils.translation import gettext_lazy as _

from xiaoan.accounts.access import membership_of
from xiaoan.core.dates import local_today
from xiaoan.core.forms import BootstrapMixin, VersionedFormMixin
from xiaoan.core.widgets import offer_schools
from xiaoan.hazards.models import Area
from xiaoan.schools.forms import OwnSchoolMixin
from xiaoan.schools.models import School

from .choices import LIKELIHOOD_CHOICES, SEVERITY_CHOICES, AssessmentReason
from .models import RiskPoint

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
DETAILS = [
    "name",
    "location",
    "area",
    "hazard_sources",
    "consequences",
    "control_measures",
    "responsible",
    "responsible_phone",
]
TEXTAREAS = {
    name: forms.Textarea(attrs={"rows": 2})
    for name in ("hazard_sources", "consequences", "control_measures")
}


class PointForm(VersionedFormMixin, BootstrapMixin, forms.ModelForm):
    """The point's details; its level changes only by an assessment."""

    class Meta:
        model = RiskPoint
        fields = DETAILS
        widgets = TEXTAREAS

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        areas = cast(forms.ModelChoiceField, self.fields["area"])
        areas.queryset = Area.objects.filter(is_active=True)
        areas.empty_label = None


class NewPointForm(OwnSchoolMixin, BootstrapMixin, forms.ModelForm):
    """A new point: the school (a school user's own), its details and its first assessment."""

    school = forms.ModelChoiceField(queryset=School.objects.none(), label=_("School"))
    likelihood = forms.TypedChoiceField(
        choices=LIKELIHOOD_CHOICES, coerce=int, label=_("likelihood (L)")
    )
    severity = forms.TypedChoiceField(choices=SEVERITY_CHOICES, coerce=int, label=_("severity (S)"))
    comment = forms.CharField(
        label=_("Assessment notes"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Who assessed it and on what grounds, e.g. the safety meeting of 3 March."),
    )

    class Meta:
        model = RiskPoint
        fields = ["school", *DETAILS, "identified_on"]
        widgets = {**TEXTAREAS, "identified_on": DATE}

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        offer_schools(self.fields["school"], School.objects.for_user(user).current())
        areas = cast(forms.ModelChoiceField, self.fields["area"])
        areas.queryset = Area.objects.filter(is_active=True)
        areas.empty_label = None
        self.fields["identified_on"].initial = local_today()
        self.fields["identified_on"].required = True
        membership = membership_of(user)
        if membership is not None and membership.school_id:
            self.lock_school(membership.school_id)

    def clean_identified_on(self) -> Any:
        day = self.cleaned_data.get("identified_on")
        if day and day > local_today():
            raise forms.ValidationError(_("This day is still to come; enter when it happened."))
        return day

    def values(self) -> dict[str, Any]:
        """The keyword arguments of `RiskPoint.objects.identify`."""
        return dict(self.cleaned_data)


class ReassessForm(BootstrapMixin, forms.Form):
    likelihood = forms.TypedChoiceField(
        choices=LIKELIHOOD_CHOICES, coerce=int, label=_("likelihood (L)")
    )
    severity = forms.TypedChoiceField(choices=SEVERITY_CHOICES, coerce=int, label=_("severity (S)"))
    reason = forms.ChoiceField(
        choices=[c for c in AssessmentReason.choices if c[0] != AssessmentReason.IDENTIFIED],
        label=_("reason"),
    )
    comment = forms.CharField(
        label=_("What changed"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args: Any, point: RiskPoint, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["likelihood"].initial = point.likelihood
        self.fields["severity"].initial = point.severity
        self.fields["version"].initial = point.version
        if point.needs_reassessment:
            self.fields["reason"].initial = AssessmentReason.RECURRENCE


class RetireForm(BootstrapMixin, forms.Form):
    reason = forms.CharField(label=_("reason for retiring"), max_length=200)
    on = forms.DateField(label=_("retired on"), widget=DATE, required=False)
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args: Any, point: RiskPoint, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["version"].initial = point.version
        self.fields["on"].initial = local_today()
