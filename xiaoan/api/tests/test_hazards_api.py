"""Hazard API: isolation, workflow actions with 403/404/409, stats, fixed query count."""

from __future__ import annotations

import datetime
import io

import pytest
import time_machine
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from PIL import Image
from rest_framework.test import APIClient

from xiaoan.core.dates import replaying
from xiaoan.hazards.choices import HazardSource, HazardStatus
from xiaoan.hazards.models import Area, Hazard

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def jpeg_upload(name: str = "after.jpg") -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", (48, 32), (30, 160, 60)).save(buffer, "JPEG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/jpeg")


def api_for(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


pytestmark = pytest.mark.usefixtures("replay_2014")


def report(user, school, **kwargs) -> Hazard:
    return Hazard.objects.report(
        school=school,
        area=Area.objects.get(code=kwargs.pop("area", "fire")),
        level=kwargs.pop("level", "general"),
        description=kwargs.pop("description", "灭火器过期未更换"),
        reported_by=user,
        source=HazardSource.SELF_REPORT,
        found_on=datetime.date(2014, 9, 1),
        **kwargs,
    )


def test_school_user_lists_only_its_hazards(alice, bob, school_a, school_b):
    mine = report(alice, school_a)
    report(bob, school_b)
    response = api_for(alice).get("/api/v1/hazards/")
    assert response.status_code == 200
    assert [row["code"] for row in response.json()["results"]] == [mine.code]


def test_other_school_gets_404_on_detail_and_actions(alice, bob, school_a):
    hazard = report(alice, school_a)
    client = api_for(bob)
    assert client.get(f"/api/v1/hazards/{hazard.pk}/").status_code == 404
    assert client.post(f"/api/v1/hazards/{hazard.pk}/start/", {}).status_code == 404


def test_create_fixes_the_school_of_a_school_user(alice, school_a, school_b):
    data = {"area": "food", "source": "self_report", "description": "留样不足"}
    refused = api_for(alice).post("/api/v1/hazards/", {**data, "school": school_b.pk})
    assert refused.status_code == 400
    response = api_for(alice).post("/api/v1/hazards/", data, format="json")
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["school"] == school_a.pk
    assert body["status"] == "reported"
    assert body["area"] == "food"
    assert [e["kind"] for e in body["events"]] == ["reported"]


def test_create_refuses_a_future_date(alice):
    data = {"area": "food", "source": "self_report", "description": "留样不足"}
    response = api_for(alice).post(
        "/api/v1/hazards/", {**data, "found_on": "2999-01-01"}, format="json"
    )
    assert response.status_code == 400
    assert response.json() == {"detail": "日期不能晚于今天。", "code": "invalid"}
    assert not Hazard.objects.exists()


def test_bureau_create_requires_a_visible_school(bureau_admin, school_a, outsider, other_bureau):
    from xiaoan.schools.models import School

    far = School.objects.create(bureau=other_bureau, code="X1", name="远山小学", kind="primary")
    client = api_for(bureau_admin)
    data = {"area": "fire", "source": "inspection", "description": "安全出口指示标志缺失"}
    assert client.post("/api/v1/hazards/", data, format="json").status_code == 400
    data["school"] = far.pk
    assert client.post("/api/v1/hazards/", data, format="json").status_code == 400
    data["school"] = school_a.pk
    assert client.post("/api/v1/hazards/", data, format="json").status_code == 201


def test_gov_cannot_create(gov, school_a):
    data = {"school": school_a.pk, "area": "fire", "source": "inspection", "description": "x"}
    assert api_for(gov).post("/api/v1/hazards/", data, format="json").status_code == 403


def test_full_loop_through_the_api(bureau_admin, alice, school_a):
    hazard = report(alice, school_a)
    url = f"/api/v1/hazards/{hazard.pk}"
    bureau, school = api_for(bureau_admin), api_for(alice)
    step = bureau.post(
        f"{url}/assign/", {"opinion": "限期更换", "deadline": "2014-09-10"}, format="json"
    )
    assert step.status_code == 200 and step.json()["status"] == "assigned"
    assert school.post(f"{url}/start/", {}, format="json").json()["status"] == "rectifying"
    step = school.post(
        f"{url}/submit/",
        {"measures": "已更换", "cost": "360.00", "photos": [jpeg_upload(), jpeg_upload()]},
        format="multipart",
    )
    assert step.status_code == 200, step.json()
    assert step.json()["status"] == "awaiting_verification"
    assert [p["kind"] for p in step.json()["photos"]] == ["after", "after"]
    step = bureau.post(f"{url}/verify/", {"passed": True}, format="json")
    assert step.status_code == 200
    assert step.json()["status"] == "closed" and step.json()["closed_at"]
    assert len(step.json()["events"]) == 5


def test_submit_without_an_after_photo_gives_400_and_changes_nothing(bureau_admin, alice, school_a):
    hazard = report(alice, school_a)
    hazard.assign(bureau_admin, opinion="限期更换", deadline=datetime.date(2014, 9, 10))
    hazard.start(alice)
    url = f"/api/v1/hazards/{hazard.pk}/submit/"
    response = api_for(alice).post(url, {"measures": "已更换"}, format="json")
    assert response.status_code == 400
    assert response.json() == {"detail": "请至少上传一张整改后照片。", "code": "invalid"}
    response = api_for(alice).post(url, {"photos": [jpeg_upload()]}, format="multipart")
    assert response.status_code == 400 and "measures" in response.json()
    fake = SimpleUploadedFile("after.jpg", b"plain text", content_type="image/jpeg")
    response = api_for(alice).post(url, {"measures": "已更换", "photos": [fake]})
    assert response.status_code == 400
    hazard.refresh_from_db()
    assert (hazard.status, hazard.version) == (HazardStatus.RECTIFYING, 3)
    assert not hazard.photos.exists()


def test_wrong_state_gives_409_and_wrong_role_403(bureau_admin, gov, alice, school_a):
    hazard = report(alice, school_a)
    url = f"/api/v1/hazards/{hazard.pk}"
    response = api_for(alice).post(f"{url}/submit/", {"measures": "x"}, format="json")
    assert response.status_code == 409
    assert "待受理" in response.json()["detail"]
    response = api_for(gov).post(f"{url}/reject/", {"reason": "不属实"}, format="json")
    assert response.status_code == 403
    response = api_for(bureau_admin).post(f"{url}/verify/", {"passed": True}, format="json")
    assert response.status_code == 409
    assert api_for(bureau_admin).get(f"{url}/assign/").status_code == 405
    hazard.refresh_from_db()
    assert (hazard.status, hazard.version) == (HazardStatus.REPORTED, 1)


def test_incomplete_step_gives_400(bureau_admin, alice, school_a):
    hazard = report(alice, school_a)
    url = f"/api/v1/hazards/{hazard.pk}/assign/"
    response = api_for(bureau_admin).post(
        url, {"opinion": "整改", "deadline": "2014-08-01"}, format="json"
    )
    assert response.status_code == 400
    assert "整改期限" in str(response.json())


def test_stale_version_gives_409_and_changes_nothing(bureau_admin, alice, school_a):
    hazard = report(alice, school_a)
    url = f"/api/v1/hazards/{hazard.pk}/"
    first = api_for(alice).patch(url, {"version": 1, "location": "一楼"}, format="json")
    assert first.status_code == 200 and first.json()["version"] == 2
    second = api_for(bureau_admin).patch(url, {"version": 1, "location": "二楼"}, format="json")
    assert second.status_code == 409 and second.json()["code"] == "stale"
    step = api_for(bureau_admin).post(
        f"{url}reject/", {"reason": "不属实", "version": 1}, format="json"
    )
    assert step.status_code == 409
    hazard.refresh_from_db()
    assert (hazard.location, hazard.status) == ("一楼", HazardStatus.REPORTED)


def test_leader_supervises_a_major_hazard(leader, alice, school_a):
    hazard = report(alice, school_a, level="major")
    response = api_for(leader).post(f"/api/v1/hazards/{hazard.pk}/supervise/", {}, format="json")
    assert response.status_code == 200 and response.json()["supervised"] is True
    listed = api_for(leader).get("/api/v1/hazards/", {"supervised": "true"}).json()
    assert listed["count"] == 1
    lift = api_for(leader).post(f"/api/v1/hazards/{hazard.pk}/lift-supervision/", {}, format="json")
    assert lift.json()["supervised"] is False


def test_list_filters_like_the_page(bureau_admin, alice, bob, school_a, school_b):
    report(alice, school_a, area="food")
    report(bob, school_b, area="fire")
    client = api_for(bureau_admin)
    assert client.get("/api/v1/hazards/", {"area": "food"}).json()["count"] == 1
    assert client.get("/api/v1/hazards/", {"school": school_b.pk}).json()["count"] == 1
    assert client.get("/api/v1/hazards/", {"found_from": "2014-10-01"}).json()["count"] == 0
    assert client.get("/api/v1/hazards/", {"found_from": "not-a-date"}).status_code == 400


def test_api_list_uses_the_same_number_of_queries_whatever_the_page_size(
    bureau_admin, alice, school_a, django_assert_num_queries
):
    client = api_for(bureau_admin)
    report(alice, school_a)
    client.get("/api/v1/hazards/")  # the user's membership read once, as a request does
    cache.clear()  # every row made afresh, read whole in one query
    with CaptureQueriesContext(connection) as one:
        client.get("/api/v1/hazards/")
    for _ in range(15):
        report(alice, school_a)
    cache.clear()
    with django_assert_num_queries(len(one.captured_queries)):
        response = client.get("/api/v1/hazards/", {"page_size": 100})
    assert len(response.json()["results"]) == 16


def test_stats_summary_counts_by_area_level_status(
    bureau_admin, alice, bob, school_a, school_b, kindergarten
):
    report(alice, school_a, area="food", level="major")
    report(alice, school_a, area="fire")
    report(bob, school_b, area="fire")
    body = api_for(bureau_admin).get("/api/v1/stats/summary/").json()
    assert body["total"] == 3
    assert body["by_area"] == {
        "vehicle": 0,
        "building": 0,
        "fire": 2,
        "food": 1,
        "lab": 0,
        "security": 0,
    }
    assert body["by_level"] == {"general": 2, "major": 1}
    assert body["by_status"]["reported"] == 3 and body["open"] == 3
    assert body["schools"] == 2
    kind = api_for(bureau_admin).get("/api/v1/stats/summary/", {"school_kind": "junior"}).json()
    assert kind["total"] == 1
    assert api_for(alice).get("/api/v1/stats/summary/").json()["total"] == 2
    period = api_for(bureau_admin).get("/api/v1/stats/summary/", {"period": "2014-Q4"}).json()
    assert period["total"] == 0
    assert (
        api_for(bureau_admin).get("/api/v1/stats/summary/", {"period": "2014-09"}).json()["total"]
        == 3
    )
    assert api_for(bureau_admin).get("/api/v1/stats/summary/", {"period": "x"}).status_code == 400


def test_stats_summary_filters_by_campaign(bureau, bureau_admin, alice, school_a):
    from xiaoan.campaigns.models import Campaign

    campaign = Campaign.objects.create(
        bureau=bureau,
        name="2014年学校安全专项行动",
        start_date=datetime.date(2014, 7, 15),
        end_date=datetime.date(2014, 12, 31),
    )
    report(alice, school_a, area="lab", campaign=campaign)
    report(alice, school_a, area="fire")
    client = api_for(bureau_admin)
    body = client.get("/api/v1/stats/summary/", {"campaign": campaign.pk}).json()
    assert (body["total"], body["by_area"]["lab"], body["by_area"]["fire"]) == (1, 1, 0)
    assert client.get("/api/v1/stats/summary/").json()["total"] == 2
    listed = client.get("/api/v1/hazards/", {"campaign": campaign.pk}).json()
    assert [row["area"] for row in listed["results"]] == ["lab"]


@time_machine.travel(datetime.datetime(2014, 10, 1, 2, tzinfo=datetime.UTC), tick=False)
def test_an_extension_to_a_date_already_past_is_refused(alice, bureau_admin, school_a):
    hazard = report(alice, school_a)
    url = f"/api/v1/hazards/{hazard.pk}"
    bureau = api_for(bureau_admin)
    bureau.post(f"{url}/assign/", {"opinion": "限期更换", "deadline": "2014-09-10"}, format="json")
    school = api_for(alice)
    school.post(f"{url}/start/", {}, format="json")
    with replaying(datetime.date(2014, 10, 5)):
        past = school.post(f"{url}/extend/", {"new_deadline": "2014-09-30", "reason": "缺货"})
        assert past.status_code == 400
        assert past.json() == {"new_deadline": ["新的整改期限不能早于今天。"]}
        later = school.post(f"{url}/extend/", {"new_deadline": "2014-10-20", "reason": "缺货"})
    assert later.status_code == 200, later.json()
