"""Record every change of a registry record with the user and the values before and after."""

from __future__ import annotations

from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models

from .models import ChangeLog

SKIPPED = {"id", "created_at", "updated_at"}


def snapshot(instance: models.Model) -> dict[str, Any]:
    """The concrete field values of `instance`, JSON-safe (foreign keys as ids)."""
    encoder = DjangoJSONEncoder()
    values: dict[str, Any] = {}
    for field in instance._meta.concrete_fields:
        if field.name in SKIPPED:
            continue
        value = getattr(instance, field.attname)
        values[field.name] = (
            value if isinstance(value, str | int | float | bool | None) else encoder.default(value)
        )
    return values


def record_change(
    instance: models.Model, user: Any, action: str, before: dict[str, Any] | None = None
) -> ChangeLog | None:
    after = snapshot(instance)
    if before is not None and before == after:
        return None
    return ChangeLog.objects.create(
        content_type=ContentType.objects.get_for_model(instance),
        object_id=str(instance.pk),
        object_repr=str(instance)[:200],
        action=action,
        user=user if getattr(user, "is_authenticated", False) else None,
        before=before,
        after=after,
    )


def history(instance: models.Model) -> models.QuerySet[ChangeLog]:
    return ChangeLog.objects.filter(
        content_type=ContentType.objects.get_for_model(instance), object_id=str(instance.pk)
    ).select_related("user")


def described_history(instance: models.Model, limit: int = 20) -> list[dict[str, Any]]:
    """The latest entries with their changed fields named as the user reads them."""
    labels = {f.name: str(f.verbose_name) for f in instance._meta.concrete_fields}
    return [
        {
            "entry": entry,
            "changes": [
                (labels.get(name, name), old, new) for name, old, new in entry.changed_fields
            ],
        }
        for entry in history(instance)[:limit]
    ]
