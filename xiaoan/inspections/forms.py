"""Forms of the inspection pages; the model methods do the checking that matters."""

from __future__ import annotations

import datetime
from typing import Any

from django import forms
from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _

from xiaoan.accounts.access import membership_of
from xiaoan.accounts.choices import Role
from xiaoan.campaigns.choices import CampaignStatus
from xiaoan.campaigns.models import Campaign
from xiaoan.core.dates import local_today
from xiaoan.core.forms import BootstrapMixin
from xiaoan.core.widgets import offer_schools
from xiaoan.hazards.choices import HazardLevel
from xiaoan.hazards.forms import offer_risk_points, risk_point_field
from xiaoan.hazards.models import Area
from xiaoan.schools.choices import SchoolKind
from xiaoan.schools.forms import OwnSchoolMixin
from xiaoan.schools.models import BureauSection, Department, School

from .choices import AnswerResult, FailRequirement, InspectionKind
from .models import InspectionSchedule, kinds_for

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def _bureau_id(user: Any) -> int | None:
    membership = membership_of(user)
    return membership.bureau_id if membership is not None else None


class InspectorChoiceField(forms.ModelMultipleChoiceField):
    """Inspectors by name and organisation, as the record and the signature show them."""

    def label_from_instance(self, obj: Any) -> str:
        name = obj.get_full_name() or obj.username
        membership = membership_of(obj)
        return f"{name} · {membership.organisation_name}" if membership else name


class StartForm(OwnSchoolMixin, BootstrapMixin, forms.Form):
    school = forms.ModelChoiceField(queryset=School.objects.none(), label=_("School"))
    kind = forms.ChoiceField(choices=InspectionKind.choices, label=_("Kind"))
    date = forms.DateField(label=_("Date"), widget=DATE)
    campaign = forms.ModelChoiceField(
        queryset=Campaign.objects.none(), label=_("Campaign"), required=False
    )
    schedule = forms.ModelChoiceField(
        queryset=InspectionSchedule.objects.none(), label=_("Schedule"), required=False
    )
    areas = forms.ModelMultipleChoiceField(
        queryset=Area.objects.filter(is_active=True),
        label=_("Areas (checklists)"),
        widget=forms.CheckboxSelectMultiple,
    )
    departments = forms.ModelMultipleChoiceField(
        queryset=Department.objects.none(),
        label=_("Departments taking part"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    sections = forms.ModelMultipleChoiceField(
        queryset=BureauSection.objects.none(),
        label=_("Bureau sections taking part"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    inspectors = InspectorChoiceField(
        queryset=get_user_model().objects.none(),
        label=_("Inspectors with an account"),
        required=False,
    )
    inspector_names = forms.CharField(
        label=_("Other inspectors"),
        required=False,
        max_length=300,
        help_text=_("Names of inspectors without an account, separated by commas."),
    )

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        bureau_id = _bureau_id(user)
        membership = membership_of(user)
        fields: Any = self.fields  # typed as plain Field; these are choice fields
        offer_schools(fields["school"], School.objects.for_user(user).current())
        fields["kind"].choices = [c for c in InspectionKind.choices if c[0] in kinds_for(user)]
        if "kind" not in self.initial:
            # A school's self-inspection is listed first, but only a school records one itself.
            kinds = [k for k, _label in fields["kind"].choices]
            others = [k for k in kinds if k != InspectionKind.SELF]
            self.initial["kind"] = (others or kinds or [None])[0]
        self.fields["date"].initial = local_today()
        campaigns = Campaign.objects.filter(bureau=bureau_id)
        fields["campaign"].queryset = campaigns
        self.fields["campaign"].initial = campaigns.filter(status=CampaignStatus.RUNNING).first()
        fields["schedule"].queryset = InspectionSchedule.objects.for_user(user).planned()
        fields["departments"].queryset = Department.objects.filter(bureau=bureau_id).in_use()
        fields["sections"].queryset = BureauSection.objects.filter(bureau=bureau_id).in_use()
        fields["inspectors"].queryset = (
            get_user_model()
            .objects.filter(membership__bureau=bureau_id, membership__is_active=True)
            .filter(membership__school__isnull=True)
            .exclude(membership__role=Role.GOV_VIEWER)  # the government reads; it does not inspect
            .select_related("membership__bureau", "membership__department")
            .order_by("username")
        )
        if membership is not None and membership.school_id:
            self.lock_school(membership.school_id)  # never another school from a link
            for name in ("departments", "sections", "inspectors", "schedule"):
                del self.fields[name]

    def clean_date(self) -> datetime.date:
        date = self.cleaned_data["date"]
        if date > local_today():
            raise forms.ValidationError(_("The date cannot be in the future."))
        return date


class AnswerForm(forms.Form):
    result = forms.ChoiceField(choices=AnswerResult.choices, label=_("Result"))
    note = forms.CharField(label=_("Note"), required=False, max_length=2000)
    photo = forms.FileField(label=_("Photo"), required=False)
    # The answer's version as the page showed it: a save after someone else's is refused.
    version = forms.IntegerField(required=False, min_value=1, widget=forms.HiddenInput)


class RaiseHazardForm(BootstrapMixin, forms.Form):
    # Left empty, the item's note (or its text) describes the hazard.
    description = forms.CharField(
        label=_("Description"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    level = forms.ChoiceField(choices=HazardLevel.choices, label=_("Level"))
    location = forms.CharField(label=_("Location"), required=False, max_length=200)
    risk_point = risk_point_field()

    def __init__(self, *args: Any, user: Any = None, school: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if user is not None:
            offer_risk_points(self.fields["risk_point"], user, school)


class SubmitForm(BootstrapMixin, forms.Form):
    notes = forms.CharField(
        label=_("Overall notes"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    signed_by = forms.CharField(label=_("Signature (your name)"), max_length=100)


class ScheduleForm(BootstrapMixin, forms.ModelForm):
    """The plan's fields; bound without an instance, the model's `plan` / `replan` save it
    (`version`: the plan as the page showed it, so a re-plan after someone else's is refused)."""

    version = forms.IntegerField(required=False, min_value=1, widget=forms.HiddenInput)
    school_kinds = forms.MultipleChoiceField(
        choices=SchoolKind.choices,
        required=False,
        label=_("School kinds"),
        help_text=_("Empty: every kind of school."),
        widget=forms.CheckboxSelectMultiple,
    )

    class Meta:
        model = InspectionSchedule
        fields = [
            "title",
            "kind",
            "campaign",
            "start_date",
            "due_date",
            "school_kinds",
            "schools",
            "departments",
            "notes",
        ]
        widgets = {"start_date": DATE, "due_date": DATE, "notes": forms.Textarea(attrs={"rows": 2})}

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        bureau_id = _bureau_id(user)
        fields: Any = self.fields
        fields["campaign"].queryset = Campaign.objects.filter(bureau=bureau_id)
        offer_schools(fields["schools"], School.objects.for_user(user))
        self.fields["schools"].required = False
        fields["departments"].queryset = Department.objects.filter(bureau=bureau_id)
        self.fields["departments"].required = False

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, due = data.get("start_date"), data.get("due_date")
        if start and due and due < start:
            self.add_error("due_date", _("The due date cannot be before the start."))
        return data

    def plan_values(self) -> dict[str, Any]:
        return {name: self.cleaned_data[name] for name in self.Meta.fields}


class CancelScheduleForm(BootstrapMixin, forms.Form):
    reason = forms.CharField(
        label=_("Reason for cancelling"), max_length=1000, widget=forms.Textarea(attrs={"rows": 2})
    )


class ItemForm(BootstrapMixin, forms.Form):
    text = forms.CharField(label=_("Item"), max_length=300, required=False)
    legal_basis = forms.CharField(label=_("Legal basis"), max_length=300, required=False)
    on_fail = forms.ChoiceField(
        choices=FailRequirement.choices, label=_("A failing answer requires")
    )
    default_level = forms.ChoiceField(choices=HazardLevel.choices, label=_("Default level"))


ItemFormSet = forms.formset_factory(ItemForm, extra=2, can_delete=True)
