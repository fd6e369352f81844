"""The rules that matter, in the model methods (pages and API both reach them): deadlines not
in the past, the found date within the open period unless the bureau back-dates it, supervision
ending at close-out, a resubmission bringing a new after-photo and keeping the cost."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from rest_framework.test import APIClient

from xiaoan.core.dates import replaying
from xiaoan.core.errors import Invalid, NotAllowed
from xiaoan.hazards.choices import EventKind, HazardLevel, HazardStatus
from xiaoan.hazards.models import Hazard, open_period_start

from .conftest import FOUND_ON, after_photo, to_stage

TODAY = FOUND_ON + datetime.timedelta(days=1)  # the day the hazards tests are taken on


def api_for(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


@pytest.mark.parametrize(
    ("today", "start"),
    [
        (datetime.date(2014, 9, 2), datetime.date(2014, 7, 1)),
        (datetime.date(2014, 10, 20), datetime.date(2014, 7, 1)),  # Q3's report is due
        (datetime.date(2014, 11, 1), datetime.date(2014, 10, 1)),
        (datetime.date(2015, 1, 5), datetime.date(2014, 10, 1)),
        (datetime.date(2015, 2, 1), datetime.date(2015, 1, 1)),
    ],
)
def test_open_period_is_this_quarter_and_the_last_during_its_first_month(today, start):
    assert open_period_start(today) == start


def test_assign_refuses_a_deadline_already_past(hazard, bureau_admin):
    with pytest.raises(Invalid) as refused:
        hazard.assign(bureau_admin, opinion="立即清理", deadline=TODAY - datetime.timedelta(days=1))
    assert refused.value.field == "deadline"
    assert Hazard.objects.get().status == HazardStatus.REPORTED
    hazard.assign(bureau_admin, opinion="立即清理", deadline=TODAY)
    assert Hazard.objects.get().deadline == TODAY


def test_api_assign_with_a_past_deadline_answers_400_and_changes_nothing(hazard, bureau_admin):
    response = api_for(bureau_admin).post(
        f"/api/v1/hazards/{hazard.pk}/assign/",
        {"opinion": "整改", "deadline": "2014-09-01"},
        format="json",
    )
    assert response.status_code == 400
    assert response.json() == {"detail": "整改期限不能早于今天。", "code": "invalid"}
    assert Hazard.objects.get().status == HazardStatus.REPORTED


def test_extension_to_a_past_date_is_refused_and_a_passed_one_cannot_be_approved(
    hazard, bureau_admin, alice
):
    to_stage(hazard, "rectifying", bureau_admin, alice)  # deadline 2014-09-15
    with replaying(datetime.date(2014, 9, 20)):
        with pytest.raises(Invalid) as refused:
            hazard.request_extension(alice, new_deadline=datetime.date(2014, 9, 18), reason="x")
        assert refused.value.field == "new_deadline"
        hazard.request_extension(alice, new_deadline=datetime.date(2014, 9, 25), reason="待采购")
    with replaying(datetime.date(2014, 9, 26)), pytest.raises(Invalid):
        hazard.decide_extension(bureau_admin, approve=True)
    assert Hazard.objects.get().deadline == datetime.date(2014, 9, 15)
    with replaying(datetime.date(2014, 9, 26)):
        hazard.decide_extension(bureau_admin, approve=False, comment="期限已过，请重新申请")


def test_found_date_before_the_open_period_needs_the_bureaus_back_dating(
    alice, bureau_admin, school_a
):
    old = datetime.date(2014, 5, 30)  # the open period on 2014-09-02 began on 1 July
    with pytest.raises(Invalid) as refused:
        _report(alice, old)
    assert refused.value.field == "found_on"
    assert "2014-07-01" in refused.value.message
    with pytest.raises(NotAllowed):
        _report(alice, old, backdated=True)
    hazard = _report(bureau_admin, old, backdated=True, school=school_a)
    assert hazard.found_on == old
    assert hazard.events.get().data == {"backdated": True}


def test_found_date_of_1990_is_refused_for_everyone_but_the_bureau_back_dating(alice):
    with pytest.raises(Invalid):
        _report(alice, datetime.date(1990, 1, 1))
    assert not Hazard.objects.exists()


def test_a_campaign_hazard_cannot_be_found_before_the_campaign_began(alice, bureau):
    from xiaoan.campaigns.models import Campaign

    campaign = Campaign.objects.create(
        bureau=bureau,
        name="秋季开学安全专项行动",
        start_date=datetime.date(2014, 8, 20),
        end_date=datetime.date(2014, 12, 31),
    )
    with pytest.raises(Invalid) as refused:
        _report(alice, datetime.date(2014, 8, 1), campaign=campaign)
    assert refused.value.field == "found_on"
    assert _report(alice, datetime.date(2014, 8, 25), campaign=campaign).campaign == campaign


def _report(user, found_on, **kwargs) -> Hazard:
    from xiaoan.hazards.models import Area

    school = kwargs.pop("school", None) or user.membership.school
    return Hazard.objects.report(
        school=school,
        area=Area.objects.get(code="fire"),
        level=HazardLevel.GENERAL,
        description="消防通道堆放杂物",
        reported_by=user,
        source="inspection",
        found_on=found_on,
        **kwargs,
    )


def test_api_back_dating_is_the_bureaus_alone(alice, bureau_admin, school_a):
    body = {
        "school": school_a.pk,
        "area": "fire",
        "source": "inspection",
        "description": "配电箱未上锁",
        "found_on": "2014-05-30",
    }
    assert api_for(alice).post("/api/v1/hazards/", body, format="json").status_code == 400
    backdated = {**body, "backdated": True}
    assert api_for(alice).post("/api/v1/hazards/", backdated, format="json").status_code == 403
    response = api_for(bureau_admin).post("/api/v1/hazards/", backdated, format="json")
    assert response.status_code == 201
    assert Hazard.objects.get().found_on == datetime.date(2014, 5, 30)


def test_close_out_lifts_the_supervision(make_hazard, bureau_admin, alice, leader):
    hazard = make_hazard(level=HazardLevel.MAJOR)
    hazard.supervise(leader, comment="挂牌督办")
    to_stage(hazard, "closed", bureau_admin, alice)
    hazard.refresh_from_db()
    assert (hazard.status, hazard.supervised) == (HazardStatus.CLOSED, False)
    assert hazard.events.get(kind=EventKind.VERIFIED).data == {"supervision_lifted": True}
    assert not Hazard.objects.supervised().exists()


def test_rejection_lifts_the_supervision(make_hazard, bureau_admin, leader):
    hazard = make_hazard(level=HazardLevel.MAJOR)
    hazard.supervise(leader)
    hazard.reject(bureau_admin, reason="经核实不属实")
    hazard.refresh_from_db()
    assert (hazard.status, hazard.supervised) == (HazardStatus.REJECTED, False)


def test_bureau_admin_may_not_supervise_and_sees_why(as_user, make_hazard, bureau_admin, leader):
    hazard = make_hazard(level=HazardLevel.MAJOR)
    assert "supervise" not in hazard.allowed_actions(bureau_admin)
    assert "supervise" in hazard.allowed_actions(leader)
    bureau_page = as_user(bureau_admin).get(hazard.get_absolute_url()).content.decode()
    assert 'id="supervision-hint"' in bureau_page and "由局领导决定" in bureau_page
    leader_page = as_user(leader).get(hazard.get_absolute_url()).content.decode()
    assert 'id="supervision-hint"' not in leader_page and 'id="action-supervise"' in leader_page


def test_resubmission_after_a_failed_verification_needs_a_new_after_photo(
    hazard, bureau_admin, alice
):
    to_stage(hazard, "awaiting_verification", bureau_admin, alice)
    hazard.verify(bureau_admin, passed=False, comment="通道仍有杂物")
    assert hazard.needs_after_photo()
    with pytest.raises(Invalid) as refused:
        hazard.submit(alice, measures="已再次清理")
    assert refused.value.field == "photos" and "新照片" in refused.value.message
    hazard.submit(alice, measures="已再次清理", photos=[after_photo()])
    assert Hazard.objects.get().status == HazardStatus.AWAITING_VERIFICATION


def test_resubmission_without_a_cost_keeps_the_cost_recorded(hazard, bureau_admin, alice):
    to_stage(hazard, "rectifying", bureau_admin, alice)
    hazard.submit(alice, measures="更换灭火器", cost=Decimal("860.00"), photos=[after_photo()])
    hazard.verify(bureau_admin, passed=False, comment="数量不足")
    hazard.submit(alice, measures="补足灭火器", photos=[after_photo()])
    assert Hazard.objects.get().cost == Decimal("860.00")


def test_a_refusal_is_composed_in_the_language_it_is_read_in(hazard, alice):
    """A step's checks raise lazy sentences (`allowed_actions` runs every check of every row
    of a list and reads none of them): the sentence is composed when it is read."""
    from django.utils import translation

    from xiaoan.core.errors import Refused

    with translation.override("en"):
        with pytest.raises(Refused) as refused:
            hazard.start(alice)
        with pytest.raises(NotAllowed) as not_allowed:
            hazard.assign(alice, opinion="—", deadline=FOUND_ON)
        assert str(refused.value) == "This step is not possible while the hazard is “Reported”."
        assert not_allowed.value.message.startswith("Only the bureau safety section")
    with translation.override("zh-hans"):
        assert "不能进行此操作" in refused.value.message and "Reported" not in str(refused.value)
        assert not_allowed.value.message.startswith("只有")
