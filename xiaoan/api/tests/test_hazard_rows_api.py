"""The hazard list's API rows are made once for each version of what they give
(`api.hazards.kept_rows`, `core.fragments.records`): a list asked again reads only the page's
keys, a step or a renamed school, area, department or reporter's login shows at once, each
caller's `allowed_actions` are its own, and a hazard becomes overdue on the day it does."""

from __future__ import annotations

import datetime

import pytest
from django.db import connection

from xiaoan.core.dates import replaying

from .test_hazards_api import api_for, report

pytestmark = pytest.mark.usefixtures("replay_2014")

URL = "/api/v1/hazards/"


def listed(client) -> tuple[dict[int, dict], list[str]]:
    statements: list[str] = []

    def record(execute, sql, params, many, context):
        statements.append(sql)
        return execute(sql, params, many, context)

    with connection.execute_wrapper(record):
        response = client.get(URL)
    assert response.status_code == 200
    return {row["id"]: row for row in response.json()["results"]}, statements


def made_afresh(statements: list[str]) -> bool:
    """Whether a row was read whole (its description) to be serialized."""
    return any('"hazards_hazard"."description"' in sql for sql in statements)


@pytest.fixture
def two(alice, school_a):
    return [report(alice, school_a, description=f"第{n}处隐患") for n in range(2)]


def test_a_list_asked_again_reads_only_the_keys_and_gives_the_same_rows(bureau_admin, two):
    client = api_for(bureau_admin)
    first, statements = listed(client)
    assert made_afresh(statements) and set(first) == {h.pk for h in two}
    again, statements = listed(client)
    assert again == first and not made_afresh(statements)


def test_a_step_shows_at_once(bureau_admin, two):
    client = api_for(bureau_admin)
    listed(client)
    two[0].assign(bureau_admin, opinion="三日内更换", deadline=datetime.date(2014, 9, 10))
    rows, statements = listed(client)
    assert made_afresh(statements)
    assert rows[two[0].pk]["status"] == "assigned" and rows[two[1].pk]["status"] == "reported"
    assert "assign" not in rows[two[0].pk]["allowed_actions"]


def _rename_school(hazard, fire) -> tuple[str, str]:
    hazard.school.name = "清江路小学（新校区）"
    hazard.school.save()
    return "school_name", "清江路小学（新校区）"


def _rename_area(hazard, fire) -> tuple[str, str]:
    hazard.area.name_zh = "消防安全（含电气）"
    hazard.area.save()
    return "area_name", "消防安全（含电气）"


def _rename_department(hazard, fire) -> tuple[str, str]:
    hazard.department.name = "区消防救援大队"
    hazard.department.save()
    return "department_name", "区消防救援大队"


def _rename_login(hazard, fire) -> tuple[str, str]:
    fire.username = "fire-brigade"
    fire.save()
    return "reported_by", "fire-brigade"


@pytest.mark.parametrize(
    "rename", [_rename_school, _rename_area, _rename_department, _rename_login]
)
def test_a_rename_shows_at_once(rename, bureau_admin, fire, school_a, fire_department):
    found = report(fire, school_a, description="疏散通道堵塞", department=fire_department)
    client = api_for(bureau_admin)
    listed(client)
    field, value = rename(found, fire)
    rows, _statements = listed(client)
    assert rows[found.pk][field] == value


def test_each_caller_gets_its_own_allowed_actions(bureau_admin, leader, alice, bob, gov, two):
    actions = {}
    for user in (bureau_admin, alice, leader, gov, bureau_admin, alice):
        rows, _statements = listed(api_for(user))
        actions[user.username] = rows[two[0].pk]["allowed_actions"]
        assert actions[user.username] == two[0].allowed_actions(user)
    assert "assign" in actions[bureau_admin.username]
    assert "assign" not in actions[alice.username] and "edit" in actions[alice.username]
    assert actions[gov.username] == []
    assert listed(api_for(bob))[0] == {}  # another school's hazards are not listed


def test_a_hazard_becomes_overdue_on_the_day_it_is(bureau_admin, two):
    two[0].assign(bureau_admin, opinion="三日内更换", deadline=datetime.date(2014, 9, 10))
    client = api_for(bureau_admin)
    assert listed(client)[0][two[0].pk]["is_overdue"] is False
    with replaying(datetime.date(2014, 9, 11)):
        assert listed(client)[0][two[0].pk]["is_overdue"] is True
