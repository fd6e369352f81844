from __future__ import annotations

from typing import Any

from django import forms
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from xiaoan.core.dates import local_today
from xiaoan.core.forms import BootstrapMixin, VersionedFormMixin
from xiaoan.core.widgets import offer_schools

from .models import Bureau, BureauSection, Department, School


class SchoolForm(VersionedFormMixin, BootstrapMixin, forms.ModelForm):
    class Meta:
        model = School
        fields = [
            "code",
            "name",
            "kind",
            "address",
            "principal",
            "phone",
            "enrolment",
            "boarding",
            "canteen",
            "private",
            "opened_on",
            "closed_on",
            "merged_into",
        ]
        widgets = {
            "opened_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "closed_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        }

    def __init__(self, *args: Any, bureau: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.instance.bureau = bureau
        if self.instance.pk is None:
            # A new school's safety administrator account, opened in the same step.
            self.fields["admin_account"] = forms.BooleanField(
                label=_("Open the school's safety administrator account"),
                required=False,
                initial=True,
                help_text=_("Its initial password comes out once, in an Excel sheet to hand out."),
            )
            self.fields["admin_username"] = forms.CharField(
                label=_("Login of the account"),
                required=False,
                max_length=150,
                help_text=_("Leave empty for “school” and the code's digits (S080 → school080)."),
            )
        if self.instance.closed_on is None:
            # A school leaves the registry through its own step (`retire`), not by an edit;
            # the dates of one that left can be corrected here.
            del self.fields["closed_on"], self.fields["merged_into"]
        else:
            others = School.objects.filter(bureau=bureau).exclude(pk=self.instance.pk)
            offer_schools(self.fields["merged_into"], others)

    def clean_opened_on(self) -> Any:
        """A new school left without the day it joined joins today: left empty it would count
        in every past period. An edit left without it keeps the day it had (schools from
        before the dates were kept may stay without one)."""
        day = self.cleaned_data.get("opened_on")
        if day is None:
            return self.instance.opened_on if self.instance.pk else local_today()
        return day

    def clean_code(self) -> str:
        code = self.cleaned_data["code"].strip().upper()
        clash = School.objects.filter(bureau=self.instance.bureau, code=code)
        if clash.exclude(pk=self.instance.pk).exists():
            raise forms.ValidationError(
                _("Another school already has the code %(code)s."), params={"code": code}
            )
        return code


class SchoolRetireForm(BootstrapMixin, forms.Form):
    """The day a school leaves the registry, and the school it is merged into, if any."""

    closed_on = forms.DateField(
        label=_("Left the registry on"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        help_text=_("From this day the school is no longer counted; what it recorded stays."),
    )
    merged_into = forms.ModelChoiceField(
        School.objects.none(),
        required=False,
        label=_("Merged into"),
        empty_label=_("Closed, not merged"),
    )

    def __init__(self, *args: Any, school: School, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["closed_on"].initial = local_today()
        others = School.objects.filter(bureau=school.bureau_id).current().exclude(pk=school.pk)
        offer_schools(self.fields["merged_into"], others)


class OwnSchoolMixin:
    """A form with a `school` field that a school's own user may not change.

    `lock_school()` shows the user's school, disabled; a request naming another school (a
    crafted post, an old link) is refused at the field instead of being filed at the user's own
    school without a word.
    """

    _own_school_id: int | None = None

    def lock_school(self, school_id: int) -> None:
        form: Any = self
        form.initial["school"] = school_id
        form.fields["school"].disabled = True
        self._own_school_id = school_id

    def clean(self) -> dict[str, Any]:
        form: Any = self
        data = super().clean() or {}  # type: ignore[misc]
        asked = form.data.get("school") if form.is_bound else None
        if self._own_school_id is not None and asked not in (None, ""):
            if str(asked) != str(self._own_school_id):
                form.add_error("school", _("You can record only for your own school."))
        return data


class OrganisationForm(VersionedFormMixin, BootstrapMixin, forms.ModelForm):
    """A bureau section or a partner department of the user's district; names are unique."""

    def __init__(self, *args: Any, bureau: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.instance.bureau = bureau

    def clean_name(self) -> str:
        name = self.cleaned_data["name"].strip()
        model = type(self.instance)
        clash = model._default_manager.filter(bureau=self.instance.bureau, name=name)
        if clash.exclude(pk=self.instance.pk).exists():
            raise forms.ValidationError(_("“%(name)s” already exists."), params={"name": name})
        return name


class SectionForm(OrganisationForm):
    class Meta:
        model = BureauSection
        fields = ["name", "is_safety_section"]


class DepartmentForm(OrganisationForm):
    class Meta:
        model = Department
        fields = ["name", "kind", "contact", "phone"]


class DistrictSetupForm(BootstrapMixin, forms.Form):
    """Day one: the district and its education bureau."""

    code = forms.CharField(label=_("District code"), max_length=12)
    district = forms.CharField(label=_("District name"), max_length=100)
    name = forms.CharField(label=_("Bureau name"), max_length=100)
    short_name = forms.CharField(label=_("Short name"), max_length=50, required=False)


class BureauForm(VersionedFormMixin, BootstrapMixin, forms.ModelForm):
    """The bureau's names and its district's name, kept by the safety section after set-up.
    The bureau's version travels with the form (an edit made meanwhile is not overwritten);
    the bureau and the district are saved together, each change in the change log."""

    district = forms.CharField(label=_("District name"), max_length=100)

    class Meta:
        model = Bureau
        fields = ["district", "name", "short_name"]
        labels = {"name": _("Bureau name"), "short_name": _("Short name")}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["district"].initial = self.instance.region.name

    def clean_district(self) -> str:
        return str(self.cleaned_data["district"]).strip()

    def save(self, commit: bool = True) -> Bureau:
        with transaction.atomic():
            bureau: Bureau = super().save(commit=commit)
            region = bureau.region
            if region.name != self.cleaned_data["district"]:
                region.name = self.cleaned_data["district"]
                region.save()
        return bureau
