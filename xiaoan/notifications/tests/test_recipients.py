"""The who-receives-what table, row by row: each row's event is taken through the real step,
and exactly the people the row names are told (the one who acted is not). A rolled-back step
tells nobody (that mail leaves only after the commit is in test_channels.py)."""

from __future__ import annotations

import datetime
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from django.db import transaction
from django.utils import translation

from xiaoan.campaigns.models import Campaign
from xiaoan.core.errors import Stale
from xiaoan.hazards.choices import HazardLevel, HazardSource
from xiaoan.hazards.models import Area, Hazard
from xiaoan.hazards.tests.conftest import after_photo
from xiaoan.inspections.models import InspectionSchedule
from xiaoan.notifications.choices import MESSAGES, URGENT_KINDS, NotificationKind
from xiaoan.notifications.models import Notification
from xiaoan.notifications.recipients import TABLE, rows
from xiaoan.registers.choices import IncidentKind, Severity
from xiaoan.registers.models import (
    Incident,
    PreDepartureCheck,
    Vehicle,
    Visitor,
    WatchListEntry,
)
from xiaoan.reports import official
from xiaoan.reports.models import IssuedDocument, MonthlyReport

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("replay_2014")]

K = NotificationKind
DOCS = Path(__file__).resolve().parents[3] / "docs" / "notifications.md"
VALID_ID = "11010519491231002X"


@pytest.fixture
def people(bureau_admin, leader, gov, fire, alice, bob, carol, outsider) -> dict[str, Any]:
    return {u.username: u for u in (bureau_admin, leader, gov, fire, alice, bob, carol, outsider)}


def _report(people: dict[str, Any], by: str = "carol", **fields: Any) -> Hazard:
    reporter = people[by]
    return Hazard.objects.report(
        school=people["alice"].membership.school,
        area=Area.objects.get(code="fire"),
        level=fields.pop("level", HazardLevel.GENERAL),
        description="消防通道堆放杂物",
        reported_by=reporter,
        source=fields.pop("source", HazardSource.SELF_REPORT),
        found_on=datetime.date(2014, 9, 1),
    )


def _assigned(p: dict[str, Any], by: str = "carol") -> Hazard:
    hazard = _report(p, by)
    hazard.assign(p["bureau"], opinion="立即清理", deadline=datetime.date(2014, 9, 15))
    return hazard


def _submitted(p: dict[str, Any], by: str = "carol") -> Hazard:
    hazard = _assigned(p, by)
    hazard.start(p["alice"])
    hazard.submit(p["alice"], measures="已清理", photos=[after_photo()])
    return hazard


def _extension_asked(p: dict[str, Any]) -> Hazard:
    hazard = _assigned(p, "fire")
    hazard.request_extension(p["alice"], new_deadline=datetime.date(2014, 9, 30), reason="材料未到")
    return hazard


def _major(p: dict[str, Any]) -> Hazard:
    return _report(p, level=HazardLevel.MAJOR)


def _supervised(p: dict[str, Any]) -> Hazard:
    hazard = _major(p)
    hazard.supervise(p["leader"])
    return hazard


def _monthly(p: dict[str, Any]) -> MonthlyReport:
    report = MonthlyReport.start(p["alice"], 2014, 9)
    report.submit(p["alice"], narrative="本月无新增隐患")
    return report


def _plan(p: dict[str, Any], bureau: Any) -> Any:
    campaign = Campaign.objects.create(
        bureau=bureau,
        name="2014年学校安全专项行动",
        start_date=datetime.date(2014, 7, 15),
        end_date=datetime.date(2014, 12, 31),
        status="running",
    )
    plan = campaign.plan_for(p["alice"].membership.school)
    plan.save_draft(p["alice"], summary="每周排查一次", sections={})
    plan.submit(p["alice"])
    return plan


def _watch_stop(p: dict[str, Any]) -> None:
    school = p["alice"].membership.school
    WatchListEntry.objects.create(school=school, name="钱七", reason="法院禁止令")
    Visitor.screen(school=school, user=p["carol"], name="钱七", id_number=VALID_ID)


def _watch_hit(p: dict[str, Any]) -> None:
    school = p["alice"].membership.school
    WatchListEntry.objects.create(school=school, name="钱七", reason="法院禁止令")
    Visitor.register(
        school=school,
        user=p["carol"],
        name="钱七",
        id_type="resident",
        id_number=VALID_ID,
        purpose="探望",
        admission_reason="由保卫人员陪同",
    )


def _incident(p: dict[str, Any]) -> None:
    moment = datetime.datetime(2014, 9, 3, 9, 0, tzinfo=datetime.UTC)
    Incident.objects.create(
        school=p["alice"].membership.school,
        recorded_by=p["alice"],
        occurred_at=moment,
        reported_at=moment + datetime.timedelta(minutes=30),
        kind=IncidentKind.INJURY,
        severity=Severity.SERIOUS,
        description="学生课间摔伤",
    )


def _city_campaign(bureau: Any) -> Any:
    """A campaign of the city over the district (and not over the outsider's district)."""
    from conftest import make_user
    from xiaoan.accounts.choices import Role
    from xiaoan.schools.models import Bureau, Region

    city = Region.objects.create(code="330100", name="临江市", level="city")
    Region.objects.filter(pk=bureau.region_id).update(parent=city)
    city_bureau = Bureau.objects.create(region=city, name="临江市教育局")
    officer = make_user("city", Role.CITY_ADMIN, city_bureau)
    campaign = Campaign.objects.create(
        bureau=city_bureau,
        name="临江市学校安全专项行动",
        start_date=datetime.date(2014, 7, 1),
        end_date=datetime.date(2014, 12, 31),
    )
    return campaign.start(officer)


def _failed_check(p: dict[str, Any]) -> None:
    school = p["alice"].membership.school
    vehicle = Vehicle.objects.create(
        school=school,
        plate="浙A19000",
        seats=19,
        owner="清溪客运",
        bus_licence_no="校车标牌2014-001",
        inspection_due=datetime.date(2015, 3, 1),
        insurance_due=datetime.date(2015, 6, 1),
    )
    PreDepartureCheck.objects.create(
        school=school,
        vehicle=vehicle,
        checked_on=datetime.date(2014, 9, 2),
        checked_by="张师傅",
        brakes_ok=False,
        recorded_by=p["alice"],
    )


def _recurrence(p: dict[str, Any]) -> None:
    from xiaoan.risks.models import RiskPoint

    point = RiskPoint.objects.identify(
        p["alice"],
        school=p["alice"].membership.school,
        likelihood=3,
        severity=4,
        name="学生食堂燃气灶间",
        area=Area.objects.get(code="fire"),
        hazard_sources="燃气管道老化",
        consequences="火灾",
        control_measures="每日检查燃气阀门",
        responsible="王伟",
        responsible_phone="13800000001",
    )
    for day in (1, 2):
        Hazard.objects.report(
            school=point.school,
            area=point.area,
            level=HazardLevel.GENERAL,
            description="灶间灭火器过期",
            reported_by=p["carol"],
            source=HazardSource.SELF_REPORT,
            found_on=datetime.date(2014, 9, day),
            risk_point=point,
        )


# kind → (the step that raises it, who must be told): one scenario per row of the table.
Scenario = Callable[[dict[str, Any], Any], Any]
SCENARIOS: dict[str, tuple[Scenario, set[str]]] = {
    K.HAZARD_REPORTED: (lambda p, b: _report(p), {"bureau", "alice"}),
    K.HAZARD_FOUND_IN_INSPECTION: (
        lambda p, b: _report(p, "fire", source=HazardSource.INSPECTION),
        {"bureau", "alice"},
    ),
    K.HAZARD_ASSIGNED: (lambda p, b: _assigned(p), {"alice", "carol"}),
    K.HAZARD_EXTENSION_REQUESTED: (lambda p, b: _extension_asked(p), {"bureau", "fire"}),
    K.HAZARD_EXTENSION_DECIDED: (
        lambda p, b: _extension_asked(p).decide_extension(p["fire"], approve=True),
        {"alice"},
    ),
    K.HAZARD_SUBMITTED: (lambda p, b: _submitted(p, "fire"), {"bureau", "fire"}),
    K.HAZARD_VERIFICATION_FAILED: (
        lambda p, b: _submitted(p).verify(p["bureau"], passed=False, comment="照片不清"),
        {"alice"},
    ),
    K.HAZARD_CLOSED: (
        lambda p, b: _submitted(p).verify(p["bureau"], passed=True),
        {"alice", "carol"},
    ),
    K.HAZARD_REJECTED: (
        lambda p, b: _report(p).reject(p["bureau"], reason="已是正常堆放"),
        {"alice", "carol"},
    ),
    K.HAZARD_SUPERVISED: (lambda p, b: _supervised(p), {"alice", "bureau"}),
    K.HAZARD_SUPERVISION_LIFTED: (
        lambda p, b: _supervised(p).lift_supervision(p["leader"]),
        {"alice", "bureau"},
    ),
    K.INSPECTION_SCHEDULED: (
        lambda p, b: InspectionSchedule.objects.plan(
            p["bureau"],
            title="开学前消防检查",
            kind="joint",
            start_date=datetime.date(2014, 8, 18),
            due_date=datetime.date(2014, 8, 31),
            schools=[p["alice"].membership.school],
            departments=[p["fire"].membership.department],
        ),
        {"fire", "alice"},
    ),
    K.MONTHLY_SUBMITTED: (lambda p, b: _monthly(p), {"bureau"}),
    K.MONTHLY_RETURNED: (
        lambda p, b: _monthly(p).return_for_changes(p["bureau"], "请补充整改情况"),
        {"alice"},
    ),
    K.MONTHLY_ACCEPTED: (lambda p, b: _monthly(p).accept(p["bureau"]), {"alice"}),
    K.WORK_PLAN_SUBMITTED: (lambda p, b: _plan(p, b), {"bureau"}),
    K.WORK_PLAN_RETURNED: (
        lambda p, b: _plan(p, b).return_to_school(p["bureau"], "请细化分工"),
        {"alice"},
    ),
    K.WORK_PLAN_ACCEPTED: (lambda p, b: _plan(p, b).accept(p["bureau"]), {"alice"}),
    K.CAMPAIGN_STARTED: (
        lambda p, b: Campaign.objects.create(
            bureau=b,
            name="暑期防溺水专项行动",
            start_date=datetime.date(2014, 7, 1),
            end_date=datetime.date(2014, 8, 31),
        ).start(p["bureau"]),
        {"alice", "bob"},
    ),
    # The city's campaign: the safety sections of its districts adopt it.
    K.CAMPAIGN_TO_ADOPT: (lambda p, b: _city_campaign(b), {"bureau"}),
    K.OFFICIAL_ISSUED: (
        lambda p, b: official.generate("quarterly", b, year=2014, quarter=3).issue(p["bureau"]),
        {"gov", "leader"},
    ),
    K.WATCH_LIST_STOP: (lambda p, b: _watch_stop(p), {"alice", "bureau"}),
    K.DOCUMENT_ISSUED: (
        lambda p, b: IssuedDocument.issue(
            p["bureau"],
            schools=[p["alice"].membership.school],
            kind="rectification_notice",
            title="关于校舍安全隐患整改的通知",
            body="请于9月底前完成整改。",
            sign_by=datetime.date(2014, 9, 10),
        ),
        {"alice"},
    ),
    K.WATCH_LIST_VISITOR: (lambda p, b: _watch_hit(p), {"alice", "bureau"}),
    K.INCIDENT_REPORTED: (lambda p, b: _incident(p), {"bureau", "leader"}),
    K.VEHICLE_CHECK_FAILED: (lambda p, b: _failed_check(p), {"bureau"}),
    K.RISK_REASSESSMENT_DUE: (lambda p, b: _recurrence(p), {"alice", "bureau"}),
}


def told(kind: str) -> set[str]:
    return set(Notification.objects.filter(kind=kind).values_list("recipient__username", flat=True))


def test_every_row_of_the_table_has_its_scenario_and_its_sentence():
    assert set(SCENARIOS) == set(TABLE)
    assert set(TABLE) <= set(MESSAGES)
    assert URGENT_KINDS <= set(TABLE)


@pytest.mark.parametrize("kind", list(SCENARIOS))
def test_each_event_tells_exactly_the_people_of_its_row(kind, people, bureau):
    step, expected = SCENARIOS[kind]
    step(people, bureau)
    assert told(kind) == expected
    for notice in Notification.objects.filter(kind=kind):
        assert notice.link.startswith("/")
        assert notice.is_urgent == (kind in URGENT_KINDS)
        # Put into words from its parameters, in either language (never the bare label).
        assert "%(" not in notice.message and notice.message != str(K(kind).label)
        with translation.override("en"):
            assert "%(" not in notice.message and notice.message != str(K(kind).label)


def test_the_watch_list_sentence_is_urgent_and_names_the_person(people, bureau):
    _watch_hit(people)
    notice = Notification.objects.get(kind=K.WATCH_LIST_VISITOR, recipient=people["alice"])
    assert notice.is_urgent
    assert notice.message.startswith("紧急：清溪区实验小学重点关注名单人员钱七（法院禁止令）")


def test_an_incident_recorded_by_the_bureau_tells_the_school(people, bureau):
    moment = datetime.datetime(2014, 9, 3, 9, 0, tzinfo=datetime.UTC)
    Incident.objects.create(
        school=people["alice"].membership.school,
        recorded_by=people["bureau"],
        occurred_at=moment,
        reported_at=moment,
        kind=IncidentKind.FIRE,
        severity=Severity.MAJOR,
        description="食堂起火",
    )
    assert told(K.INCIDENT_REPORTED) == {"alice", "leader"}


def test_a_rolled_back_step_tells_nobody(people, bureau):
    hazard = _report(people)
    with pytest.raises(RuntimeError), transaction.atomic():
        hazard.assign(people["bureau"], opinion="立即清理", deadline=datetime.date(2014, 9, 15))
        assert told(K.HAZARD_ASSIGNED) == {"alice", "carol"}  # inside the step's transaction
        raise RuntimeError("the request failed after the step")
    assert told(K.HAZARD_ASSIGNED) == set()


def test_a_step_refused_as_stale_tells_nobody(people, bureau):
    hazard = _report(people)
    copy = Hazard.objects.get(pk=hazard.pk)
    hazard.assign(people["bureau"], opinion="立即清理", deadline=datetime.date(2014, 9, 15))
    with pytest.raises(Stale):
        copy.assign(people["bureau"], opinion="另一意见", deadline=datetime.date(2014, 9, 20))
    assert (
        Notification.objects.filter(kind=K.HAZARD_ASSIGNED, recipient__username="alice").count()
        == 1
    )


def test_another_districts_people_are_never_told(people, bureau):
    for kind, (step, _expected) in SCENARIOS.items():
        if kind in (K.HAZARD_REPORTED, K.CAMPAIGN_STARTED, K.OFFICIAL_ISSUED):
            step(people, bureau)
    assert not Notification.objects.filter(recipient=people["outsider"]).exists()


def test_the_docs_show_every_row_of_the_table():
    text = DOCS.read_text(encoding="utf-8")
    for kind, _audiences, urgent in rows():
        line = next((ln for ln in text.splitlines() if f"`{kind}`" in ln), None)
        assert line is not None, kind
        assert ("urgent" in line) == urgent, kind
