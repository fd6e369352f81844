"""What a principal meets recording a self-inspection item by item on a phone."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_each_answer_also_refreshes_the_items_count_at_the_top(draft, as_user, alice):
    client = as_user(alice)
    total = draft.answers.count()
    page = client.get(draft.get_absolute_url()).content.decode()
    assert f"共{total}项：合格0项，不合格0项，不适用0项，未填{total}项" in page
    answer = draft.answers.first()
    response = client.post(
        reverse("inspections:answer", args=[draft.pk, answer.pk]),
        {"result": "fail", "note": "灭火器压力不足"},
        HTTP_HX_REQUEST="true",
    ).content.decode()
    assert 'id="answer-counts" hx-swap-oob="true"' in response
    assert f"共{total}项：合格0项，不合格1项，不适用0项，未填{total - 1}项" in response


def test_a_refused_photo_keeps_the_chosen_result_and_the_note(draft, as_user, alice):
    answer = draft.answers.first()
    fake = SimpleUploadedFile("x.jpg", b"not an image", content_type="image/jpeg")
    card = (
        as_user(alice)
        .post(
            reverse("inspections:answer", args=[draft.pk, answer.pk]),
            {"result": "fail", "note": "灭火器压力不足", "photo": fake},
            HTTP_HX_REQUEST="true",
        )
        .content.decode()
    )
    assert "alert-danger" in card
    assert f'id="r{answer.pk}-fail" checked' in card
    assert 'value="灭火器压力不足"' in card
    answer.refresh_from_db()
    assert answer.result == "" and answer.note == ""
