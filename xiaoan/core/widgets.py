"""The school choice as a search box: a district may hold ten thousand schools, so no form
ever renders them all as options. The chosen school travels as its id (a hidden input), as a
select would send it; the box beside it finds schools by name or code as one types, from the
schools API (scoped to the user as every list is)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import QuerySet
from django.urls import reverse
from django.utils.translation import gettext_lazy as _


class SchoolSearch(forms.Select):
    template_name = "core/widgets/school_search.html"

    def __init__(
        self,
        attrs: dict[str, Any] | None = None,
        *,
        with_departed: bool = False,
        placeholder: Any = None,
    ) -> None:
        super().__init__(attrs)
        self.with_departed = with_departed
        self.placeholder = placeholder or _("School name or code")

    def get_context(self, name: str, value: Any, attrs: dict[str, Any] | None) -> dict[str, Any]:
        context = super().get_context(name, value, attrs)
        # Only the chosen school is looked up, among those the field offers (its queryset).
        context["widget"].pop("optgroups", None)
        value = value[0] if isinstance(value, list | tuple) and value else value
        picked = None
        queryset = getattr(self.choices, "queryset", None)
        if queryset is not None and str(value or "").isdigit():
            picked = queryset.filter(pk=value).only("code", "name").first()
        source = reverse("api:school-list")
        if self.with_departed:
            source += "?registry=all"
        context["widget"].update(
            picked=picked,
            value=picked.pk if picked else "",
            source=source,
            placeholder=self.placeholder,
        )
        return context


def offer_schools(field: forms.Field, queryset: QuerySet[Any]) -> None:
    """Let a form's school field choose among `queryset` in the search box."""
    widget = SchoolSearch(attrs=field.widget.attrs)
    widget.is_required = field.required
    field.widget = widget
    field.queryset = queryset  # type: ignore[attr-defined]  # sets the widget's choices too
