"""The annual assessment: scores, the veto over the score, its pages and its API."""

from __future__ import annotations

import datetime
import io
import re
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook
from rest_framework.test import APIClient

from xiaoan.assessments.choices import AssessmentResult
from xiaoan.assessments.models import Assessment
from xiaoan.core.errors import DomainError
from xiaoan.registers.choices import IncidentKind, Severity
from xiaoan.registers.models import Incident

pytestmark = pytest.mark.django_db

TZ = ZoneInfo("Asia/Shanghai")


def at(day: datetime.date, hour: int, minute: int = 0) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time(hour, minute), tzinfo=TZ)


def api(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def _major_liability(school):
    occurred = at(datetime.date(2014, 10, 1), 9)
    return Incident.objects.create(
        school=school,
        occurred_at=occurred,
        kind=IncidentKind.FIRE,
        severity=Severity.MAJOR,
        deaths=1,
        description="火灾",
        school_liable=True,
        reported_at=occurred + datetime.timedelta(hours=3),
    )


def test_veto_turns_a_high_score_into_fail(school_a, bureau_admin, leader):
    assessment = Assessment.objects.create(school=school_a, year=2014)
    assessment.score(
        bureau_admin,
        {
            name: Decimal(95)
            for name in (
                "inspections_score",
                "hazards_score",
                "monthly_score",
                "registers_score",
                "incidents_score",
            )
        },
    )
    assert assessment.total == Decimal("95.0") and assessment.result == AssessmentResult.EXCELLENT
    _major_liability(school_a)
    assert assessment.veto_proposed()
    assessment.veto(leader, "重大责任事故")
    assessment.refresh_from_db()
    assert assessment.total == Decimal("95.0")
    assert assessment.result == AssessmentResult.FAIL and assessment.vetoed
    assert [e.kind for e in assessment.events.all()] == ["scored", "vetoed"]
    assessment.lift_veto(leader, "复核撤销")
    assert assessment.result == AssessmentResult.EXCELLENT


def test_only_a_bureau_leader_applies_the_veto_with_a_reason(school_a, bureau_admin, leader):
    assessment = Assessment.objects.create(school=school_a, year=2014)
    with pytest.raises(PermissionDenied):
        assessment.veto(bureau_admin, "理由")
    with pytest.raises(DomainError):
        assessment.veto(leader, "  ")
    assessment.veto(leader, "理由")
    with pytest.raises(DomainError, match="不能重复"):
        assessment.veto(leader, "再次")


def test_computed_items_cannot_be_scored_by_hand(school_a, bureau_admin):
    assessment = Assessment.objects.create(school=school_a, year=2014)
    scores = assessment.compute(bureau_admin)
    assert scores["incidents_score"] == Decimal(100)
    assert scores["hazards_score"] == Decimal(100)  # no hazards due: nothing left undone
    with pytest.raises(DomainError):
        assessment.score(bureau_admin, {"incidents_score": Decimal(50)})


def test_incidents_lower_the_computed_item(school_a, bureau_admin):
    _major_liability(school_a)
    assessment = Assessment.objects.create(school=school_a, year=2014)
    assert assessment.compute(bureau_admin)["incidents_score"] == Decimal(50)


def test_weighted_total_needs_every_item(school_a, bureau_admin):
    assessment = Assessment.objects.create(school=school_a, year=2014)
    assessment.score(bureau_admin, {"inspections_score": Decimal(80)})
    assert assessment.total is None and assessment.result == ""


def test_monthly_item_counts_reports_on_time_since_the_district_began(school_a, school_b, alice):
    from xiaoan.assessments.assessing import monthly_score
    from xiaoan.reports.models import MonthlyReport

    assert monthly_score(school_a, 2014, datetime.date(2015, 3, 1)) is None
    for month, submitted in ((11, at(datetime.date(2014, 12, 3), 9)), (12, None)):
        MonthlyReport.objects.create(
            school=school_a,
            year=2014,
            month=month,
            due_date=datetime.date(2014 + month // 12, month % 12 + 1, 5),
            first_submitted_at=submitted,
        )
    # November on time, December missing: 1 of 2.
    assert monthly_score(school_a, 2014, datetime.date(2015, 3, 1)) == Decimal("50.0")
    assert monthly_score(school_b, 2014, datetime.date(2015, 3, 1)) == Decimal("0.0")


def test_assessment_veto_through_the_page(as_user, leader, bureau_admin, school_a):
    assessment = Assessment.objects.create(school=school_a, year=2014)
    url = reverse("assessments:veto", args=[assessment.pk])
    assert as_user(bureau_admin).post(url, {"reason": "x"}).status_code == 403
    as_user(leader).post(url, {"reason": "重大责任事故"})
    assessment.refresh_from_db()
    assert assessment.vetoed and assessment.result == "fail"


def test_the_veto_reads_with_the_colon_and_brackets_of_the_language(
    as_user, leader, school_a, settings
):
    assessment = Assessment.objects.create(school=school_a, year=2014)
    assessment.veto(leader, "重大责任事故")
    assessment.refresh_from_db()
    who = leader.get_full_name() or leader.username
    day = timezone.localdate(assessment.vetoed_at).isoformat()
    client = as_user(leader)
    url = reverse("assessments:detail", args=[assessment.pk])
    chinese = client.get(url).content.decode()
    assert f"一票否决：重大责任事故（{who}，{day}）" in chinese
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    assert f"One-vote veto: 重大责任事故 ({who}, {day})" in client.get(url).content.decode()


def test_ranking_export_puts_the_vetoed_school_last(
    as_user, leader, bureau_admin, school_a, school_b
):
    a = Assessment.objects.create(school=school_a, year=2014)
    b = Assessment.objects.create(school=school_b, year=2014)
    full = {
        n: 90
        for n in (
            "inspections_score",
            "hazards_score",
            "monthly_score",
            "registers_score",
            "incidents_score",
        )
    }
    a.score(bureau_admin, full)
    b.score(bureau_admin, {**full, "hazards_score": 60})
    a.veto(leader, "重大责任事故")
    response = as_user(leader).get(reverse("assessments:export"), {"year": 2014})
    sheet = load_workbook(io.BytesIO(response.content)).active
    assert [sheet.cell(r, 2).value for r in (3, 4)] == [school_b.name, school_a.name]


def test_ranking_flags_a_school_with_a_major_liability_accident(
    as_user, leader, school_a, school_b
):
    from xiaoan.registers.models import Incident

    for school in (school_a, school_b):
        Assessment.objects.create(school=school, year=2014)
    Incident.objects.create(
        school=school_a,
        occurred_at=datetime.datetime(2014, 5, 1, 10, tzinfo=datetime.UTC),
        reported_at=datetime.datetime(2014, 5, 1, 10, 30, tzinfo=datetime.UTC),
        kind="building",
        severity="major",
        deaths=1,
        description="围墙倒塌",
        school_liable=True,
    )
    page = as_user(leader).get(reverse("assessments:list"), {"year": 2014})
    flags = {a.school.code: a.veto_flag for a in page.context["page_obj"]}
    assert flags == {"S001": True, "S002": False}
    assert "建议一票否决" in page.content.decode()
    api = as_user(leader).get("/api/v1/registers/assessments/", {"year": 2014}).json()
    assert {r["school"]: r["veto_proposed"] for r in api["results"]} == {
        school_a.pk: True,
        school_b.pk: False,
    }


def test_ranking_opens_on_the_latest_year_assessed(as_user, leader, school_a):
    Assessment.objects.create(school=school_a, year=2013)
    Assessment.objects.create(school=school_a, year=2014)
    with time_machine.travel(datetime.date(2016, 3, 1)):
        page = as_user(leader).get(reverse("assessments:list"))
    assert [a.year for a in page.context["page_obj"]] == [2014]
    older = as_user(leader).get(reverse("assessments:list"), {"year": 2013})
    assert [a.year for a in older.context["page_obj"]] == [2013]


def test_filter_bars_say_all_instead_of_dashes(as_user, leader, school_a):
    page = as_user(leader).get(reverse("assessments:list")).content.decode()
    assert "---------" not in page
    result = re.search(r'<select name="result".*?</select>', page, re.S)
    assert 'placeholder="全部学校（输入名称或代码查找）"' in page
    assert result and '<option value="" selected>全部</option>' in result.group()


def test_veto_api_roles_and_states(leader, bureau_admin, school_a, bob):
    assessment = Assessment.objects.create(school=school_a, year=2014)
    url = f"/api/v1/registers/assessments/{assessment.pk}/veto/"
    assert api(bureau_admin).post(url, {"reason": "x"}).status_code == 403
    assert api(leader).post(url, {}).status_code == 400
    response = api(leader).post(url, {"reason": "重大责任事故"})
    assert response.status_code == 200 and response.json()["result"] == "fail"
    assert api(leader).post(url, {"reason": "again"}).status_code == 409
    assert api(bob).get(f"/api/v1/registers/assessments/{assessment.pk}/").status_code == 404


# ---- one write path: versions, allowed steps, history ---------------------------------------


def test_each_step_raises_the_version_and_writes_its_event_and_change(
    school_a, bureau_admin, leader
):
    from xiaoan.core.changelog import history
    from xiaoan.core.models import ChangeAction

    assessment = Assessment.objects.create(school=school_a, year=2014)
    assessment.score(bureau_admin, {"inspections_score": Decimal(80)}, "依据检查记录")
    assessment.veto(leader, "重大责任事故")
    assert assessment.version == 3
    veto = assessment.events.get(kind="vetoed")
    assert (veto.actor, veto.from_status, veto.to_status) == (leader, "", "fail")
    step = history(assessment).filter(action=ChangeAction.STATE).first()
    assert step.user == leader and step.after["vetoed"] is True and step.before["vetoed"] is False


def test_a_step_on_a_stale_version_is_refused_and_changes_nothing(school_a, bureau_admin, leader):
    from xiaoan.core.errors import Stale

    assessment = Assessment.objects.create(school=school_a, year=2014)
    read = assessment.version
    Assessment.objects.get(pk=assessment.pk).score(bureau_admin, {"inspections_score": 70})
    with pytest.raises(Stale):
        assessment.veto(leader, "重大责任事故", version=read)
    assessment.refresh_from_db()
    assert not assessment.vetoed and assessment.events.count() == 1


def test_two_leaders_vetoing_the_same_assessment_one_is_refused(school_a, leader):
    first = Assessment.objects.create(school=school_a, year=2014)
    second = Assessment.objects.get(pk=first.pk)
    first.veto(leader, "重大责任事故")
    with pytest.raises(DomainError):
        second.veto(leader, "再次")
    assert first.events.count() == 1


def test_allowed_actions_say_who_may_take_which_step(school_a, bureau_admin, leader, gov, alice):
    assessment = Assessment.objects.create(school=school_a, year=2014)
    assert assessment.allowed_actions(bureau_admin) == ["compute", "score"]
    assert assessment.allowed_actions(leader) == ["veto"]
    assert assessment.allowed_actions(gov) == assessment.allowed_actions(alice) == []
    assessment.veto(leader, "重大责任事故")
    assert assessment.allowed_actions(leader) == ["lift_veto"]


def test_the_page_shows_exactly_the_allowed_steps_and_the_history(
    as_user, school_a, bureau_admin, leader
):
    assessment = Assessment.objects.create(school=school_a, year=2014)
    url = reverse("assessments:detail", args=[assessment.pk])
    veto = reverse("assessments:veto", args=[assessment.pk])
    score = reverse("assessments:score", args=[assessment.pk])
    leader_page = as_user(leader).get(url).content.decode()
    assert veto in leader_page and score not in leader_page
    bureau_page = as_user(bureau_admin).get(url).content.decode()
    assert score in bureau_page and veto not in bureau_page
    assert 'id="history"' in bureau_page


def test_a_stale_step_on_the_page_is_refused_with_a_message(
    as_user, school_a, leader, bureau_admin
):
    assessment = Assessment.objects.create(school=school_a, year=2014)
    assessment.score(bureau_admin, {"inspections_score": Decimal(80)})
    url = reverse("assessments:veto", args=[assessment.pk])
    detail = reverse("assessments:detail", args=[assessment.pk])
    response = as_user(leader).post(
        url, {"reason": "重大责任事故", "version": 1}, HTTP_REFERER=f"http://testserver{detail}"
    )
    assert response.status_code == 302 and response["Location"].endswith(detail)
    assessment.refresh_from_db()
    assert not assessment.vetoed


def test_api_steps_take_a_version_and_rows_carry_allowed_actions(school_a, leader, bureau_admin):
    assessment = Assessment.objects.create(school=school_a, year=2014)
    url = f"/api/v1/registers/assessments/{assessment.pk}/"
    assert api(leader).get(url).json()["allowed_actions"] == ["veto"]
    stale = api(leader).post(f"{url}veto/", {"reason": "x", "version": 7}, format="json")
    assert stale.status_code == 409 and stale.json()["code"] == "stale"
    done = api(leader).post(f"{url}veto/", {"reason": "x", "version": 1}, format="json")
    assert done.status_code == 200 and done.json()["allowed_actions"] == ["lift_veto"]
    scored = api(bureau_admin).post(
        f"{url}score/", {"inspections_score": "80.0", "version": 2}, format="json"
    )
    assert scored.status_code == 200 and scored.json()["inspections_score"] == "80.0"
    events = api(leader).get(f"{url}events/").json()
    assert [(e["kind"], e["to_status"]) for e in events] == [("vetoed", "fail"), ("scored", "fail")]


def test_the_assessment_pages_keep_their_addresses():
    assert reverse("assessments:list") == "/registers/assessments/"
    assert reverse("assessments:detail", args=[3]) == "/registers/assessments/3/"
    assert reverse("assessments:lift-veto", args=[3]) == "/registers/assessments/3/lift-veto/"
