"""The punctuation around a value follows the reader's language, written once for all pages."""

from __future__ import annotations

from django.template import Context, Template
from django.utils import translation


def render(text: str, **context: object) -> str:
    return Template("{% load typography %}" + text).render(Context(context))


def test_a_label_is_followed_by_the_colon_of_the_language():
    with translation.override("zh-hans"):
        assert render("整改期限{% colon %}{{ day }}", day="2014-12-01") == "整改期限：2014-12-01"
    with translation.override("en"):
        assert render("Deadline{% colon %}{{ day }}", day="2014-12-01") == "Deadline: 2014-12-01"


def test_an_aside_is_in_the_brackets_and_commas_of_the_language():
    with translation.override("zh-hans"):
        assert render("重大事故{% aside who day %}", who="李明", day="2014-12-01") == (
            "重大事故（李明，2014-12-01）"
        )
    with translation.override("en"):
        assert render("accident{% aside who %}", who="李明") == "accident (李明)"


def test_an_aside_escapes_what_it_is_given():
    with translation.override("en"):
        assert render("{% aside who %}", who="<b>") == " (&lt;b&gt;)"
