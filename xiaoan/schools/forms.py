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
