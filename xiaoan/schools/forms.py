from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from xiaoan.core.forms import BootstrapMixin, VersionedFormMixin

from .models import School


class SchoolForm(VersionedFormMixin, BootstrapMixin, forms.ModelForm):
    class Meta:
        model = School
        fields = [
            "code",
            "name",
            "kind",
            "address",
            "principal",
            "phone",
            "enrolment",
            "boarding",
            "private",
            "is_active",
        ]

    def __init__(self, *args: Any, bureau: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.instance.bureau = bureau

    def clean_code(self) -> str:
        code = self.cleaned_data["code"].strip().upper()
        clash = School.objects.filter(bureau=self.instance.bureau, code=code)
        if clash.exclude(pk=self.instance.pk).exists():
            raise forms.ValidationError(
                _("Another school already has the code %(code)s."), params={"code": code}
            )
        return code


class SchoolImportForm(BootstrapMixin, forms.Form):
    file = forms.FileField(
        label=_("Excel file (.xlsx)"),
        help_text=_("Use the columns of the exported list; the first sheet is read."),
    )

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        if upload.size > settings.MAX_UPLOAD_BYTES:
            raise forms.ValidationError(_("The file is too large."))
        if upload.size == 0:
            raise forms.ValidationError(_("The file is empty."))
        return upload


class OwnSchoolMixin:
    """A form with a `school` field that a school's own user may not change.

    `lock_school()` shows the user's school, disabled; a request naming another school (a
    crafted post, an old link) is refused at the field instead of being filed at the user's own
    school without a word.
    """

    _own_school_id: int | None = None

    def lock_school(self, school_id: int) -> None:
        form: Any = self
        form.initial["school"] = school_id
        form.fields["school"].disabled = True
        self._own_school_id = school_id

    def clean(self) -> dict[str, Any]:
        form: Any = self
        data = super().clean() or {}  # type: ignore[misc]
        asked = form.data.get("school") if form.is_bound else None
        if self._own_school_id is not None and asked not in (None, ""):
            if str(asked) != str(self._own_school_id):
                form.add_error("school", _("You can record only for your own school."))
        return data
