"""Rows of a list kept rendered in the shared cache, by the versions of what they show.

A list page (the ledger) spends most of its time rendering the same rows again: a user paging,
filtering with htmx, opening the page again. `rows()` renders each row's template once for a
key naming everything the row shows — the record's id and version, those of the related records
it prints, the user's kind where the row differs by it, today where it depends on the date —
plus the language and a digest of the row's templates (a new release renders afresh). A step
raises the record's version, so the next page shows its new row; nothing is invalidated by hand.
All the rows of a page are read in one `get_many` (one round trip to Redis) and the missing ones
written in one `set_many`; `FRAGMENT_SECONDS` bounds how long an unused row is kept.
`records()` keeps an API list's rows (plain data) the same way, under a digest of the code that
makes them instead of the templates'.
"""

from __future__ import annotations

import hashlib
import inspect
from collections.abc import Callable, Iterable, Sequence
from functools import cache
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.cache import cache as shared
from django.template import Template
from django.template.loader import get_template
from django.template.loader_tags import IncludeNode
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language


@cache
def _digest(template_name: str) -> str:
    """The row template's text and that of the templates it includes by name."""
    digest = hashlib.sha256()
    seen: set[str] = set()

    def add(name: str) -> None:
        if name in seen:
            return
        seen.add(name)
        template: Template = get_template(name).template  # type: ignore[attr-defined]
        digest.update(template.source.encode())
        for node in template.nodelist.get_nodes_by_type(IncludeNode):
            included = node.template.var  # type: ignore[attr-defined]
            if isinstance(included, str):
                add(included)

    add(template_name)
    return digest.hexdigest()[:12]


def versions(record: Any, *related: Any) -> tuple[Any, ...]:
    """The part of a row's key naming what it shows: the record's id, version and time of
    change, and the id and version of each related record it prints (a rename raises those;
    an absent one is "-")."""
    shown = (part for other in related for part in _version_of(other))
    return (record.pk, record.version, record.updated_at.timestamp(), *shown)


def _version_of(record: Any) -> tuple[Any, ...]:
    return ("-",) if record is None else (record.pk, record.version)


def _kept(
    prefix: str,
    objects: list[Any],
    key: Callable[[Any], Sequence[Any]],
    make: Callable[[list[tuple[str, Any]]], dict[str, Any]],
) -> list[Any]:
    """Each object's value under `prefix` and its `key`, from the cache where it was made
    before; `make` makes the missing ones in one go ((cache key, object) pairs → values by
    cache key; one it leaves out has gone meanwhile and is left out), which are then kept."""
    keys = [":".join([prefix, *map(str, key(obj))]) for obj in objects]
    kept = shared.get_many(keys)
    missing = [(k, obj) for k, obj in zip(keys, objects, strict=True) if k not in kept]
    made = make(missing) if missing else {}
    if made:
        shared.set_many(made, settings.FRAGMENT_SECONDS)
    found = (kept.get(k, made.get(k)) for k in keys)
    return [value for value in found if value is not None]


@cache
def code_digest(*objects: Any) -> str:
    """The source of the modules defining `objects`: part of a kept record's key, so a new
    release makes its records afresh (as a template's digest does for rendered rows)."""
    digest = hashlib.sha256()
    for obj in objects:
        digest.update(Path(inspect.getfile(obj)).read_bytes())
    return digest.hexdigest()[:12]


def records(
    name: str,
    code: tuple[Any, ...],
    objects: Iterable[Any],
    key: Callable[[Any], Sequence[Any]],
    make: Callable[[list[Any]], dict[Any, Any]],
) -> list[Any]:
    """Each object's record (an API row: plain data), kept as `rows()` keeps rendered rows:
    under `name`, the digest of the modules that make it (`code`), the language and
    `key(object)`. `make` makes the missing ones from their objects, by pk."""

    def make_missing(missing: list[tuple[str, Any]]) -> dict[str, Any]:
        made = make([obj for _key, obj in missing])
        return {k: made[obj.pk] for k, obj in missing if obj.pk in made}

    prefix = f"record:{name}:{code_digest(*code)}:{get_language()}"
    return _kept(prefix, list(objects), key, make_missing)


def rows(
    template_name: str,
    objects: Iterable[Any],
    key: Callable[[Any], Sequence[Any]],
    context: dict[str, Any],
    name: str = "object",
    whole: Callable[[list[Any]], dict[Any, Any]] | None = None,
) -> SafeString:
    """Each object's row, `template_name` rendered with `context` and the object as `name`,
    taken from the cache where its `key(object)` was rendered before. Objects read with only
    what their keys need (deferred fields: `row_keys`) are read whole by `whole`, those not
    kept, by pk, in one go (one that has gone meanwhile has no row); objects read whole are
    rendered as they are."""
    objects = list(objects)
    if not objects:
        return mark_safe("")
    if not objects[0].get_deferred_fields():
        whole = None
    template = get_template(template_name)

    def render(missing: list[tuple[str, Any]]) -> dict[str, str]:
        read = whole([obj for _key, obj in missing]) if whole is not None else {}
        made = {}
        for cache_key, obj in missing:
            shown = read.get(obj.pk) if whole is not None else obj
            if shown is not None:
                made[cache_key] = template.render({**context, name: shown})
        return made

    prefix = f"row:{template_name}:{_digest(template_name)}:{get_language()}"
    html = _kept(prefix, objects, key, render)
    return mark_safe("".join(html))  # each row rendered by its own (escaping) template
