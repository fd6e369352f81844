"""`/api/v1/certificates/`: the school's licences and certificates, each school its own, with
the kind's name and the validity; written the way the page writes them."""

from __future__ import annotations

import datetime

import pytest
import time_machine
from rest_framework.test import APIClient

from xiaoan.registers.models import PaperKind, SchoolPaper

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _december_2014():
    with time_machine.travel(datetime.datetime(2014, 12, 3, 2, 0, tzinfo=datetime.UTC), tick=False):
        yield


def api(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


@pytest.fixture
def kind(bureau) -> PaperKind:
    PaperKind.seed(bureau)
    return PaperKind.objects.get(bureau=bureau, name="食品经营许可证")


def test_school_lists_only_its_own_certificates(alice, bob, school_a, school_b, kind):
    for school, number in ((school_a, "A-1"), (school_b, "B-1")):
        SchoolPaper(
            school=school,
            kind=kind,
            number=number,
            issuer="清溪区市场监督管理局",
            issued_on=datetime.date(2011, 12, 20),
            valid_until=datetime.date(2014, 12, 19),
        ).save()
    response = api(alice).get("/api/v1/certificates/")
    assert response.status_code == 200
    rows = response.json()["results"]
    assert [r["number"] for r in rows] == ["A-1"]
    assert rows[0]["kind_name"] == "食品经营许可证"
    assert rows[0]["validity"] == "due"
    other = SchoolPaper.objects.get(number="B-1")
    assert api(alice).get(f"/api/v1/certificates/{other.pk}/").status_code == 404


def test_school_admin_records_a_certificate(alice, school_a, kind):
    response = api(alice).post(
        "/api/v1/certificates/",
        {
            "kind": kind.pk,
            "number": "JY3301020001",
            "issuer": "清溪区市场监督管理局",
            "issued_on": "2012-01-10",
            "valid_until": "2015-01-09",
        },
        format="json",
    )
    assert response.status_code == 201, response.json()
    assert SchoolPaper.objects.get(number="JY3301020001").school == school_a


def test_valid_until_before_issue_is_refused(alice, kind):
    response = api(alice).post(
        "/api/v1/certificates/",
        {"kind": kind.pk, "issuer": "x", "issued_on": "2014-01-10", "valid_until": "2013-01-09"},
        format="json",
    )
    assert response.status_code == 400


def test_leader_reads_but_does_not_write(leader, kind):
    assert api(leader).get("/api/v1/certificates/").status_code == 200
    response = api(leader).post(
        "/api/v1/certificates/",
        {"kind": kind.pk, "issuer": "x", "issued_on": "2014-01-10"},
        format="json",
    )
    assert response.status_code == 403
