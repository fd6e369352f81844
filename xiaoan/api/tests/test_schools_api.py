from __future__ import annotations

import re

import pytest
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from conftest import PASSWORD

pytestmark = pytest.mark.django_db


def api_for(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def test_token_endpoint_returns_a_token_for_good_credentials(alice):
    response = APIClient().post("/api/v1/auth/token/", {"username": "alice", "password": PASSWORD})
    assert response.status_code == 200
    assert response.json() == {"token": Token.objects.get(user=alice).key}


def test_token_endpoint_refuses_bad_credentials(alice):
    response = APIClient().post("/api/v1/auth/token/", {"username": "alice", "password": "nope"})
    assert response.status_code == 400
    assert "token" not in response.json()


def test_token_authenticates_api_requests(alice, school_a):
    token = Token.objects.create(user=alice)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    assert client.get("/api/v1/schools/").status_code == 200


def test_anonymous_api_request_is_refused(school_a):
    assert APIClient().get("/api/v1/schools/").status_code in (401, 403)


def test_school_list_of_school_admin_holds_only_own_school(alice, school_a, school_b):
    response = api_for(alice).get("/api/v1/schools/")
    assert response.json() == {
        "count": 1,
        "next": None,
        "previous": None,
        "results": [
            {
                "id": school_a.pk,
                "code": "S001",
                "name": "清溪区实验小学",
                "kind": "primary",
                "kind_display": "小学",
                "address": "",
                "principal": "",
                "phone": "",
                "enrolment": 900,
                "boarding": False,
                "canteen": False,
                "private": False,
                "opened_on": "2000-09-01",
                "closed_on": None,
                "merged_into": None,
                "is_active": True,
            }
        ],
    }


def test_school_b_cannot_fetch_school_a_by_api(bob, school_a):
    assert api_for(bob).get(f"/api/v1/schools/{school_a.pk}/").status_code == 404


def test_bureau_lists_district_with_filters(bureau_admin, school_a, school_b, kindergarten):
    client = api_for(bureau_admin)
    assert client.get("/api/v1/schools/").json()["count"] == 3
    codes = [s["code"] for s in client.get("/api/v1/schools/?kind=kindergarten").json()["results"]]
    assert codes == ["S040"]
    codes = [s["code"] for s in client.get("/api/v1/schools/?q=第一").json()["results"]]
    assert codes == ["S002"]


def test_schools_api_is_read_only(bureau_admin):
    assert api_for(bureau_admin).post("/api/v1/schools/", {"code": "X"}).status_code == 405


def test_schema_and_docs_are_served_without_cdn(bureau_admin):
    client = api_for(bureau_admin)
    schema = client.get("/api/v1/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")
    assert schema.status_code == 200
    assert "/api/v1/schools/" in schema.json()["paths"]
    docs = client.get("/api/v1/docs/").content.decode()
    assert "swagger" in docs.lower()
    # Everything the page loads is ours: no address outside this server (the page also holds
    # a random CSRF token, which may spell "cdn" by chance — that is no address).
    loaded = re.findall(r'(?:src|href)="([^"]*)"', docs)
    assert loaded and all(u.startswith("/") and not u.startswith("//") for u in loaded), loaded
    assert not re.search(r"https?://|//cdn|cdn\.", docs.lower())


def test_school_list_query_count_does_not_grow_with_page_size(
    bureau_admin, bureau, django_assert_max_num_queries
):
    from xiaoan.schools.models import School

    School.objects.bulk_create(
        School(bureau=bureau, code=f"S{i:03d}", name=f"学校{i}", kind="primary")
        for i in range(100, 160)
    )
    client = api_for(bureau_admin)
    with django_assert_max_num_queries(4):
        assert len(client.get("/api/v1/schools/?page_size=5").json()["results"]) == 5
    with django_assert_max_num_queries(4):
        assert len(client.get("/api/v1/schools/?page_size=60").json()["results"]) == 60


def test_another_schools_object_is_a_404_in_chinese_not_a_model_name(bob, school_a):
    response = api_for(bob).get(f"/api/v1/schools/{school_a.pk}/")
    assert response.status_code == 404
    assert response.json() == {"detail": "未找到。"}
