"""What each persona may do to an inspection and a schedule: the model's `allowed_actions`, the
buttons of the pages, the steps the methods refuse and the API rows all say the same."""

from __future__ import annotations

import datetime

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse
from rest_framework.test import APIClient

from xiaoan.core.errors import DomainError, Stale
from xiaoan.core.models import ChangeLog, stale_message
from xiaoan.inspections.models import Inspection, InspectionSchedule

from .conftest import pass_all

pytestmark = pytest.mark.django_db

PERSONAS = ["bureau_admin", "leader", "gov", "fire", "alice", "bob", "carol", "outsider", "root"]
FILL = ["answer", "raise_hazard", "submit"]

# A school's self-inspection recorded by its administrator (alice), still a draft.
DRAFT_ACTIONS = {"bureau_admin": FILL, "alice": FILL, "root": FILL}
# A joint round planned by the bureau: it re-plans and cancels; those who may record a joint
# inspection in the district may record one for it.
PLANNED_ACTIONS = {
    "bureau_admin": ["replan", "cancel", "record"],
    "leader": ["record"],
    "fire": ["record"],
    "root": ["replan", "cancel", "record"],
}
CANCELLED_ACTIONS = {"bureau_admin": ["reinstate"], "root": ["reinstate"]}


@pytest.fixture
def root(db):
    """A superuser without a membership: the same rule as on the pages."""
    return get_user_model().objects.create_superuser("root", "root@example.com", "x")


@pytest.fixture
def schedule(bureau_admin):
    return InspectionSchedule.objects.plan(
        bureau_admin,
        title="开学前联合检查",
        kind="joint",
        start_date=datetime.date(2014, 8, 18),
        due_date=datetime.date(2014, 8, 31),
    )


def api(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


@pytest.mark.parametrize("persona", PERSONAS)
def test_who_may_fill_in_a_draft_and_nobody_once_it_is_submitted(request, draft, alice, persona):
    user = request.getfixturevalue(persona)
    assert draft.allowed_actions(user) == DRAFT_ACTIONS.get(persona, [])
    pass_all(draft, alice)
    draft.submit(alice, signed_by="王校长")
    assert draft.allowed_actions(user) == []


@pytest.mark.parametrize("persona", PERSONAS)
def test_who_may_replan_cancel_reinstate_and_record_for_a_schedule(
    request, schedule, bureau_admin, persona
):
    user = request.getfixturevalue(persona)
    assert schedule.allowed_actions(user) == PLANNED_ACTIONS.get(persona, [])
    schedule.cancel(bureau_admin, "台风停课")
    assert schedule.allowed_actions(user) == CANCELLED_ACTIONS.get(persona, [])


@pytest.mark.parametrize("persona", ["leader", "gov", "carol", "bob"])
def test_a_step_not_allowed_is_refused_by_the_method_itself(request, draft, schedule, persona):
    user = request.getfixturevalue(persona)
    answer = draft.answers.first()
    for step in (
        lambda: draft.answer(user, answer, result="pass"),
        lambda: draft.submit(user, signed_by="某人"),
        lambda: schedule.cancel(user, "不需要了"),
        lambda: schedule.replan(user, title="改名"),
    ):
        with pytest.raises(DomainError):
            step()
    answer.refresh_from_db()
    schedule.refresh_from_db()
    assert (answer.result, schedule.status, schedule.title) == ("", "planned", "开学前联合检查")


@pytest.mark.parametrize("persona", ["bureau_admin", "alice", "carol", "leader"])
def test_the_inspection_page_shows_exactly_the_allowed_steps(request, as_user, draft, persona):
    user = request.getfixturevalue(persona)
    page = as_user(user).get(draft.get_absolute_url()).content.decode()
    allowed = draft.allowed_actions(user)
    assert (reverse("inspections:submit", args=[draft.pk]) in page) == ("submit" in allowed)
    answer = draft.answers.first()
    url = reverse("inspections:answer", args=[draft.pk, answer.pk])
    assert (f'action="{url}"' in page) == ("answer" in allowed)


@pytest.mark.parametrize("persona", ["bureau_admin", "leader", "fire", "root"])
def test_the_schedule_page_shows_exactly_the_allowed_steps(
    request, as_user, school_a, schedule, persona
):
    user = request.getfixturevalue(persona)
    page = as_user(user).get(schedule.get_absolute_url()).content.decode()
    allowed = schedule.allowed_actions(user)
    for step, name in [("replan", "schedule_edit"), ("cancel", "schedule_cancel")]:
        url = reverse(f"inspections:{name}", args=[schedule.pk])
        assert (url in page) == (step in allowed), step
    assert ("record-link" in page) == ("record" in allowed)


@pytest.mark.parametrize("persona", ["bureau_admin", "alice", "fire", "root"])
def test_api_inspection_rows_carry_the_models_allowed_actions(
    request, draft, bureau_admin, fire, school_b, fire_area, persona
):
    day = datetime.date(2014, 9, 4)
    Inspection.objects.start(
        bureau_admin, school=school_b, kind="spot", date=day, areas=[fire_area]
    )
    Inspection.objects.start(fire, school=school_b, kind="joint", date=day, areas=[fire_area])
    user = request.getfixturevalue(persona)
    rows = api(user).get("/api/v1/inspections/").json()["results"]
    expected = {i.pk: i.allowed_actions(user) for i in Inspection.objects.for_user(user)}
    assert rows and {row["id"]: row["allowed_actions"] for row in rows} == expected
    detail = api(user).get(f"/api/v1/inspections/{draft.pk}/")
    if draft.pk in expected:
        assert detail.json()["allowed_actions"] == expected[draft.pk]


@pytest.mark.parametrize("persona", ["bureau_admin", "leader", "gov", "root"])
def test_api_schedule_rows_carry_the_models_allowed_actions(request, schedule, persona):
    user = request.getfixturevalue(persona)
    rows = api(user).get("/api/v1/inspection-schedules/").json()["results"]
    assert [row["allowed_actions"] for row in rows] == [schedule.allowed_actions(user)]


def test_a_superuser_is_refused_by_the_api_exactly_where_the_page_refuses(root, school_a):
    # The same rule on both sides: the plan needs a district, which a superuser does not have.
    data = {
        "title": "抽查",
        "kind": "spot",
        "start_date": "2014-09-01",
        "due_date": "2014-09-30",
    }
    response = api(root).post("/api/v1/inspection-schedules/", data, format="json")
    assert response.status_code == 403 and response.json()["code"] == "not_allowed"


def test_a_stale_answer_is_refused_on_the_page_with_what_was_typed_kept(as_user, draft, alice):
    answer = draft.answers.first()
    url = reverse("inspections:answer", args=[draft.pk, answer.pk])
    first = as_user(alice).post(url, {"result": "pass", "version": answer.version})
    assert first.status_code == 302
    second = as_user(alice).post(
        url,
        {"result": "fail", "note": "灭火器压力不足", "version": answer.version},
        HTTP_HX_REQUEST="true",
    )
    page = second.content.decode()
    assert stale_message() in page and 'value="灭火器压力不足"' in page
    answer.refresh_from_db()
    assert (answer.result, answer.version) == ("pass", 2)
    assert 'name="version" value="2"' in page  # the card now holds the saved version


def test_a_stale_answer_is_refused_by_the_api_with_409(draft, alice, bureau_admin):
    answer = draft.answers.first()
    url = f"/api/v1/inspections/{draft.pk}/answer/"
    body = {"answer": answer.pk, "result": "pass", "version": 1}
    assert api(alice).post(url, body, format="json").status_code == 200
    stale = api(bureau_admin).post(url, {**body, "result": "fail", "note": "x"}, format="json")
    assert stale.status_code == 409 and stale.json()["code"] == "stale"
    answer.refresh_from_db()
    assert answer.result == "pass"


def test_a_stale_replan_is_refused_at_the_form_and_by_the_api(as_user, schedule, bureau_admin):
    read = schedule.version
    schedule.replan(bureau_admin, version=read, title="开学前联合检查(调整)")
    form = {
        "title": "另一个名字",
        "kind": "joint",
        "start_date": "2014-08-18",
        "due_date": "2014-08-31",
        "version": read,
    }
    url = reverse("inspections:schedule_edit", args=[schedule.pk])
    response = as_user(bureau_admin).post(url, form)
    assert response.status_code == 200
    page = response.content.decode()
    assert stale_message() in page and 'value="另一个名字"' in page
    patch = api(bureau_admin).patch(
        f"/api/v1/inspection-schedules/{schedule.pk}/",
        {"title": "又一个名字", "version": read},
        format="json",
    )
    assert patch.status_code == 409
    schedule.refresh_from_db()
    assert schedule.title == "开学前联合检查(调整)"


def test_two_cancels_of_one_schedule_from_the_same_page_only_one_counts(schedule, bureau_admin):
    copy = InspectionSchedule.objects.get(pk=schedule.pk)
    schedule.cancel(bureau_admin, "台风停课")
    schedule.reinstate(bureau_admin)
    with pytest.raises(Stale):
        copy.cancel(bureau_admin, "另一个原因")  # the copy read before both steps
    assert list(schedule.events.values_list("kind", flat=True)) == [
        "planned",
        "cancelled",
        "reinstated",
    ]


def test_each_step_and_the_submission_are_in_the_change_log_with_who_and_what(
    draft, alice, schedule, bureau_admin
):
    answer = draft.answers.first()
    draft.answer(alice, answer, result="pass", note="合格")
    pass_all(draft, alice)
    draft.submit(alice, signed_by="王校长")
    logged = ChangeLog.objects.filter(object_id=str(draft.pk), content_type__model="inspection")
    submitted = logged.get(action="state")
    assert submitted.user == alice
    assert submitted.before["status"] == "draft" and submitted.after["status"] == "submitted"
    assert logged.filter(action="create", user=alice).exists()
    logged = ChangeLog.objects.filter(content_type__model="inspectionanswer", object_id=answer.pk)
    first = logged.order_by("id").first()
    assert first.user == alice and first.after["answered_at"]
    assert first.before == {"result": "", "note": "", "answered_by": None, "answered_at": None}
    assert first.after | {"answered_at": None} == {
        "result": "pass",
        "note": "合格",
        "answered_by": alice.pk,
        "answered_at": None,
    }
    schedule.cancel(bureau_admin, "台风停课")
    cancelled = ChangeLog.objects.get(content_type__model="inspectionschedule", action="state")
    assert cancelled.user == bureau_admin
    assert cancelled.after == {"status": "cancelled", "cancel_reason": "台风停课"}
