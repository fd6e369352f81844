"""Forms of the registers. The school is the user's own for school users; the bureau picks one."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.files.base import ContentFile
from django.db import models as dj_models
from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from xiaoan.accounts.access import membership_of
from xiaoan.campaigns.forms import AttachmentInput
from xiaoan.campaigns.models import check_document
from xiaoan.core.dates import in_range, local_today
from xiaoan.core.forms import BootstrapMixin, VersionedFormMixin
from xiaoan.core.validators import validate_phone
from xiaoan.core.widgets import offer_schools
from xiaoan.hazards.models import Area
from xiaoan.schools.models import School

from . import models
from .choices import IdType


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(format="%Y-%m-%d", **kwargs)


class DateTimeInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(format="%Y-%m-%dT%H:%M", **kwargs)


def _school_of(user: Any) -> School | None:
    membership = membership_of(user)
    return membership.school if membership is not None and membership.school_id else None


def _model_field(model: Any, name: str) -> Any:
    try:
        return model._meta.get_field(name)
    except Exception:  # a form-only field such as the ID number
        return None


# Moments that have happened (a duty-log line, an incident and its report): never in the future.
PAST_MOMENTS = ("occurred_at", "reported_at", "patrolled_at")


def _start_today(form: Any, cleaned: dict[str, Any]) -> None:
    """A new row left without the day it came on the register (`core.querysets`) comes on it
    today: left empty it would count in every past period. An edit left without it keeps the
    day it had (rows from before the dates were kept may stay without one)."""
    start = getattr(form._meta.model, "active_span", ("",))[0]
    if start not in form.fields or cleaned.get(start) is not None or start in form.errors:
        return
    cleaned[start] = getattr(form.instance, start) if form.instance.pk else local_today()


def _checked_item(field: forms.Field) -> forms.Field:
    return forms.TypedChoiceField(
        label=field.label,
        choices=[(True, _("OK")), (False, _("Not OK"))],
        coerce=lambda value: value in (True, "True"),
        widget=forms.RadioSelect,
        required=True,
    )


class RegisterForm(VersionedFormMixin, BootstrapMixin, forms.ModelForm):
    """A register row: the school is fixed for school users, chosen by the bureau.

    An edit carries the version read (`VersionedFormMixin`): saving over someone else's later
    change is refused with a message at the form, and what was typed stays.
    """

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.user = user
        self.own_school = _school_of(user)
        if "school" in self.fields:
            if self.own_school is not None or self.instance.pk:
                del self.fields["school"]
            else:
                offer_schools(self.fields["school"], School.objects.for_user(user))
        for name, field in self.fields.items():
            model_field = _model_field(self._meta.model, name)
            if isinstance(model_field, dj_models.DateTimeField):
                field.widget = DateTimeInput(attrs={"class": "form-control"})
            elif isinstance(model_field, dj_models.DateField):
                field.widget = DateInput(attrs={"class": "form-control"})
            if isinstance(field, forms.ModelChoiceField) and name != "school":
                model = field.queryset.model  # type: ignore[union-attr]
                field.queryset = model.objects.for_user(user)
        for name in getattr(self._meta.model, "ITEMS", ()):
            # Each checked item is answered, OK or not: none is ticked OK before it is looked at.
            if name in self.fields:
                self.fields[name] = _checked_item(self.fields[name])

    def target_school(self) -> School | None:
        if self.instance.pk:
            return self.instance.school
        return self.own_school or self.cleaned_data.get("school")

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        _start_today(self, data)
        school = self.target_school()
        asked = self.data.get("school") if "school" not in self.fields else None
        if asked not in (None, "") and (school is None or str(asked) != str(school.pk)):
            # A school user (or an edit) cannot move a row to another school.
            self.add_error(None, _("An entry stays with its own school."))
        # A vehicle, driver, team or shift must be the same school's.
        for name, value in data.items():
            if name != "school" and isinstance(value, models.SchoolRecord) and school:
                if value.school_id != school.pk:
                    self.add_error(name, _("Choose one of this school's own entries."))
        for name in PAST_MOMENTS:
            if name in self.fields and data.get(name) and data[name] > timezone.now():
                self.add_error(name, _("This time is still to come; enter when it happened."))
        return data

    def _post_clean(self) -> None:
        # The school is set before the model's rules are checked, so "one letter per signatory
        # and year" holds at the form for a school user too, whose form has no school field.
        if not self.instance.pk and self.target_school() is not None:
            self.instance.school = self.target_school()
        super()._post_clean()  # type: ignore[misc]

    def _get_validation_exclusions(self) -> set[str]:
        exclude = super()._get_validation_exclusions()  # type: ignore[misc]
        if self.instance.school_id is not None:
            exclude.discard("school")
        return exclude

    def save(self, commit: bool = True) -> Any:
        row = super().save(commit=False)
        if not row.pk:
            row.school = self.target_school()
            row.recorded_by = self.user
        if commit:
            row.save()
        return row


def register_form(model: type[dj_models.Model], fields: list[str]) -> type[RegisterForm]:
    meta = type("Meta", (), {"model": model, "fields": ["school", *fields]})
    return type(f"{model.__name__}Form", (RegisterForm,), {"Meta": meta})


class DutyLogForm(RegisterForm):
    """A new line of the duty log opens with the time now and the shift on duty (from today's
    roster, when the school has one); who writes it is the user (`recorded_by`)."""

    class Meta:
        model = models.DutyLogEntry
        fields = ["school", "shift", "kind", "occurred_at", "content"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.is_bound or self.instance.pk:
            return
        now = timezone.localtime().replace(second=0, microsecond=0)
        self.initial.setdefault("occurred_at", now)
        shift = models.shift_at(self.own_school, now) if self.own_school else None
        if shift is not None:
            self.initial.setdefault("shift", shift.pk)


class DriverForm(RegisterForm):
    """A driver is checked against article 23 on entry, one message per failed condition."""

    class Meta:
        model = models.Driver
        fields = [
            "school",
            "name",
            "vehicle",
            "licence_no",
            "licence_class",
            "licence_valid_until",
            "birth_date",
            "driving_years",
            "full_points_in_3_cycles",
            "fatal_accident_record",
            "drink_driving_record",
            "serious_violation_last_year",
            "criminal_record",
            "health_ok",
            "active_from",
            "active_until",
        ]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if self.errors:
            return data
        candidate = models.Driver(**{k: v for k, v in data.items() if k != "school"})
        for message in candidate.qualification_failures(local_today()):
            self.add_error(None, message)
        return data


class VisitorForm(BootstrapMixin, forms.Form):
    """The gate's form: quick on a phone, the ID number checked and then kept masked.

    A watch-list match stops it (`stop`, the entry): the page comes back with everything typed,
    the warning and the keeper's two choices, the buttons named `decision`: admit, with the
    reason why (`admission_reason`), or refuse, with the reason for refusal.
    """

    name = forms.CharField(label=_("Full name"), max_length=50)
    id_type = forms.ChoiceField(label=_("ID type"), choices=IdType.choices, initial=IdType.RESIDENT)
    id_number = forms.CharField(
        label=_("ID number"),
        max_length=30,
        help_text=_(
            "Checked, then kept encrypted: only the school's safety administrator sees it in full."
        ),
    )
    organisation = forms.CharField(label=_("Organisation"), max_length=100, required=False)
    purpose = forms.CharField(label=_("Purpose"), max_length=200)
    host = forms.CharField(label=_("Host"), max_length=50, required=False)
    phone = forms.CharField(
        label=_("Phone"), max_length=30, required=False, validators=[validate_phone]
    )
    vehicle_plate = forms.CharField(label=_("Vehicle plate"), max_length=20, required=False)
    refused = forms.BooleanField(label=_("Refuse entry"), required=False)
    refusal_reason = forms.CharField(label=_("Reason for refusal"), max_length=200, required=False)
    admission_reason = forms.CharField(
        label=_("Reason for admitting despite the watch list"),
        max_length=200,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    # The watch-list entry already announced for this visitor (see `Visitor.screen`).
    watch_told = forms.IntegerField(required=False, widget=forms.HiddenInput)

    ADMIT, REFUSE = "admit", "refuse"

    def __init__(self, *args: Any, stop: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.stop = stop
        if stop is None and not self.data.get("watch_told"):
            del self.fields["admission_reason"]

    @property
    def decision(self) -> str:
        return str(self.data.get("decision", "")) if self.is_bound else ""

    def clean(self) -> dict[str, Any]:
        from .identity import id_error

        data = super().clean() or {}
        error = id_error(data.get("id_type", ""), data.get("id_number", ""))
        if error:
            self.add_error("id_number", error)
        if self.decision == self.REFUSE:
            data["refused"] = True
        if self.decision != self.ADMIT:
            data["admission_reason"] = ""
        elif data.get("refused"):
            data["refused"] = False
        if self.decision == self.ADMIT and not data.get("admission_reason", "").strip():
            self.add_error(
                "admission_reason",
                _("Say why this person may come in although they are on the watch list."),
            )
        if data.get("refused") and not data.get("refusal_reason", "").strip():
            self.add_error("refusal_reason", _("Give the reason for refusing entry."))
        return data

    def details(self) -> dict[str, Any]:
        """What `Visitor.register` takes."""
        return {k: v for k, v in self.cleaned_data.items() if k != "watch_told"}

    def stopped_at(self, entry: Any) -> VisitorForm:
        """The same form, stopped by `entry`: what was typed, the entry marked as announced."""
        data = dict(self.data.items())
        data["watch_told"] = str(entry.pk)
        data.pop("decision", None)
        return VisitorForm(data, stop=entry)


class WatchListForm(RegisterForm):
    id_number = forms.CharField(label=_("ID number"), max_length=30, required=False)

    class Meta:
        model = models.WatchListEntry
        fields = ["school", "name", "reason", "is_active"]

    def save(self, commit: bool = True) -> Any:
        row = super().save(commit=False)
        if self.cleaned_data.get("id_number"):
            row.set_id_number(self.cleaned_data["id_number"])
        if commit:
            row.save()
        return row


class DayForm(forms.Form):
    """`?day=` of the gate and duty-gap pages and the API: a real date, default today."""

    day = forms.DateField(label=_("Date"), required=False)

    def clean_day(self) -> Any:
        day = self.cleaned_data.get("day")
        # A day the calendar cannot step past (9999-12-31) is no day of the registers.
        if day is not None and not in_range(day):
            raise forms.ValidationError(_("Enter a date between 1900 and 2100."))
        return day

    def day_or_today(self) -> Any:
        return (self.cleaned_data.get("day") if self.is_valid() else None) or local_today()


MAX_DAYS_AHEAD = 3650


class DaysForm(forms.Form):
    """`?days=` of the expiring-papers page and API: 0 to ten years ahead, default 30."""

    days = forms.IntegerField(
        label=_("Due within (days)"), min_value=0, max_value=MAX_DAYS_AHEAD, required=False
    )

    def days_or_default(self) -> int:
        days = self.cleaned_data.get("days") if self.is_valid() else None
        return 30 if days is None else days


class PatrolRouteForm(RegisterForm):
    """A route's points are the same school's."""

    class Meta:
        model = models.PatrolRoute
        fields = ["school", "name", "points", "times", "window_minutes", "is_active"]
        widgets = {"points": forms.CheckboxSelectMultiple}

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        school = self.target_school()
        points = data.get("points") or []
        if school and any(point.school_id != school.pk for point in points):
            self.add_error("points", _("Choose one of this school's own entries."))
        return data


class PatrolForm(BootstrapMixin, forms.Form):
    """What the patrol page (the point's QR code) records: a note, a photo, a hazard found."""

    # When the patrol happened, as the phone knew it (sent later when it had no network).
    patrolled_at = forms.DateTimeField(required=False, widget=forms.HiddenInput)
    note = forms.CharField(label=_("Note"), max_length=500, required=False)
    photo = forms.FileField(label=_("Photo"), required=False)
    found_hazard = forms.BooleanField(label=_("I found a hazard here"), required=False)
    hazard_area = forms.ModelChoiceField(
        queryset=Area.objects.filter(is_active=True), label=_("Area"), required=False
    )
    hazard_description = forms.CharField(
        label=_("The hazard"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("found_hazard") and not data.get("hazard_area"):
            self.add_error("hazard_area", _("Choose the area of the hazard."))
        return data

    def hazard(self) -> dict[str, Any] | None:
        data = self.cleaned_data
        if not data.get("found_hazard"):
            return None
        return {"area": data["hazard_area"], "description": data["hazard_description"]}


# ---- emergency plans and drills ------------------------------------------------------------


class AttachmentMixin:
    """A row with its file (`attachment`): checked as every document of the product, kept
    under its original name, downloaded through `file_view` (never served directly)."""

    file_view: str
    instance: Any
    fields: dict[str, Any]
    cleaned_data: dict[str, Any]
    files: Any

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[call-arg]
        widget = self.fields["attachment"].widget
        if self.instance.pk and isinstance(widget, AttachmentInput):
            widget.download_url = reverse(self.file_view, args=[self.instance.pk])
            widget.display_name = self.instance.attachment_name

    def clean_attachment(self) -> Any:
        upload = self.cleaned_data.get("attachment")
        if upload and hasattr(upload, "size"):
            check_document(upload)
        return upload

    def save(self, commit: bool = True) -> Any:
        upload = self.files.get("attachment")
        if upload:
            self.instance.attachment_name = str(upload.name)[:200]
        return super().save(commit=commit)  # type: ignore[misc]


class EmergencyPlanForm(AttachmentMixin, RegisterForm):
    """A plan with its file."""

    file_view = "registers:plan-file"

    class Meta:
        model = models.EmergencyPlan
        fields = [
            "school",
            "scenario",
            "title",
            "edition",
            "responsible",
            "approved_by",
            "approved_on",
            "attachment",
            "in_force",
        ]
        widgets = {"attachment": AttachmentInput}


class EvacuationTimeField(forms.CharField):
    """Seconds (95) or minutes and seconds (1:35, 1分35秒) → seconds."""

    def prepare_value(self, value: Any) -> Any:
        return models.drills.format_seconds(value) if isinstance(value, int) else value

    def to_python(self, value: Any) -> int | None:  # type: ignore[override]
        return models.drills.parse_seconds(str(super().to_python(value) or ""))


class DrillForm(RegisterForm):
    """A drill; a photo may be added with each save (checked as every photo of the product)."""

    evacuation_seconds = EvacuationTimeField(
        label=_("Evacuation time"),
        required=False,
        help_text=_("In seconds (95) or minutes and seconds (1:35)."),
    )
    photo = forms.FileField(label=_("Add a photo"), required=False)

    class Meta:
        model = models.Drill
        fields = [
            "school",
            "scenario",
            "held_on",
            "plan",
            "pupils",
            "staff",
            "evacuation_seconds",
            "problems",
            "evaluation",
        ]
        widgets = {
            "problems": forms.Textarea(attrs={"rows": 3}),
            "evaluation": forms.Textarea(attrs={"rows": 3}),
        }

    def clean_photo(self) -> Any:
        upload = self.cleaned_data.get("photo")
        if upload:
            from xiaoan.hazards.photos import process_upload

            self._photo = ContentFile(process_upload(upload).jpeg, name="photo.jpg")
        return upload

    def save(self, commit: bool = True) -> Any:
        with transaction.atomic():
            drill = super().save(commit=commit)
            photo = getattr(self, "_photo", None)
            if commit and photo is not None:
                models.DrillPhoto.objects.create(drill=drill, photo=photo, taken_by=self.user)
        return drill


class DrillRuleForm(VersionedFormMixin, BootstrapMixin, forms.ModelForm):
    """The bureau's rule for one scenario; the bureau is the user's own."""

    class Meta:
        model = models.DrillRule
        fields = ["scenario", "period", "count"]

    def __init__(self, *args: Any, bureau_id: int, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not self.instance.pk:
            self.instance.bureau_id = bureau_id
        else:
            self.fields["scenario"].disabled = True

    def _get_validation_exclusions(self) -> set[str]:
        exclude = super()._get_validation_exclusions()  # type: ignore[misc]
        exclude.discard("bureau")
        return exclude


# ---- daily food-safety control (食品安全日管控) ----------------------------------------------


class StaffChecksWidget(forms.Widget):
    """The morning check's workers as rows: a name, the symptoms ticked, sent off duty; three
    empty rows below for workers not on the last list. A body that sends `staff` itself (the
    API: a list or its JSON text) is read as it is."""

    template_name = "registers/widgets/staff_checks.html"
    BLANK_ROWS = 3

    def value_from_datadict(self, data: Any, files: Any, name: str) -> Any:
        if name in data:
            return data[name]
        try:
            count = min(max(int(data.get(f"{name}-rows", 0)), 0), models.food.MAX_STAFF + 10)
        except (TypeError, ValueError):
            count = 0
        rows = []
        for i in range(count):
            prefix = f"{name}-{i}-"
            symptoms = (
                data.getlist(f"{prefix}symptoms")
                if hasattr(data, "getlist")
                else data.get(f"{prefix}symptoms", [])
            )
            row = {
                "name": str(data.get(f"{prefix}name", "")).strip(),
                "symptoms": list(symptoms),
                "off_duty": bool(data.get(f"{prefix}off_duty")),
            }
            if row["name"] or row["symptoms"] or row["off_duty"]:
                rows.append(row)
        return rows

    def get_context(self, name: str, value: Any, attrs: Any) -> dict[str, Any]:
        context = super().get_context(name, value, attrs)
        try:
            rows = models.food.clean_staff(value or [])
        except forms.ValidationError:
            rows = []
        blank = {"name": "", "symptoms": [], "off_duty": False}
        rows = rows + [dict(blank) for _ in range(self.BLANK_ROWS)]
        context["widget"]["rows"] = [
            {"index": i, **row, "prefix": f"{name}-{i}-"} for i, row in enumerate(rows)
        ]
        context["widget"]["count"] = len(rows)
        context["widget"]["symptoms"] = models.food.Symptom.choices
        return context

    def id_for_label(self, id_: str) -> str:
        return f"{id_}-0-name" if id_ else ""


class StaffChecksField(forms.Field):
    """The workers checked, as `MorningCheck.staff` stores them (the model checks the rule)."""

    widget = StaffChecksWidget
    # The API may send a list here (`api.registers._form_data` lets it through).
    takes_json = True

    def to_python(self, value: Any) -> list[dict[str, Any]]:
        return models.food.clean_staff(value if value not in (None, "") else [])

    def validate(self, value: Any) -> None:
        if self.required and not value:
            raise forms.ValidationError(self.error_messages["required"], code="required")


class MorningCheckForm(RegisterForm):
    """A day's morning check: a new one opens with today, the user as the checker and the
    workers of the last check, all well, so the checker ticks only what is wrong."""

    staff = StaffChecksField(label=_("Workers checked"))

    class Meta:
        model = models.MorningCheck
        fields = ["school", "checked_on", "checker", "staff", "notes"]
        widgets = {"notes": forms.Textarea(attrs={"rows": 2})}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.is_bound or self.instance.pk:
            return
        self.initial.setdefault("checked_on", local_today())
        if self.user is not None:
            self.initial.setdefault("checker", self.user.get_full_name() or self.user.username)
        if self.own_school is not None:
            self.initial.setdefault("staff", models.food.last_staff(self.own_school))


class FoodSampleForm(RegisterForm):
    """A sample of a dish: a new one opens with today and the meal about to end; the moment
    kept is the phone's when left empty (sent later, it keeps its time)."""

    class Meta:
        model = models.FoodSample
        fields = [
            "school",
            "served_on",
            "meal",
            "dish",
            "weight_g",
            "kept_at",
            "kept_until",
            "kept_by",
        ]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["kept_at"].widget.attrs["data-now-if-empty"] = ""
        self.fields["weight_g"].widget.attrs.update({"min": "0", "inputmode": "numeric"})
        if self.is_bound or self.instance.pk:
            return
        self.initial.setdefault("served_on", local_today())
        self.initial.setdefault("meal", models.food.meal_now(timezone.localtime().time()))
        if self.user is not None:
            self.initial.setdefault("kept_by", self.user.get_full_name() or self.user.username)


class AccompanyingMealForm(RegisterForm):
    class Meta:
        model = models.AccompanyingMeal
        fields = ["school", "served_on", "meal", "leader", "post", "notes", "problems"]
        widgets = {
            "notes": forms.Textarea(attrs={"rows": 3}),
            "problems": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.is_bound or self.instance.pk:
            return
        self.initial.setdefault("served_on", local_today())
        self.initial.setdefault("meal", models.food.meal_now(timezone.localtime().time()))


class SupplierCertificateForm(AttachmentMixin, RegisterForm):
    """A supplier's paper with its scan."""

    file_view = "registers:certificate-file"

    class Meta:
        model = models.SupplierCertificate
        fields = [
            "school",
            "supplier",
            "goods",
            "kind",
            "number",
            "received_on",
            "valid_until",
            "attachment",
        ]
        widgets = {"attachment": AttachmentInput}


class SchoolPaperForm(AttachmentMixin, RegisterForm):
    """A licence or certificate of the school with its scan; the kinds are the bureau's."""

    file_view = "registers:paper-file"

    class Meta:
        model = models.SchoolPaper
        fields = [
            "school",
            "kind",
            "number",
            "issuer",
            "issued_on",
            "valid_until",
            "holder",
            "attachment",
        ]
        widgets = {"attachment": AttachmentInput}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        membership = membership_of(self.user)
        if membership is not None and membership.bureau_id is not None:
            models.PaperKind.seed(membership.bureau)
        kinds = self.fields["kind"].queryset  # type: ignore[attr-defined]
        if self.instance.pk:
            self.fields["kind"].queryset = kinds.filter(  # type: ignore[attr-defined]
                Q(is_active=True) | Q(pk=self.instance.kind_id)
            )
        else:
            self.fields["kind"].queryset = kinds.filter(is_active=True)  # type: ignore[attr-defined]


class PaperKindForm(VersionedFormMixin, BootstrapMixin, forms.ModelForm):
    """A kind of paper the bureau's schools keep."""

    class Meta:
        model = models.PaperKind
        fields = ["name", "is_active"]

    def __init__(self, *args: Any, bureau_id: int, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not self.instance.pk:
            self.instance.bureau_id = bureau_id

    def _get_validation_exclusions(self) -> set[str]:
        exclude = super()._get_validation_exclusions()  # type: ignore[misc]
        exclude.discard("bureau")
        return exclude


class MealTimeForm(VersionedFormMixin, BootstrapMixin, forms.ModelForm):
    """The bureau's end of one meal and the schools that serve it."""

    class Meta:
        model = models.MealTime
        fields = ["ends_at", "scope"]
        widgets = {"ends_at": forms.TimeInput(attrs={"type": "time"}, format="%H:%M")}
