"""The to-do list that opens every home page: what awaits this user, each line linking to the
page of the step, per role; the page's query count does not grow with the data."""

from __future__ import annotations

import datetime

import pytest
import time_machine
from django.urls import reverse

from xiaoan.campaigns.models import Campaign
from xiaoan.core.dates import replaying
from xiaoan.hazards.choices import HazardLevel, HazardSource
from xiaoan.hazards.models import Area, Hazard
from xiaoan.hazards.tests.conftest import after_photo
from xiaoan.reports import official
from xiaoan.reports.models import MonthlyReport
from xiaoan.todo import LIMIT, todo_for

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2014, 10, 10)
ASSIGNED_ON = datetime.date(2014, 10, 1)


@pytest.fixture(autouse=True)
def _today():
    with time_machine.travel(datetime.datetime(2014, 10, 10, 2, 0, tzinfo=datetime.UTC)):
        yield


def report(school, user, level=HazardLevel.GENERAL) -> Hazard:
    return Hazard.objects.report(
        school=school,
        area=Area.objects.get(code="fire"),
        level=level,
        description="消防通道堆放杂物",
        reported_by=user,
        source=HazardSource.SELF_REPORT,
        found_on=datetime.date(2014, 10, 1),
    )


def groups(user) -> dict[str, list[tuple[str, str, str]]]:
    return {g.key: [(ln.text, ln.link, ln.detail) for ln in g.lines] for g in todo_for(user)}


def test_the_bureau_sees_what_to_assign_verify_and_review(
    bureau_admin, alice, bob, school_a, school_b
):
    waiting = report(school_a, alice)
    done = report(school_b, bob)
    with replaying(ASSIGNED_ON):  # the deadline was ahead then
        done.assign(bureau_admin, opinion="清理", deadline=datetime.date(2014, 10, 5))
    done.start(bob)
    done.submit(bob, measures="已清理", photos=[after_photo()])
    overdue = report(school_a, alice)
    with replaying(ASSIGNED_ON):  # the deadline was ahead then
        overdue.assign(bureau_admin, opinion="清理", deadline=datetime.date(2014, 10, 8))
    monthly = MonthlyReport.start(alice, 2014, 9)
    monthly.submit(alice)
    todo = groups(bureau_admin)
    assert todo["assign"] == [
        (
            f"{waiting.code} 清溪区实验小学 · 消防通道堆放杂物",
            f"/hazards/{waiting.pk}/",
            "2014-10-01",
        )
    ]
    assert [link for _t, link, _d in todo["verify"]] == [f"/hazards/{done.pk}/"]
    assert todo["monthly"] == [
        ("清溪区实验小学 · 2014-09", f"/reports/monthly/{monthly.pk}/", "已报送")
    ]
    assert todo["overdue"] == [
        ("清溪区实验小学", f"/hazards/?school={school_a.pk}&overdue=true", "逾期1项")
    ]
    assert list(todo) == ["assign", "verify", "monthly", "overdue"]  # empty groups left out


def test_the_school_sees_its_hazards_with_days_left_and_what_was_returned(
    bureau_admin, alice, school_a
):
    soon = report(school_a, alice)
    with replaying(ASSIGNED_ON):  # the deadline was ahead then
        soon.assign(bureau_admin, opinion="清理", deadline=datetime.date(2014, 10, 13))
    late = report(school_a, alice)
    with replaying(ASSIGNED_ON):  # the deadline was ahead then
        late.assign(bureau_admin, opinion="清理", deadline=datetime.date(2014, 10, 7))
    monthly = MonthlyReport.start(alice, 2014, 9)
    monthly.submit(alice)
    monthly.return_for_changes(bureau_admin, "请补充整改措施")
    todo = groups(alice)
    assert [(link, detail) for _t, link, detail in todo["rectify"]] == [
        (f"/hazards/{late.pk}/", "逾期3天"),
        (f"/hazards/{soon.pk}/", "剩余3天"),
    ]
    assert todo["returned"] == [
        ("2014年9月安全月报", f"/reports/monthly/{monthly.pk}/", "请补充整改措施")
    ]
    assert todo["duty"] == [("今日未排值班", "/registers/duty/", "")]


def test_the_school_is_told_to_file_last_months_report_and_its_work_plan(bureau, alice):
    campaign = Campaign.objects.create(
        bureau=bureau,
        name="秋季消防专项行动",
        start_date=datetime.date(2014, 9, 1),
        end_date=datetime.date(2014, 11, 30),
        status="running",
    )
    todo = groups(alice)
    assert todo["due"] == [
        ("2014年9月安全月报", "/reports/monthly/", "2014-10-05前报送"),
        ("秋季消防专项行动", f"/campaigns/{campaign.pk}/my-plan/", "工作方案尚未报送"),
    ]


def test_the_inspector_sees_what_its_department_found_awaiting_verification(
    bureau_admin, fire, alice, school_a
):
    found = report(school_a, fire)
    with replaying(ASSIGNED_ON):  # the deadline was ahead then
        found.assign(fire, opinion="清理", deadline=datetime.date(2014, 10, 20))
    found.start(alice)
    found.submit(alice, measures="已清理", photos=[after_photo()])
    report(school_a, alice)  # the bureau's to assign, not the fire brigade's
    assert groups(fire) == {
        "verify": [(f"{found.code} 清溪区实验小学 · 消防通道堆放杂物", f"/hazards/{found.pk}/", "")]
    }


def test_leaders_and_government_see_supervised_hazards_and_the_latest_report(
    bureau, bureau_admin, leader, gov, alice, school_a
):
    major = report(school_a, alice, level=HazardLevel.MAJOR)
    assert [link for _t, link, _d in groups(leader)["supervise"]] == [f"/hazards/{major.pk}/"]
    major.supervise(leader)
    issued = official.generate("quarterly", bureau, year=2014, quarter=3)
    issued.issue(bureau_admin)
    for user in (leader, gov):
        todo = groups(user)
        assert [link for _t, link, _d in todo["supervised"]] == [f"/hazards/{major.pk}/"]
        assert todo["issued"][0][1] == f"/reports/official/{issued.pk}/"
    assert "supervise" not in groups(leader)


def test_a_long_list_shows_its_first_lines_and_a_link_to_all(bureau_admin, alice, school_a):
    for _ in range(LIMIT + 2):
        report(school_a, alice)
    [group] = [g for g in todo_for(bureau_admin) if g.key == "assign"]
    assert (len(group.lines), group.count) == (LIMIT, LIMIT + 2)
    assert group.more == "/hazards/?status=reported"


def test_the_to_do_list_comes_first_on_the_home_page(as_user, bureau_admin, alice, school_a):
    hazard = report(school_a, alice)
    page = as_user(bureau_admin).get(reverse("home")).content.decode()
    assert page.index('id="todo"') < page.index('id="hazard-figures"')
    assert f'href="/hazards/{hazard.pk}/"' in page
    assert "待下达整改意见的隐患" in page


def test_nothing_to_do_is_said(as_user, gov):
    assert "目前没有待办事项。" in as_user(gov).get(reverse("home")).content.decode()


@pytest.mark.parametrize("persona", ["bureau_admin", "alice", "fire", "leader"])
def test_the_home_page_asks_the_same_number_of_queries_with_more_data(
    persona, request, as_user, bureau_admin, alice, school_a
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    user = request.getfixturevalue(persona)
    client = as_user(user)

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get(reverse("home")).status_code == 200
        return len(captured.captured_queries)

    def more() -> None:
        for _ in range(LIMIT + 2):
            h = report(school_a, alice, level=HazardLevel.MAJOR)
            with replaying(ASSIGNED_ON):  # the deadline was ahead then
                h.assign(bureau_admin, opinion="清理", deadline=datetime.date(2014, 10, 1))

    more()
    queries()  # the first page after the login also saves the session (accounts/sessions.py)
    before = queries()
    more()
    assert queries() == before


def test_a_district_without_schools_is_shown_the_next_steps_of_its_set_up(as_user, bureau_admin):
    [group] = todo_for(bureau_admin)
    assert group.key == "setup"
    links = [line.link for line in group.lines]
    assert links == [
        "/schools/organisations/",
        "/schools/import/",
        "/hazards/import/",
        "/accounts/users/",
    ]
    page = as_user(bureau_admin).get(reverse("home")).content.decode()
    assert "设置您的区县" in page and 'href="/schools/import/"' in page
    for link in links:  # every step's page is the bureau admin's
        assert as_user(bureau_admin).get(link).status_code == 200


def test_the_set_up_steps_go_once_a_school_is_on_the_registry(bureau_admin, school_a):
    assert "setup" not in groups(bureau_admin)
