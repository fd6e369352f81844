"""The compliance board counted in SQL: the same states as `compliance_of`, the schools to
chase first, a page at a time."""

from __future__ import annotations

import datetime

import pytest
import time_machine
from django.urls import reverse

from xiaoan.reports import views
from xiaoan.reports.choices import Compliance
from xiaoan.reports.models import MonthlyReport, compliance_of
from xiaoan.reports.official import compliance_board, compliance_counts
from xiaoan.schools.choices import SchoolKind
from xiaoan.schools.models import School

UTC = datetime.UTC
# September 2014's reports are due on 5 October, the end of that day in Shanghai (16:00 UTC).
STATES = {
    "S101": ("submitted", datetime.datetime(2014, 10, 5, 15, 59, tzinfo=UTC)),  # on time
    "S102": ("submitted", datetime.datetime(2014, 10, 5, 16, 0, tzinfo=UTC)),  # late
    "S103": ("returned", datetime.datetime(2014, 10, 2, tzinfo=UTC)),  # returned
    "S104": ("draft", None),  # a draft never submitted: missing
    "S105": None,  # no report at all: missing
    "S106": ("accepted", datetime.datetime(2014, 10, 9, tzinfo=UTC)),  # late, then accepted
}


@pytest.fixture
def september(bureau):
    for code, state in STATES.items():
        school = School.objects.create(
            bureau=bureau,
            code=code,
            name=f"第{code}学校",
            kind=SchoolKind.PRIMARY,
            opened_on=datetime.date(2000, 9, 1),
        )
        if state is not None:
            status, first = state
            report = MonthlyReport.for_month(school, 2014, 9)
            MonthlyReport.objects.filter(pk=report.pk).update(
                status=status, first_submitted_at=first
            )


@pytest.mark.parametrize(
    "today", [datetime.date(2014, 10, 5), datetime.date(2014, 10, 6)], ids=["due", "after"]
)
def test_the_sql_states_are_those_of_compliance_of(bureau, september, today):
    reports = {r.school.code: r for r in MonthlyReport.objects.select_related("school")}
    board = compliance_board(bureau.pk, 2014, 9, today)
    in_sql = {s.code: s.compliance for s in board}
    in_python = {code: compliance_of(reports.get(code), 2014, 9, today) for code in STATES}
    assert in_sql == in_python
    assert set(in_sql.values()) >= {Compliance.ON_TIME, Compliance.LATE, Compliance.RETURNED}
    counts = compliance_counts(bureau.pk, 2014, 9, today)
    assert counts["expected"] == len(STATES)
    assert counts[Compliance.MISSING] == list(in_python.values()).count(Compliance.MISSING)


@time_machine.travel(datetime.datetime(2014, 10, 20, 2, tzinfo=UTC))
def test_board_puts_the_missing_and_late_first_a_page_at_a_time(
    as_user, gov, september, monkeypatch
):
    monkeypatch.setattr(views, "COMPLIANCE_ROWS", 4)
    client = as_user(gov)
    url = reverse("reports:compliance")

    first = client.get(url, {"year": 2014, "month": 9})
    assert [(s.code, state) for s, state, _label in first.context["rows"]] == [
        ("S104", Compliance.MISSING),
        ("S105", Compliance.MISSING),
        ("S102", Compliance.LATE),
        ("S106", Compliance.LATE),
    ]
    # The counts are the month's, not the page's; the next page keeps the month.
    assert first.context["counts"][Compliance.MISSING] == 2
    assert first.context["counts"]["expected"] == 6
    nav = first.content.decode().split('class="pagination')[1]
    assert 'href="?year=2014&amp;month=9&page=2"' in nav

    second = client.get(url, {"year": 2014, "month": 9, "page": 2})
    assert [(s.code, state) for s, state, _label in second.context["rows"]] == [
        ("S103", Compliance.RETURNED),
        ("S101", Compliance.ON_TIME),
    ]
    # A submitted report's school links to it; a school without one does not.
    page = second.content.decode()
    s101 = MonthlyReport.objects.get(school__code="S101")
    assert reverse("reports:monthly_detail", args=[s101.pk]) in page
