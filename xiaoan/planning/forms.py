"""The planning page's forms: the day the scores are counted on, and the round of inspections
made from the schools chosen."""

from __future__ import annotations

import datetime
from typing import Any

from django import forms
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from xiaoan.core.dates import in_range, local_today
from xiaoan.core.forms import BootstrapMixin
from xiaoan.inspections.choices import InspectionKind
from xiaoan.inspections.models import InspectionSchedule
from xiaoan.schools.models import School

from .scores import SchoolScore

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
# A round takes a month unless the planner says otherwise.
ROUND_DAYS = 30


class DayForm(forms.Form):
    """`?day=`: the scores as they stood at the end of a past day (default, and at most,
    today)."""

    day = forms.DateField(label=_("As of"), required=False, widget=DATE)

    def clean_day(self) -> Any:
        day = self.cleaned_data.get("day")
        if day is not None and not in_range(day):
            raise forms.ValidationError(_("Enter a date between 1900 and 2100."))
        return day

    def day_or_today(self) -> datetime.date:
        today = local_today()
        day = self.cleaned_data.get("day") if self.is_valid() else None
        return min(day or today, today)


class ScheduleFromScoresForm(BootstrapMixin, forms.Form):
    """A round of inspections of the schools ticked on the planning page."""

    title = forms.CharField(label=_("Title"), max_length=200)
    kind = forms.ChoiceField(
        label=_("Kind"),
        choices=[(k.value, k.label) for k in InspectionKind if k != InspectionKind.SELF],
        initial=InspectionKind.SPOT,
    )
    start_date = forms.DateField(label=_("Start date"), widget=DATE)
    due_date = forms.DateField(label=_("Due by"), widget=DATE)
    schools = forms.ModelMultipleChoiceField(
        queryset=School.objects.none(),
        label=_("Schools"),
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("Tick the schools to inspect.")},
    )

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field: Any = self.fields["schools"]
        field.queryset = School.objects.for_user(user)
        if not self.is_bound:
            today = local_today()
            self.initial.setdefault(
                "title",
                gettext("Risk-based inspections %(month)s") % {"month": f"{today:%Y-%m}"},
            )
            self.initial.setdefault("start_date", today)
            self.initial.setdefault("due_date", today + datetime.timedelta(days=ROUND_DAYS))

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, due = data.get("start_date"), data.get("due_date")
        if start and due and due < start:
            self.add_error("due_date", _("The due date cannot be before the start."))
        return data

    def plan(self, user: Any, scores: dict[int, SchoolScore]) -> InspectionSchedule:
        """The round, planned through the schedule's own step; its notes keep each school's
        score and reason as they were when it was chosen."""
        schools = list(self.cleaned_data["schools"].order_by("code"))
        return InspectionSchedule.objects.plan(
            user,
            title=self.cleaned_data["title"],
            kind=self.cleaned_data["kind"],
            start_date=self.cleaned_data["start_date"],
            due_date=self.cleaned_data["due_date"],
            schools=schools,
            notes=_notes([scores[s.pk] for s in schools if s.pk in scores]),
        )


def _notes(rows: list[SchoolScore]) -> str:
    lines = [gettext("Chosen by the risk score:")]
    for row in rows:
        reasons = gettext("; ").join(
            f"{line.label} {line.value:g} × {line.weight:g}" for line in row.reasons
        )
        lines.append(f"{row.school.code} {row.school.name} {row.score:g}（{reasons}）")
    return "\n".join(lines)
