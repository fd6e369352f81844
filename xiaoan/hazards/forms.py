"""Forms of the ledger pages: quick to fill on a phone, each step asking only what it needs."""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from xiaoan.accounts.access import has_role, membership_of
from xiaoan.accounts.choices import Role
from xiaoan.campaigns.models import Campaign
from xiaoan.core.dates import local_today
from xiaoan.core.forms import BootstrapMixin, VersionedFormMixin
from xiaoan.core.widgets import offer_schools
from xiaoan.schools.forms import OwnSchoolMixin
from xiaoan.schools.models import School

from .choices import HazardLevel, HazardSource
from .models import Area, Hazard
from .photos import process_upload

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def risk_point_field() -> forms.ModelChoiceField:
    """The point of the school's risk register the hazard was found at (optional)."""
    return forms.ModelChoiceField(
        queryset=_risk_points().none(),
        label=_("Risk point"),
        required=False,
        help_text=_("The point of the school's risk register where the hazard was found."),
    )


def _risk_points() -> Any:
    # The register's model, reached through the hazard's link (the ledger does not import it).
    return Hazard._meta.get_field("risk_point").related_model.objects  # type: ignore[union-attr,attr-defined]


def offer_risk_points(field: forms.Field, user: Any, school: Any = None) -> None:
    """Offer the points in the register today that `user` may see (of `school`, if given),
    each named with its school for a district user."""
    points = _risk_points().for_user(user).current().select_related("school")
    if school is not None:
        points = points.filter(school=school)
    membership = membership_of(user)
    own = membership is not None and membership.school_id is not None
    choice = cast(forms.ModelChoiceField, field)
    choice.queryset = points.order_by("school__code", "name")
    if not own and school is None:
        choice.label_from_instance = lambda p: f"{p.school.name} · {p.name}"  # type: ignore[method-assign,assignment]


class MultiplePhotoInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class PhotosField(forms.FileField):
    """Several photos in one input; each is checked again by content when stored."""

    widget = MultiplePhotoInput(attrs={"accept": "image/*", "capture": "environment"})

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("required", False)
        super().__init__(*args, **kwargs)

    def clean(self, data: Any, initial: Any = None) -> list[Any]:
        files = data if isinstance(data, list | tuple) else [data] if data else []
        cleaned = [super(PhotosField, self).clean(f, initial) for f in files]
        if self.required and not cleaned:
            raise forms.ValidationError(self.error_messages["required"], code="required")
        # Checked by content here, so a bad photo is a form error and nothing is saved.
        return [process_upload(upload) for upload in cleaned]


class ReportForm(OwnSchoolMixin, BootstrapMixin, forms.Form):
    """The report; the found date's rules (not in the future, within the open period or the
    campaign) are `Hazard.check_found_on`'s, shown at the field."""

    school = forms.ModelChoiceField(queryset=School.objects.none(), label=_("School"))
    area = forms.ModelChoiceField(
        queryset=Area.objects.filter(is_active=True), label=_("Area"), empty_label=None
    )
    level = forms.ChoiceField(
        choices=HazardLevel.choices, label=_("Hazard level"), initial=HazardLevel.GENERAL
    )
    description = forms.CharField(
        label=_("Hazard description"), widget=forms.Textarea(attrs={"rows": 2}), max_length=2000
    )
    location = forms.CharField(label=_("Location"), required=False, max_length=200)
    found_on = forms.DateField(label=_("Found on"), widget=DATE)
    source = forms.ChoiceField(choices=HazardSource.choices, label=_("Source"))
    campaign = forms.ModelChoiceField(
        queryset=Campaign.objects.none(), label=_("Campaign"), required=False
    )
    risk_point = risk_point_field()
    photos = PhotosField(label=_("Photos"))

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        membership = membership_of(user)
        offer_schools(self.fields["school"], School.objects.for_user(user).current())
        offer_risk_points(self.fields["risk_point"], user)
        self.fields["found_on"].initial = local_today()
        if membership is not None:
            campaigns = Campaign.objects.filter(bureau=membership.bureau_id)
            cast(forms.ModelChoiceField, self.fields["campaign"]).queryset = campaigns
            self.fields["campaign"].initial = _current_campaign(campaigns)
            if membership.school_id:
                # A school user reports for its own school only.
                self.lock_school(membership.school_id)
                self.fields["source"].initial = HazardSource.SELF_REPORT
            else:
                self.fields["source"].initial = HazardSource.INSPECTION
        if not has_role(user, Role.BUREAU_ADMIN):
            del self.fields["backdated"]

    backdated = forms.BooleanField(
        label=_("Back-dated record (found before the open period)"),
        required=False,
        help_text=_(
            "Only the bureau safety section may record a hazard found before the open period."
        ),
    )


def _current_campaign(campaigns: Any) -> Campaign | None:
    today = local_today()
    return campaigns.filter(start_date__lte=today, end_date__gte=today).first()


class EditForm(VersionedFormMixin, BootstrapMixin, forms.ModelForm):
    """The details a report may be corrected in; `Hazard.edit` saves them (the version read
    travels with the form, so a save after someone else's is refused)."""

    class Meta:
        model = Hazard
        fields = ["area", "level", "description", "location", "interim_control", "risk_point"]
        widgets = {
            "description": forms.Textarea(attrs={"rows": 3}),
            "interim_control": forms.Textarea(attrs={"rows": 2}),
        }

    def __init__(self, *args: Any, user: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ModelChoiceField, self.fields["area"]).queryset = Area.objects.filter(
            is_active=True
        )
        # The hazard's own school's points in the register (and the one it is linked to).
        points = _risk_points().filter(school=self.instance.school_id)
        linked = Q(pk=self.instance.risk_point_id) if self.instance.risk_point_id else Q()
        current = points.current()
        if user is not None:
            current = current.for_user(user)
        cast(forms.ModelChoiceField, self.fields["risk_point"]).queryset = points.filter(
            Q(pk__in=current.values("pk")) | linked
        )


class AssignForm(BootstrapMixin, forms.Form):
    opinion = forms.CharField(
        label=_("Rectification opinion"), widget=forms.Textarea(attrs={"rows": 3})
    )
    deadline = forms.DateField(label=_("Deadline"), widget=DATE)
    responsible_person = forms.CharField(
        label=_("Responsible person"), required=False, max_length=50
    )
    interim_control = forms.CharField(
        label=_("Interim control measures"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class CommentForm(BootstrapMixin, forms.Form):
    comment = forms.CharField(
        label=_("Comment"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class ReasonForm(BootstrapMixin, forms.Form):
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 2}))


class SubmitForm(BootstrapMixin, forms.Form):
    measures = forms.CharField(label=_("What was done"), widget=forms.Textarea(attrs={"rows": 3}))
    cost = forms.DecimalField(
        label=_("Cost (yuan)"), required=False, min_value=0, max_digits=12, decimal_places=2
    )
    photos = PhotosField(
        label=_("Photos after rectification"),
        help_text=_("At least one, unless an after-rectification photo is already on the hazard."),
    )
    comment = forms.CharField(label=_("Comment"), required=False)

    def __init__(self, *args: Any, needs_photo: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Only marks the field on the page; the model refuses a submit without the after-photo
        # it needs (after a failed verification, a new one).
        self.fields["photos"].required = needs_photo

    @classmethod
    def for_hazard(cls, hazard: Hazard, *args: Any, **kwargs: Any) -> SubmitForm:
        """A resubmission starts from what was reported last time (measures and cost)."""
        kwargs.setdefault("initial", {"measures": hazard.measures, "cost": hazard.cost})
        form = cls(*args, needs_photo=hazard.needs_after_photo(), **kwargs)
        form.fields["photos"].error_messages["required"] = hazard.photo_needed_message()
        return form


class VerifyForm(BootstrapMixin, forms.Form):
    # No outcome is chosen for the inspector: closing a hazard is a decision, not a default.
    passed = forms.TypedChoiceField(
        label=_("Verification result"),
        choices=[("1", _("Passed: close the hazard")), ("0", _("Failed: rectify again"))],
        coerce=lambda v: v == "1",
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose whether the rectification passed or failed.")},
    )
    comment = forms.CharField(
        label=_("Comment (required if failed)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class ExtensionForm(BootstrapMixin, forms.Form):
    new_deadline = forms.DateField(label=_("New deadline"), widget=DATE)
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 2}))


class ExtensionDecisionForm(BootstrapMixin, forms.Form):
    approve = forms.TypedChoiceField(
        label=_("Decision"),
        choices=[("1", _("Approve the new deadline")), ("0", _("Refuse"))],
        coerce=lambda v: v == "1",
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose to approve or refuse.")},
    )
    comment = forms.CharField(
        label=_("Comment (required if refused)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class PhotoForm(BootstrapMixin, forms.Form):
    photos = PhotosField(label=_("Photos"), required=True)
    kind = forms.ChoiceField(
        choices=[("before", _("Before rectification")), ("after", _("After rectification"))],
        label=_("Kind"),
    )


class AreaForm(VersionedFormMixin, BootstrapMixin, forms.ModelForm):
    class Meta:
        model = Area
        fields = ["name_zh", "name_en", "order", "is_active"]
