"""A watch-list person at the gate: the registration stops until the keeper admits them with a
reason or refuses entry; the school and the bureau are told at once; nothing is recorded before."""

from __future__ import annotations

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from xiaoan.core.changelog import history
from xiaoan.core.errors import Refused
from xiaoan.notifications.choices import NotificationKind as K
from xiaoan.notifications.models import Notification
from xiaoan.registers.models import Visitor, WatchListEntry

from .conftest import VALID_ID

GATE = reverse("registers:gate")
TYPED = {
    "name": "赵某某",
    "id_type": "resident",
    "id_number": VALID_ID,
    "organisation": "城建公司",
    "purpose": "找人",
    "host": "王老师",
    "phone": "13812345678",
}


@pytest.fixture
def watched(school_a) -> WatchListEntry:
    return WatchListEntry.objects.create(school=school_a, name="赵某某", reason="法院禁止令")


def told(kind: str) -> list[str]:
    return sorted(
        Notification.objects.filter(kind=kind).values_list("recipient__username", flat=True)
    )


def test_a_match_stops_the_registration_keeps_what_was_typed_and_tells_at_once(
    as_user, carol, alice, bureau_admin, watched
):
    response = as_user(carol).post(GATE, TYPED)
    assert response.status_code == 200
    assert not Visitor.objects.exists()
    form = response.context["form"]
    assert form.stop == watched
    page = response.content.decode()
    assert 'id="watch-stop"' in page and "法院禁止令" in page
    for value in TYPED.values():
        assert f'value="{value}"' in page or value == "resident"
    assert 'name="admission_reason"' in page and 'value="admit"' in page
    # At once, urgent, to the school's safety administrator and the bureau; not the keeper.
    assert told(K.WATCH_LIST_STOP) == ["alice", "bureau"]
    notice = Notification.objects.get(kind=K.WATCH_LIST_STOP, recipient=alice)
    assert notice.is_urgent and "赵某某" in notice.message and "法院禁止令" in notice.message
    assert notice.link == reverse("registers:detail", args=["watch-list", watched.pk])


def test_pressing_register_again_still_stops_and_tells_only_once(
    as_user, carol, alice, bureau_admin, watched
):
    client = as_user(carol)
    first = client.post(GATE, TYPED)
    assert first.context["form"]["watch_told"].value() == str(watched.pk)
    again = client.post(GATE, {**TYPED, "watch_told": watched.pk})
    assert again.context["form"].stop == watched
    assert not Visitor.objects.exists()
    assert len(told(K.WATCH_LIST_STOP)) == 2  # alice and the bureau, once each


def test_admitting_needs_a_reason_at_its_field_and_records_nothing_before(as_user, carol, watched):
    response = as_user(carol).post(GATE, {**TYPED, "watch_told": watched.pk, "decision": "admit"})
    form = response.context["form"]
    assert form.errors["admission_reason"] == ["请说明该人员虽在重点关注名单上仍准许入校的理由。"]
    assert form.stop == watched and form["purpose"].value() == "找人"
    assert not Visitor.objects.exists()


def test_confirming_admits_with_the_reason_in_the_history_and_tells_the_outcome(
    as_user, carol, alice, bureau_admin, watched
):
    client = as_user(carol)
    client.post(GATE, TYPED)
    response = client.post(
        GATE,
        {
            **TYPED,
            "watch_told": watched.pk,
            "decision": "admit",
            "admission_reason": "经校长同意，由保卫人员陪同",
        },
    )
    assert response.status_code == 302
    visitor = Visitor.objects.get()
    assert visitor.is_inside and not visitor.refused and visitor.watch_hit == watched
    assert visitor.admission_reason == "经校长同意，由保卫人员陪同"
    created = history(visitor).get()
    assert created.user == carol
    assert (created.after or {})["admission_reason"] == "经校长同意，由保卫人员陪同"
    detail = as_user(alice).get(reverse("registers:detail", args=["visitors", visitor.pk]))
    assert detail.content.decode().count("经校长同意，由保卫人员陪同") >= 2  # row and history
    assert "经校长同意，由保卫人员陪同" in client.get(GATE).content.decode()  # the day's list
    assert told(K.WATCH_LIST_VISITOR) == ["alice", "bureau"]
    notice = Notification.objects.get(kind=K.WATCH_LIST_VISITOR, recipient=alice)
    assert "准许入校" in notice.message and "经校长同意，由保卫人员陪同" in notice.message


def test_refusing_records_a_refusal_with_its_reason(as_user, carol, alice, watched):
    response = as_user(carol).post(
        GATE,
        {
            **TYPED,
            "watch_told": watched.pk,
            "decision": "refuse",
            "refusal_reason": "法院禁止令，不得入校",
            "admission_reason": "不应保存",
        },
    )
    assert response.status_code == 302
    visitor = Visitor.objects.get()
    assert visitor.refused and not visitor.is_inside
    assert visitor.refusal_reason == "法院禁止令，不得入校" and visitor.admission_reason == ""
    notice = Notification.objects.get(kind=K.WATCH_LIST_VISITOR, recipient=alice)
    assert "拒绝入校" in notice.message


def test_refusing_without_a_reason_keeps_the_stop_and_says_so_at_the_field(as_user, carol, watched):
    response = as_user(carol).post(GATE, {**TYPED, "watch_told": watched.pk, "decision": "refuse"})
    form = response.context["form"]
    assert form.errors["refusal_reason"] and form.stop == watched
    assert not Visitor.objects.exists()


def test_no_match_registers_at_once_and_tells_nobody(as_user, carol, watched):
    response = as_user(carol).post(GATE, {**TYPED, "name": "钱七"})
    assert response.status_code == 302
    visitor = Visitor.objects.get()
    assert visitor.is_inside and visitor.watch_hit is None and visitor.admission_reason == ""
    assert not Notification.objects.filter(kind__in=[K.WATCH_LIST_STOP, K.WATCH_LIST_VISITOR])


def test_the_model_records_nothing_for_an_undecided_match(school_a, carol, watched):
    with pytest.raises(Refused, match="重点关注名单"):
        Visitor.register(
            school=school_a,
            user=carol,
            name="赵某某",
            id_type="resident",
            id_number=VALID_ID,
            purpose="找人",
        )
    assert not Visitor.objects.exists()


def test_the_api_answers_409_and_tells_then_takes_the_decision(carol, alice, bureau_admin, watched):
    client = APIClient()
    client.force_authenticate(carol)
    url = "/api/v1/registers/visitors/"
    stopped = client.post(url, TYPED, format="json")
    assert stopped.status_code == 409 and "重点关注名单" in stopped.json()["detail"]
    assert not Visitor.objects.exists()
    assert told(K.WATCH_LIST_STOP) == ["alice", "bureau"]
    admitted = client.post(url, {**TYPED, "admission_reason": "由保卫人员陪同"}, format="json")
    assert admitted.status_code == 201, admitted.json()
    assert admitted.json()["admission_reason"] == "由保卫人员陪同"
    assert admitted.json()["watch_list"] == "法院禁止令"
