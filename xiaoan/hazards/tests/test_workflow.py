"""The closed loop: every step allowed to the right role from the right state, refused otherwise."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
import time_machine
from django.db import connection

from xiaoan.core.errors import Invalid, NotAllowed, Refused, Stale
from xiaoan.hazards.choices import EventKind, HazardLevel, HazardStatus, PhotoKind
from xiaoan.hazards.models import Hazard, HazardCounter, HazardEvent

from .conftest import after_photo, to_stage

pytestmark = pytest.mark.django_db

DEADLINE = datetime.date(2014, 9, 15)


@pytest.mark.real_clock
def test_report_gives_sequential_codes_per_year_and_a_first_event(make_hazard):
    first = make_hazard()
    second = make_hazard()
    other_year = make_hazard(found_on=datetime.date(2015, 1, 5))
    assert (first.code, second.code, other_year.code) == (
        "YH-2014-0001",
        "YH-2014-0002",
        "YH-2015-0001",
    )
    assert first.status == HazardStatus.REPORTED
    event = first.events.get()
    assert (event.kind, event.from_status, event.to_status) == ("reported", "", "reported")
    assert event.actor.username == "alice"


def test_codes_continue_after_existing_hazards_without_counter(make_hazard):
    from xiaoan.hazards.models import HazardCounter

    make_hazard()
    HazardCounter.objects.all().delete()
    assert make_hazard().code == "YH-2014-0002"


def test_inspector_report_records_its_department(make_hazard, fire, school_b):
    hazard = make_hazard(school=school_b, user=fire)
    assert hazard.department == fire.membership.department


@pytest.mark.parametrize("persona", ["gov", "bob", "outsider"])
def test_report_refused_for_roles_outside_the_school(request, make_hazard, persona):
    user = request.getfixturevalue(persona)
    with pytest.raises(NotAllowed):
        make_hazard(user=user)
    assert not Hazard.objects.exists()


def test_report_needs_a_description(make_hazard):
    with pytest.raises(Invalid):
        make_hazard(description="   ")


def test_full_loop_closes_with_events(hazard, bureau_admin, alice):
    hazard.assign(bureau_admin, opinion="立即清理", deadline=DEADLINE, responsible_person="王建国")
    hazard.start(alice)
    hazard.submit(alice, measures="已清理", cost=Decimal("200.00"), photos=[after_photo()])
    hazard.verify(bureau_admin, passed=True, comment="复查合格")
    hazard.refresh_from_db()
    assert hazard.status == HazardStatus.CLOSED
    assert hazard.closed_at is not None
    assert hazard.cost == Decimal("200.00")
    kinds = list(hazard.events.values_list("kind", "from_status", "to_status"))
    assert kinds == [
        ("reported", "", "reported"),
        ("assigned", "reported", "assigned"),
        ("started", "assigned", "rectifying"),
        ("submitted", "rectifying", "awaiting_verification"),
        ("verified", "awaiting_verification", "closed"),
    ]
    assert hazard.version == 5


def test_failed_verification_goes_back_to_rectifying_with_reason(hazard, bureau_admin, alice):
    to_stage(hazard, "awaiting_verification", bureau_admin, alice)
    with pytest.raises(Invalid):
        hazard.verify(bureau_admin, passed=False, comment="")
    hazard.verify(bureau_admin, passed=False, comment="杂物未清理干净")
    hazard.refresh_from_db()
    assert hazard.status == HazardStatus.RECTIFYING
    assert hazard.events.last().comment == "杂物未清理干净"


# Which persona may take which step from the state it needs: everyone else is refused.
STEPS = {
    "assign": ("reported", {"bureau_admin", "fire"}),
    "start": ("assigned", {"alice"}),
    "submit": ("rectifying", {"alice"}),
    "verify": ("awaiting_verification", {"bureau_admin", "fire"}),
    "reject": ("reported", {"bureau_admin", "fire"}),
}
PERSONAS = ["bureau_admin", "leader", "gov", "fire", "alice", "bob", "carol", "outsider"]


def _call(hazard: Hazard, step: str, user) -> None:
    args = {
        "assign": {"opinion": "整改", "deadline": DEADLINE},
        "start": {},
        "submit": {"measures": "已整改", "photos": [after_photo()]},
        "verify": {"passed": True},
        "reject": {"reason": "不属实"},
    }[step]
    getattr(hazard, step)(user, **args)


def _hazard_found_by_fire(make_hazard, fire) -> Hazard:
    return make_hazard(user=fire)


@pytest.mark.parametrize("step", list(STEPS))
@pytest.mark.parametrize("persona", PERSONAS)
def test_step_by_role(request, make_hazard, bureau_admin, alice, fire, step, persona):
    state, allowed = STEPS[step]
    hazard = make_hazard(user=fire)
    to_stage(hazard, state, bureau_admin, alice)
    user = request.getfixturevalue(persona)
    before = (hazard.status, hazard.version, hazard.events.count())
    if persona in allowed:
        _call(hazard, step, user)
        assert hazard.events.count() == before[2] + 1
    else:
        with pytest.raises(NotAllowed):
            _call(hazard, step, user)
        hazard.refresh_from_db()
        assert (hazard.status, hazard.version, hazard.events.count()) == before


def _wrong_states() -> list[tuple[str, str]]:
    """Every (step, state) pair where the step is not allowed from the state."""
    states = ["reported", "assigned", "rectifying", "awaiting_verification", "closed"]
    pairs = []
    for step in STEPS:
        allowed_from = {"reject": {"reported", "assigned"}}.get(step, {STEPS[step][0]})
        pairs += [(step, state) for state in states if state not in allowed_from]
    return pairs


@pytest.mark.parametrize(("step", "state"), _wrong_states())
def test_step_from_wrong_state_is_refused_and_changes_nothing(
    make_hazard, bureau_admin, alice, step, state
):
    hazard = to_stage(make_hazard(), state, bureau_admin, alice)
    user = alice if step in ("start", "submit") else bureau_admin
    before = (hazard.status, hazard.version, hazard.events.count())
    with pytest.raises(Refused):
        _call(hazard, step, user)
    hazard.refresh_from_db()
    assert (hazard.status, hazard.version, hazard.events.count()) == before


def test_rejected_hazard_accepts_no_further_step(hazard, bureau_admin, alice):
    hazard.reject(bureau_admin, reason="经核实不属实")
    for step in STEPS:
        with pytest.raises((Refused, NotAllowed)):
            _call(hazard, step, alice if step in ("start", "submit") else bureau_admin)
    assert hazard.allowed_actions(bureau_admin) == []


def test_inspector_cannot_assign_a_hazard_found_by_the_school(hazard, fire):
    with pytest.raises(NotAllowed):
        hazard.assign(fire, opinion="整改", deadline=DEADLINE)


def test_assign_refuses_deadline_before_found_on(hazard, bureau_admin):
    with pytest.raises(Invalid):
        hazard.assign(bureau_admin, opinion="整改", deadline=datetime.date(2014, 8, 1))
    assert Hazard.objects.get().status == HazardStatus.REPORTED


def test_second_save_from_a_stale_copy_is_refused(hazard, bureau_admin, alice):
    first = Hazard.objects.get(pk=hazard.pk)
    second = Hazard.objects.get(pk=hazard.pk)
    first.edit(alice, version=first.version, description="消防通道堆放桌椅")
    with pytest.raises(Stale):
        second.edit(bureau_admin, version=second.version, description="另一种描述")
    with pytest.raises(Stale):
        second.assign(bureau_admin, opinion="整改", deadline=DEADLINE)
    hazard.refresh_from_db()
    assert hazard.description == "消防通道堆放桌椅"
    assert hazard.status == HazardStatus.REPORTED


def test_edit_records_before_and_after(hazard, alice):
    hazard.edit(alice, version=hazard.version, location="教学楼一楼")
    event = hazard.events.last()
    assert event.kind == EventKind.EDITED
    assert event.data == {"before": {"location": ""}, "after": {"location": "教学楼一楼"}}


def test_staff_cannot_edit(hazard, carol):
    with pytest.raises(NotAllowed):
        hazard.edit(carol, version=hazard.version, location="x")


def test_extension_approved_moves_the_deadline(hazard, bureau_admin, alice):
    to_stage(hazard, "rectifying", bureau_admin, alice)
    later = datetime.date(2014, 10, 15)
    hazard.request_extension(alice, new_deadline=later, reason="需采购设备")
    with pytest.raises(Refused):
        hazard.request_extension(alice, new_deadline=later, reason="再次申请")
    with pytest.raises(NotAllowed):
        hazard.decide_extension(alice, approve=True)
    hazard.decide_extension(bureau_admin, approve=True)
    hazard.refresh_from_db()
    assert hazard.deadline == later
    assert hazard.extension_requests.get().status == "approved"


def test_extension_refused_keeps_the_deadline_and_needs_a_reason(hazard, bureau_admin, alice):
    to_stage(hazard, "assigned", bureau_admin, alice)
    hazard.request_extension(alice, new_deadline=datetime.date(2014, 10, 1), reason="资金未到位")
    with pytest.raises(Invalid):
        hazard.decide_extension(bureau_admin, approve=False)
    hazard.decide_extension(bureau_admin, approve=False, comment="可先行临时管控")
    hazard.refresh_from_db()
    assert hazard.deadline == DEADLINE
    assert hazard.pending_extension() is None


def test_extension_must_be_later_and_only_while_rectification_runs(hazard, bureau_admin, alice):
    with pytest.raises(Refused):
        hazard.request_extension(alice, new_deadline=datetime.date(2014, 12, 1), reason="x")
    to_stage(hazard, "assigned", bureau_admin, alice)
    with pytest.raises(Invalid):
        hazard.request_extension(alice, new_deadline=DEADLINE, reason="x")


def test_only_leader_supervises_major_open_hazards(make_hazard, leader, bureau_admin, alice):
    general = make_hazard()
    with pytest.raises(Refused):
        general.supervise(leader)
    major = make_hazard(level=HazardLevel.MAJOR)
    with pytest.raises(NotAllowed):
        major.supervise(bureau_admin)
    major.supervise(leader, comment="挂牌督办")
    assert Hazard.objects.supervised().get() == major
    with pytest.raises(Refused):
        major.supervise(leader)
    with pytest.raises(Invalid):
        major.edit(alice, version=major.version, level=HazardLevel.GENERAL)
    major.lift_supervision(leader)
    assert not Hazard.objects.supervised().exists()


@pytest.mark.real_clock
def test_overdue_is_derived_in_shanghai_local_date(hazard, bureau_admin, alice):
    to_stage(hazard, "rectifying", bureau_admin, alice)
    # 2014-09-15 16:30 UTC is already 2014-09-16 in Shanghai: the deadline (15th) has passed.
    with time_machine.travel(datetime.datetime(2014, 9, 15, 15, 30, tzinfo=datetime.UTC)):
        assert not Hazard.objects.get().is_overdue
        assert not Hazard.objects.overdue().exists()
    with time_machine.travel(datetime.datetime(2014, 9, 15, 16, 30, tzinfo=datetime.UTC)):
        assert Hazard.objects.get().is_overdue
        assert Hazard.objects.overdue().get() == hazard
        assert Hazard.objects.get().days_overdue == 1
    hazard.submit(alice, measures="已整改", photos=[after_photo()])
    assert not Hazard.objects.overdue(datetime.date(2015, 1, 1)).exists()


def test_open_and_closed_querysets(make_hazard, bureau_admin, alice):
    closed = to_stage(make_hazard(), "closed", bureau_admin, alice)
    rejected = make_hazard()
    rejected.reject(bureau_admin, reason="不属实")
    open_ = make_hazard()
    assert list(Hazard.objects.open()) == [open_]
    assert list(Hazard.objects.closed()) == [closed]


def test_for_user_isolation(
    make_hazard, bureau_admin, leader, gov, fire, alice, bob, carol, outsider, school_b
):
    mine = make_hazard()
    theirs = make_hazard(school=school_b, user=bob)
    by_fire = make_hazard(school=school_b, user=fire)
    everything = {mine, theirs, by_fire}
    for user in (bureau_admin, leader, gov):
        assert set(Hazard.objects.for_user(user)) == everything
    assert set(Hazard.objects.for_user(alice)) == {mine}
    assert set(Hazard.objects.for_user(carol)) == {mine}
    assert set(Hazard.objects.for_user(bob)) == {theirs, by_fire}
    assert set(Hazard.objects.for_user(fire)) == {by_fire}
    assert not Hazard.objects.for_user(outsider).exists()
    assert set(HazardEvent.objects.for_user(fire)) == set(by_fire.events.all())


def test_allowed_actions_per_role(hazard, bureau_admin, leader, alice, carol):
    assert set(hazard.allowed_actions(bureau_admin)) == {"assign", "reject", "edit", "photo"}
    assert set(hazard.allowed_actions(alice)) == {"edit", "photo"}
    assert set(hazard.allowed_actions(carol)) == {"photo"}
    assert hazard.allowed_actions(leader) == []


def test_submit_without_an_after_photo_is_refused_and_changes_nothing(hazard, bureau_admin, alice):
    to_stage(hazard, "rectifying", bureau_admin, alice)
    hazard.add_photo(alice, after_photo(), PhotoKind.BEFORE)  # a before-photo does not count
    before = (hazard.version, hazard.events.count())
    with pytest.raises(Invalid, match="整改后"):
        hazard.submit(alice, measures="已清理")
    with pytest.raises(Invalid):
        hazard.submit(alice, measures="  ", photos=[after_photo()])
    hazard.refresh_from_db()
    assert (hazard.status, hazard.version, hazard.events.count()) == (
        HazardStatus.RECTIFYING,
        *before,
    )
    assert not hazard.photos.filter(kind=PhotoKind.AFTER).exists()


def test_submit_attaches_its_after_photos_to_the_submit_event(hazard, bureau_admin, alice):
    to_stage(hazard, "rectifying", bureau_admin, alice)
    event = hazard.submit(alice, measures="已清理", photos=[after_photo(), after_photo()])
    assert event.kind == EventKind.SUBMITTED
    assert [p.kind for p in event.photos.all()] == [PhotoKind.AFTER, PhotoKind.AFTER]
    assert event.data == {"photos": 2}
    assert Hazard.objects.get().status == HazardStatus.AWAITING_VERIFICATION


def test_after_photo_already_on_the_hazard_lets_the_school_submit(hazard, bureau_admin, alice):
    to_stage(hazard, "rectifying", bureau_admin, alice)
    hazard.add_photo(alice, after_photo(), PhotoKind.AFTER)
    hazard.submit(alice, measures="已清理")
    assert Hazard.objects.get().status == HazardStatus.AWAITING_VERIFICATION


def test_submit_with_a_file_that_is_not_a_photo_changes_nothing(hazard, bureau_admin, alice):
    from django.core.exceptions import ValidationError
    from django.core.files.uploadedfile import SimpleUploadedFile

    to_stage(hazard, "rectifying", bureau_admin, alice)
    fake = SimpleUploadedFile("after.jpg", b"not really a picture", content_type="image/jpeg")
    with pytest.raises(ValidationError):
        hazard.submit(alice, measures="已清理", photos=[fake])
    hazard.refresh_from_db()
    assert hazard.status == HazardStatus.RECTIFYING
    assert not hazard.photos.exists()


def test_code_taken_outside_the_counter_is_skipped_not_duplicated(make_hazard, alice, school_a):
    first = make_hazard()
    # A hazard restored or imported with the next number, without moving the counter.
    Hazard.objects.filter(pk=first.pk).update(code="YH-2014-0001")
    imported = Hazard.objects.get(pk=first.pk)
    imported.pk = None
    imported.code = "YH-2014-0002"
    imported.save()
    third = make_hazard()
    assert third.code == "YH-2014-0003"
    assert third.events.get().kind == EventKind.REPORTED
    assert Hazard.objects.filter(code="YH-2014-0002").count() == 1
    assert HazardCounter.objects.get(year=2014).last == 3


# SQLite's test database is one shared in-memory file whose table locks do not wait; there,
# writers are serialised because every transaction begins IMMEDIATE (see settings).
@pytest.mark.skipif(connection.vendor != "postgresql", reason="needs a server with row locks")
def test_concurrent_reports_get_distinct_codes(transactional_db, make_hazard):
    """Reports filed at the same moment, each in its own connection and transaction."""
    from concurrent.futures import ThreadPoolExecutor

    from django.db import connections

    make_hazard()  # the counter row exists; the racers contend on its lock

    def report(_: int) -> str:
        try:
            return make_hazard().code
        finally:
            connections.close_all()

    with ThreadPoolExecutor(max_workers=6) as pool:
        codes = list(pool.map(report, range(12)))
    assert sorted(codes) == [f"YH-2014-{n:04d}" for n in range(2, 14)]


# The steps around the main line, each from the state it needs, by the persona who may.
SIDE_STEPS = {
    "request_extension": {"alice"},
    "decide_extension": {"bureau_admin", "fire"},
    "supervise": {"leader"},
    "lift_supervision": {"leader"},
}


def _side_ready(make_hazard, step, bureau_admin, leader, alice, fire) -> Hazard:
    """A major hazard found by the fire brigade, rectifying, ready for `step`."""
    hazard = to_stage(
        make_hazard(user=fire, level=HazardLevel.MAJOR), "rectifying", bureau_admin, alice
    )
    if step == "decide_extension":
        hazard.request_extension(alice, new_deadline=datetime.date(2014, 10, 1), reason="待采购")
    if step == "lift_supervision":
        hazard.supervise(leader)
    return hazard


def _side_call(hazard: Hazard, step: str, user) -> None:
    args = {
        "request_extension": {"new_deadline": datetime.date(2014, 10, 1), "reason": "待采购"},
        "decide_extension": {"approve": True},
        "supervise": {},
        "lift_supervision": {},
    }[step]
    getattr(hazard, step)(user, **args)


@pytest.mark.parametrize("step", list(SIDE_STEPS))
@pytest.mark.parametrize("persona", PERSONAS)
def test_side_step_by_role(request, make_hazard, bureau_admin, leader, alice, fire, step, persona):
    hazard = _side_ready(make_hazard, step, bureau_admin, leader, alice, fire)
    user = request.getfixturevalue(persona)
    before = (hazard.status, hazard.version, hazard.supervised, hazard.deadline)
    events = hazard.events.count()
    if persona in SIDE_STEPS[step]:
        _side_call(hazard, step, user)
        assert hazard.events.count() == events + 1
    else:
        with pytest.raises(NotAllowed):
            _side_call(hazard, step, user)
        hazard.refresh_from_db()
        assert (hazard.status, hazard.version, hazard.supervised, hazard.deadline) == before
        assert hazard.events.count() == events


@pytest.mark.parametrize("state", ["reported", "awaiting_verification", "closed"])
def test_side_steps_from_a_wrong_state_are_refused(make_hazard, bureau_admin, leader, alice, state):
    hazard = to_stage(make_hazard(level=HazardLevel.MAJOR), state, bureau_admin, alice)
    version = hazard.version
    later = datetime.date(2014, 12, 1)
    with pytest.raises(Refused):
        hazard.request_extension(alice, new_deadline=later, reason="待采购")
    with pytest.raises(Refused):
        hazard.decide_extension(bureau_admin, approve=True)  # nothing pending
    with pytest.raises(Refused):
        hazard.lift_supervision(leader)  # not under supervision
    if state == "closed":
        with pytest.raises(Refused):
            hazard.supervise(leader)
    hazard.refresh_from_db()
    assert (hazard.version, hazard.supervised) == (version, False)
    assert not hazard.extension_requests.exists()


@pytest.mark.real_clock
def test_report_refuses_a_date_in_the_future(make_hazard):
    with time_machine.travel(datetime.datetime(2014, 9, 1, 16, 30, tzinfo=datetime.UTC)):
        # 00:30 on 2 September in Shanghai: the 2nd is today, the 3rd is not yet.
        assert make_hazard(found_on=datetime.date(2014, 9, 2)).code == "YH-2014-0001"
        with pytest.raises(Invalid):
            make_hazard(found_on=datetime.date(2014, 9, 3))
    assert Hazard.objects.count() == 1
