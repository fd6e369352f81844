"""Reports API: monthly steps, official documents and their files, the stats endpoints."""

from __future__ import annotations

import pytest

from xiaoan.reports.models import MonthlyReport

pytestmark = pytest.mark.django_db


def test_school_compiles_and_submits_over_the_api(as_user, alice, bob, september_ledger):
    client = as_user(alice)
    created = client.post("/api/v1/monthly-reports/", {"year": 2014, "month": 9})
    assert created.status_code == 201
    body = created.json()
    assert body["figures"]["total"]["found"] == 3 and body["status"] == "draft"
    pk = body["id"]
    assert (
        client.post(f"/api/v1/monthly-reports/{pk}/submit/", {"narrative": "ok"}).json()["status"]
        == "submitted"
    )
    assert client.post(f"/api/v1/monthly-reports/{pk}/submit/").status_code == 409
    assert as_user(bob).post(f"/api/v1/monthly-reports/{pk}/accept/").status_code == 404
    assert client.post(f"/api/v1/monthly-reports/{pk}/accept/").status_code == 403
    assert client.get(f"/api/v1/monthly-reports/{pk}/submit/").status_code == 405


def test_bureau_reviews_and_filters_over_the_api(as_user, alice, bureau_admin, school_a):
    report = MonthlyReport.for_month(school_a, 2014, 9)
    report.submit(alice)
    client = as_user(bureau_admin)
    url = f"/api/v1/monthly-reports/{report.pk}/return/"
    assert client.post(url, {"comment": ""}).status_code == 400
    assert client.post(url, {"comment": "补充"}).json()["status"] == "returned"
    listed = client.get("/api/v1/monthly-reports/?status=returned&month=9").json()
    assert [r["id"] for r in listed["results"]] == [report.pk]


def test_official_reports_generate_and_download(as_user, bureau_admin, gov, september_ledger):
    client = as_user(bureau_admin)
    created = client.post(
        "/api/v1/official-reports/generate/", {"kind": "quarterly", "year": 2014, "quarter": 3}
    )
    assert created.status_code == 201
    pk = created.json()["id"]
    assert as_user(gov).get(f"/api/v1/official-reports/{pk}/").status_code == 404
    xlsx = client.get(f"/api/v1/official-reports/{pk}/download/xlsx/")
    assert xlsx.status_code == 200 and xlsx.content[:2] == b"PK"
    assert (
        as_user(gov)
        .post(
            "/api/v1/official-reports/generate/", {"kind": "quarterly", "year": 2014, "quarter": 3}
        )
        .status_code
        == 403
    )


def test_stats_endpoints_follow_the_users_scope(as_user, bureau_admin, alice, september_ledger):
    areas = {a["code"]: a for a in as_user(bureau_admin).get("/api/v1/stats/by-area/").json()}
    assert areas["fire"] == {"code": "fire", "name": "消防安全", "general": 2, "major": 0}
    assert areas["vehicle"]["general"] == 1
    mine = {a["code"]: a for a in as_user(alice).get("/api/v1/stats/by-area/").json()}
    assert mine["vehicle"]["general"] == 0
    funnel = as_user(bureau_admin).get("/api/v1/stats/funnel/?kind=primary").json()
    assert [f["count"] for f in funnel] == [5, 4, 3, 2, 2]
    assert as_user(alice).get("/api/v1/stats/compliance/").json() == []
    trend = as_user(bureau_admin).get("/api/v1/stats/trend/").json()
    assert [m["month"] for m in trend] == ["2014-08", "2014-09", "2014-10"]
    assert (
        as_user(bureau_admin).get("/api/v1/stats/ranking/").json()[0]["school"] == "清溪区实验小学"
    )


def test_stats_period_filter_counts_only_hazards_found_in_it(
    as_user, bureau_admin, september_ledger
):
    url = "/api/v1/stats/by-area/?start=2014-09-01&end=2014-09-30"
    areas = {a["code"]: a for a in as_user(bureau_admin).get(url).json()}
    # September: fire 2, food 1 (major), school B's vehicle 1; August's building and
    # October's lab hazard are outside the period.
    assert (areas["fire"]["general"], areas["food"]["major"], areas["vehicle"]["general"]) == (
        2,
        1,
        1,
    )
    assert areas["building"] == {**areas["building"], "general": 0, "major": 0}
    assert areas["lab"]["general"] == 0
    funnel = as_user(bureau_admin).get("/api/v1/stats/funnel/?start=2014-09-01&end=2014-09-30")
    assert funnel.json()[0]["count"] == 4


@pytest.mark.parametrize(
    "url,part",
    [
        ("by-area", "by_area"),
        ("funnel", "funnel"),
        ("trend", "trend"),
        ("ranking", "ranking"),
        ("compliance", "compliance"),
    ],
)
def test_each_stats_endpoint_computes_only_its_part(
    as_user, bureau_admin, september_ledger, url, part
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from xiaoan.reports import stats

    client = as_user(bureau_admin)
    client.get("/api/v1/stats/funnel/")  # the session and the membership, read once
    with CaptureQueriesContext(connection) as endpoint:
        body = client.get(f"/api/v1/stats/{url}/?kind=primary").json()
    with CaptureQueriesContext(connection) as whole:
        form = stats.StatsFilterForm({"kind": "primary"}, user=bureau_admin)
        dashboard = stats.dashboard(bureau_admin, form)
    assert body == dashboard[part]
    # The whole dashboard is every part plus the school count; the endpoint asks only for its
    # own part's queries (and the request's own: session, user, membership).
    assert len(endpoint) < len(whole)
