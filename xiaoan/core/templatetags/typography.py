"""The punctuation around a value in the reader's language, written once for every template:
`{% translate "Deadline" %}{% colon %}{{ day }}` reads 整改期限：2014-12-01 in Chinese and
Deadline: 2014-12-01 in English; `{{ reason }}{% aside who day %}` reads 理由（李明，2014-12-01）
and reason (李明, 2014-12-01)."""

from __future__ import annotations

from typing import Any

from django import template
from django.utils.translation import pgettext

register = template.Library()


@register.simple_tag
def colon() -> str:
    """What follows a label: ： in Chinese, ': ' in English."""
    return pgettext("after a label", ": ")


@register.simple_tag
def aside(*parts: Any) -> str:
    """`parts` in brackets after a text: （a，b） in Chinese, ' (a, b)' in English (escaped
    by the template, as every simple tag's output)."""
    items = pgettext("between the items of an aside", ", ").join(str(p) for p in parts)
    return pgettext("in brackets after a text", " (%(items)s)") % {"items": items}
