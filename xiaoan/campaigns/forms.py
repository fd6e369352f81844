"""Forms of the campaign pages."""

from __future__ import annotations

from typing import Any

from django import forms
from django.urls import reverse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from xiaoan.core.forms import BootstrapMixin, VersionedFormMixin
from xiaoan.hazards.models import Area

from .models import DOCUMENT_EXTENSIONS, Campaign, WorkPlan, check_document

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class StoredAttachment:
    """A stored file as the edit form shows it: its original name, linked to the download
    that checks access (media files are never served directly)."""

    def __init__(self, name: str, url: str) -> None:
        self.name, self.url = name, url

    def __str__(self) -> str:
        return self.name


class AttachmentInput(forms.ClearableFileInput):
    download_url = ""
    display_name = ""

    def format_value(self, value: Any) -> Any:
        value = super().format_value(value)
        if value and self.download_url:
            return StoredAttachment(self.display_name or str(value), self.download_url)
        return value


class CampaignForm(VersionedFormMixin, BootstrapMixin, forms.ModelForm):
    """A campaign's particulars; saving after someone else did is refused on the form."""

    class Meta:
        model = Campaign
        fields = [
            "name",
            "start_date",
            "end_date",
            "focus_areas",
            "description",
            "notice_title",
            "notice_file",
            "plan_file",
        ]
        widgets = {
            "start_date": DATE,
            "end_date": DATE,
            "focus_areas": forms.CheckboxSelectMultiple,
            "description": forms.Textarea(attrs={"rows": 4}),
            "notice_file": AttachmentInput,
            "plan_file": AttachmentInput,
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            for name, which in (("notice_file", "notice"), ("plan_file", "plan")):
                widget = self.fields[name].widget
                assert isinstance(widget, AttachmentInput)
                widget.download_url = reverse("campaigns:file", args=[self.instance.pk, which])
                widget.display_name = getattr(self.instance, f"{name}_name")

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("start_date"), data.get("end_date")
        if start and end and end < start:
            self.add_error("end_date", _("The end date cannot be before the start."))
        for name in ("notice_file", "plan_file"):
            upload = data.get(name)
            if upload and hasattr(upload, "size"):
                try:
                    check_document(upload)
                except forms.ValidationError as exc:
                    self.add_error(name, exc)
        return data

    def save(self, commit: bool = True) -> Campaign:
        # The original names of new uploads: the stored files get random names.
        for name in ("notice_file", "plan_file"):
            upload = self.files.get(name)
            if upload:
                setattr(self.instance, f"{name}_name", str(upload.name)[:200])
        return super().save(commit=commit)  # type: ignore[no-any-return]


class WorkPlanForm(VersionedFormMixin, BootstrapMixin, forms.Form):
    """The plan's overall text, one text per area and an optional document, with the version
    of the plan the page was read at."""

    summary = forms.CharField(
        label=_("Overall plan"), required=False, widget=forms.Textarea(attrs={"rows": 4})
    )
    document = forms.FileField(label=_("Plan document"), required=False)

    def __init__(self, *args: Any, plan: WorkPlan, **kwargs: Any) -> None:
        self.instance = plan
        super().__init__(*args, **kwargs)
        self.areas = list(Area.objects.filter(is_active=True))
        texts = {s.area_id: s.text for s in plan.sections.all()}
        self.fields["summary"].initial = plan.summary
        document = self.fields["document"]
        document.widget.attrs["accept"] = ",".join(sorted(DOCUMENT_EXTENSIONS))
        if plan.document:
            # The file input cannot show what is stored: say it, or the school uploads it again.
            document.help_text = gettext(
                "Filed document: %(name)s. Choose another file only to replace it."
            ) % {"name": plan.document_name or gettext("Plan document")}
        for area in self.areas:
            self.fields[f"area_{area.code}"] = forms.CharField(
                label=area.name,
                required=False,
                initial=texts.get(area.pk, ""),
                widget=forms.Textarea(attrs={"rows": 2, "class": "form-control"}),
            )

    def clean_document(self) -> Any:
        upload = self.cleaned_data.get("document")
        if upload:
            check_document(upload)
        return upload

    def sections(self) -> dict[Area, str]:
        return {a: self.cleaned_data.get(f"area_{a.code}", "") for a in self.areas}


class CommentForm(BootstrapMixin, forms.Form):
    comment = forms.CharField(
        label=_("Comment"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
