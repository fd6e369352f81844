"""Rows of a list kept rendered in the shared cache, by the versions of what they show.

A list page (the ledger) spends most of its time rendering the same rows again: a user paging,
filtering with htmx, opening the page again. `rows()` renders each row's template once for a
key naming everything the row shows — the record's id and version, those of the related records
it prints, the user's kind where the row differs by it, today where it depends on the date —
plus the language and a digest of the row's templates (a new release renders afresh). A step
raises the record's version, so the next page shows its new row; nothing is invalidated by hand.
All the rows of a page are read in one `get_many` (one round trip to Redis) and the missing ones
written in one `set_many`; `FRAGMENT_SECONDS` bounds how long an unused row is kept.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable, Sequence
from functools import cache
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
    what their keys need come with `whole`, which reads those not kept whole, by pk, in one go
    (one that has gone meanwhile has no row)."""
    objects = list(objects)
    if not objects:
        return mark_safe("")
    prefix = f"row:{template_name}:{_digest(template_name)}:{get_language()}"
    keys = [":".join([prefix, *map(str, key(obj))]) for obj in objects]
    kept = shared.get_many(keys)
    missing = [obj for cache_key, obj in zip(keys, objects, strict=True) if cache_key not in kept]
    read = whole(missing) if whole is not None and missing else {}
    template = get_template(template_name)
    made: dict[str, str] = {}
    out = []
    for cache_key, obj in zip(keys, objects, strict=True):
        html = kept.get(cache_key)
        if html is None:
            shown = read.get(obj.pk) if whole is not None else obj
            if shown is None:
                continue
            html = made[cache_key] = template.render({**context, name: shown})
        out.append(html)
    if made:
        shared.set_many(made, settings.FRAGMENT_SECONDS)
    return mark_safe("".join(out))  # each row rendered by its own (escaping) template
