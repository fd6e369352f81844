"""The schema documents each campaign and report step with its real request and response."""

from __future__ import annotations

import pytest
from rest_framework.test import APIClient

pytestmark = pytest.mark.django_db

# path → (request body component or None, response component or None for a file)
STEPS = {
    "/api/v1/monthly-reports/": ("Month", "MonthlyReport"),
    "/api/v1/monthly-reports/{id}/compile/": ("NarrativeStep", "MonthlyReport"),
    "/api/v1/monthly-reports/{id}/submit/": ("NarrativeStep", "MonthlyReport"),
    "/api/v1/monthly-reports/{id}/return/": ("ReviewStep", "MonthlyReport"),
    "/api/v1/monthly-reports/{id}/accept/": ("ReviewStep", "MonthlyReport"),
    "/api/v1/official-reports/generate/": ("Generate", "OfficialReport"),
    "/api/v1/official-reports/{id}/edit/": ("DocumentText", "OfficialReport"),
    "/api/v1/official-reports/{id}/issue/": ("Issue", "OfficialReport"),
    "/api/v1/campaigns/{id}/start/": ("CampaignStep", "Campaign"),
    "/api/v1/campaigns/{id}/close/": ("CampaignStep", "Campaign"),
    "/api/v1/campaigns/{id}/remind/": ("Remind", "Reminded"),
    "/api/v1/work-plans/{id}/draft/": ("Draft", "WorkPlan"),
    "/api/v1/work-plans/{id}/submit/": ("CampaignStep", "WorkPlan"),
    "/api/v1/work-plans/{id}/accept/": ("Comment", "WorkPlan"),
    "/api/v1/work-plans/{id}/return/": ("Comment", "WorkPlan"),
}


@pytest.fixture(scope="module")
def schema(django_db_setup, django_db_blocker):
    from django.contrib.auth import get_user_model

    with django_db_blocker.unblock():
        user, _ = get_user_model().objects.get_or_create(username="schema-reader")
        client = APIClient()
        client.force_authenticate(user)
        response = client.get("/api/v1/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")
        user.delete()
    return response.json()


def _ref(content: dict) -> str:
    body = next(iter(content.values()))["schema"]
    return body.get("$ref", body.get("items", {}).get("$ref", "")).rsplit("/", 1)[-1]


@pytest.mark.parametrize("path", STEPS)
def test_each_step_documents_its_request_and_response(schema, path):
    request, response = STEPS[path]
    post = schema["paths"][path]["post"]
    assert _ref(post["requestBody"]["content"]) == request
    answers = post["responses"]
    assert _ref(answers.get("200", answers.get("201"))["content"]) == response


@pytest.mark.parametrize(
    "path",
    [
        "/api/v1/official-reports/{id}/download/{fmt}/",
        "/api/v1/campaigns/{id}/notice-file/",
        "/api/v1/campaigns/{id}/plan-file/",
        "/api/v1/work-plans/{id}/document/",
    ],
)
def test_downloads_are_documented_as_files(schema, path):
    content = schema["paths"][path]["get"]["responses"]["200"]["content"]
    assert content["application/octet-stream"]["schema"]["format"] == "binary"


def test_rows_document_their_allowed_actions(schema):
    for name in ("MonthlyReport", "OfficialReport", "Campaign", "WorkPlan"):
        properties = schema["components"]["schemas"][name]["properties"]
        assert properties["allowed_actions"]["type"] == "array"
        assert "version" in properties
