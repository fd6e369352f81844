"""One rule per thing: who may take which step (pages, API and `allowed_actions` agree), nothing
overwritten (guarded steps and versioned edits), and the history of every report."""

from __future__ import annotations

import datetime
import threading

import pytest
import time_machine
from django.contrib.auth import get_user_model
from django.db import connection, connections
from django.urls import reverse

from xiaoan.core.errors import Stale
from xiaoan.reports.choices import MonthlyStatus, OfficialKind
from xiaoan.reports.models import MonthlyReport, MonthlyReportEvent, OfficialReport
from xiaoan.reports.official import generate

OCT_8 = datetime.datetime(2014, 10, 8, 2, tzinfo=datetime.UTC)


@pytest.fixture
def superuser(db):
    return get_user_model().objects.create_superuser("root", "root@example.org", "x")


@pytest.fixture
def submitted(school_a, alice):
    report = MonthlyReport.for_month(school_a, 2014, 9)
    report.submit(alice)
    return MonthlyReport.objects.get(pk=report.pk)


@pytest.mark.django_db
def test_allowed_actions_follow_role_and_state(alice, bob, carol, bureau_admin, leader, school_a):
    draft = MonthlyReport.for_month(school_a, 2014, 9)
    assert draft.allowed_actions(alice) == ["compile", "submit"]
    for user in (bob, carol, bureau_admin, leader):
        assert draft.allowed_actions(user) == []
    draft.submit(alice)
    assert draft.allowed_actions(alice) == []
    assert draft.allowed_actions(bureau_admin) == ["return", "accept"]


@pytest.mark.django_db
def test_the_page_shows_exactly_the_allowed_buttons(as_user, alice, bureau_admin, submitted):
    school_page = as_user(alice).get(submitted.get_absolute_url()).content.decode()
    assert "monthly_accept" not in school_page and "/submit/" not in school_page
    bureau_page = as_user(bureau_admin).get(submitted.get_absolute_url()).content.decode()
    assert f"/reports/monthly/{submitted.pk}/accept/" in bureau_page
    assert f"/reports/monthly/{submitted.pk}/return/" in bureau_page
    assert f"/reports/monthly/{submitted.pk}/submit/" not in bureau_page


@pytest.mark.django_db
def test_every_api_row_says_what_the_user_may_do(as_user, alice, bureau_admin, submitted):
    row = as_user(bureau_admin).get("/api/v1/monthly-reports/").json()["results"][0]
    assert row["allowed_actions"] == ["return", "accept"] and row["version"] == submitted.version
    own = as_user(alice).get(f"/api/v1/monthly-reports/{submitted.pk}/").json()
    assert own["allowed_actions"] == []


@pytest.mark.django_db
def test_missing_comment_is_invalid_and_wrong_state_refused_over_the_api(
    as_user, bureau_admin, submitted
):
    client = as_user(bureau_admin)
    url = f"/api/v1/monthly-reports/{submitted.pk}/"
    missing = client.post(url + "return/", {"comment": " "})
    assert (missing.status_code, missing.json()["code"]) == (400, "invalid")
    assert client.post(url + "accept/").status_code == 200
    again = client.post(url + "accept/")
    assert (again.status_code, again.json()["code"]) == (409, "refused")


@pytest.mark.django_db
def test_superuser_is_treated_alike_by_page_and_api(as_user, superuser, submitted):
    # No school: starting a month is refused with a sentence on both, never a 500.
    page = as_user(superuser).post(reverse("reports:monthly_start"), {"year": 2014, "month": 9})
    api = as_user(superuser).post("/api/v1/monthly-reports/", {"year": 2014, "month": 9})
    assert page.status_code == api.status_code == 403
    # Reviewing is the bureau's: the superuser may, on both.
    assert submitted.allowed_actions(superuser) == ["return", "accept"]
    accepted = as_user(superuser).post(f"/api/v1/monthly-reports/{submitted.pk}/accept/")
    assert accepted.status_code == 200
    other = MonthlyReport.objects.get(pk=submitted.pk)
    assert other.status == MonthlyStatus.ACCEPTED


@pytest.mark.django_db
def test_a_stale_review_is_refused_and_the_history_has_one_verdict(bureau_admin, submitted):
    first = MonthlyReport.objects.get(pk=submitted.pk)
    second = MonthlyReport.objects.get(pk=submitted.pk)
    first.accept(bureau_admin)
    with pytest.raises(Stale):
        second.return_for_changes(bureau_admin, "请补充")
    submitted.refresh_from_db()
    assert submitted.status == MonthlyStatus.ACCEPTED
    kinds = list(submitted.events.values_list("kind", flat=True))
    assert kinds == ["compiled", "submitted", "accepted"]


@pytest.mark.django_db
def test_a_stale_narrative_is_refused_on_the_page_with_the_text_kept(as_user, alice, school_a):
    report = MonthlyReport.for_month(school_a, 2014, 9)
    read_at = report.version
    report.compile(alice, "同事先保存的说明")
    response = as_user(alice).post(
        reverse("reports:monthly_compile", args=[report.pk]),
        {"narrative": "我刚写的说明", "version": read_at},
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert "他人已保存了这条记录" in page and "我刚写的说明" in page
    report.refresh_from_db()
    assert report.narrative == "同事先保存的说明"


@pytest.mark.django_db
def test_a_stale_narrative_answers_409_over_the_api(as_user, alice, school_a):
    report = MonthlyReport.for_month(school_a, 2014, 9)
    url = f"/api/v1/monthly-reports/{report.pk}/compile/"
    ok = as_user(alice).post(url, {"narrative": "一", "version": report.version})
    assert ok.status_code == 200
    stale = as_user(alice).post(url, {"narrative": "二", "version": report.version})
    assert (stale.status_code, stale.json()["code"]) == (409, "stale")


@pytest.mark.django_db
def test_official_text_is_versioned_and_issued_once(as_user, bureau, bureau_admin, gov):
    report = generate(OfficialKind.QUARTERLY, bureau, year=2014, quarter=3)
    assert report.allowed_actions(bureau_admin) == ["edit", "issue"]
    assert report.allowed_actions(gov) == []
    edit = reverse("reports:official_edit", args=[report.pk])
    client = as_user(bureau_admin)
    client.post(edit, {"title": "第三季度报告", "narrative": "# 一", "version": report.version})
    stale = client.post(
        edit, {"title": "旧标题", "narrative": "我的修改", "version": report.version}
    )
    assert "我的修改" in stale.content.decode()
    assert "他人已保存了这条记录" in stale.content.decode()
    report.refresh_from_db()
    assert report.title == "第三季度报告"
    api = f"/api/v1/official-reports/{report.pk}/"
    assert client.post(api + "issue/", {"version": report.version}).json()["status"] == "issued"
    assert client.post(api + "issue/").status_code == 409
    assert client.get(api).json()["allowed_actions"] == []


@pytest.mark.django_db
def test_detail_pages_carry_the_history_card(as_user, bureau, bureau_admin, alice, submitted):
    report = generate(OfficialKind.QUARTERLY, bureau, year=2014, quarter=3)
    report.issue(bureau_admin)
    for user, url in (
        (alice, submitted.get_absolute_url()),
        (bureau_admin, report.get_absolute_url()),
    ):
        page = as_user(user).get(url).content.decode()
        assert 'id="history"' in page and "变更记录" in page


@pytest.mark.django_db
@time_machine.travel(OCT_8, tick=False)
def test_events_are_workflow_events_with_both_states(alice, school_a):
    report = MonthlyReport.for_month(school_a, 2014, 9)
    report.submit(alice)
    event = report.events.last()
    assert isinstance(event, MonthlyReportEvent)
    assert (event.from_status, event.to_status, event.data) == ("draft", "submitted", {})
    assert OfficialReport._meta.get_field("version")


# SQLite's test database serialises writers; the race needs a server with row locks.
@pytest.mark.skipif(connection.vendor != "postgresql", reason="needs a server with row locks")
def test_accepting_and_returning_at_once_lets_exactly_one_win(
    transactional_db, school_a, alice, bureau_admin
):
    report = MonthlyReport.for_month(school_a, 2014, 9)
    report.submit(alice)
    both_read = threading.Barrier(2)
    outcomes: dict[str, str] = {}

    def review(step: str) -> None:
        try:
            mine = MonthlyReport.objects.get(pk=report.pk)
            both_read.wait(timeout=10)
            if step == "accept":
                mine.accept(bureau_admin)
            else:
                mine.return_for_changes(bureau_admin, "请补充")
            outcomes[step] = "done"
        except Stale:
            outcomes[step] = "stale"
        finally:
            connections.close_all()

    threads = [threading.Thread(target=review, args=(s,)) for s in ("accept", "return")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert sorted(outcomes.values()) == ["done", "stale"]
    report.refresh_from_db()
    verdicts = report.events.filter(kind__in=["accepted", "returned"])
    assert [e.to_status for e in verdicts] == [report.status]


@pytest.mark.django_db
def test_starting_a_month_checks_the_role_before_the_input(as_user, bureau_admin, carol):
    for user in (bureau_admin, carol):
        assert as_user(user).post(reverse("reports:monthly_start"), {}).status_code == 403
        assert as_user(user).post("/api/v1/monthly-reports/", {}).status_code == 403
