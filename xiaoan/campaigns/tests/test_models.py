import pytest
from django.core.exceptions import PermissionDenied

from xiaoan.campaigns.models import Campaign, WorkPlan
from xiaoan.core.errors import Invalid, Refused
from xiaoan.hazards.models import Area


def test_school_files_plan_and_bureau_accepts_it(campaign, school_a, alice, bureau_admin):
    plan = campaign.plan_for(school_a)
    fire = Area.objects.get(code="fire")
    plan.save_draft(alice, summary="", sections={fire: "每月开展一次消防检查"})
    plan.submit(alice)
    assert plan.status == "submitted" and plan.submitted_at
    plan.accept(bureau_admin, comment="同意")
    plan.refresh_from_db()
    assert plan.status == "accepted" and plan.reviewed_by == bureau_admin
    assert [e.kind for e in plan.events.order_by("id")] == ["saved", "submitted", "accepted"]


def test_returned_plan_can_be_revised_and_resubmitted(campaign, school_a, alice, bureau_admin):
    plan = campaign.plan_for(school_a)
    plan.save_draft(alice, summary="总体方案", sections={})
    plan.submit(alice)
    with pytest.raises(Invalid):
        plan.return_to_school(bureau_admin, comment="")
    plan.return_to_school(bureau_admin, comment="请补充校车安全措施")
    assert plan.status == "returned" and plan.is_editable
    plan.save_draft(alice, summary="总体方案(修改稿)", sections={})
    plan.submit(alice)
    assert plan.status == "submitted"


def test_empty_plan_cannot_be_submitted(campaign, school_a, alice):
    with pytest.raises(Invalid):
        campaign.plan_for(school_a).submit(alice)


def test_filed_plan_is_locked_and_only_its_school_admin_writes_it(
    campaign, school_a, alice, bob, carol, bureau_admin
):
    plan = campaign.plan_for(school_a)
    for user in (bob, carol, bureau_admin):
        with pytest.raises(PermissionDenied):
            plan.save_draft(user, summary="x", sections={})
    plan.save_draft(alice, summary="x", sections={})
    plan.submit(alice)
    with pytest.raises(Refused):
        plan.save_draft(alice, summary="y", sections={})
    with pytest.raises(PermissionDenied):
        plan.accept(alice)


def test_bureau_sees_missing_plans_and_reminds_those_schools(
    campaign, school_a, school_b, kindergarten, alice, bureau_admin
):
    plan = campaign.plan_for(school_a)
    plan.save_draft(alice, summary="方案", sections={})
    plan.submit(alice)
    campaign.plan_for(school_b)  # opened, still a draft: not filed
    missing = set(campaign.schools_without_plan().values_list("code", flat=True))
    assert missing == {"S002", "S040"}
    events = campaign.remind_missing(bureau_admin, comment="请于9月5日前报送")
    assert {e.school.code for e in events} == {"S002", "S040"}
    with pytest.raises(PermissionDenied):
        campaign.remind_missing(alice)


def test_campaign_runs_from_planned_to_closed(bureau, bureau_admin, leader):
    import datetime

    campaign = Campaign.objects.create(
        bureau=bureau,
        name="秋季专项",
        start_date=datetime.date(2014, 9, 1),
        end_date=datetime.date(2014, 12, 31),
    )
    with pytest.raises(PermissionDenied):
        campaign.start(leader)
    with pytest.raises(Refused):
        campaign.close(bureau_admin)
    campaign.start(bureau_admin)
    campaign.close(bureau_admin)
    assert campaign.status == "closed"
    assert [e.kind for e in campaign.events.order_by("id")] == ["started", "closed"]


def test_work_plans_are_isolated_per_school(campaign, school_a, school_b, alice, bob, outsider):
    a = campaign.plan_for(school_a)
    campaign.plan_for(school_b)
    assert list(WorkPlan.objects.for_user(alice)) == [a]
    assert WorkPlan.objects.for_user(bob).count() == 1
    assert not WorkPlan.objects.for_user(outsider).exists()
    assert not Campaign.objects.for_user(outsider).exists()


def test_reminded_schools_admins_are_notified_once_a_day(
    campaign, school_a, school_b, alice, bob, bureau_admin
):
    from xiaoan.notifications.models import Notification

    plan = campaign.plan_for(school_a)
    plan.save_draft(alice, summary="方案", sections={})
    plan.submit(alice)
    campaign.remind_missing(bureau_admin)
    campaign.remind_missing(bureau_admin)
    # (The submitted plan told the bureau; the reminder goes only to the school still owing.)
    [notification] = Notification.objects.filter(kind="work_plan_missing")
    assert notification.recipient == bob
    assert campaign.name in notification.message and "工作方案" in notification.message
