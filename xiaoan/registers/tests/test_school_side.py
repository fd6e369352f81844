"""What a gate keeper meets on a phone: the sign-out list is one tap away from the top."""

from __future__ import annotations

import datetime

import pytest
import time_machine
from django.urls import reverse

from xiaoan.registers.models import DutyLogEntry, DutyShift

from .conftest import VALID_ID

pytestmark = pytest.mark.django_db

NOW = datetime.datetime(2026, 11, 20, 2, tzinfo=datetime.UTC)  # 10:00 in Shanghai


def test_gate_page_links_to_the_visitors_inside_only_when_someone_is(as_user, carol):
    client = as_user(carol)
    assert 'href="#inside-heading"' not in client.get(reverse("registers:gate")).content.decode()
    client.post(
        reverse("registers:gate"),
        {"name": "钱七", "id_type": "resident", "id_number": VALID_ID, "purpose": "送货"},
    )
    page = client.get(reverse("registers:gate")).content.decode()
    assert 'href="#inside-heading"' in page and "1人在校 · 登记离校" in page
    assert 'id="inside-heading"' in page


def test_a_shift_ending_before_it_starts_gets_a_chinese_message(as_user, alice):
    response = as_user(alice).post(
        reverse("registers:create", args=["duty"]),
        {"person": "王值班", "starts_at": "2014-09-01T18:00", "ends_at": "2014-09-01T08:00"},
    )
    page = response.content.decode()
    assert response.status_code == 200 and "值班结束时间必须晚于开始时间。" in page
    assert "dutyshift_ends_after_start" not in page
    assert not DutyShift.objects.exists()


def test_the_api_gives_the_same_message_for_a_backwards_shift(as_user, alice):
    response = as_user(alice).post(
        "/api/v1/registers/duty/",
        {"person": "王值班", "starts_at": "2014-09-01T18:00", "ends_at": "2014-09-01T08:00"},
    )
    assert response.status_code == 400
    assert response.json() == {"non_field_errors": ["值班结束时间必须晚于开始时间。"]}


@time_machine.travel(NOW, tick=False)
def test_a_duty_log_line_in_the_future_is_refused(as_user, alice):
    client = as_user(alice)
    url = reverse("registers:create", args=["duty-log"])
    future = {"kind": "patrol", "occurred_at": "2026-11-20T11:00", "content": "巡查"}
    response = client.post(url, future)
    assert "这个时间还没到" in response.content.decode()
    assert not DutyLogEntry.objects.exists()
    client.post(url, {**future, "occurred_at": "2026-11-20T09:30"})
    assert DutyLogEntry.objects.get().content == "巡查"


def test_staff_are_told_why_the_special_group_register_is_closed(as_user, carol, alice):
    page = as_user(carol).get(reverse("registers:list", args=["special-groups"])).content.decode()
    assert "仅本校安全管理员和教育局安全科可以查看" in page
    assert "暂无登记" not in page and "<table" not in page
    own = as_user(alice).get(reverse("registers:list", args=["special-groups"])).content.decode()
    assert "仅本校安全管理员" not in own and "<table" in own


def test_a_school_register_list_has_no_school_column(as_user, alice, bureau_admin):
    url = reverse("registers:list", args=["duty"])
    assert (
        '<th scope="col" class="text-nowrap">学校</th>'
        not in as_user(alice).get(url).content.decode()
    )
    assert (
        '<th scope="col" class="text-nowrap">学校</th>'
        in as_user(bureau_admin).get(url).content.decode()
    )


def test_short_register_cells_do_not_wrap_a_character_per_line(as_user, alice):
    client = as_user(alice)
    client.post(
        reverse("registers:create", args=["duty-log"]),
        {"kind": "handover", "occurred_at": "2014-09-01T07:50", "content": "交接班:无异常" * 5},
    )
    page = client.get(reverse("registers:list", args=["duty-log"])).content.decode()
    assert '<td class="text-nowrap">交接班</td>' in page
    assert '<td class="text-nowrap">2014-09-01 07:50</td>' in page
    assert "<td>" + "交接班:无异常" * 5 + "</td>" in page
    assert '<div class="col-6 col-md-3 col-lg-2"></div>' not in page  # no hole for the school


def test_papers_page_names_the_driver_column_and_drops_the_school_for_a_school(
    as_user, alice, bureau_admin
):
    own = as_user(alice).get(reverse("registers:papers")).content.decode()
    assert "<th>姓名</th>" in own and "<th>名称</th>" not in own
    assert "<th>学校</th>" not in own
    assert (
        "<th>学校</th>" in as_user(bureau_admin).get(reverse("registers:papers")).content.decode()
    )
