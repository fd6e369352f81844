"""One validator for every text field of every form and API serializer.

Control characters (other than tab, line feed and carriage return) cannot be seen, cannot be
printed, and break the Excel exports of everybody who later exports the row; a paste from
another program sometimes carries them. A lone surrogate (half of a character, as a broken
client sends `"\ud800"` in JSON) cannot even be stored by PostgreSQL. They are refused at input with a message, in one place:
`install()` adds this validator to Django's `forms.CharField` and DRF's `CharField` (and so to
every field built on them), as Django already does for the NUL character.
"""

from __future__ import annotations

import re
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.deconstruct import deconstructible
from django.utils.translation import gettext_lazy as _

CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ud800-\udfff]")


@deconstructible
class NoControlCharacters:
    message = _(
        "The text contains invisible control characters; type it again or paste it as plain text."
    )
    code = "control_characters"

    def __call__(self, value: Any) -> None:
        if isinstance(value, str) and CONTROL_CHARACTERS.search(value):
            raise ValidationError(self.message, code=self.code)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, NoControlCharacters)


def install() -> None:
    from django import forms
    from rest_framework import serializers

    for field_class in (forms.CharField, serializers.CharField):
        validators: list[Any] = list(getattr(field_class, "default_validators", []))
        if not any(isinstance(v, NoControlCharacters) for v in validators):
            setattr(field_class, "default_validators", [*validators, NoControlCharacters()])  # noqa: B010
