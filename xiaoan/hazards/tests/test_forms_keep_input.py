"""A step's form that fails comes back with everything typed and the sentence at its field;
verification has no preselected outcome; a resubmission starts from the previous report;
irreversible steps ask for confirmation."""

from __future__ import annotations

import re
from decimal import Decimal

from django.urls import reverse

from xiaoan.hazards.choices import HazardStatus

from .conftest import after_photo, to_stage

OPINION = (
    "立即清理消防通道内堆放的课桌椅和纸箱，设置禁止堆放标识，安排专人每日巡查，确保通道畅通无阻。"
)


def _card(page: str, step: str) -> str:
    start = page.index(f'id="action-{step}"')
    return page[start : page.index("</form>", start)]


def test_assign_with_a_past_deadline_keeps_the_opinion_and_shows_the_error_at_the_deadline(
    as_user, hazard, bureau_admin
):
    response = as_user(bureau_admin).post(
        reverse("hazards:assign", args=[hazard.pk]),
        {"opinion": OPINION, "deadline": "2014-09-01", "responsible_person": "王建国"},
    )
    assert response.status_code == 400
    card = _card(response.content.decode(), "assign")
    assert OPINION in card and 'value="王建国"' in card and 'value="2014-09-01"' in card
    deadline_field = card[card.index('name="deadline"') :]
    assert re.search(r"invalid-feedback[^>]*>整改期限不能早于今天。", deadline_field)
    assert "alert-danger" not in card[: card.index('name="deadline"')]
    assert hazard.__class__.objects.get().status == HazardStatus.REPORTED


def test_missing_opinion_is_shown_at_the_opinion_field(as_user, hazard, bureau_admin):
    response = as_user(bureau_admin).post(
        reverse("hazards:assign", args=[hazard.pk]), {"opinion": "", "deadline": "2014-09-20"}
    )
    assert response.status_code == 400
    card = _card(response.content.decode(), "assign")
    assert 'value="2014-09-20"' in card
    assert "invalid-feedback" in card[card.index('name="opinion"') : card.index('name="deadline"')]


def test_verification_has_no_preselected_outcome(as_user, hazard, bureau_admin, alice):
    to_stage(hazard, "awaiting_verification", bureau_admin, alice)
    card = _card(as_user(bureau_admin).get(hazard.get_absolute_url()).content.decode(), "verify")
    assert card.count('type="radio" name="passed"') == 2 and "checked" not in card
    response = as_user(bureau_admin).post(reverse("hazards:verify", args=[hazard.pk]), {})
    assert response.status_code == 400
    assert "请选择复查合格或不合格。" in _card(response.content.decode(), "verify")
    assert hazard.__class__.objects.get().status == HazardStatus.AWAITING_VERIFICATION


def test_failed_verification_without_a_reason_keeps_failed_chosen(
    as_user, hazard, bureau_admin, alice
):
    to_stage(hazard, "awaiting_verification", bureau_admin, alice)
    response = as_user(bureau_admin).post(
        reverse("hazards:verify", args=[hazard.pk]), {"passed": "0", "comment": ""}
    )
    assert response.status_code == 400
    card = _card(response.content.decode(), "verify")
    assert re.search(r'value="0"[^>]*checked', card) and not re.search(
        r'value="1"[^>]*checked', card
    )
    assert "请填写复查不合格的原因" in card
    assert hazard.__class__.objects.get().status == HazardStatus.AWAITING_VERIFICATION


def test_close_out_and_rejection_ask_for_confirmation(as_user, make_hazard, bureau_admin, alice):
    waiting = to_stage(make_hazard(), "awaiting_verification", bureau_admin, alice)
    page = as_user(bureau_admin).get(waiting.get_absolute_url()).content.decode()
    verify = _card(page, "verify")
    assert 'data-confirm="确定销号吗？销号后不能恢复。"' in verify
    assert 'data-confirm-when="passed=1"' in verify
    assert "/static/js/confirm.js" in page
    reported = make_hazard()
    page = as_user(bureau_admin).get(reported.get_absolute_url()).content.decode()
    assert "data-confirm=" in _card(page, "reject")


def test_resubmission_is_prefilled_and_needs_a_new_photo(as_user, hazard, bureau_admin, alice):
    to_stage(hazard, "rectifying", bureau_admin, alice)
    hazard.submit(alice, measures="已清理杂物", cost=Decimal("120.50"), photos=[after_photo()])
    hazard.verify(bureau_admin, passed=False, comment="仍有纸箱")
    client = as_user(alice)
    card = _card(client.get(hazard.get_absolute_url()).content.decode(), "submit")
    assert "已清理杂物" in card and 'value="120.50"' in card
    assert re.search(r'name="photos"[^>]*required', card)
    url = reverse("hazards:submit", args=[hazard.pk])
    response = client.post(url, {"measures": "已清理杂物并划线", "cost": "120.50"})
    assert response.status_code == 400
    card = _card(response.content.decode(), "submit")
    assert "已清理杂物并划线" in card and "请上传此后整改的新照片" in card
    assert hazard.__class__.objects.get().status == HazardStatus.RECTIFYING


def test_report_before_the_open_period_is_refused_at_the_date_field(
    as_user, alice, bureau_admin, fire_area, school_a
):
    form = {
        "area": fire_area.pk,
        "level": "general",
        "description": "消防通道堆放杂物",
        "found_on": "1990-01-01",
        "source": "self_report",
    }
    response = as_user(alice).post(reverse("hazards:report"), form)
    assert response.status_code == 200
    page = response.content.decode()
    assert "消防通道堆放杂物" in page and 'value="1990-01-01"' in page
    assert "超出开放期" in page[page.index('name="found_on"') :]
    assert 'name="backdated"' not in page
    bureau_form = {
        **form,
        "found_on": "2013-12-20",
        "school": school_a.pk,
        "source": "inspection",
        "backdated": "on",
    }
    assert (
        'name="backdated"' in as_user(bureau_admin).get(reverse("hazards:report")).content.decode()
    )
    response = as_user(bureau_admin).post(reverse("hazards:report"), bureau_form)
    assert response.status_code == 302
    assert hazard_code_year(response) == "2013"


def hazard_code_year(response) -> str:
    from xiaoan.hazards.models import Hazard

    return Hazard.objects.get().code.split("-")[1]
