from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from xiaoan.campaigns.models import Campaign
from xiaoan.core.forms import BootstrapMixin, VersionedFormMixin

from .choices import OfficialKind
from .models import MonthlyReport, OfficialReport


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
