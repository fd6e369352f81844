from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from xiaoan.accounts.access import membership_of
from xiaoan.campaigns.models import Campaign, check_document
from xiaoan.core.errors import Invalid
from xiaoan.core.forms import BootstrapMixin, VersionedFormMixin
from xiaoan.core.widgets import offer_schools
from xiaoan.schools.choices import SchoolKind
from xiaoan.schools.models import School

from .choices import IssuedKind, OfficialKind, OfficialStatus
from .models import MonthlyReport, OfficialReport, check_issue_input, default_sign_by

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class MonthForm(BootstrapMixin, forms.Form):
    year = forms.IntegerField(label=_("Year"), min_value=2000, max_value=2100)
    month = forms.IntegerField(label=_("Month"), min_value=1, max_value=12)


class GenerateForm(BootstrapMixin, forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=OfficialKind.choices)
    year = forms.IntegerField(label=_("Year"), min_value=2000, max_value=2100, required=False)
    quarter = forms.IntegerField(label=_("Quarter"), min_value=1, max_value=4, required=False)
    campaign = forms.ModelChoiceField(Campaign.objects.none(), label=_("Campaign"), required=False)

    def __init__(self, *args: Any, bureau_id: int | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        campaigns = Campaign.objects.filter(bureau=bureau_id)
        self.fields["campaign"].queryset = campaigns  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("kind") == OfficialKind.QUARTERLY and not (
            data.get("year") and data.get("quarter")
        ):
            raise forms.ValidationError(_("A quarterly report needs the year and the quarter."))
        if data.get("kind") == OfficialKind.CAMPAIGN_SUMMARY and not data.get("campaign"):
            raise forms.ValidationError(_("A campaign summary needs the campaign."))
        return data


class NarrativeForm(VersionedFormMixin, BootstrapMixin, forms.Form):
    """The school's narrative of a monthly report, with the version the page was read at."""

    narrative = forms.CharField(
        label=_("The school's narrative"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 5}),
    )

    def __init__(self, *args: Any, report: MonthlyReport, **kwargs: Any) -> None:
        self.instance = report
        kwargs.setdefault("initial", {"narrative": report.narrative})
        super().__init__(*args, **kwargs)


class DocumentTextForm(VersionedFormMixin, BootstrapMixin, forms.Form):
    """An official document's title and text, with the version the page was read at."""

    title = forms.CharField(label=_("Title"), max_length=200)
    narrative = forms.CharField(
        label=_("Text"),
        required=False,
        widget=forms.HiddenInput,
    )

    def __init__(self, *args: Any, report: OfficialReport, **kwargs: Any) -> None:
        self.instance = report
        kwargs.setdefault("initial", {"title": report.title, "narrative": report.narrative})
        super().__init__(*args, **kwargs)


class IssueDocumentForm(BootstrapMixin, forms.Form):
    """A document to issue and the schools it goes to: all of them, those of some kinds or
    whose address names a town, and any picked one by one (together: the union)."""

    kind = forms.ChoiceField(label=_("Kind"), choices=IssuedKind.choices)
    title = forms.CharField(label=_("Title"), max_length=200)
    number = forms.CharField(
        label=_("Document number"),
        max_length=60,
        required=False,
        help_text=_("As it stands on the document, e.g. 清教安〔2014〕12号."),
    )
    body = forms.CharField(
        label=_("Text"), required=False, widget=forms.Textarea(attrs={"rows": 8})
    )
    attachment = forms.FileField(
        label=_("Attachment"),
        required=False,
        help_text=_("The document itself (Word or PDF), if it is not written above."),
    )
    sign_by = forms.DateField(label=_("Sign by"), widget=DATE)
    to_all = forms.BooleanField(label=_("All schools of the district"), required=False)
    kinds = forms.MultipleChoiceField(
        label=_("Schools of these kinds"),
        choices=SchoolKind.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    town = forms.CharField(
        label=_("Schools whose address names"),
        max_length=50,
        required=False,
        help_text=_("A town or street, e.g. 城关镇."),
    )
    schools = forms.ModelMultipleChoiceField(
        School.objects.none(),
        label=_("Schools picked one by one"),
        required=False,
    )

    campaign = forms.ModelChoiceField(
        Campaign.objects.none(), required=False, widget=forms.HiddenInput
    )
    official_report = forms.ModelChoiceField(
        OfficialReport.objects.none(), required=False, widget=forms.HiddenInput
    )

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        kwargs.setdefault("initial", {}).setdefault("sign_by", default_sign_by())
        super().__init__(*args, **kwargs)
        campaigns = Campaign.objects.for_user(user)
        self.fields["campaign"].queryset = campaigns  # type: ignore[attr-defined]
        reports = OfficialReport.objects.for_user(user).filter(status=OfficialStatus.ISSUED)
        self.fields["official_report"].queryset = reports  # type: ignore[attr-defined]
        membership = membership_of(user)
        self.bureau_id = membership.bureau_id if membership is not None else None
        self.district_schools = School.objects.for_user(user).current().order_by("code")
        offer_schools(self.fields["schools"], self.district_schools)
        self.fields["attachment"].widget.attrs["accept"] = ".pdf,.docx,.doc,.wps,.ofd"
        self.fields["kinds"].widget.attrs["class"] = "form-check-input"
        self.chosen: list[School] = []

    def clean_attachment(self) -> Any:
        upload = self.cleaned_data.get("attachment")
        if upload:
            check_document(upload)
        return upload

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        self.chosen = self.schools_chosen(data)
        if self.errors or not self.bureau_id:
            return data
        has_file = bool(data.get("attachment")) or self.attached_document(data) is not None
        try:
            check_issue_input(
                data["title"], data["body"], has_file, self.chosen, data["sign_by"], self.bureau_id
            )
        except Invalid as error:
            self.add_error(error.field if error.field in self.fields else None, error.message)
        return data

    @staticmethod
    def attached_document(data: dict[str, Any]) -> Any:
        """The file a document issued from a report or a campaign carries when none is
        uploaded: the report as Word, the campaign's notice."""
        report, campaign = data.get("official_report"), data.get("campaign")
        if report is not None:
            return report
        if campaign is not None and campaign.notice_file:
            return campaign
        return None

    def schools_chosen(self, data: dict[str, Any]) -> list[School]:
        if data.get("to_all"):
            return list(self.district_schools)
        wanted = Q(pk__in=[s.pk for s in data.get("schools") or []])
        if data.get("kinds"):
            wanted |= Q(kind__in=data["kinds"])
        if (data.get("town") or "").strip():
            wanted |= Q(address__contains=data["town"].strip())
        return list(self.district_schools.filter(wanted))
