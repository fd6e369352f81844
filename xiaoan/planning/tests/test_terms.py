"""Each term's value on a small constructed district, the explanation adding up to the score,
and a constant number of queries whatever the number of schools."""

from __future__ import annotations

import datetime

import pytest

from xiaoan.registers.models import Drill, DrillRule
from xiaoan.reports.models import MonthlyReport
from xiaoan.schools.models import School

from ..scores import score_schools
from ..terms import TERMS, report_months
from .conftest import DAY, _at

pytestmark = pytest.mark.django_db


def values(day=DAY):
    scores = score_schools(School.objects.all(), day)
    return {s.school.code: {line.key: line.value for line in s.lines} for s in scores}


def test_open_hazards_by_level_as_they_stood_on_the_day(school_a, school_b, make_hazard):
    make_hazard(school_a, level="major")
    make_hazard(school_a)
    make_hazard(school_a, closed_on=datetime.date(2014, 10, 20))  # still open on the day
    make_hazard(school_a, closed_on=datetime.date(2014, 10, 1))  # closed before
    make_hazard(school_a, found_on=datetime.date(2014, 10, 16))  # found after the day
    make_hazard(school_b, status="rejected")
    v = values()
    assert v["S001"]["open_major"] == 1 and v["S001"]["open_general"] == 2
    assert v["S002"]["open_major"] == 0 and v["S002"]["open_general"] == 0


def test_overdue_against_the_deadline_of_the_day(school_a, make_hazard):
    make_hazard(school_a, deadline=datetime.date(2014, 10, 1))
    make_hazard(school_a, deadline=datetime.date(2014, 10, 30))
    make_hazard(school_a, deadline=datetime.date(2014, 10, 1), status="awaiting_verification")
    assert values()["S001"]["overdue"] == 1


def test_a_hazard_in_the_same_area_within_a_year_is_a_recurrence(school_a, school_b, make_hazard):
    make_hazard(school_a, "fire", found_on=datetime.date(2014, 3, 1), closed_on=DAY)
    make_hazard(school_a, "fire", found_on=datetime.date(2014, 9, 1))  # recurs
    make_hazard(school_a, "food", found_on=datetime.date(2014, 9, 1))  # another area
    make_hazard(school_b, "fire", found_on=datetime.date(2012, 3, 1), closed_on=DAY)
    make_hazard(school_b, "fire", found_on=datetime.date(2014, 9, 1))  # two years on
    make_hazard(school_b, "lab", found_on=datetime.date(2014, 9, 1), status="rejected")
    make_hazard(school_b, "lab", found_on=datetime.date(2014, 9, 2))  # the first was unfounded
    v = values()
    assert v["S001"]["recurrences"] == 1
    assert v["S002"]["recurrences"] == 0


def test_late_and_missing_reports_of_the_last_six_due_months(school_a, school_b, bureau_admin):
    assert report_months(DAY) == [(2014, 9), (2014, 8), (2014, 7), (2014, 6), (2014, 5), (2014, 4)]

    def report(school, month, sent):
        return MonthlyReport.objects.create(
            school=school,
            year=2014,
            month=month,
            status="accepted",
            due_date=datetime.date(2014, month + 1, 5),
            first_submitted_at=_at(sent) if sent else None,
            submitted_at=_at(sent) if sent else None,
        )

    report(school_a, 9, datetime.date(2014, 10, 3))  # on time
    report(school_a, 8, datetime.date(2014, 9, 9))  # late
    report(school_b, 9, datetime.date(2014, 10, 20))  # sent after the day: missing then
    # August: school B sent none (missing); July and before: nobody's, not collected.
    v = values()
    assert v["S001"]["late_reports"] == 1
    assert v["S002"]["late_reports"] == 2


def test_drills_behind_in_the_last_period_ended(bureau, school_a, school_b):
    DrillRule.objects.create(bureau=bureau, scenario="fire", period="month", count=1)
    DrillRule.objects.create(bureau=bureau, scenario="earthquake", period="term", count=1)
    # On 15 October the last month ended is September, the last term Feb–Aug 2014.
    Drill.objects.create(
        school=school_a, scenario="fire", held_on=datetime.date(2014, 9, 10), pupils=500
    )
    Drill.objects.create(
        school=school_a, scenario="earthquake", held_on=datetime.date(2014, 5, 12), pupils=500
    )
    Drill.objects.create(
        school=school_b, scenario="fire", held_on=datetime.date(2014, 10, 10), pupils=500
    )
    v = values()
    assert v["S001"]["drills_behind"] == 0
    assert v["S002"]["drills_behind"] == 2


def test_days_since_the_bureaus_last_inspection(school_a, school_b, make_inspection):
    make_inspection(school_a, datetime.date(2014, 9, 15))
    make_inspection(school_a, datetime.date(2014, 10, 5), kind="self")  # the school's own
    make_inspection(school_a, datetime.date(2014, 10, 20))  # after the day
    v = values()
    assert v["S001"]["days_since_inspection"] == 30
    assert v["S002"]["days_since_inspection"] == 365  # never: a year


def test_the_explanation_adds_up_to_the_score(school_a, school_b, make_hazard, make_inspection):
    make_hazard(school_a, level="major", deadline=datetime.date(2014, 10, 1))
    make_hazard(school_a, "food", deadline=datetime.date(2014, 10, 31))
    make_inspection(school_a, datetime.date(2014, 8, 1))
    scores = score_schools(School.objects.all(), DAY)
    first = scores[0]
    assert first.school.code == "S001"
    for line in first.lines:
        assert line.points == round(line.value * line.weight, 2)
    assert first.score == round(sum(line.points for line in first.lines), 2)
    # 1 major ×10 + 1 general ×2 + 1 overdue ×4 + 75 days ×0.02
    assert first.score == 10 + 2 + 4 + 1.5
    assert [line.key for line in first.reasons] == ["open_major", "overdue", "open_general"]
    assert [line.key for line in first.lines] == [term.key for term in TERMS]
    assert scores[1].score == 365 * 0.02


def test_the_number_of_queries_does_not_grow_with_the_schools(
    bureau, school_a, make_hazard, django_assert_num_queries
):
    DrillRule.objects.create(bureau=bureau, scenario="fire", period="month", count=1)
    make_hazard(school_a)
    expected = len(TERMS) + 1

    with django_assert_num_queries(expected):
        score_schools(School.objects.all(), DAY)
    for n in range(12):
        school = School.objects.create(
            bureau=bureau,
            code=f"S1{n:02d}",
            name=f"第{n}小学",
            kind="primary",
            opened_on=DAY - datetime.timedelta(days=400),
        )
        make_hazard(school, level="major")
    with django_assert_num_queries(expected):
        scores = score_schools(School.objects.all(), DAY)
    assert len(scores) == 13


def test_red_and_orange_risk_points_in_the_register_on_the_day(school_a, school_b):
    from xiaoan.hazards.models import Area
    from xiaoan.risks.models import RiskPoint

    names = iter(range(100))

    def point(school, level, likelihood, severity, **fields):
        return RiskPoint.objects.create(
            school=school,
            name=f"风险点{next(names)}",
            area=Area.objects.get(code="fire"),
            hazard_sources="电线老化",
            consequences="火灾",
            control_measures="定期检查",
            responsible="张老师",
            responsible_phone="13800000000",
            likelihood=likelihood,
            severity=severity,
            level=level,
            identified_on=fields.pop("identified_on", datetime.date(2014, 3, 1)),
            **fields,
        )

    point(school_a, "red", 5, 4)
    point(school_a, "orange", 4, 4)
    point(school_a, "orange", 4, 4, retired_on=datetime.date(2014, 9, 1))  # left before
    point(school_a, "red", 5, 4, identified_on=datetime.date(2014, 11, 1))  # came after
    point(school_b, "yellow", 2, 4)
    v = values()
    assert (v["S001"]["red_points"], v["S001"]["orange_points"]) == (1, 1)
    assert (v["S002"]["red_points"], v["S002"]["orange_points"]) == (0, 0)


def test_papers_expired_before_the_day(bureau, school_a, school_b):
    from xiaoan.registers.models import SchoolPaper
    from xiaoan.registers.models.papers import PaperKind

    food = PaperKind.objects.create(bureau=bureau, name="食品经营许可证")
    fire = PaperKind.objects.create(bureau=bureau, name="消防检查意见书")

    def paper(school, kind, issued, until, holder=""):
        return SchoolPaper.objects.create(
            school=school,
            kind=kind,
            issuer="区市场监管局",
            issued_on=issued,
            valid_until=until,
            holder=holder,
        )

    paper(school_a, food, datetime.date(2011, 9, 1), datetime.date(2014, 8, 31))  # renewed:
    paper(school_a, food, datetime.date(2014, 9, 1), datetime.date(2017, 8, 31))
    paper(school_a, fire, datetime.date(2013, 9, 1), datetime.date(2014, 9, 30))  # expired
    paper(school_a, fire, datetime.date(2014, 10, 20), datetime.date(2015, 10, 19))  # too late
    paper(school_b, food, datetime.date(2012, 9, 1), datetime.date(2015, 8, 31))
    paper(school_b, food, datetime.date(2013, 9, 1), datetime.date(2014, 9, 1), holder="李厨师")
    v = values()
    assert v["S001"]["expired_papers"] == 1
    assert v["S002"]["expired_papers"] == 1  # the cook's health certificate
