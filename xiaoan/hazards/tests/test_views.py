"""Ledger pages: isolation, role-limited buttons and actions, exports, fixed query counts."""

from __future__ import annotations

import datetime
import io

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import load_workbook

from xiaoan.core.models import stale_message
from xiaoan.hazards.choices import HazardStatus
from xiaoan.hazards.models import Hazard

from .conftest import jpeg_bytes, to_stage

OCT_2014 = datetime.datetime(2014, 10, 1, 2, tzinfo=datetime.UTC)

pytestmark = pytest.mark.django_db


def test_school_sees_only_its_own_hazards_in_the_ledger(as_user, make_hazard, alice, bob, school_b):
    mine = make_hazard(description="灭火器过期未更换")
    make_hazard(school=school_b, user=bob, description="围墙开裂")
    response = as_user(alice).get(reverse("hazards:list"))
    assert response.status_code == 200
    assert list(response.context["object_list"]) == [mine]
    assert "围墙开裂" not in response.content.decode()


@pytest.mark.parametrize("persona", ["bob", "outsider"])
def test_other_school_or_district_gets_404_on_detail_and_actions(request, as_user, hazard, persona):
    client = as_user(request.getfixturevalue(persona))
    assert client.get(reverse("hazards:detail", args=[hazard.pk])).status_code == 404
    assert client.get(reverse("hazards:edit", args=[hazard.pk])).status_code == 404
    response = client.post(reverse("hazards:reject", args=[hazard.pk]), {"reason": "x"})
    assert response.status_code == 404
    assert Hazard.objects.get().status == HazardStatus.REPORTED


def test_inspector_sees_only_hazards_its_department_found(as_user, make_hazard, fire, school_b):
    found = make_hazard(school=school_b, user=fire)
    other = make_hazard()
    client = as_user(fire)
    assert list(client.get(reverse("hazards:list")).context["object_list"]) == [found]
    assert client.get(reverse("hazards:detail", args=[other.pk])).status_code == 404


def test_detail_shows_only_the_buttons_the_user_may_press(
    as_user, hazard, bureau_admin, gov, alice
):
    page = as_user(bureau_admin).get(reverse("hazards:detail", args=[hazard.pk])).content.decode()
    assert reverse("hazards:assign", args=[hazard.pk]) in page
    assert reverse("hazards:reject", args=[hazard.pk]) in page
    assert reverse("hazards:start", args=[hazard.pk]) not in page
    page = as_user(alice).get(reverse("hazards:detail", args=[hazard.pk])).content.decode()
    assert reverse("hazards:assign", args=[hazard.pk]) not in page
    page = as_user(gov).get(reverse("hazards:detail", args=[hazard.pk])).content.decode()
    assert 'name="version"' not in page
    assert "消防通道堆放杂物" in page


def test_bureau_assigns_through_the_page(as_user, hazard, bureau_admin):
    response = as_user(bureau_admin).post(
        reverse("hazards:assign", args=[hazard.pk]),
        {"opinion": "立即清理", "deadline": "2014-09-20", "version": hazard.version},
    )
    assert response.status_code == 302
    hazard.refresh_from_db()
    assert (hazard.status, hazard.deadline) == (HazardStatus.ASSIGNED, datetime.date(2014, 9, 20))


@pytest.mark.parametrize("persona", ["gov", "leader", "carol"])
def test_read_only_roles_pressing_assign_get_403(request, as_user, hazard, persona):
    client = as_user(request.getfixturevalue(persona))
    response = client.post(
        reverse("hazards:assign", args=[hazard.pk]),
        {"opinion": "整改", "deadline": "2014-09-20"},
    )
    assert response.status_code == 403
    assert "只有教育局安全科或发现该隐患的部门" in response.content.decode()
    assert Hazard.objects.get().status == HazardStatus.REPORTED


def test_wrong_role_on_edit_and_report_pages_gets_403_with_the_reason(as_user, hazard, carol, gov):
    response = as_user(carol).get(reverse("hazards:edit", args=[hazard.pk]))
    assert response.status_code == 403
    assert "您的角色无权修改该隐患" in response.content.decode()
    response = as_user(gov).get(reverse("hazards:report"))
    assert response.status_code == 403
    assert "您的角色无权上报隐患" in response.content.decode()


def test_actions_refuse_get_with_405(as_user, hazard, bureau_admin):
    response = as_user(bureau_admin).get(reverse("hazards:assign", args=[hazard.pk]))
    assert response.status_code == 405


def test_step_from_wrong_state_shows_a_message_and_changes_nothing(as_user, hazard, alice):
    client = as_user(alice)
    response = client.post(reverse("hazards:submit", args=[hazard.pk]), {"measures": "x"})
    assert response.status_code == 302
    page = client.get(response.url).content.decode()
    assert "待受理" in page and "不能" in page
    assert Hazard.objects.get().status == HazardStatus.REPORTED


def test_submit_page_refuses_without_an_after_photo_then_accepts_one(
    as_user, hazard, bureau_admin, alice
):
    to_stage(hazard, "rectifying", bureau_admin, alice)
    client = as_user(alice)
    detail = client.get(hazard.get_absolute_url()).content.decode()
    assert 'name="photos"' in detail and "整改后照片" in detail
    url = reverse("hazards:submit", args=[hazard.pk])
    response = client.post(url, {"measures": "已清理通道杂物"}, follow=True)
    assert "请至少上传一张整改后照片" in response.content.decode()
    hazard.refresh_from_db()
    assert (hazard.status, hazard.measures) == (HazardStatus.RECTIFYING, "")
    photo = SimpleUploadedFile("after.jpg", jpeg_bytes(), content_type="image/jpeg")
    response = client.post(url, {"measures": "已清理通道杂物", "photos": [photo]}, follow=True)
    assert "已提交复查" in response.content.decode()
    hazard.refresh_from_db()
    assert hazard.status == HazardStatus.AWAITING_VERIFICATION
    submitted = hazard.events.get(kind="submitted")
    assert [p.kind for p in submitted.photos.all()] == ["after"]
    thumb = reverse("hazards:thumbnail", args=[submitted.photos.get().pk])
    assert f'class="event-photo rounded border" src="{thumb}"' in response.content.decode()


def test_pressing_a_button_on_a_stale_page_is_refused(as_user, hazard, bureau_admin, alice):
    stale_version = hazard.version
    hazard.edit(alice, version=hazard.version, location="二楼")
    client = as_user(bureau_admin)
    response = client.post(
        reverse("hazards:assign", args=[hazard.pk]),
        {"opinion": "整改", "deadline": "2014-09-20", "version": stale_version},
        follow=True,
    )
    assert stale_message() in response.content.decode()
    assert Hazard.objects.get().status == HazardStatus.REPORTED


def test_edit_form_refuses_the_second_of_two_concurrent_saves(as_user, hazard, alice, bureau_admin):
    url = reverse("hazards:edit", args=[hazard.pk])
    form = {"area": hazard.area_id, "level": "general", "location": "", "interim_control": ""}
    first = as_user(alice).post(url, {**form, "description": "甲的描述", "version": 1})
    assert first.status_code == 302
    second = as_user(bureau_admin).post(url, {**form, "description": "乙的描述", "version": 1})
    assert second.status_code == 200
    assert stale_message() in second.content.decode()
    assert Hazard.objects.get().description == "甲的描述"


REPORT = {
    "area": None,
    "level": "general",
    "description": "楼道灭火器缺失",
    "found_on": "2014-09-02",
    "source": "self_report",
}


def test_report_page_files_a_school_users_report_at_its_own_school(
    as_user, alice, school_a, fire_area
):
    response = as_user(alice).post(reverse("hazards:report"), {**REPORT, "area": fire_area.pk})
    hazard = Hazard.objects.get()
    assert response.url == hazard.get_absolute_url()
    assert hazard.school == school_a
    assert hazard.code == "YH-2014-0001"


def test_report_page_refuses_another_school_at_the_field(
    as_user, alice, school_a, school_b, fire_area
):
    data = {**REPORT, "area": fire_area.pk, "school": school_b.pk}
    response = as_user(alice).post(reverse("hazards:report"), data)
    assert response.status_code == 200
    assert response.context["form"].errors["school"] == ["只能为本校登记。"]
    assert "楼道灭火器缺失" in response.content.decode()  # what was typed stays
    assert not Hazard.objects.exists()


def test_gov_cannot_open_the_report_page(as_user, gov):
    assert as_user(gov).get(reverse("hazards:report")).status_code == 403


def test_report_page_refuses_a_future_date(as_user, alice, fire_area):
    response = as_user(alice).post(
        reverse("hazards:report"),
        {
            "area": fire_area.pk,
            "level": "general",
            "description": "x",
            "source": "self_report",
            "found_on": "2999-01-01",
        },
    )
    assert response.status_code == 200
    assert not Hazard.objects.exists()


def _sheet_rows(response) -> list[tuple]:
    wb = load_workbook(io.BytesIO(response.content))
    return list(wb.active.iter_rows(min_row=3, values_only=True))


def test_export_holds_exactly_the_filtered_rows(
    as_user, make_hazard, bureau_admin, alice, bob, school_b
):
    closed = to_stage(make_hazard(), "closed", bureau_admin, alice)
    make_hazard(description="另一条")
    make_hazard(school=school_b, user=bob)
    response = as_user(bureau_admin).get(reverse("hazards:export"), {"status": "closed"})
    rows = _sheet_rows(response)
    assert [r[1] for r in rows] == [closed.code]
    assert rows[0][2] == "清溪区实验小学" and rows[0][16] == "已销号"
    header = load_workbook(io.BytesIO(response.content)).active[2]
    assert [c.value for c in header][:5] == ["序号", "隐患编号", "学校", "整治项目", "隐患描述"]


def test_export_of_a_school_user_never_holds_other_schools(
    as_user, make_hazard, alice, bob, school_b
):
    make_hazard()
    make_hazard(school=school_b, user=bob)
    rows = _sheet_rows(as_user(alice).get(reverse("hazards:export"), {"school": school_b.pk}))
    assert rows == []
    rows = _sheet_rows(as_user(alice).get(reverse("hazards:export")))
    assert len(rows) == 1 and rows[0][2] == "清溪区实验小学"


@pytest.mark.real_clock
def test_list_filters_overdue_and_supervised(as_user, make_hazard, bureau_admin, leader, alice):
    late = to_stage(make_hazard(), "rectifying", bureau_admin, alice)
    major = make_hazard(level="major")
    major.supervise(leader)
    client = as_user(bureau_admin)
    assert list(
        client.get(reverse("hazards:list"), {"overdue": "true"}).context["object_list"]
    ) == [late]
    result = client.get(reverse("hazards:list"), {"supervised": "true"}).context["object_list"]
    assert list(result) == [major]
    board = client.get(reverse("hazards:board"))
    assert list(board.context["overdue"]) == [late]
    assert list(board.context["supervised"]) == [major]


@pytest.mark.real_clock
def test_board_shows_the_longest_overdue_and_sends_to_the_ledger_for_the_rest(
    monkeypatch, as_user, make_hazard, bureau_admin, alice
):
    from xiaoan.hazards import views

    monkeypatch.setattr(views, "BOARD_ROWS", 2)
    late = [to_stage(make_hazard(), "rectifying", bureau_admin, alice) for _ in range(3)]
    board = as_user(bureau_admin).get(reverse("hazards:board"))
    assert board.context["overdue_count"] == 3
    assert list(board.context["overdue"]) == sorted(late, key=lambda h: (h.deadline, h.pk))[:2]
    assert f'href="{reverse("hazards:list")}?overdue=true"' in board.content.decode()
    assert "?supervised=true" not in board.content.decode()


def test_board_lists_extension_requests_awaiting_the_bureau(
    as_user, make_hazard, bureau_admin, alice, bob
):
    import datetime

    from xiaoan.core.dates import local_today

    hazard = to_stage(make_hazard(), "rectifying", bureau_admin, alice)
    hazard.request_extension(
        alice, new_deadline=local_today() + datetime.timedelta(days=30), reason="等待材料"
    )
    page = as_user(bureau_admin).get(reverse("hazards:board"))
    assert [e.hazard for e in page.context["extensions"]] == [hazard]
    assert f'<a href="{hazard.get_absolute_url()}">{hazard.code}</a>' in page.content.decode()
    hazard.decide_extension(bureau_admin, approve=True, comment="")
    assert list(as_user(bureau_admin).get(reverse("hazards:board")).context["extensions"]) == []


def test_list_page_uses_the_same_number_of_queries_whatever_the_page_size(
    as_user, make_hazard, bureau_admin, django_assert_num_queries
):
    from django.core.cache import cache
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = as_user(bureau_admin)
    make_hazard()
    client.get(reverse("hazards:list"))  # past the login's first session save
    cache.clear()  # every row to render: their hazards read whole in one query
    with CaptureQueriesContext(connection) as one:
        client.get(reverse("hazards:list"))
    for _ in range(12):
        make_hazard()
    cache.clear()
    with django_assert_num_queries(len(one.captured_queries)):
        response = client.get(reverse("hazards:list"))
    assert len(response.context["object_list"]) == 13


def test_school_ledger_counts_and_isolation(
    as_user, make_hazard, bureau_admin, alice, bob, school_a
):
    to_stage(make_hazard(), "closed", bureau_admin, alice)
    make_hazard()
    response = as_user(bureau_admin).get(reverse("hazards:school", args=[school_a.pk]))
    assert response.context["total"] == 2
    assert dict(response.context["status_counts"])["已销号"] == 1
    assert as_user(bob).get(reverse("hazards:school", args=[school_a.pk])).status_code == 404


def test_bureau_renames_an_area_and_others_may_not(as_user, bureau_admin, alice, gov, fire_area):
    url = reverse("hazards:area_edit", args=[fire_area.pk])
    data = {
        "name_zh": "消防安全管理",
        "name_en": "Fire safety",
        "order": 3,
        "is_active": "on",
        "version": fire_area.version,
    }
    assert as_user(alice).post(url, data).status_code == 403
    assert as_user(gov).get(url).status_code == 403
    assert as_user(bureau_admin).post(url, data).status_code == 302
    fire_area.refresh_from_db()
    assert fire_area.name_zh == "消防安全管理"
    page = as_user(alice).get(reverse("hazards:areas")).content.decode()
    assert "消防安全管理" in page and url not in page


def test_leader_puts_a_major_hazard_under_supervision_from_the_page(
    as_user, make_hazard, leader, bureau_admin
):
    major = make_hazard(level="major")
    url = reverse("hazards:supervise", args=[major.pk])
    assert url not in as_user(bureau_admin).get(major.get_absolute_url()).content.decode()
    client = as_user(leader)
    assert url in client.get(major.get_absolute_url()).content.decode()
    assert client.post(url, {"comment": "挂牌督办", "version": major.version}).status_code == 302
    assert Hazard.objects.get().supervised
    assert as_user(bureau_admin).post(url, {}).status_code == 403


@pytest.mark.real_clock
@time_machine.travel(OCT_2014, tick=False)
def test_school_requests_and_bureau_approves_an_extension_from_the_page(
    as_user, hazard, bureau_admin, alice
):
    to_stage(hazard, "rectifying", bureau_admin, alice)
    school = as_user(alice)
    school.post(
        reverse("hazards:extend", args=[hazard.pk]),
        {"new_deadline": "2014-10-15", "reason": "需采购设备"},
    )
    page = as_user(bureau_admin).get(hazard.get_absolute_url()).content.decode()
    assert reverse("hazards:decide_extension", args=[hazard.pk]) in page
    as_user(bureau_admin).post(
        reverse("hazards:decide_extension", args=[hazard.pk]), {"approve": "1"}
    )
    hazard.refresh_from_db()
    assert hazard.deadline == datetime.date(2014, 10, 15)


@pytest.mark.real_clock
@time_machine.travel(OCT_2014, tick=False)
def test_an_extension_to_a_date_already_past_is_refused(as_user, hazard, bureau_admin, alice):
    to_stage(hazard, "rectifying", bureau_admin, alice)
    old_deadline = hazard.deadline
    response = as_user(alice).post(
        reverse("hazards:extend", args=[hazard.pk]),
        {"new_deadline": "2014-09-30", "reason": "需采购设备", "version": hazard.version},
        follow=True,
    )
    assert "整改期限不能早于今天" in response.content.decode()
    hazard.refresh_from_db()
    assert hazard.deadline == old_deadline and not hazard.extension_requests.exists()


def test_a_step_the_system_took_shows_a_dash_for_who(as_user, hazard, bureau_admin):
    """The worker's steps (reminders, escalations) have no user; the history names nobody."""
    hazard.events.update(actor=None)
    response = as_user(bureau_admin).get(reverse("hazards:detail", args=[hazard.pk]))
    assert response.status_code == 200
    assert "· —" in response.content.decode()


def test_the_filter_bar_all_states_choice_filters_nothing_out(as_user, make_hazard, bureau_admin):
    # The bar sends every field, the empty "all states" among them, on each change.
    hazard = make_hazard()
    response = as_user(bureau_admin).get(reverse("hazards:list"), {"status": "", "school": ""})
    assert list(response.context["object_list"]) == [hazard]
    closed = as_user(bureau_admin).get(reverse("hazards:list"), {"status": ["", "closed"]})
    assert list(closed.context["object_list"]) == []


def test_a_report_sent_back_with_an_error_shows_the_school_picked_by_name(
    as_user, bureau_admin, school_b
):
    page = as_user(bureau_admin).post(
        reverse("hazards:report"), {"school": school_b.pk, "description": "实验室通风橱损坏"}
    )
    html = page.content.decode()
    assert "<select" not in html.split('name="school"')[0][-300:]
    assert f'name="school" value="{school_b.pk}"' in html
    assert 'value="S002 清溪区第一中学"' in html


def test_the_history_puts_the_colon_of_the_language_after_the_deadlines(
    as_user, hazard, bureau_admin, alice, settings
):
    to_stage(hazard, "rectifying", bureau_admin, alice)
    as_user(alice).post(
        reverse("hazards:extend", args=[hazard.pk]),
        {"new_deadline": "2014-10-15", "reason": "需采购设备"},
    )
    client = as_user(bureau_admin)
    chinese = client.get(hazard.get_absolute_url()).content.decode()
    assert "整改期限：2014-09-15" in chinese and "申请延期至：2014-10-15" in chinese
    assert "整改期限: " not in chinese and "申请延期至: " not in chinese
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    english = client.get(hazard.get_absolute_url()).content.decode()
    assert "Deadline: 2014-09-15" in english and "Requested deadline: 2014-10-15" in english
