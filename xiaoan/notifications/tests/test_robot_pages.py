"""The bureau sets up its organisations' group robots; nobody else may, and another
district's robots are not found."""

from __future__ import annotations

import pytest
from django.urls import reverse

from xiaoan.core.models import ChangeLog
from xiaoan.notifications.models import Webhook

pytestmark = pytest.mark.django_db

URL = "https://oapi.dingtalk.com/robot/send?access_token=abc123"


def test_the_bureau_adds_a_schools_dingtalk_robot(bureau_admin, school_a, as_user):
    client = as_user(bureau_admin)
    data = {"name": "实验小学安全群", "platform": "dingtalk", "url": URL, "school": school_a.pk}
    refused = client.post(reverse("reports:webhook_create"), data)
    assert "钉钉机器人须加签：请填写机器人的加签密钥。" in refused.content.decode()
    saved = client.post(
        reverse("reports:webhook_create"),
        {
            **data,
            "secret": "SECabc",
            "quiet_from": "22:00",
            "quiet_until": "07:00",
            "is_active": "on",
        },
    )
    assert saved.status_code == 302
    robot = Webhook.objects.get()
    assert (robot.bureau, robot.school, robot.secret) == (school_a.bureau, school_a, "SECabc")
    listing = client.get(reverse("reports:webhooks")).content.decode()
    assert "实验小学安全群" in listing and "22:00–07:00" in listing
    # The history keeps who changed what, never the robot's key or secret.
    change = ChangeLog.objects.get(object_id=robot.pk, content_type__model="webhook")
    assert change.after["name"] == "实验小学安全群"
    assert "abc123" not in str(change.after) and "SECabc" not in str(change.after)


def test_a_robot_belongs_to_one_organisation(bureau_admin, school_a, fire_department, as_user):
    answer = as_user(bureau_admin).post(
        reverse("reports:webhook_create"),
        {
            "name": "群",
            "platform": "wecom",
            "url": URL,
            "school": school_a.pk,
            "department": fire_department.pk,
        },
    )
    assert "一个群机器人只能属于一所学校或一个部门。" in answer.content.decode()
    assert not Webhook.objects.exists()


def test_only_the_bureau_safety_section_sees_its_robots(
    bureau_admin, leader, alice, outsider, school_a, as_user
):
    robot = Webhook.objects.create(
        bureau=school_a.bureau, school=school_a, name="群", platform="wecom", url=URL
    )
    edit = reverse("reports:webhook_edit", args=[robot.pk])
    assert as_user(bureau_admin).get(edit).status_code == 200
    assert as_user(outsider).get(edit).status_code == 404
    assert as_user(leader).get(edit).status_code == 403
    assert as_user(alice).get(reverse("reports:webhooks")).status_code == 403
    assert (
        "尚未添加群机器人。" in as_user(outsider).get(reverse("reports:webhooks")).content.decode()
    )
