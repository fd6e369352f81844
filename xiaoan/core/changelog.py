"""One history: every create, update and step of a record users write, with who, when, from
which address, and the field values before and after, written in the write's transaction.

`Versioned.save()` and `guarded_update()` call `record_change`; the acting user and address
come from the request being served (`core.middleware.RequestContextMiddleware`), or are given.
"""

from __future__ import annotations

import contextvars
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models, transaction
from django.db.models import F
from django.db.models.fields.files import FieldFile
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext

from .errors import Stale
from .models import ChangeAction, ChangeLog, stale_message

SKIPPED = {"id", "created_at", "updated_at", "version"}

_request: contextvars.ContextVar[Any] = contextvars.ContextVar("xiaoan_request", default=None)
_action: contextvars.ContextVar[str | None] = contextvars.ContextVar("xiaoan_action", default=None)
_actor: contextvars.ContextVar[Any] = contextvars.ContextVar("xiaoan_actor", default=None)


@contextmanager
def serving(request: Any) -> Iterator[None]:
    """Attribute the writes made while serving `request` to its user and address."""
    token = _request.set(request)
    try:
        yield
    finally:
        _request.reset(token)


@contextmanager
def recorded_as(action: str, user: Any = None) -> Iterator[None]:
    """Log the saves made inside as `action` (e.g. an Excel import) instead of create/update,
    by `user` when given (a command line has no request)."""
    tokens = (_action.set(action), _actor.set(user))
    try:
        yield
    finally:
        _action.reset(tokens[0])
        _actor.reset(tokens[1])


def current_actor() -> Any:
    if _actor.get() is not None:
        return _actor.get()
    request = _request.get()
    user = getattr(request, "user", None)
    return user if getattr(user, "is_authenticated", False) else None


def current_address() -> str | None:
    from .addresses import client_address

    request = _request.get()
    return client_address(request) if request is not None else None


def _plain(value: Any, encoder: DjangoJSONEncoder) -> Any:
    if isinstance(value, str | int | float | bool | None):
        return value
    if isinstance(value, list | tuple):
        return [_plain(v, encoder) for v in value]
    if isinstance(value, dict):
        return {str(k): _plain(v, encoder) for k, v in value.items()}
    if isinstance(value, bytes | memoryview):
        return None
    if isinstance(value, FieldFile):
        return value.name or None
    return encoder.default(value)


def snapshot(instance: models.Model, values: dict[str, Any] | None = None) -> dict[str, Any]:
    """The concrete field values of `instance` (or the raw `values` by attname), JSON-safe,
    foreign keys as ids."""
    encoder = DjangoJSONEncoder()
    result: dict[str, Any] = {}
    # A model names the fields its history must not copy (`changelog_exclude`: an encrypted ID
    # number, its digest): the change log is read by more people than those fields are.
    skipped = SKIPPED | set(getattr(instance, "changelog_exclude", ()))
    for field in instance._meta.concrete_fields:
        if field.name in skipped:
            continue
        if values is not None:
            if field.attname not in values:
                continue
            value = values[field.attname]
        else:
            value = getattr(instance, field.attname)
        result[field.name] = _plain(value, encoder)
    return result


def loaded_snapshot(instance: models.Model) -> dict[str, Any] | None:
    """The record as it was read from the database (None if it was not read from it)."""
    values = getattr(instance, "_db_values", None)
    return snapshot(instance, values) if values is not None else None


def _bureau_of(instance: models.Model) -> int | None:
    """The district a record belongs to, so a bureau lists its own district's changes: its own
    bureau, its school's, or (one step up) that of the record it belongs to (an answer's
    inspection, a photo's hazard)."""
    for candidate in (instance, *_parents(instance)):
        bureau_id = getattr(candidate, "bureau_id", None)
        if bureau_id is None and getattr(candidate, "school_id", None) is not None:
            bureau_id = getattr(candidate.school, "bureau_id", None)  # type: ignore[attr-defined]
        if bureau_id is not None:
            return int(bureau_id)
    return None


def _parents(instance: models.Model) -> list[models.Model]:
    parents = []
    for field in instance._meta.concrete_fields:
        if not field.many_to_one or getattr(instance, field.attname, None) is None:
            continue
        related = field.related_model
        names = {f.name for f in related._meta.concrete_fields}  # type: ignore[union-attr]
        if names & {"bureau", "school"} and field.name not in {"bureau", "school"}:
            parents.append(getattr(instance, field.name))
    return parents


def record_change(
    instance: models.Model,
    user: Any,
    action: str,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
) -> ChangeLog | None:
    """Write one change-log row; nothing when an update changed nothing."""
    entry = change_entry(instance, user, action, before, after)
    if entry is not None:
        entry.save()
    return entry


def change_entry(
    instance: models.Model,
    user: Any,
    action: str,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
) -> ChangeLog | None:
    """The change-log row of a change, unsaved (bulk writers save many at once)."""
    after = snapshot(instance) if after is None else after
    if before is not None and action != ChangeAction.STATE:
        if before == after:
            return None
        # Keep only what changed (and what it was): the history reads as a list of changes.
        changed = [k for k in after if before.get(k) != after.get(k)]
        before = {k: before.get(k) for k in changed}
        after = {k: after[k] for k in changed}
    actor = user if getattr(user, "is_authenticated", False) else current_actor()
    if action in (ChangeAction.CREATE, ChangeAction.UPDATE):
        action = _action.get() or action
    return ChangeLog(
        content_type=ContentType.objects.get_for_model(instance),
        object_id=str(instance.pk),
        object_repr=str(instance)[:200],
        action=action,
        user=actor,
        address=current_address(),
        bureau_id=_bureau_of(instance),
        before=before,
        after=after,
    )


def guarded_update(
    instance: Any,
    changes: dict[str, Any],
    *,
    user: Any = None,
    expect: dict[str, Any] | None = None,
    action: str = ChangeAction.STATE,
) -> None:
    """The one write path of a step: UPDATE the row only where its version (and `expect`, e.g.
    its status) are still those this object holds, raise the version, log the change — in one
    statement and one transaction. Nobody's step or edit is silently overwritten: a stale
    object raises `Stale` and nothing is written."""
    model = type(instance)
    before = snapshot(instance)
    with transaction.atomic():
        updated = model._base_manager.filter(
            pk=instance.pk, version=instance.version, **(expect or {})
        ).update(**changes, version=F("version") + 1, updated_at=timezone.now())
        if not updated:
            raise Stale(stale_message())
        for name, value in changes.items():
            setattr(instance, name, value)
        instance.version += 1
        after = snapshot(instance)
        diff_before = {k: before.get(k) for k in after if before.get(k) != after.get(k)}
        diff_after = {k: after[k] for k in diff_before}
        record_change(instance, user, action, diff_before, diff_after)


def history(instance: models.Model) -> models.QuerySet[ChangeLog]:
    return ChangeLog.objects.filter(
        content_type=ContentType.objects.get_for_model(instance), object_id=str(instance.pk)
    ).select_related("user")


def readable(field: Any, value: Any) -> Any:
    """A stored value as the user reads it: a choice's label, a related record's name."""
    if value is None or value == "":
        return None
    if getattr(field, "choices", None):
        return dict(field.flatchoices).get(value, value)
    if getattr(field, "is_relation", False) and field.related_model is not None:
        related = field.related_model._base_manager.filter(pk=value).first()
        return str(related) if related is not None else value
    if isinstance(value, bool):
        return gettext("yes") if value else gettext("no")
    if isinstance(field, models.DateTimeField) and isinstance(value, str):
        moment = parse_datetime(value)
        return timezone.localtime(moment).strftime("%Y-%m-%d %H:%M") if moment else value
    if isinstance(value, dict | list):
        return gettext("(recorded)")  # compiled figures and the like: too long to list here
    if isinstance(value, str) and len(value) > LONG_TEXT:
        return value[:LONG_TEXT] + "…"
    return value


LONG_TEXT = 120


def described_history(instance: models.Model, limit: int = 50) -> list[dict[str, Any]]:
    """The latest entries, each change named and valued as the user reads it."""
    fields = {f.name: f for f in instance._meta.concrete_fields}
    described = []
    for entry in history(instance)[:limit]:
        changes = []
        created = entry.before is None
        for name, old, new in entry.changed_fields:
            if created and new in (None, "", False, [], {}):
                continue  # a new record's empty fields say nothing
            field = fields.get(name)
            label = str(field.verbose_name) if field is not None else name
            if field is not None:
                old, new = readable(field, old), readable(field, new)
            changes.append((label, old, new))
        described.append({"entry": entry, "changes": changes})
    return described
