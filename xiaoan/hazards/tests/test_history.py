"""One history: every step and edit of a hazard, and every rename of an area, is in the change
log with who, before and after; the detail page says what an edit changed; the API rows carry
the steps the caller may take, as the page's buttons."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from xiaoan.core.models import ChangeLog, stale_message
from xiaoan.hazards.models import Area, Hazard

from .conftest import to_stage

pytestmark = pytest.mark.django_db


def _log(record) -> list[ChangeLog]:
    model = record._meta.model_name
    return list(
        ChangeLog.objects.filter(content_type__model=model, object_id=str(record.pk)).order_by("id")
    )


def test_report_and_each_step_are_logged_with_the_user_before_and_after(
    hazard, bureau_admin, alice
):
    hazard.assign(bureau_admin, opinion="立即清理", deadline=datetime.date(2014, 9, 15))
    created, assigned = _log(hazard)
    assert (created.action, created.user) == ("create", alice)
    assert (assigned.action, assigned.user) == ("state", bureau_admin)
    assert assigned.before == {"status": "reported", "opinion": "", "deadline": None}
    assert assigned.after == {"status": "assigned", "opinion": "立即清理", "deadline": "2014-09-15"}
    assert hazard.events.last().kind == "assigned"


def test_a_step_through_the_page_is_logged_with_the_users_address(as_user, hazard, bureau_admin):
    as_user(bureau_admin).post(
        reverse("hazards:reject", args=[hazard.pk]),
        {"reason": "经核实不属实", "version": hazard.version},
        REMOTE_ADDR="10.1.2.3",
    )
    rejected = _log(hazard)[-1]
    assert (rejected.user, rejected.address) == (bureau_admin, "10.1.2.3")
    assert (rejected.before, rejected.after) == ({"status": "reported"}, {"status": "rejected"})


def test_an_area_rename_is_logged_and_a_stale_rename_is_refused_at_the_form(
    as_user, bureau_admin, fire_area
):
    url = reverse("hazards:area_edit", args=[fire_area.pk])
    form = {"name_en": "Fire safety", "order": 3, "is_active": "on", "version": fire_area.version}
    assert as_user(bureau_admin).post(url, {**form, "name_zh": "消防安全管理"}).status_code == 302
    renamed = _log(fire_area)[-1]
    assert (renamed.action, renamed.user) == ("update", bureau_admin)
    assert (renamed.before, renamed.after) == ({"name_zh": "消防安全"}, {"name_zh": "消防安全管理"})
    stale = as_user(bureau_admin).post(url, {**form, "name_zh": "消防"})
    assert stale.status_code == 200
    assert stale_message() in stale.content.decode() and 'value="消防"' in stale.content.decode()
    assert Area.objects.get(pk=fire_area.pk).name_zh == "消防安全管理"


def test_the_timeline_says_what_an_edit_changed(as_user, hazard, alice):
    building = Area.objects.get(code="building")
    hazard.edit(alice, version=hazard.version, area=building, location="教学楼一楼", level="major")
    page = as_user(alice).get(hazard.get_absolute_url()).content.decode()
    assert "修改信息" in page
    assert "整治项目：消防安全 → 校舍安全" in page
    assert "具体位置：— → 教学楼一楼" in page
    assert "隐患等级：一般 → 重大" in page
    assert 'id="history"' in page


def test_the_inspection_and_schedule_pages_have_their_history_card(
    as_user, bureau_admin, school_a, fire_area
):
    from xiaoan.inspections.models import Inspection, InspectionSchedule

    inspection = Inspection.objects.start(
        bureau_admin,
        school=school_a,
        kind="spot",
        date=datetime.date(2014, 9, 2),
        areas=[fire_area],
    )
    schedule = InspectionSchedule.objects.plan(
        bureau_admin,
        title="抽查",
        kind="spot",
        start_date=datetime.date(2014, 9, 1),
        due_date=datetime.date(2014, 9, 30),
    )
    for record in (inspection, schedule):
        page = as_user(bureau_admin).get(record.get_absolute_url()).content.decode()
        assert 'id="history"' in page
        assert bureau_admin.get_full_name() in page.split('id="history"')[1]


@pytest.mark.parametrize("persona", ["bureau_admin", "alice", "leader", "carol", "fire"])
def test_api_rows_carry_the_models_allowed_actions(
    request, make_hazard, bureau_admin, alice, leader, persona
):
    to_stage(make_hazard(), "rectifying", bureau_admin, alice)
    waiting = to_stage(make_hazard(), "assigned", bureau_admin, alice)
    waiting.request_extension(alice, new_deadline=datetime.date(2014, 12, 1), reason="待采购")
    make_hazard(level="major").supervise(leader)
    user = request.getfixturevalue(persona)
    client = APIClient()
    client.force_authenticate(user)
    rows = client.get("/api/v1/hazards/").json()["results"]
    expected = {h.pk: h.allowed_actions(user) for h in Hazard.objects.for_user(user)}
    assert {row["id"]: row["allowed_actions"] for row in rows} == expected
    for pk, actions in expected.items():
        assert client.get(f"/api/v1/hazards/{pk}/").json()["allowed_actions"] == actions


def test_an_english_reader_sees_the_changes_after_an_english_colon(
    as_user, hazard, alice, settings
):
    hazard.edit(alice, version=hazard.version, location="教学楼一楼")
    client = as_user(alice)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    page = client.get(hazard.get_absolute_url()).content.decode()
    assert page.count("location: — → 教学楼一楼") == 2  # the timeline's and the history card's
    assert "：" not in page.replace("教学楼一楼", "")
