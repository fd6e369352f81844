"""`core.models.Labelled`: a choice's label from a table made once per field gives what
Django's own `get_FOO_display()` gives — for every choice of every field of every model, and a
value with no choice — in Chinese and in English."""

from __future__ import annotations

from django.apps import apps
from django.db import models
from django.utils import translation

from xiaoan.core.models import Labelled


def test_every_label_is_djangos_own():
    checked = 0
    for model in apps.get_models():
        if not issubclass(model, Labelled):
            continue
        for field in model._meta.concrete_fields:
            if not field.choices:
                continue
            values = [value for value, _label in field.flatchoices]
            unknown = 987654 if isinstance(values[0], int) else "no-such-choice"
            for value in [*values, unknown]:
                record = model()
                setattr(record, field.attname, value)
                for language in ("zh-hans", "en"):
                    with translation.override(language):
                        ours = getattr(record, f"get_{field.name}_display")()
                        assert ours == models.Model._get_FIELD_display(record, field)
                checked += 1
    assert checked > 100
