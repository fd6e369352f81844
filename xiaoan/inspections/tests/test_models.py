import datetime
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from xiaoan.core.errors import DomainError, NotAllowed, Refused
from xiaoan.hazards.models import Area, Hazard
from xiaoan.inspections.models import (
    ChecklistItem,
    ChecklistTemplate,
    Inspection,
    InspectionSchedule,
)

from .conftest import pass_all


def _jpeg() -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", (40, 30), "red").save(buffer, "JPEG")
    return SimpleUploadedFile("p.jpg", buffer.getvalue(), content_type="image/jpeg")


def test_every_area_has_a_current_checklist_of_at_least_eight_items_with_legal_basis(db):
    for area in Area.objects.all():
        template = ChecklistTemplate.objects.get(area=area, is_current=True)
        items = list(template.items.all())
        assert len(items) >= 8, area.code
        assert all(item.legal_basis for item in items)


def test_lab_checklist_requires_two_person_two_lock_custody(db):
    texts = ChecklistItem.objects.filter(template__area__code="lab").values_list("text", flat=True)
    assert any("双人双锁" in t for t in texts)


def test_vehicle_and_security_checklists_follow_chinese_practice(db):
    def items(code):
        return list(
            ChecklistItem.objects.filter(template__area__code=code, template__is_current=True)
        )

    vehicle = items("vehicle")
    assert sum("《校车安全管理条例》" in i.legal_basis for i in vehicle) >= 5
    assert any("随车照管" in i.text for i in vehicle) and any("超员" in i.text for i in vehicle)
    security = [i.text for i in items("security")]
    assert any("24小时值班" in t for t in security)
    assert any("外来人员" in t and "登记" in t for t in security)


def test_starting_an_inspection_copies_the_current_items(draft, fire_area):
    template = ChecklistTemplate.objects.get(area=fire_area, is_current=True)
    assert draft.answers.count() == template.items.count()
    assert draft.status == "draft"


def test_revising_a_template_does_not_change_recorded_inspections(draft, fire_area, bureau_admin):
    old = ChecklistTemplate.objects.get(area=fire_area, is_current=True)
    first = draft.answers.order_by("order").first()
    items = [i.as_dict() for i in old.items.all()]
    items[0]["text"] = "改写后的检查项"
    new = old.revise(bureau_admin, items)
    old.refresh_from_db()
    assert new.version == old.version + 1 and new.is_current and not old.is_current
    first.refresh_from_db()
    assert first.item_text != "改写后的检查项"
    assert first.item.template_id == old.pk


def test_new_inspections_use_the_revised_template(draft, fire_area, bureau_admin, school_a):
    old = ChecklistTemplate.objects.get(area=fire_area, is_current=True)
    items = [i.as_dict() for i in old.items.all()][:3]
    old.revise(bureau_admin, items)
    later = Inspection.objects.start(
        bureau_admin,
        school=school_a,
        kind="spot",
        date=datetime.date(2014, 10, 1),
        areas=[fire_area],
    )
    assert later.answers.count() == 3


def test_only_the_bureau_admin_revises_checklists(fire_area, alice):
    template = ChecklistTemplate.objects.get(area=fire_area, is_current=True)
    with pytest.raises(NotAllowed):
        template.revise(alice, [template.items.first().as_dict()])


def test_a_failed_item_raises_a_linked_hazard_with_prefilled_area_and_level(draft, alice):
    answer = draft.answers.get(item_text__contains="疏散通道")
    hazard = draft.raise_hazard(alice, answer, description="一楼东侧通道堆放课桌椅")
    answer.refresh_from_db()
    assert answer.result == "fail" and answer.hazard == hazard
    assert hazard.area.code == "fire" and hazard.level == answer.default_level
    assert hazard.source == "inspection" and hazard.campaign == draft.campaign
    assert hazard.found_on == draft.date and hazard.school == draft.school
    assert Hazard.objects.get(pk=hazard.pk).inspection_answer == answer
    with pytest.raises(DomainError):
        draft.raise_hazard(alice, answer)


def test_a_failed_item_photo_goes_with_the_hazard(draft, alice):
    answer = draft.answers.get(item_text__startswith="灭火器")
    draft.answer(alice, answer, result="fail", note="灭火器过期", photo=_jpeg())
    hazard = draft.raise_hazard(alice, answer)
    assert hazard.description == "灭火器过期"
    assert hazard.photos.count() == 1


def test_submit_requires_every_item_answered_and_failures_documented(draft, alice):
    with pytest.raises(DomainError):
        draft.submit(alice, signed_by="王校长")
    pass_all(draft, alice)
    answer = draft.answers.get(item_text__contains="疏散通道")  # rule: a hazard
    draft.answer(alice, answer, result="fail", note="堆放杂物")
    with pytest.raises(DomainError, match="登记隐患"):
        draft.submit(alice, signed_by="王校长")
    draft.raise_hazard(alice, answer)
    with pytest.raises(DomainError):
        draft.submit(alice, signed_by="  ")
    draft.submit(alice, signed_by="王校长")
    assert draft.status == "submitted" and draft.signed_at is not None
    assert draft.events.filter(kind="submitted").count() == 1


def test_a_submitted_inspection_is_locked(draft, alice, bureau_admin):
    pass_all(draft, alice)
    draft.submit(alice, signed_by="王校长")
    answer = draft.answers.first()
    with pytest.raises(Refused):
        draft.answer(alice, answer, result="fail", note="x")
    with pytest.raises(Refused):
        draft.answer(bureau_admin, answer, result="fail", note="x")
    with pytest.raises(Refused):
        draft.raise_hazard(alice, answer)
    with pytest.raises(Refused):
        draft.submit(alice, signed_by="王校长")
    answer.refresh_from_db()
    assert answer.result == "pass"


def test_school_admin_records_only_self_inspections_of_its_own_school(
    alice, school_b, school_a, fire_area
):
    day = datetime.date(2014, 9, 1)
    with pytest.raises(NotAllowed):
        Inspection.objects.start(alice, school=school_b, kind="self", date=day, areas=[fire_area])
    with pytest.raises(NotAllowed):
        Inspection.objects.start(alice, school=school_a, kind="joint", date=day, areas=[fire_area])


def test_staff_and_gov_cannot_record_inspections(carol, gov, school_a, fire_area):
    day = datetime.date(2014, 9, 1)
    for user in (carol, gov):
        with pytest.raises(NotAllowed):
            Inspection.objects.start(
                user, school=school_a, kind="self", date=day, areas=[fire_area]
            )


def test_fire_inspector_records_joint_inspection_anywhere_but_sees_only_its_hazards(
    fire, bureau_admin, school_a, school_b, fire_area, fire_department
):
    day = datetime.date(2014, 8, 28)
    own = Inspection.objects.start(fire, school=school_b, kind="joint", date=day, areas=[fire_area])
    assert list(own.departments.all()) == [fire_department]
    hazard = own.raise_hazard(fire, own.answers.first())
    assert hazard.department == fire_department
    other = Inspection.objects.start(
        bureau_admin, school=school_a, kind="spot", date=day, areas=[fire_area]
    )
    bureau_hazard = other.raise_hazard(bureau_admin, other.answers.first())
    assert list(Inspection.objects.for_user(fire)) == [own]
    visible = Hazard.objects.for_user(fire)
    assert hazard in visible and bureau_hazard not in visible
    assert not other.may(fire, "answer")


def test_school_users_see_only_their_school_inspections(draft, bob, alice, outsider, carol):
    assert list(Inspection.objects.for_user(alice)) == [draft]
    assert list(Inspection.objects.for_user(carol)) == [draft]
    assert not Inspection.objects.for_user(bob).exists()
    assert not Inspection.objects.for_user(outsider).exists()


def test_schedule_coverage_counts_submitted_inspections_of_its_kind_in_the_window(
    bureau, bureau_admin, school_a, school_b, kindergarten, fire_area
):
    schedule = InspectionSchedule.objects.create(
        bureau=bureau,
        title="开学前联合检查",
        kind="joint",
        start_date=datetime.date(2014, 8, 15),
        due_date=datetime.date(2014, 8, 31),
    )

    def record(school, kind, day, submit=True):
        inspection = Inspection.objects.start(
            bureau_admin, school=school, kind=kind, date=day, areas=[fire_area]
        )
        if submit:
            pass_all(inspection, bureau_admin)
            inspection.submit(bureau_admin, signed_by="李科长")
        return inspection

    done = record(school_a, "joint", datetime.date(2014, 8, 20))
    record(school_b, "joint", datetime.date(2014, 8, 21), submit=False)  # draft: not counted
    record(kindergarten, "spot", datetime.date(2014, 8, 22))  # other kind: not counted
    rows = {row.school.code: row.inspection for row in schedule.coverage()}
    assert rows == {"S001": done, "S002": None, "S040": None}
    assert schedule.figures(today=datetime.date(2014, 9, 2)) == {
        "total": 3,
        "inspected": 1,
        "due": 2,
        "overdue": 2,
    }
    assert schedule.figures(today=datetime.date(2014, 8, 25))["overdue"] == 0


def test_schedule_limited_to_school_kinds(bureau, school_a, kindergarten):
    schedule = InspectionSchedule.objects.create(
        bureau=bureau,
        title="幼儿园检查",
        kind="joint",
        start_date=datetime.date(2014, 8, 1),
        due_date=datetime.date(2014, 8, 31),
        school_kinds=["kindergarten"],
    )
    assert list(schedule.target_schools()) == [kindergarten]


def _plan(user, **values):
    base = {
        "title": "开学前联合检查",
        "kind": "joint",
        "start_date": datetime.date(2014, 8, 18),
        "due_date": datetime.date(2014, 8, 31),
    }
    return InspectionSchedule.objects.plan(user, **(base | values))


def test_bureau_replans_a_schedule_and_coverage_follows_the_new_plan(
    bureau_admin, leader, school_a, school_b, kindergarten, fire_area
):
    schedule = _plan(bureau_admin, school_kinds=["kindergarten"])
    assert [s.code for s in schedule.target_schools()] == ["S040"]
    spot = Inspection.objects.start(
        bureau_admin,
        school=school_a,
        kind="spot",
        date=datetime.date(2014, 9, 2),
        areas=[fire_area],
    )
    pass_all(spot, bureau_admin)
    spot.submit(bureau_admin, signed_by="李科长")
    event = schedule.replan(
        bureau_admin,
        title="9月抽查",
        kind="spot",
        due_date=datetime.date(2014, 9, 30),
        school_kinds=[],
        schools=[school_a, school_b],
    )
    schedule.refresh_from_db()
    assert (schedule.title, schedule.kind) == ("9月抽查", "spot")
    assert {row.school.code: row.inspection for row in schedule.coverage()} == {
        "S001": spot,
        "S002": None,
    }
    assert event is not None and event.kind == "changed"
    assert event.data == {"fields": ["title", "kind", "due_date", "school_kinds", "schools"]}
    assert event.details() == "标题、类型、截止日期、学校类型、学校"
    assert schedule.replan(bureau_admin, title="9月抽查") is None  # nothing changed, nothing logged
    with pytest.raises(DomainError):
        schedule.replan(bureau_admin, due_date=datetime.date(2014, 8, 1))
    with pytest.raises(NotAllowed):
        schedule.replan(leader, title="改名")
    schedule.refresh_from_db()
    assert schedule.due_date == datetime.date(2014, 9, 30) and schedule.title == "9月抽查"


def test_a_cancelled_schedule_is_no_longer_due_and_can_be_reinstated(
    bureau_admin, leader, school_a
):
    schedule = _plan(bureau_admin)
    late = datetime.date(2014, 9, 5)
    assert schedule.figures(today=late)["overdue"] == 1
    with pytest.raises(DomainError):
        schedule.cancel(bureau_admin, "  ")
    with pytest.raises(NotAllowed):
        schedule.cancel(leader, "台风停课")
    schedule.cancel(bureau_admin, "台风停课,改期")
    assert schedule.is_cancelled and schedule.figures(today=late)["overdue"] == 0
    assert not InspectionSchedule.objects.planned().exists()
    with pytest.raises(DomainError):
        schedule.replan(bureau_admin, title="改名")
    with pytest.raises(DomainError):
        schedule.cancel(bureau_admin, "again")
    schedule.reinstate(bureau_admin)
    assert not schedule.is_cancelled and schedule.figures(today=late)["overdue"] == 1
    assert list(schedule.events.values_list("kind", flat=True)) == [
        "planned",
        "cancelled",
        "reinstated",
    ]
