"""Answers saved on tap: the item's card comes back saved (or with why not), the figures and
the list of what is missing with it; a stale answer is shown, never written over another's; a
write sent twice with the same id (a phone retrying) is done once."""

from __future__ import annotations

import uuid

import pytest
from django.urls import reverse

from xiaoan.core.models import ChangeLog, ClientRequest
from xiaoan.hazards.models import Hazard

HX = {"HTTP_HX_REQUEST": "true"}


def _url(answer) -> str:
    return reverse("inspections:answer", args=[answer.inspection_id, answer.pk])


def test_a_tap_is_saved_and_the_card_says_so_with_the_counts(as_user, alice, draft):
    answer = draft.answers.order_by("order").first()
    response = as_user(alice).post(_url(answer), {"result": "pass", "version": 1}, **HX)
    assert response.status_code == 200
    html = response.content.decode()
    assert 'data-state="saved"' in html
    assert 'id="answer-counts" hx-swap-oob="true"' in html
    assert 'id="missing-items" hx-swap-oob="true"' in html
    assert f'href="#answer-{answer.pk}"' not in html  # this item is no longer missing
    answer.refresh_from_db()
    assert (answer.result, answer.version) == ("pass", 2)
    assert 'data-version="2"' in html


def test_a_stale_answer_is_shown_with_what_was_typed_not_written(as_user, alice, carol, draft):
    answer = draft.answers.order_by("order").first()
    draft.answer(alice, answer, result="pass", note="已检查", version=1)
    response = as_user(alice).post(
        _url(answer), {"result": "fail", "note": "灭火器过期", "version": 1}, **HX
    )
    assert response.status_code == 409
    html = response.content.decode()
    assert 'data-state="failed"' in html and "灭火器过期" in html
    assert f'value="fail" id="r{answer.pk}-fail" checked' in html
    answer.refresh_from_db()
    assert (answer.result, answer.note, answer.version) == ("pass", "已检查", 2)


def test_the_same_write_sent_twice_is_done_once(as_user, alice, draft):
    answer = draft.answers.order_by("order").first()
    client = as_user(alice)
    key = str(uuid.uuid4())
    data = {"result": "fail", "note": "疏散通道堵塞", "version": 1}
    first = client.post(_url(answer), data, HTTP_X_IDEMPOTENCY_KEY=key, **HX)
    again = client.post(_url(answer), data, HTTP_X_IDEMPOTENCY_KEY=key, **HX)
    assert first.status_code == again.status_code == 200
    assert again["X-Idempotent-Replay"] == "true"
    assert again.content == first.content
    answer.refresh_from_db()
    assert answer.version == 2
    assert ChangeLog.objects.filter(object_id=str(answer.pk), action="update").count() == 1
    # Without the id the same post is a new write from version 1: refused as stale.
    assert client.post(_url(answer), data, **HX).status_code == 409


def test_the_id_belongs_to_its_user(as_user, alice, bureau_admin, draft):
    answer = draft.answers.order_by("order").first()
    key = str(uuid.uuid4())
    as_user(alice).post(
        _url(answer), {"result": "pass", "version": 1}, HTTP_X_IDEMPOTENCY_KEY=key, **HX
    )
    response = as_user(bureau_admin).post(
        _url(answer), {"result": "na", "version": 2}, HTTP_X_IDEMPOTENCY_KEY=key, **HX
    )
    assert "X-Idempotent-Replay" not in response
    answer.refresh_from_db()
    assert answer.result == "na"
    assert ClientRequest.objects.filter(key=key).count() == 2


def test_a_hazard_raised_in_the_card_twice_with_one_id_is_one_hazard(as_user, alice, draft):
    answer = draft.answers.order_by("order").first()
    client = as_user(alice)
    url = reverse("inspections:raise_hazard", args=[draft.pk, answer.pk])
    key = str(uuid.uuid4())
    data = {"description": "", "level": "general", "location": "一楼走廊"}
    draft.answer(alice, answer, result="fail", note="消防通道堆放杂物", version=1)
    first = client.post(url, data, HTTP_X_IDEMPOTENCY_KEY=key, **HX)
    again = client.post(url, data, HTTP_X_IDEMPOTENCY_KEY=key, **HX)
    assert first.status_code == again.status_code == 200
    assert Hazard.objects.count() == 1
    hazard = Hazard.objects.get()
    assert hazard.description == "消防通道堆放杂物" and hazard.location == "一楼走廊"
    assert hazard.code in first.content.decode()
    # A second raise without the id is refused in the card: one hazard per item.
    third = client.post(url, data, **HX)
    assert third.status_code == 409 and Hazard.objects.count() == 1


def test_submit_lists_what_is_missing_as_links_to_the_items(as_user, alice, draft):
    client = as_user(alice)
    response = client.post(
        reverse("inspections:submit", args=[draft.pk]), {"signed_by": "李秀英"}, follow=True
    )
    html = response.content.decode()
    assert response.redirect_chain[-1][0].endswith("#submit-card")
    draft.refresh_from_db()
    assert not draft.is_locked
    for answer in draft.answers.all():
        assert f'<a href="#answer-{answer.pk}">' in html
        assert f'id="answer-{answer.pk}"' in html


@pytest.mark.parametrize("bad", ["not-a-uuid", ""])
def test_a_malformed_id_is_an_ordinary_write(as_user, alice, draft, bad):
    answer = draft.answers.order_by("order").first()
    response = as_user(alice).post(
        _url(answer), {"result": "pass", "version": 1}, HTTP_X_IDEMPOTENCY_KEY=bad, **HX
    )
    assert response.status_code == 200
    assert not ClientRequest.objects.exists()
