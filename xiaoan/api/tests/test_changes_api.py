"""The change log API: exact rows, the bureau's district, one record's history for the others."""

from __future__ import annotations

import datetime

import pytest
import time_machine
from django.contrib.auth import get_user_model
from django.test import RequestFactory
from rest_framework.test import APIClient

from xiaoan.core.changelog import record_change, serving
from xiaoan.core.models import ChangeAction, ChangeLog
from xiaoan.schools.choices import SchoolKind
from xiaoan.schools.models import School

pytestmark = pytest.mark.django_db

URL = "/api/v1/changes/"


def api_for(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def change(record, user, before, after, *, at=None, address="10.1.2.3") -> ChangeLog:
    """A change written as a request by `user` from `address` writes it."""
    request = RequestFactory().post("/", REMOTE_ADDR=address)
    request.user = user
    moment = at or datetime.datetime(2014, 9, 15, 2, 30, tzinfo=datetime.UTC)
    with time_machine.travel(moment, tick=False), serving(request):
        entry = record_change(record, None, ChangeAction.UPDATE, before, after)
    assert entry is not None
    return entry


@pytest.fixture
def empty_log():
    """Listed after the people and schools a test needs: their own creation rows are removed,
    so the test reads only the changes it makes."""
    ChangeLog.objects.all().delete()


def school_history(school) -> str:
    return f"{URL}?model=schools.school&object_id={school.pk}"


def test_change_row_reads_who_when_where_and_what_changed(bureau_admin, alice, school_a, empty_log):
    alice.first_name = "王丽"
    alice.save()
    entry = change(school_a, alice, {"phone": ""}, {"phone": "0571-8888"})

    response = api_for(bureau_admin).get(URL)

    assert response.status_code == 200
    assert response.json() == {
        "count": 1,
        "next": None,
        "previous": None,
        "results": [
            {
                "id": entry.pk,
                "model": "schools.school",
                "object_id": str(school_a.pk),
                "object_repr": "清溪区实验小学",
                "action": "update",
                "user": {"username": "alice", "full_name": "王丽"},
                "address": "10.1.2.3",
                "created_at": "2014-09-15T10:30:00+08:00",
                "before": {"phone": ""},
                "after": {"phone": "0571-8888"},
            }
        ],
    }


def test_changes_are_listed_newest_first(bureau_admin, school_a, school_b, empty_log):
    old = change(school_a, bureau_admin, {"phone": ""}, {"phone": "1"})
    new = change(
        school_b,
        bureau_admin,
        {"phone": ""},
        {"phone": "2"},
        at=datetime.datetime(2014, 9, 16, tzinfo=datetime.UTC),
    )
    rows = api_for(bureau_admin).get(URL).json()["results"]
    assert [row["id"] for row in rows] == [new.pk, old.pk]


def test_bureau_filters_by_record(bureau_admin, school_a, school_b, empty_log):
    mine = change(school_a, bureau_admin, {"phone": ""}, {"phone": "1"})
    change(school_b, bureau_admin, {"phone": ""}, {"phone": "2"})
    rows = api_for(bureau_admin).get(school_history(school_a)).json()["results"]
    assert [row["id"] for row in rows] == [mine.pk]


def test_bureau_filters_by_username_or_user_id(
    bureau_admin, alice, bob, school_a, school_b, empty_log
):
    by_alice = change(school_a, alice, {"phone": ""}, {"phone": "1"})
    change(school_b, bob, {"phone": ""}, {"phone": "2"})
    client = api_for(bureau_admin)
    for who in ("alice", str(alice.pk)):
        rows = client.get(URL, {"user": who}).json()["results"]
        assert [row["id"] for row in rows] == [by_alice.pk], who


def test_bureau_filters_by_days_in_the_bureaus_calendar(bureau_admin, school_a, empty_log):
    # 23:30 in Beijing on 14 September is 15:30 UTC: the row belongs to the 14th.
    late = change(
        school_a,
        bureau_admin,
        {"phone": ""},
        {"phone": "1"},
        at=datetime.datetime(2014, 9, 14, 15, 30, tzinfo=datetime.UTC),
    )
    next_day = change(
        school_a,
        bureau_admin,
        {"phone": "1"},
        {"phone": "2"},
        at=datetime.datetime(2014, 9, 14, 16, 30, tzinfo=datetime.UTC),
    )
    client = api_for(bureau_admin)

    def ids(**query):
        return [row["id"] for row in client.get(URL, query).json()["results"]]

    assert ids(until="2014-09-14") == [late.pk]
    assert ids(since="2014-09-15") == [next_day.pk]
    assert ids(since="2014-09-14", until="2014-09-15") == [next_day.pk, late.pk]


def test_bad_date_answers_400_naming_the_field(bureau_admin):
    response = api_for(bureau_admin).get(URL, {"since": "yesterday"})
    assert response.status_code == 400
    assert list(response.json()) == ["since"]


def test_leader_reads_the_district_too(leader, alice, school_a, empty_log):
    entry = change(school_a, alice, {"phone": ""}, {"phone": "1"})
    rows = api_for(leader).get(URL).json()["results"]
    assert [row["id"] for row in rows] == [entry.pk]


def test_bureau_of_another_district_sees_nothing_of_this_one(outsider, alice, school_a, empty_log):
    change(school_a, alice, {"phone": ""}, {"phone": "1"})
    response = api_for(outsider).get(URL)
    assert response.status_code == 200
    assert response.json()["count"] == 0


def test_outsider_asking_for_a_record_of_this_district_gets_404(outsider, alice, school_a):
    change(school_a, alice, {"phone": ""}, {"phone": "1"})
    response = api_for(outsider).get(school_history(school_a))
    assert response.status_code == 404
    assert response.json()["code"] == "not_found"


def test_school_admin_reads_its_own_school_record_history(alice, bureau_admin, school_a, empty_log):
    entry = change(school_a, bureau_admin, {"phone": ""}, {"phone": "1"})
    response = api_for(alice).get(school_history(school_a))
    assert response.status_code == 200
    assert [row["id"] for row in response.json()["results"]] == [entry.pk]


def test_school_b_admin_gets_404_on_school_a_record_history(bob, alice, school_a):
    change(school_a, alice, {"phone": ""}, {"phone": "1"})
    response = api_for(bob).get(school_history(school_a))
    assert response.status_code == 404


def test_school_admin_must_name_a_record(alice, school_a):
    change(school_a, alice, {"phone": ""}, {"phone": "1"})
    response = api_for(alice).get(URL)
    assert response.status_code == 403
    assert response.json()["code"] == "not_allowed"


def test_model_without_object_id_is_refused(bureau_admin):
    response = api_for(bureau_admin).get(URL, {"model": "schools.school"})
    assert response.status_code == 400
    assert response.json()["code"] == "invalid"


def test_unknown_model_answers_404(bureau_admin):
    response = api_for(bureau_admin).get(URL, {"model": "nothing.here", "object_id": "1"})
    assert response.status_code == 404


def test_non_numeric_id_of_a_visible_model_answers_404(alice, school_a):
    response = api_for(alice).get(URL, {"model": "schools.school", "object_id": "abc"})
    assert response.status_code == 404


def test_model_without_for_user_is_hidden_from_school_users(alice, bureau_admin, school_a):
    account = get_user_model().objects.get(username="alice")
    record_change(account, bureau_admin, ChangeAction.UPDATE, {"email": ""}, {"email": "a@b.c"})
    query = {"model": "auth.user", "object_id": str(account.pk)}
    assert api_for(alice).get(URL, query).status_code == 404


def test_superuser_reads_every_district(alice, school_a, other_bureau, empty_log):
    root = get_user_model().objects.create_superuser("root", "root@example.org", "x")
    far = School.objects.create(
        bureau=other_bureau, code="Y001", name="远山区中心小学", kind=SchoolKind.PRIMARY
    )
    change(school_a, alice, {"phone": ""}, {"phone": "1"})
    change(far, root, {"phone": ""}, {"phone": "2"})
    rows = api_for(root).get(URL).json()["results"]
    assert {row["object_repr"] for row in rows} == {"清溪区实验小学", "远山区中心小学"}
    assert api_for(root).get(school_history(school_a)).json()["count"] == 1


def test_anonymous_request_is_refused(school_a):
    assert APIClient().get(URL).status_code in (401, 403)


def test_a_versioned_save_is_read_back_as_the_schools_history(alice, school_a):
    school_a.phone = "0571-8888"
    school_a.save()
    rows = api_for(alice).get(school_history(school_a)).json()["results"]
    assert [row["action"] for row in rows] == ["update", "create"]
    assert (rows[0]["before"], rows[0]["after"]) == ({"phone": ""}, {"phone": "0571-8888"})
