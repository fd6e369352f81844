"""Monthly reports: hand-counted figures, freezing on submit, review, compliance at the due date."""

from __future__ import annotations

import datetime

import pytest
import time_machine
from django.core.exceptions import PermissionDenied

from xiaoan.core.errors import Invalid, Refused
from xiaoan.reports.choices import Compliance, MonthlyStatus
from xiaoan.reports.models import MonthlyReport, compliance_of, due_date_for
from xiaoan.reports.official import compliance_rows

pytestmark = pytest.mark.django_db

OCT_8 = datetime.datetime(2014, 10, 8, 9, tzinfo=datetime.UTC)


def by_area(report: MonthlyReport) -> dict[str, dict]:
    return {row["code"]: row for row in report.figures["areas"]}


@time_machine.travel(OCT_8, tick=False)
def test_compiled_figures_match_the_hand_count(alice, school_a, september_ledger):
    report = MonthlyReport.for_month(school_a, 2014, 9)
    report.compile(alice)
    areas = by_area(report)
    assert areas["fire"] == {
        "code": "fire",
        "name": "消防安全",
        "found": 2,
        "major": 0,
        "closed": 1,
        "open": 1,
        "overdue": 1,
    }
    assert areas["food"]["found"] == 1 and areas["food"]["major"] == 1
    assert areas["food"]["overdue"] == 0
    assert areas["building"] == {
        "code": "building",
        "name": "校舍安全",
        "found": 0,
        "major": 0,
        "closed": 1,
        "open": 0,
        "overdue": 0,
    }
    assert areas["lab"]["found"] == 0 and areas["vehicle"]["found"] == 0
    assert report.figures["total"] == {"found": 3, "major": 1, "closed": 2, "open": 2, "overdue": 1}
    assert [h["code"] for h in report.figures["major"]] == [september_ledger[2].code]
    assert report.is_nil is False


@time_machine.travel(OCT_8, tick=False)
def test_a_month_without_hazards_is_a_nil_report_still_submitted(bob, school_b):
    report = MonthlyReport.for_month(school_b, 2014, 7)
    report.submit(bob, narrative="本月无隐患。")
    assert report.is_nil and report.status == MonthlyStatus.SUBMITTED
    assert report.submitted_by == bob


@time_machine.travel(OCT_8, tick=False)
def test_submitted_figures_are_frozen_against_later_hazard_edits(
    alice, bureau_admin, school_a, september_ledger
):
    report = MonthlyReport.for_month(school_a, 2014, 9)
    report.submit(alice, narrative="九月排查情况")
    september_ledger[1].status = "closed"
    september_ledger[1].closed_at = OCT_8
    september_ledger[1].save()
    report.refresh_from_db()
    assert by_area(report)["fire"]["open"] == 1
    with pytest.raises(Refused):
        report.compile(alice)
    assert report.events.count() == 2  # compiled, submitted


@time_machine.travel(OCT_8, tick=False)
def test_returned_report_is_resubmitted_and_accepted(alice, bureau_admin, school_a):
    report = MonthlyReport.for_month(school_a, 2014, 9)
    report.submit(alice)
    with pytest.raises(Invalid):
        report.return_for_changes(bureau_admin, " ")
    report.return_for_changes(bureau_admin, "请补充整改措施")
    assert report.status == MonthlyStatus.RETURNED
    report.submit(alice, narrative="已补充")
    report.accept(bureau_admin)
    assert report.status == MonthlyStatus.ACCEPTED
    assert [e.kind for e in report.events.all()] == [
        "compiled",
        "submitted",
        "returned",
        "compiled",
        "submitted",
        "accepted",
    ]


def test_only_the_schools_admin_submits_and_only_the_bureau_reviews(
    alice, bob, carol, bureau_admin, gov, school_a
):
    report = MonthlyReport.for_month(school_a, 2014, 9)
    for user in (bob, carol, bureau_admin, gov):
        with pytest.raises(PermissionDenied):
            report.submit(user)
    report.submit(alice)
    for user in (alice, gov):
        with pytest.raises(PermissionDenied):
            report.accept(user)


def test_due_date_is_the_fifth_of_next_month_and_configurable(settings):
    assert due_date_for(2014, 9) == datetime.date(2014, 10, 5)
    assert due_date_for(2014, 12) == datetime.date(2015, 1, 5)
    settings.XIAOAN_MONTHLY_REPORT_DUE_DAY = 10
    assert due_date_for(2014, 9) == datetime.date(2014, 10, 10)


@pytest.mark.parametrize(
    ("submitted", "expected"),
    [
        (datetime.datetime(2014, 10, 5, 15, 59, tzinfo=datetime.UTC), Compliance.ON_TIME),
        (datetime.datetime(2014, 10, 5, 16, 0, tzinfo=datetime.UTC), Compliance.LATE),
    ],
)
def test_on_time_means_by_the_end_of_the_due_day_in_shanghai(alice, school_a, submitted, expected):
    with time_machine.travel(submitted, tick=False):
        report = MonthlyReport.for_month(school_a, 2014, 9)
        report.submit(alice)
    assert report.compliance(datetime.date(2014, 10, 20)) == expected


def test_missing_only_after_the_due_date(school_a, school_b, alice):
    assert compliance_of(None, 2014, 9, datetime.date(2014, 10, 5)) == Compliance.PENDING
    assert compliance_of(None, 2014, 9, datetime.date(2014, 10, 6)) == Compliance.MISSING
    draft = MonthlyReport.for_month(school_a, 2014, 9)
    rows = compliance_rows(school_a.bureau_id, 2014, 9, datetime.date(2014, 10, 6))
    assert [(s.code, r, state) for s, r, state in rows] == [
        ("S001", draft, Compliance.MISSING),
        ("S002", None, Compliance.MISSING),
    ]


def test_school_sees_only_its_own_reports(alice, bob, fire, bureau_admin, school_a, school_b):
    mine = MonthlyReport.for_month(school_a, 2014, 9)
    theirs = MonthlyReport.for_month(school_b, 2014, 9)
    assert list(MonthlyReport.objects.for_user(alice)) == [mine]
    assert set(MonthlyReport.objects.for_user(bureau_admin)) == {mine, theirs}
    assert not MonthlyReport.objects.for_user(fire).exists()
