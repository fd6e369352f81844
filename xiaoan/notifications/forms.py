"""The preferences form (every user) and the group robot form (the bureau)."""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from xiaoan.core.forms import BootstrapMixin, VersionedFormMixin
from xiaoan.core.widgets import offer_schools

from .choices import NotificationKind, Platform, Timing, is_urgent
from .models import Preference, Webhook

CHOOSABLE = [k for k in NotificationKind if k != NotificationKind.LEGACY]


class PreferencesForm(BootstrapMixin, forms.Form):
    """One choice per kind of event; urgent kinds are shown, fixed at once."""

    def __init__(self, user: Any, *args: Any, **kwargs: Any) -> None:
        self.user = user
        chosen = dict(Preference.objects.filter(user=user).values_list("kind", "timing"))
        super().__init__(*args, **kwargs)
        for kind in CHOOSABLE:
            urgent = is_urgent(kind)
            self.fields[kind.value] = forms.ChoiceField(
                label=kind.label,
                choices=[(Timing.AT_ONCE.value, Timing.AT_ONCE.label)]
                if urgent
                else Timing.choices,
                initial=Timing.AT_ONCE if urgent else chosen.get(kind, Timing.AT_ONCE),
                disabled=urgent,
                required=False,
                help_text=_("Urgent: always sent at once.") if urgent else "",
            )

    def save(self) -> None:
        with transaction.atomic():
            for kind in CHOOSABLE:
                if is_urgent(kind):
                    continue
                timing = self.cleaned_data.get(kind.value) or Timing.AT_ONCE
                rows = Preference.objects.filter(user=self.user, kind=kind)
                if timing == Timing.AT_ONCE:
                    rows.delete()
                else:
                    Preference.objects.update_or_create(
                        user=self.user, kind=kind, defaults={"timing": timing}
                    )


class WebhookForm(VersionedFormMixin, BootstrapMixin, forms.ModelForm):
    url = forms.URLField(label=_("webhook address"), max_length=500, assume_scheme="https")

    class Meta:
        model = Webhook
        fields = [
            "name",
            "platform",
            "url",
            "secret",
            "school",
            "department",
            "quiet_from",
            "quiet_until",
            "is_active",
        ]
        widgets = {
            "quiet_from": forms.TimeInput(attrs={"type": "time"}),
            "quiet_until": forms.TimeInput(attrs={"type": "time"}),
            "secret": forms.PasswordInput(render_value=True),
        }
        help_texts = {
            "school": _("Leave school and department empty for the bureau's own group."),
        }

    def __init__(self, *args: Any, bureau_id: int, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.instance.bureau_id = bureau_id
        for name in ("school", "department"):
            field = cast(forms.ModelChoiceField, self.fields[name])
            queryset = field.queryset.filter(bureau_id=bureau_id)  # type: ignore[union-attr]
            if name == "school":
                offer_schools(field, queryset)
            else:
                field.queryset = queryset

    def clean(self) -> Any:
        cleaned = super().clean()
        if cleaned.get("school") and cleaned.get("department"):
            self.add_error("department", _("A group robot belongs to a school or a department."))
        if cleaned.get("platform") == Platform.DINGTALK and not cleaned.get("secret"):
            self.add_error("secret", _("DingTalk robots are signed: enter the robot's secret."))
        if bool(cleaned.get("quiet_from")) != bool(cleaned.get("quiet_until")):
            self.add_error("quiet_until", _("Give both ends of the quiet hours, or neither."))
        return cleaned
