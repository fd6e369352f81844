"""The school choice as a search box: a district may hold ten thousand schools, so no form
ever renders them all as options. The chosen school travels as its id (a hidden input), as a
select would send it; the box beside it finds schools by name or code as one types, from the
schools API (scoped to the user as every list is). Several schools (`SchoolsSearch`) are
chips, each with its hidden id, above the same box: picking a suggestion adds a chip."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import QuerySet
from django.urls import reverse
from django.utils.translation import gettext_lazy as _


class _SearchBox:
    """What both search widgets share: the schools API as the source, the box's placeholder."""

    choices: Any

    def __init__(
        self,
        attrs: dict[str, Any] | None = None,
        *,
        with_departed: bool = False,
        placeholder: Any = None,
    ) -> None:
        super().__init__(attrs)  # type: ignore[call-arg]  # the Select it is mixed into
        self.with_departed = with_departed
        self.placeholder = placeholder or _("School name or code")

    def optgroups(self, name: str, value: Any, attrs: dict[str, Any] | None = None) -> list[Any]:
        """No options: a select would read every school it offers to build them."""
        return []

    def _offered(self) -> QuerySet[Any] | None:
        return getattr(self.choices, "queryset", None)

    def _box_context(self) -> dict[str, Any]:
        source = reverse("api:school-list")
        if self.with_departed:
            source += "?registry=all"
        return {"source": source, "placeholder": self.placeholder}


class SchoolSearch(_SearchBox, forms.Select):
    template_name = "core/widgets/school_search.html"

    def get_context(self, name: str, value: Any, attrs: dict[str, Any] | None) -> dict[str, Any]:
        context = super().get_context(name, value, attrs)
        # Only the chosen school is looked up, among those the field offers (its queryset).
        value = value[0] if isinstance(value, list | tuple) and value else value
        picked = None
        queryset = self._offered()
        if queryset is not None and str(value or "").isdigit():
            picked = queryset.filter(pk=value).only("code", "name").first()
        context["widget"].update(picked=picked, value=picked.pk if picked else "")
        context["widget"].update(self._box_context())
        return context


class SchoolsSearch(_SearchBox, forms.SelectMultiple):
    """Several schools: the chosen ones as removable chips (each its hidden id, sent as a
    multiple select sends them), the search box adding one more at each pick."""

    template_name = "core/widgets/schools_search.html"

    def get_context(self, name: str, value: Any, attrs: dict[str, Any] | None) -> dict[str, Any]:
        context = super().get_context(name, value, attrs)
        # Only the chosen schools are looked up, among those the field offers (its queryset).
        values = value if isinstance(value, list | tuple) else [value]
        pks = [str(v) for v in values if str(v or "").isdigit()]
        queryset = self._offered()
        picked = []
        if queryset is not None and pks:
            picked = list(queryset.filter(pk__in=pks).only("code", "name").order_by("code"))
        context["widget"]["picked"] = picked
        context["widget"].update(self._box_context())
        return context


def offer_schools(field: forms.Field, queryset: QuerySet[Any]) -> None:
    """Let a form's school field choose among `queryset` in the search box (several schools,
    as chips, for a multiple choice field)."""
    multiple = isinstance(field, forms.ModelMultipleChoiceField)
    widget = (SchoolsSearch if multiple else SchoolSearch)(attrs=field.widget.attrs)
    widget.is_required = field.required
    field.widget = widget
    field.queryset = queryset  # type: ignore[attr-defined]  # sets the widget's choices too
