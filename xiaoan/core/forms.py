"""Form helpers shared by every app."""

from __future__ import annotations

from typing import Any

from django import forms


class BootstrapMixin:
    """Give every widget Bootstrap's classes, so templates render fields with one include;
    labels without Django's ASCII colon, and a file already kept said with full-width colons."""

    fields: dict[str, forms.Field]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)  # type: ignore[call-arg]
        for field in self.fields.values():
            widget = field.widget
            if isinstance(widget, forms.ClearableFileInput):
                widget.template_name = "core/widgets/clearable_file_input.html"
            if isinstance(widget, forms.CheckboxInput):
                css = "form-check-input"
            elif isinstance(widget, forms.Select | forms.SelectMultiple):
                css = "form-select"
            else:
                css = "form-control"
            widget.attrs["class"] = f"{widget.attrs.get('class', '')} {css}".strip()


class VersionedFormMixin:
    """For a ModelForm of a `core.models.Versioned` record: the version read travels with the
    form as a hidden field, so saving after someone else did is refused (`Stale`) instead of
    overwriting their change; `save()` then puts the message on the form, and what was typed
    stays on the page.

    Use: `class Form(VersionedFormMixin, BootstrapMixin, forms.ModelForm)`, and in the view
    `if form.is_valid() and form.save_or_error(): …` (or let `form_valid` call
    `save_or_error()` and re-render on False).
    """

    instance: Any
    data: Any

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[call-arg]
        if self.instance is not None and self.instance.pk:
            self.fields["version"] = forms.IntegerField(  # type: ignore[attr-defined]
                widget=forms.HiddenInput, initial=self.instance.version, required=False
            )

    def clean(self) -> Any:
        cleaned = super().clean()  # type: ignore[misc]
        version = cleaned.get("version")
        if version is not None:
            self.instance.version = version
        return cleaned

    def save_or_error(self, commit: bool = True) -> Any:
        """Save; on a stale edit add the message as a form error and return None."""
        from .errors import Stale

        try:
            return self.save(commit=commit)  # type: ignore[attr-defined]
        except Stale as error:
            self.add_error(None, error.message)  # type: ignore[attr-defined]
            return None


def add_domain_error(form: Any, error: Any) -> None:
    """Show a model's `core.errors.DomainError` on the form: at the field it names when the form
    has that field, else above the fields; what was typed stays."""
    field = error.field if error.field in form.fields else None
    form.add_error(field, error.message)
