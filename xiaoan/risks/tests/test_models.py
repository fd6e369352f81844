"""The level rule at its boundaries, assessments as history, re-assessment on recurrence, and
who may see and change a school's risk register."""

from __future__ import annotations

import datetime

import pytest

from xiaoan.core.errors import Invalid, NotAllowed, Refused
from xiaoan.hazards.models import Hazard
from xiaoan.notifications.choices import NotificationKind
from xiaoan.notifications.models import Notification
from xiaoan.risks.choices import AssessmentReason, RiskLevel, level_for, level_of_score
from xiaoan.risks.models import RiskAssessment, RiskPoint


@pytest.mark.parametrize(
    ("likelihood", "severity", "level"),
    [
        (5, 5, RiskLevel.RED),
        (4, 5, RiskLevel.RED),  # 20: red from here
        (4, 4, RiskLevel.ORANGE),  # 16
        (3, 5, RiskLevel.ORANGE),  # 15: orange from here
        (3, 4, RiskLevel.YELLOW),  # 12
        (2, 4, RiskLevel.YELLOW),  # 8: yellow from here
        (1, 5, RiskLevel.BLUE),  # 5
        (2, 3, RiskLevel.BLUE),  # 6
        (1, 1, RiskLevel.BLUE),
    ],
)
def test_level_rule_at_its_boundaries(likelihood, severity, level):
    assert level_for(likelihood, severity) == level


@pytest.mark.parametrize(
    ("score", "level"),
    [
        (25, "red"),
        (20, "red"),
        (19, "orange"),
        (15, "orange"),
        (14, "yellow"),
        (8, "yellow"),
        (7, "blue"),
        (1, "blue"),
    ],
)
def test_score_thresholds(score, level):
    assert level_of_score(score) == level


def test_every_product_of_the_grid_falls_in_one_level():
    for likelihood in range(1, 6):
        for severity in range(1, 6):
            score = likelihood * severity
            expected = (
                "red"
                if score >= 20
                else "orange"
                if score >= 15
                else "yellow"
                if score >= 8
                else "blue"
            )
            assert level_for(likelihood, severity) == expected


def test_a_new_point_takes_its_level_and_first_assessment(point, alice):
    assert point.level == RiskLevel.YELLOW
    assessment = point.assessments.get()
    assert (assessment.likelihood, assessment.severity, assessment.level) == (3, 3, "yellow")
    assert assessment.reason == AssessmentReason.IDENTIFIED
    assert assessment.assessed_by == alice


def test_scores_outside_one_to_five_are_refused(make_point):
    with pytest.raises(Invalid):
        make_point(likelihood=6)
    with pytest.raises(Invalid):
        make_point(severity=0)


def test_reassessment_is_kept_as_history(point, alice):
    point.reassess(alice, likelihood=4, severity=5, reason="change", comment="新增燃气管线")
    point.refresh_from_db()
    assert point.level == RiskLevel.RED
    levels = list(point.assessments.order_by("created_at", "id").values_list("level", flat=True))
    assert levels == ["yellow", "red"]
    latest = point.assessments.first()
    assert latest.comment == "新增燃气管线" and latest.assessed_by == alice


def test_a_reassessment_other_than_a_review_says_what_changed(point, alice):
    with pytest.raises(Invalid):
        point.reassess(alice, likelihood=2, severity=2, reason="change", comment=" ")


def test_a_stale_reassessment_is_refused(point, alice, bureau_admin):
    stale_version = point.version
    point.reassess(bureau_admin, likelihood=2, severity=2, reason="review")
    with pytest.raises(Refused):
        point.reassess(alice, likelihood=5, severity=5, reason="review", version=stale_version)


def test_first_hazard_of_a_point_is_not_a_recurrence(point, make_hazard):
    make_hazard(point)
    point.refresh_from_db()
    assert not point.needs_reassessment


def test_a_recurring_hazard_flags_the_point_and_tells_the_school(
    point, make_hazard, bureau_admin, alice
):
    make_hazard(point, found_on=datetime.date(2014, 7, 10), user=bureau_admin)
    second = make_hazard(point, user=bureau_admin)
    point.refresh_from_db()
    assert point.needs_reassessment and point.flagged_by == second
    told = Notification.objects.filter(kind=NotificationKind.RISK_REASSESSMENT_DUE)
    assert {n.recipient for n in told} == {alice}
    assert told.get().params["point"] == point.name


def test_a_recurrence_is_flagged_once_until_reassessed(point, make_hazard, alice):
    for day in (5, 6, 7):
        make_hazard(point, found_on=datetime.date(2014, 8, day))
    assert RiskPoint.objects.get(pk=point.pk).needs_reassessment
    assert RiskPoint.objects.filter(pk=point.pk).to_reassess().count() == 1
    point.refresh_from_db()
    point.reassess(alice, likelihood=4, severity=4, reason="recurrence", comment="复发两次")
    point.refresh_from_db()
    assert not point.needs_reassessment and point.flagged_by is None
    assessment = point.assessments.first()
    assert assessment.reason == "recurrence" and assessment.hazard is not None


def test_a_hazard_a_year_after_the_last_is_not_a_recurrence(point, make_hazard):
    make_hazard(point, found_on=datetime.date(2013, 8, 1))
    make_hazard(point, found_on=datetime.date(2014, 8, 20))
    point.refresh_from_db()
    assert not point.needs_reassessment


def test_a_rejected_hazard_does_not_count(point, make_hazard, bureau_admin):
    first = make_hazard(point, found_on=datetime.date(2014, 8, 1))
    first.reject(bureau_admin, reason="不属实")
    make_hazard(point)
    point.refresh_from_db()
    assert not point.needs_reassessment


def test_linking_on_edit_checks_for_a_recurrence(point, make_hazard, alice):
    make_hazard(point, found_on=datetime.date(2014, 8, 1))
    other = make_hazard(None)
    other.edit(alice, version=other.version, risk_point=point)
    point.refresh_from_db()
    assert point.needs_reassessment
    assert Hazard.objects.get(pk=other.pk).risk_point == point


def test_a_hazard_links_only_to_its_own_schools_point(point, make_hazard, school_b, bob):
    with pytest.raises(Invalid):
        make_hazard(point, school=school_b, user=bob)


def test_school_b_cannot_see_school_a_points(point, alice, bob, bureau_admin, outsider, carol):
    assert list(RiskPoint.objects.for_user(alice)) == [point]
    assert list(RiskPoint.objects.for_user(carol)) == [point]
    assert list(RiskPoint.objects.for_user(bob)) == []
    assert list(RiskPoint.objects.for_user(outsider)) == []
    assert list(RiskPoint.objects.for_user(bureau_admin)) == [point]
    assert RiskAssessment.objects.for_user(bob).count() == 0


def test_only_the_schools_admin_and_the_safety_section_change_it(point, bob, carol, leader):
    for user in (bob, carol, leader):
        assert point.allowed_actions(user) == []
        with pytest.raises(NotAllowed):
            point.reassess(user, likelihood=1, severity=1, reason="review")


def test_a_retired_point_leaves_the_register_and_keeps_its_history(point, alice):
    point.retire(alice, reason="燃气灶改为电灶", on=datetime.date(2014, 9, 2))
    point.refresh_from_db()
    assert point.is_retired
    assert not RiskPoint.objects.current().filter(pk=point.pk).exists()
    assert RiskPoint.objects.as_of(datetime.date(2014, 6, 1)).filter(pk=point.pk).exists()
    assert point.allowed_actions(alice) == []
    assert point.assessments.count() == 1


def test_level_counts_and_grave_points(make_point, alice, school_b, bob):
    make_point(name="配电房", likelihood=4, severity=5)
    make_point(name="实验室危化品柜", likelihood=3, severity=5)
    make_point(name="楼梯口", likelihood=2, severity=2)
    make_point(school=school_b, user=bob, name="校门口", likelihood=5, severity=4)
    counts = RiskPoint.objects.filter(school=alice.membership.school).level_counts()
    assert counts == {"red": 1, "orange": 1, "yellow": 0, "blue": 1}
    assert RiskPoint.objects.grave().count() == 3
    per_school = RiskPoint.objects.per_school_levels()
    assert per_school[school_b.pk]["red"] == 1
