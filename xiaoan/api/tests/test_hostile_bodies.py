"""Bodies and paths an attacker or a broken client sends get a 400 or 404 with a sentence,
never a server error: a JSON body that is not an object, a value of the wrong type, a list
where one value goes, an id that is not a number, a period past the calendar."""

from __future__ import annotations

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

pytestmark = pytest.mark.django_db

WRITABLE = [
    "/api/v1/hazards/",
    "/api/v1/inspections/",
    "/api/v1/registers/letters/",
    "/api/v1/registers/equipment/",
    "/api/v1/registers/visitors/",
    "/api/v1/monthly-reports/",
]
NOT_OBJECTS = ["[1, 2]", '"text"', "5", "null", "true"]


def client_of(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    client.raise_request_exception = False
    return client


@pytest.mark.parametrize("body", NOT_OBJECTS)
@pytest.mark.parametrize("url", WRITABLE)
def test_a_body_that_is_not_an_object_is_refused(alice, school_a, url, body):
    response = client_of(alice).post(url, body, content_type="application/json")
    assert response.status_code == 400
    assert response.json()["detail"] == "请求内容必须是由字段名和值组成的 JSON 对象。"


def test_malformed_json_is_refused(alice, school_a):
    response = client_of(alice).post(
        "/api/v1/registers/letters/", "{bad", content_type="application/json"
    )
    assert response.status_code == 400


def test_a_number_where_a_date_goes_is_refused_at_its_field(alice, school_a):
    response = client_of(alice).post(
        "/api/v1/registers/equipment/",
        {"name": "监控探头", "kind": "camera", "quantity": 4, "installed_on": 5},
        format="json",
    )
    assert response.status_code == 400
    assert "installed_on" in response.json()


def test_a_list_where_one_value_goes_is_refused_at_its_field(alice, school_a):
    response = client_of(alice).post(
        "/api/v1/registers/letters/",
        {"year": 2014, "level": "school_staff", "issuer": ["校长"], "signatory": "张三"},
        format="json",
    )
    assert response.status_code == 400
    assert response.json() == {"issuer": ["这里只填一个值，不能是列表或对象。"]}


def test_numbers_still_count_as_the_text_a_form_reads(alice, school_a):
    response = client_of(alice).post(
        "/api/v1/registers/letters/",
        {"year": 2014, "level": "school_staff", "issuer": "校长", "signatory": "张三"},
        format="json",
    )
    assert response.status_code == 201, response.json()
    assert response.json()["year"] == 2014


def test_a_download_of_an_id_that_is_no_number_is_not_found(bureau_admin):
    response = client_of(bureau_admin).get("/api/v1/official-reports/abc/download/pdf/")
    assert response.status_code == 404


@pytest.mark.parametrize("period", ["9999-Q4", "9999", "0001-01", "2101-Q1"])
def test_a_period_past_the_calendar_is_refused(bureau_admin, period):
    response = client_of(bureau_admin).get(reverse("api:stats-summary"), {"period": period})
    assert response.status_code == 400
    assert response.json() == {"period": ["请输入1900至2100年之间的年份。"]}


def test_a_lone_surrogate_in_a_body_is_refused_at_its_field(alice, school_a):
    body = '{"year": 2014, "level": "school_staff", "issuer": "校长", "signatory": "张\\ud800"}'
    response = client_of(alice).post(
        "/api/v1/registers/letters/", body, content_type="application/json"
    )
    assert response.status_code == 400
    assert list(response.json()) == ["signatory"]
