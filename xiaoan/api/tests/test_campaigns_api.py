import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from rest_framework.test import APIClient

from xiaoan.campaigns.models import Campaign
from xiaoan.hazards.models import Area


def api(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


@pytest.fixture
def campaign(bureau):
    campaign = Campaign.objects.create(
        bureau=bureau,
        name="2014年学校安全专项行动",
        start_date=datetime.date(2014, 7, 15),
        end_date=datetime.date(2014, 12, 31),
        notice_title="《浙江省教育厅办公室关于开展学校安全专项行动的通知》",
    )
    campaign.focus_areas.set(Area.objects.filter(code__in=["vehicle", "fire"]))
    campaign.plan_file.save("plan.docx", SimpleUploadedFile("plan.docx", b"PK\x03\x04"))
    Campaign.objects.filter(pk=campaign.pk).update(plan_file_name="区教育局工作方案.docx")
    return campaign


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def test_campaign_runs_through_the_api_and_lists_its_attachments(
    campaign, bureau_admin, leader, alice, outsider
):
    body = api(alice).get(f"/api/v1/campaigns/{campaign.pk}/").json()
    assert body["status"] == "planned" and sorted(body["focus_areas"]) == ["fire", "vehicle"]
    assert body["plan_file_name"] == "区教育局工作方案.docx"
    assert body["plan_file_url"] == f"/api/v1/campaigns/{campaign.pk}/plan-file/"
    assert body["notice_file_url"] is None
    assert api(alice).get(body["plan_file_url"]).status_code == 200
    assert api(outsider).get(f"/api/v1/campaigns/{campaign.pk}/").status_code == 404
    assert api(leader).post(f"/api/v1/campaigns/{campaign.pk}/start/").status_code == 403
    assert api(bureau_admin).post(f"/api/v1/campaigns/{campaign.pk}/close/").status_code == 409
    r = api(bureau_admin).post(f"/api/v1/campaigns/{campaign.pk}/start/")
    assert r.status_code == 200 and r.json()["status"] == "running"
    r = api(bureau_admin).post(f"/api/v1/campaigns/{campaign.pk}/close/")
    assert r.json()["status"] == "closed"
    assert api(bureau_admin).post(f"/api/v1/campaigns/{campaign.pk}/remind/").status_code == 409


def test_school_files_a_work_plan_document_through_the_api(campaign, school_a, alice, bob):
    plan = campaign.plan_for(school_a)
    client = api(alice)
    bad = SimpleUploadedFile("run.exe", b"MZ", content_type="application/octet-stream")
    r = client.post(
        f"/api/v1/work-plans/{plan.pk}/draft/",
        {"summary": "方案", "document": bad},
        format="multipart",
    )
    assert r.status_code == 400
    plan.refresh_from_db()
    assert not plan.document and plan.summary == ""
    doc = SimpleUploadedFile("学校工作方案.docx", b"PK\x03\x04 word")
    r = client.post(
        f"/api/v1/work-plans/{plan.pk}/draft/",
        {"summary": "方案", "sections": '{"vehicle": "接送车每月检查"}', "document": doc},
        format="multipart",
    )
    assert r.status_code == 200, r.json()
    body = r.json()
    assert body["document_name"] == "学校工作方案.docx"
    assert body["sections"] == [{"area": "vehicle", "text": "接送车每月检查"}]
    assert client.get(body["document_url"]).status_code == 200
    assert api(bob).get(body["document_url"]).status_code == 404
    r = client.post(
        f"/api/v1/work-plans/{plan.pk}/draft/", {"sections": "{not json"}, format="multipart"
    )
    assert r.status_code == 400
