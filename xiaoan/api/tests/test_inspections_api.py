import datetime

import pytest
from rest_framework.test import APIClient

from xiaoan.campaigns.models import Campaign
from xiaoan.hazards.models import Area, Hazard
from xiaoan.inspections.models import Inspection


def api(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


@pytest.fixture
def campaign(bureau):
    return Campaign.objects.create(
        bureau=bureau,
        name="2014年学校安全专项行动",
        start_date=datetime.date(2014, 7, 15),
        end_date=datetime.date(2014, 12, 31),
        status="running",
    )


def test_inspection_through_the_api_from_start_to_submit(fire, school_a, campaign):
    client = api(fire)
    response = client.post(
        "/api/v1/inspections/",
        {
            "school": school_a.pk,
            "kind": "joint",
            "date": "2014-08-28",
            "areas": ["fire"],
            "campaign": campaign.pk,
        },
        format="json",
    )
    assert response.status_code == 201, response.json()
    body = response.json()
    pk, answers = body["id"], body["answers"]
    assert body["status"] == "draft" and len(answers) >= 8
    for answer in answers[1:]:
        r = client.post(
            f"/api/v1/inspections/{pk}/answer/",
            {"answer": answer["id"], "result": "pass"},
            format="json",
        )
        assert r.status_code == 200
    r = client.post(
        f"/api/v1/inspections/{pk}/raise-hazard/",
        {"answer": answers[0]["id"], "description": "消防安全责任人未落实"},
        format="json",
    )
    assert r.status_code == 201 and r.json()["result"] == "fail"
    hazard = Hazard.objects.get(code=r.json()["hazard"])
    assert hazard.area.code == "fire" and hazard.department is not None
    r = client.post(f"/api/v1/inspections/{pk}/submit/", {"signed_by": "李参谋"}, format="json")
    assert r.status_code == 200 and r.json()["status"] == "submitted"
    r = client.post(
        f"/api/v1/inspections/{pk}/answer/",
        {"answer": answers[1]["id"], "result": "fail"},
        format="json",
    )
    assert r.status_code == 409


def test_api_isolation_and_roles(alice, bob, gov, school_a, school_b):
    fire_area = Area.objects.get(code="fire")
    inspection = Inspection.objects.start(
        alice, school=school_a, kind="self", date=datetime.date(2014, 9, 1), areas=[fire_area]
    )
    assert api(bob).get(f"/api/v1/inspections/{inspection.pk}/").status_code == 404
    assert api(bob).get("/api/v1/inspections/").json()["count"] == 0
    r = api(alice).post(
        "/api/v1/inspections/",
        {"school": school_b.pk, "kind": "self", "date": "2014-09-01", "areas": ["fire"]},
        format="json",
    )
    assert r.status_code == 400  # another school is not a valid choice for alice
    r = api(gov).post(
        "/api/v1/inspections/",
        {"school": school_a.pk, "kind": "spot", "date": "2014-09-01", "areas": ["fire"]},
        format="json",
    )
    assert r.status_code == 403
    answer = inspection.answers.first()
    r = api(bob).post(
        f"/api/v1/inspections/{inspection.pk}/answer/",
        {"answer": answer.pk, "result": "pass"},
        format="json",
    )
    assert r.status_code == 404


def test_checklists_are_listed_with_items(alice):
    body = api(alice).get("/api/v1/checklists/", {"is_current": "true"}).json()
    assert body["count"] == 6
    assert all(len(t["items"]) >= 8 for t in body["results"])


def test_work_plan_through_the_api(campaign, school_a, alice, bureau_admin, bob):
    plan = campaign.plan_for(school_a)
    client = api(alice)
    r = client.post(
        f"/api/v1/work-plans/{plan.pk}/draft/",
        {"summary": "方案", "sections": {"fire": "演练"}},
        format="json",
    )
    assert r.status_code == 200 and r.json()["sections"][0]["text"] == "演练"
    assert client.post(f"/api/v1/work-plans/{plan.pk}/submit/").status_code == 200
    assert client.post(f"/api/v1/work-plans/{plan.pk}/submit/").status_code == 409
    assert client.post(f"/api/v1/work-plans/{plan.pk}/accept/").status_code == 403
    assert api(bob).get(f"/api/v1/work-plans/{plan.pk}/").status_code == 404
    r = api(bureau_admin).post(
        f"/api/v1/work-plans/{plan.pk}/accept/", {"comment": "同意"}, format="json"
    )
    assert r.json()["status"] == "accepted"
    missing = api(bureau_admin).get(f"/api/v1/campaigns/{campaign.pk}/missing/").json()
    assert [s["code"] for s in missing] == ["S002"]
    assert api(bureau_admin).get("/api/v1/campaigns/").json()["results"][0]["plans_filed"] == 1


def test_bureau_plans_replans_and_cancels_a_schedule_through_the_api(
    bureau_admin, leader, gov, alice, outsider, school_a, school_b, kindergarten, campaign
):
    client = api(bureau_admin)
    r = client.post(
        "/api/v1/inspection-schedules/",
        {
            "title": "9月前幼儿园联合检查",
            "kind": "joint",
            "campaign": campaign.pk,
            "start_date": "2014-08-15",
            "due_date": "2014-08-31",
            "school_kinds": ["kindergarten"],
        },
        format="json",
    )
    assert r.status_code == 201, r.json()
    pk = r.json()["id"]
    assert r.json()["figures"]["total"] == 1 and r.json()["status"] == "planned"
    r = client.patch(
        f"/api/v1/inspection-schedules/{pk}/",
        {
            "title": "9月局领导督查",
            "kind": "leadership",
            "school_kinds": [],
            "schools": [school_a.pk, school_b.pk],
            "due_date": "2014-09-30",
        },
        format="json",
    )
    assert r.status_code == 200, r.json()
    assert (r.json()["title"], r.json()["schools"]) == ("9月局领导督查", [school_a.pk, school_b.pk])
    assert r.json()["start_date"] == "2014-08-15"  # not sent, not changed
    r = client.patch(
        f"/api/v1/inspection-schedules/{pk}/", {"due_date": "2014-08-01"}, format="json"
    )
    assert r.status_code == 400
    assert (
        api(leader)
        .patch(f"/api/v1/inspection-schedules/{pk}/", {"title": "x"}, format="json")
        .status_code
        == 403
    )
    assert api(gov).get(f"/api/v1/inspection-schedules/{pk}/").status_code == 200
    assert api(alice).get(f"/api/v1/inspection-schedules/{pk}/").status_code == 404
    assert api(outsider).get(f"/api/v1/inspection-schedules/{pk}/").status_code == 404
    assert client.post(f"/api/v1/inspection-schedules/{pk}/cancel/").status_code == 400
    r = client.post(f"/api/v1/inspection-schedules/{pk}/cancel/", {"reason": "改期"}, format="json")
    assert r.json()["status"] == "cancelled" and r.json()["cancel_reason"] == "改期"
    r = client.post(f"/api/v1/inspection-schedules/{pk}/reinstate/")
    assert r.json()["status"] == "planned"


def test_schedule_coverage_through_the_api_says_who_inspected_when(
    bureau, bureau_admin, fire, school_a, school_b
):
    from xiaoan.inspections.models import InspectionSchedule

    schedule = InspectionSchedule.objects.create(
        bureau=bureau,
        title="开学前联合检查",
        kind="joint",
        start_date=datetime.date(2014, 8, 18),
        due_date=datetime.date(2014, 8, 31),
    )
    fire_area = Area.objects.get(code="fire")
    inspection = Inspection.objects.start(
        fire,
        school=school_a,
        kind="joint",
        date=datetime.date(2014, 8, 28),
        areas=[fire_area],
        inspector_names="消防大队 李参谋",
    )
    for answer in inspection.answers.all():
        inspection.answer(fire, answer, result="pass")
    inspection.submit(fire, signed_by="李参谋")
    rows = api(bureau_admin).get(f"/api/v1/inspection-schedules/{schedule.pk}/coverage/").json()
    assert rows == [
        {
            "school": "S001",
            "name": school_a.name,
            "inspected": True,
            "inspection": inspection.pk,
            "date": "2014-08-28",
            "inspectors": "Fire、消防大队 李参谋",
            "departments": ["清溪区消防大队"],
            "signed_by": "李参谋",
        },
        {
            "school": "S002",
            "name": school_b.name,
            "inspected": False,
            "inspection": None,
            "date": None,
            "inspectors": "",
            "departments": [],
            "signed_by": "",
        },
    ]


def test_bureau_revises_a_checklist_through_the_api_and_records_keep_their_items(
    bureau_admin, alice, school_a
):
    from xiaoan.inspections.models import ChecklistTemplate

    fire_area = Area.objects.get(code="fire")
    recorded = Inspection.objects.start(
        alice, school=school_a, kind="self", date=datetime.date(2014, 9, 1), areas=[fire_area]
    )
    before = list(recorded.answers.values_list("item_text", flat=True))
    current = ChecklistTemplate.objects.get(area=fire_area, is_current=True)
    items = [
        {"text": "消防安全责任人已公示", "legal_basis": "《消防法》第十六条", "on_fail": "hazard"}
    ]
    url = f"/api/v1/checklists/{current.pk}/revise/"
    assert api(alice).post(url, {"items": items}, format="json").status_code == 403
    assert api(bureau_admin).post(url, {"items": []}, format="json").status_code == 400
    r = api(bureau_admin).post(url, {"items": items}, format="json")
    assert r.status_code == 201, r.json()
    assert r.json()["version"] == current.version + 1
    assert [i["text"] for i in r.json()["items"]] == ["消防安全责任人已公示"]
    assert r.json()["items"][0]["default_level"] == "general"
    retired = api(bureau_admin).post(url, {"items": items}, format="json")
    assert retired.status_code == 409 and retired.json()["code"] == "refused"
    assert list(recorded.answers.values_list("item_text", flat=True)) == before


def test_fire_inspector_sees_a_joint_inspection_but_only_the_hazard_codes_it_may_see(
    fire, bureau_admin, school_a, fire_department
):
    fire_area = Area.objects.get(code="fire")
    joint = Inspection.objects.start(
        bureau_admin,
        school=school_a,
        kind="joint",
        date=datetime.date(2014, 8, 28),
        areas=[fire_area],
        departments=[fire_department],
    )
    first, second = list(joint.answers.order_by("order"))[:2]
    bureau_hazard = joint.raise_hazard(bureau_admin, first)
    body = api(fire).get(f"/api/v1/inspections/{joint.pk}/").json()
    shown = {a["id"]: a for a in body["answers"]}
    assert shown[first.pk]["hazard"] is None and shown[first.pk]["hazard_raised"] is True
    assert bureau_hazard.code not in str(body)
    assert api(fire).get(f"/api/v1/hazards/{bureau_hazard.pk}/").status_code == 404
    admin_view = api(bureau_admin).get(f"/api/v1/inspections/{joint.pk}/").json()
    assert {a["id"]: a["hazard"] for a in admin_view["answers"]}[first.pk] == bureau_hazard.code
    assert shown[second.pk]["hazard_raised"] is False
