"""The school choice is a search box: rendering it reads the chosen school, never the schools
it offers (a province offers ten thousand)."""

from __future__ import annotations

import pytest
from django.db import connection
from django.http import QueryDict
from django.test.utils import CaptureQueriesContext

from xiaoan.hazards.filters import HazardFilter
from xiaoan.hazards.models import Hazard
from xiaoan.schools.choices import SchoolKind
from xiaoan.schools.models import School

pytestmark = pytest.mark.django_db


class _Request:
    def __init__(self, user):
        self.user = user


def _schools(bureau, n):
    School.objects.bulk_create(
        School(bureau=bureau, code=f"T{i:04}", name=f"第{i}小学", kind=SchoolKind.PRIMARY)
        for i in range(n)
    )


def _render_box(user, data):
    query = QueryDict(mutable=True)
    query.update(data)
    form = HazardFilter(query, queryset=Hazard.objects.none(), request=_Request(user)).form
    with CaptureQueriesContext(connection) as queries:
        html = str(form["school"])
    return html, [q["sql"] for q in queries.captured_queries]


def test_the_box_offers_no_options_and_reads_no_school_when_none_is_chosen(bureau, bureau_admin):
    _schools(bureau, 30)
    html, queries = _render_box(bureau_admin, {})
    assert "<option" not in html
    assert queries == []


def test_the_chosen_school_is_the_one_row_read(bureau, bureau_admin, school_a):
    _schools(bureau, 30)
    html, queries = _render_box(bureau_admin, {"school": str(school_a.pk)})
    assert f"{school_a.code} {school_a.name}" in html
    assert f'value="{school_a.pk}"' in html
    # The form checks the choice and the box shows it: each reads that one school by its id.
    assert queries and all(f'"schools_school"."id" = {school_a.pk}' in sql for sql in queries)


def test_a_school_out_of_reach_is_not_shown_as_chosen(bureau_admin, other_bureau):
    elsewhere = School.objects.create(
        bureau=other_bureau, code="X001", name="远山小学", kind=SchoolKind.PRIMARY
    )
    html, _ = _render_box(bureau_admin, {"school": str(elsewhere.pk)})
    assert "远山小学" not in html
