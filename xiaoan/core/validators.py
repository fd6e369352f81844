"""The validators every form and API serializer shares: no control characters in any text, one
rule for phone numbers, and one message for text that is too long.

No control characters, in every text field:

Control characters (other than tab, line feed and carriage return) cannot be seen, cannot be
printed, and break the Excel exports of everybody who later exports the row; a paste from
another program sometimes carries them. A lone surrogate (half of a character, as a broken
client sends `"\ud800"` in JSON) cannot even be stored by PostgreSQL. They are refused at input with a message, in one place:
`install()` adds this validator to Django's `forms.CharField` and DRF's `CharField` (and so to
every field built on them), as Django already does for the NUL character.

Phone numbers: `validate_phone` is on every phone field of the models (their forms and
serializers inherit it) and on the few form and serializer fields that are no model's.

Too long: `install()` makes `TOO_LONG` the message of Django's `MaxLengthValidator` and of DRF's
`CharField`, so a form field and an API field say the same, in our words (Django's own zh_Hans
text, 确保该变量包含不超过…, is never shown).
"""

from __future__ import annotations

import re
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.deconstruct import deconstructible
from django.utils.translation import gettext_lazy as _

# Too long, said once for the forms (Django's `MaxLengthValidator`, used by every form and model
# `CharField`) and the API (DRF's `CharField`, which passes its own message to the same validator).
TOO_LONG = _("At most %(limit_value)d characters here; this has %(show_value)d.")

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


# A mainland mobile number (11 digits from 13… to 19…, +86 allowed in front), or a landline with
# its area code (0 and 2 or 3 digits, then 7 or 8 digits), an extension allowed after it.
PHONE = re.compile(
    r"(?:\+?86[- ]?)?1[3-9]\d{9}"
    r"|0\d{2,3}[- ]?\d{7,8}(?:(?:-|转|#|ext\.?)\d{1,6})?",
    re.IGNORECASE,
)


@deconstructible
class PhoneNumber:
    """Every phone field of the models, and so of their forms and serializers."""

    message = _(
        "Enter a mobile number of 11 digits (such as 13812345678) or a landline with its area "
        "code (such as 0571-88888888; an extension after a dash: 0571-88888888-123)."
    )
    code = "invalid_phone"

    def __call__(self, value: Any) -> None:
        if value and not PHONE.fullmatch(str(value).strip()):
            raise ValidationError(self.message, code=self.code)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, PhoneNumber)


validate_phone = PhoneNumber()


def install() -> None:
    from django.core.validators import MaxLengthValidator
    from rest_framework import serializers

    MaxLengthValidator.message = TOO_LONG
    serializers.CharField.default_error_messages["max_length"] = TOO_LONG
    _add_to_text_fields(NoControlCharacters())


def _add_to_text_fields(validator: Any) -> None:
    from django import forms
    from rest_framework import serializers

    for field_class in (forms.CharField, serializers.CharField):
        validators: list[Any] = list(getattr(field_class, "default_validators", []))
        if validator not in validators:
            setattr(field_class, "default_validators", [*validators, validator])  # noqa: B010
