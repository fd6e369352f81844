import datetime
import io
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from docx import Document
from openpyxl import load_workbook
from PIL import Image

from xiaoan.hazards.models import Hazard
from xiaoan.inspections.models import Inspection, InspectionSchedule
from xiaoan.schools.models import School

from .conftest import pass_all


def _url(name, *args):
    return reverse(f"inspections:{name}", args=args)


def test_owner_sees_detail_other_school_gets_404(draft, as_user, alice, bob, outsider):
    assert as_user(alice).get(draft.get_absolute_url()).status_code == 200
    assert as_user(bob).get(draft.get_absolute_url()).status_code == 404
    assert as_user(outsider).get(draft.get_absolute_url()).status_code == 404
    answer = draft.answers.first()
    response = as_user(bob).post(_url("answer", draft.pk, answer.pk), {"result": "pass"})
    assert response.status_code == 404


def test_read_only_roles_cannot_answer_or_start(draft, as_user, carol, gov, leader):
    answer = draft.answers.first()
    response = as_user(carol).post(_url("answer", draft.pk, answer.pk), {"result": "pass"})
    assert response.status_code == 403
    assert as_user(gov).get(_url("start")).status_code == 403
    assert as_user(carol).get(_url("start")).status_code == 403
    assert as_user(leader).post(_url("submit", draft.pk), {"signed_by": "x"}).status_code == 403


def test_wrong_method_is_405(draft, as_user, alice):
    answer = draft.answers.first()
    assert as_user(alice).get(_url("answer", draft.pk, answer.pk)).status_code == 405
    assert as_user(alice).get(_url("submit", draft.pk)).status_code == 405
    assert as_user(alice).post(_url("docx", draft.pk)).status_code == 405


def test_answering_by_htmx_returns_the_item_card(draft, as_user, alice):
    answer = draft.answers.first()
    response = as_user(alice).post(
        _url("answer", draft.pk, answer.pk),
        {"result": "fail", "note": "灭火器压力不足"},
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 200
    assert f'id="answer-{answer.pk}"' in response.content.decode()
    answer.refresh_from_db()
    assert answer.result == "fail" and answer.note == "灭火器压力不足"


def test_fake_photo_is_refused_with_a_message(draft, as_user, alice):
    answer = draft.answers.first()
    fake = SimpleUploadedFile("x.jpg", b"not an image", content_type="image/jpeg")
    response = as_user(alice).post(
        _url("answer", draft.pk, answer.pk),
        {"result": "fail", "note": "n", "photo": fake},
        HTTP_HX_REQUEST="true",
    )
    assert "alert-danger" in response.content.decode()
    answer.refresh_from_db()
    assert answer.result == "" and not answer.photo


def test_photo_is_served_only_to_those_who_see_the_inspection(draft, as_user, alice, bob):
    answer = draft.answers.first()
    buffer = io.BytesIO()
    Image.new("RGB", (20, 20)).save(buffer, "PNG")
    photo = SimpleUploadedFile("p.png", buffer.getvalue(), content_type="image/png")
    draft.answer(alice, answer, result="fail", note="n", photo=photo)
    assert as_user(alice).get(_url("photo", draft.pk, answer.pk))["Content-Type"] == "image/jpeg"
    assert as_user(bob).get(_url("photo", draft.pk, answer.pk)).status_code == 404


def test_raise_hazard_page_is_prefilled_and_creates_a_linked_hazard(draft, as_user, alice):
    answer = draft.answers.get(item_text__contains="疏散通道")
    client = as_user(alice)
    client.post(_url("answer", draft.pk, answer.pk), {"result": "fail", "note": "通道堆物"})
    page = client.get(_url("raise_hazard", draft.pk, answer.pk)).content.decode()
    assert "通道堆物" in page
    response = client.post(
        _url("raise_hazard", draft.pk, answer.pk),
        {"description": "通道堆物", "level": "general", "location": "一楼"},
    )
    assert response.status_code == 302
    answer.refresh_from_db()
    assert answer.hazard.location == "一楼" and answer.hazard.source == "inspection"


def test_submit_through_the_page_locks_the_record(draft, as_user, alice):
    pass_all(draft, alice)
    client = as_user(alice)
    client.post(_url("submit", draft.pk), {"signed_by": "王校长", "notes": "总体良好"})
    draft.refresh_from_db()
    assert draft.is_locked and draft.notes == "总体良好"
    page = client.get(draft.get_absolute_url()).content.decode()
    assert "submit-inspection" not in page
    answer = draft.answers.first()
    client.post(_url("answer", draft.pk, answer.pk), {"result": "fail", "note": "x"})
    answer.refresh_from_db()
    assert answer.result == "pass"


def test_start_page_creates_a_draft(as_user, alice, school_a, fire_area, campaign):
    response = as_user(alice).post(
        _url("start"),
        {"kind": "self", "date": "2014-09-03", "areas": [fire_area.pk], "campaign": campaign.pk},
    )
    inspection = Inspection.objects.get()
    assert response.status_code == 302 and inspection.school == school_a
    assert inspection.answers.count() >= 8


def test_start_page_offers_inspectors_by_name_and_organisation_never_the_government(
    as_user, bureau_admin, leader, gov, fire
):
    page = as_user(bureau_admin).get(_url("start")).content.decode()
    select = re.search(r'<select name="inspectors".*?</select>', page, re.S)
    assert select is not None
    options = re.findall(r'<option value="(\d+)"[^>]*>([^<]*)</option>', select.group())
    labels = {int(pk): label for pk, label in options}
    assert labels[fire.pk] == "Fire · 清溪区消防大队"
    assert labels[leader.pk] == f"Leader · {leader.membership.bureau}"
    assert gov.pk not in labels


def test_start_page_does_not_preselect_a_school_self_inspection_for_the_bureau(
    as_user, bureau_admin, alice
):
    page = as_user(bureau_admin).get(_url("start")).content.decode()
    assert '<option value="joint" selected>' in page
    assert '<option value="self" selected>' not in page
    page = as_user(alice).get(_url("start")).content.decode()
    assert '<option value="self" selected>' in page


def test_list_filters_and_exports_only_visible_inspections(
    draft, as_user, bureau_admin, bob, school_b, fire_area
):
    other = Inspection.objects.start(
        bureau_admin,
        school=school_b,
        kind="spot",
        date=datetime.date(2014, 9, 5),
        areas=[fire_area],
    )
    client = as_user(bureau_admin)
    page = client.get(_url("list"), {"kind": "spot"}).content.decode()
    assert f"<td>{school_b.name}</td>" in page and f"<td>{draft.school.name}</td>" not in page
    response = as_user(bob).get(_url("export"))
    ws = load_workbook(io.BytesIO(response.content)).active
    assert [row[0] for row in ws.iter_rows(min_row=3, values_only=True)] == [school_b.name]
    assert other.pk


def test_list_runs_a_fixed_number_of_queries(as_user, bureau_admin, school_a, school_b, fire_area):
    client = as_user(bureau_admin)
    day = datetime.date(2014, 9, 5)
    Inspection.objects.start(
        bureau_admin, school=school_a, kind="spot", date=day, areas=[fire_area]
    )
    client.get(_url("list"))
    with CaptureQueriesContext(connection) as ctx:
        client.get(_url("list"))
    baseline = len(ctx.captured_queries)
    for school in (school_a, school_b, school_b):
        Inspection.objects.start(
            bureau_admin, school=school, kind="spot", date=day, areas=[fire_area]
        )
    with CaptureQueriesContext(connection) as ctx:
        client.get(_url("list"))
    assert len(ctx.captured_queries) == baseline


def test_record_as_docx_and_printable_page(draft, as_user, alice):
    client = as_user(alice)
    response = client.get(_url("docx", draft.pk))
    document = Document(io.BytesIO(response.content))
    assert document.paragraphs[0].text == "安全检查记录表"
    normal = document.styles["Normal"].element.rPr.rFonts
    assert "仿宋" in normal.get(
        "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}eastAsia"
    )
    items = document.tables[1]
    assert len(items.rows) == draft.answers.count() + 1
    assert "安全检查记录表" in client.get(_url("print", draft.pk)).content.decode()


def test_school_history_fragment_is_isolated(draft, as_user, alice, bob, school_a):
    assert (
        draft.date.strftime("%Y-%m-%d")
        in as_user(alice).get(_url("school_history", school_a.pk)).content.decode()
    )
    assert as_user(bob).get(_url("school_history", school_a.pk)).status_code == 404


def test_schedules_are_for_district_roles_and_planned_by_the_bureau(
    as_user, bureau_admin, alice, leader, school_a
):
    assert as_user(alice).get(_url("schedules")).status_code == 403
    assert as_user(leader).get(_url("schedule_create")).status_code == 403
    response = as_user(bureau_admin).post(
        _url("schedule_create"),
        {
            "title": "9月前幼儿园联合检查",
            "kind": "joint",
            "start_date": "2014-08-15",
            "due_date": "2014-08-31",
            "school_kinds": ["kindergarten"],
        },
    )
    schedule = InspectionSchedule.objects.get()
    assert response.status_code == 302 and schedule.school_kinds == ["kindergarten"]
    page = as_user(leader).get(schedule.get_absolute_url())
    assert page.status_code == 200
    assert as_user(alice).get(schedule.get_absolute_url()).status_code == 403


def test_the_schedule_form_offers_schools_by_search_and_keeps_the_picked_as_chips(
    as_user, bureau_admin, school_a, school_b, kindergarten
):
    page = as_user(bureau_admin).get(_url("schedule_create")).content.decode()
    assert '<select name="schools"' not in page
    assert not re.search(rf'<option value="{school_a.pk}"', page)
    assert school_a.name not in page and kindergarten.name not in page
    assert 'data-school-search="/api/v1/schools/"' in page

    # Due before the start: the page comes back, the two picked schools still chosen.
    bad = as_user(bureau_admin).post(
        _url("schedule_create"),
        {
            "title": "开学前联合检查",
            "kind": "joint",
            "start_date": "2014-08-31",
            "due_date": "2014-08-15",
            "schools": [school_a.pk, school_b.pk],
        },
    )
    page = bad.content.decode()
    assert bad.status_code == 200 and not InspectionSchedule.objects.exists()
    chips = re.findall(
        r'data-school-chip><span>([^<]*)</span><input type="hidden" name="schools" value="(\d+)"',
        page,
    )
    assert chips == [
        (f"S001 {school_a.name}", str(school_a.pk)),
        (f"S002 {school_b.name}", str(school_b.pk)),
    ]
    assert kindergarten.name not in page


def test_fire_inspector_sees_the_joint_inspection_but_not_a_bureau_hazard_in_it(
    as_user, fire, bureau_admin, school_a, fire_area, fire_department
):
    day = datetime.date(2014, 8, 28)
    joint = Inspection.objects.start(
        bureau_admin,
        school=school_a,
        kind="joint",
        date=day,
        areas=[fire_area],
        departments=[fire_department],
    )
    hazard = joint.raise_hazard(bureau_admin, joint.answers.first())
    page = as_user(fire).get(joint.get_absolute_url()).content.decode()
    assert hazard.code not in page
    assert Hazard.objects.for_user(fire).count() == 0


pytestmark = pytest.mark.django_db


def test_bureau_revises_a_checklist_through_the_page(as_user, bureau_admin, alice, fire_area):
    from xiaoan.inspections.models import ChecklistTemplate

    template = ChecklistTemplate.objects.get(area=fire_area, is_current=True)
    assert as_user(alice).get(_url("checklist_revise", template.pk)).status_code == 403
    items = list(template.items.all())
    data = {"form-TOTAL_FORMS": len(items), "form-INITIAL_FORMS": len(items)}
    for i, item in enumerate(items):
        data |= {f"form-{i}-{k}": v for k, v in item.as_dict().items()}
    data["form-0-text"] = "消防安全责任人、管理人已明确并公示"
    data[f"form-{len(items) - 1}-DELETE"] = "on"
    response = as_user(bureau_admin).post(_url("checklist_revise", template.pk), data)
    assert response.status_code == 302
    new = ChecklistTemplate.objects.get(area=fire_area, is_current=True)
    assert new.version == template.version + 1
    assert new.items.count() == len(items) - 1
    assert new.items.first().text == "消防安全责任人、管理人已明确并公示"
    assert as_user(bureau_admin).get(_url("checklist_revise", template.pk)).status_code == 404


def _schedule(bureau, **values):
    base = {
        "bureau": bureau,
        "title": "开学前联合检查",
        "kind": "joint",
        "start_date": datetime.date(2014, 8, 18),
        "due_date": datetime.date(2014, 8, 31),
    }
    return InspectionSchedule.objects.create(**(base | values))


def test_bureau_replans_a_schedule_through_the_page(
    as_user, bureau, bureau_admin, leader, alice, outsider, school_a, school_b
):
    schedule = _schedule(bureau, school_kinds=["kindergarten"])
    url = _url("schedule_edit", schedule.pk)
    page = as_user(bureau_admin).get(url).content.decode()
    assert 'value="开学前联合检查"' in page
    assert re.search(r'value="kindergarten" id="[^"]+" checked', page)
    assert not re.search(r'value="primary" id="[^"]+" checked', page)
    assert as_user(leader).get(url).status_code == 403
    assert as_user(alice).get(url).status_code == 403
    assert as_user(outsider).get(url).status_code == 404
    response = as_user(bureau_admin).post(
        url,
        {
            "title": "9月局领导督查",
            "kind": "leadership",
            "start_date": "2014-09-01",
            "due_date": "2014-09-30",
            "schools": [school_a.pk, school_b.pk],
        },
    )
    assert response.status_code == 302
    schedule.refresh_from_db()
    assert (schedule.title, schedule.kind, schedule.school_kinds) == (
        "9月局领导督查",
        "leadership",
        [],
    )
    assert [s.code for s in schedule.target_schools()] == ["S001", "S002"]
    bad = as_user(bureau_admin).post(
        url, {"title": "x", "kind": "spot", "start_date": "2014-09-30", "due_date": "2014-09-01"}
    )
    assert bad.status_code == 200 and "invalid-feedback" in bad.content.decode()
    schedule.refresh_from_db()
    assert schedule.title == "9月局领导督查"
    detail = as_user(bureau_admin).get(schedule.get_absolute_url()).content.decode()
    assert "重新安排" in detail and "标题、类型" in detail


def test_bureau_cancels_and_reinstates_a_schedule_through_the_page(
    as_user, bureau, bureau_admin, leader, alice, school_a
):
    schedule = _schedule(bureau)
    client = as_user(bureau_admin)
    assert client.get(_url("schedule_cancel", schedule.pk)).status_code == 405
    assert (
        as_user(leader).post(_url("schedule_cancel", schedule.pk), {"reason": "x"}).status_code
        == 403
    )
    client.post(_url("schedule_cancel", schedule.pk), {"reason": "台风停课,改期"})
    schedule.refresh_from_db()
    assert schedule.is_cancelled and schedule.cancel_reason == "台风停课,改期"
    page = client.get(schedule.get_absolute_url()).content.decode()
    assert 'id="schedule-cancelled"' in page and "台风停课,改期" in page
    assert _url("schedule_edit", schedule.pk) not in page
    assert client.get(_url("schedule_edit", schedule.pk)).status_code == 302
    start = as_user(bureau_admin).get(_url("start")).content.decode()
    assert "开学前联合检查" not in start  # a cancelled round is not offered for new records
    listing = client.get(_url("schedules")).content.decode()
    assert "已取消" in listing
    client.post(_url("schedule_reinstate", schedule.pk))
    schedule.refresh_from_db()
    assert not schedule.is_cancelled
    assert "开学前联合检查" in as_user(bureau_admin).get(_url("start")).content.decode()


def test_coverage_page_and_export_show_who_inspected_when_and_who_is_still_due(
    as_user, bureau, bureau_admin, leader, school_a, school_b, fire_area, fire_department
):
    schedule = _schedule(bureau, school_kinds=["primary", "junior"])
    done = Inspection.objects.start(
        bureau_admin,
        school=school_a,
        kind="joint",
        date=datetime.date(2014, 8, 20),
        areas=[fire_area],
        departments=[fire_department],
        inspector_names="消防大队 李参谋",
    )
    pass_all(done, bureau_admin)
    done.submit(bureau_admin, signed_by="李科长")
    page = as_user(leader).get(schedule.get_absolute_url(), {"show": "done"}).content.decode()
    assert "2014-08-20" in page and "李参谋" in page and fire_department.name in page
    assert school_b.name not in page
    due = as_user(leader).get(schedule.get_absolute_url(), {"show": "due"}).content.decode()
    assert school_b.name in due and school_a.name not in due
    response = as_user(leader).get(_url("schedule_export", schedule.pk))
    ws = load_workbook(io.BytesIO(response.content)).active
    rows = {row[0]: row for row in ws.iter_rows(min_row=3, values_only=True)}
    assert rows["S001"][3] == "已检查" and rows["S001"][4].date() == datetime.date(2014, 8, 20)
    assert "李参谋" in rows["S001"][5] and rows["S001"][6] == fire_department.name
    assert rows["S001"][7] == "李科长"
    assert rows["S002"][3] == "逾期" and rows["S002"][4] is None  # its due date has passed


def test_fire_inspector_records_a_joint_inspection_at_any_school_through_the_pages(
    as_user, fire, bureau_admin, school_a, school_b, outsider, fire_area, fire_department
):
    other_district = School.objects.create(
        bureau=outsider.membership.bureau, code="Y001", name="远山区小学", kind="primary"
    )
    client = as_user(fire)
    start = client.get(_url("start"))
    form = start.content.decode()
    assert set(start.context["form"].fields["school"].queryset) == {school_a, school_b}
    # The search box finds the same schools, and never one of another district.
    found = client.get("/api/v1/schools/", {"q": "小学"}).json()["results"]
    assert school_a.pk in {row["id"] for row in found}
    assert other_district.pk not in {row["id"] for row in found}
    assert "联合检查" in form and "自查" not in form
    response = client.post(
        _url("start"),
        {"school": school_b.pk, "kind": "joint", "date": "2014-08-28", "areas": [fire_area.pk]},
    )
    inspection = Inspection.objects.get(school=school_b)
    assert response.status_code == 302 and fire_department in inspection.departments.all()
    answer = inspection.answers.first()
    client.post(
        _url("raise_hazard", inspection.pk, answer.pk),
        {"description": "消防通道堵塞", "level": "major"},
    )
    own = Hazard.objects.get(inspection_answer__inspection=inspection)
    bureau_spot = Inspection.objects.start(
        bureau_admin,
        school=school_a,
        kind="spot",
        date=datetime.date(2014, 8, 28),
        areas=[fire_area],
    )
    bureau_hazard = bureau_spot.raise_hazard(bureau_admin, bureau_spot.answers.first())
    hazards = client.get(reverse("hazards:list")).content.decode()
    assert own.code in hazards and bureau_hazard.code not in hazards
    assert client.get(bureau_spot.get_absolute_url()).status_code == 404
    assert client.get(reverse("hazards:detail", args=[bureau_hazard.pk])).status_code == 404
    assert client.get(inspection.get_absolute_url()).status_code == 200


def test_a_school_still_due_is_recorded_from_the_coverage_page(
    as_user, bureau, bureau_admin, gov, alice, school_a, school_b
):
    schedule = _schedule(bureau)
    schedule.schools.set([school_b])
    page = as_user(bureau_admin).get(schedule.get_absolute_url()).content.decode()
    link = f"{_url('start')}?schedule={schedule.pk}&amp;kind=joint&amp;school={school_b.pk}"
    assert link in page
    assert "record-link" not in as_user(gov).get(schedule.get_absolute_url()).content.decode()
    form = as_user(bureau_admin).get(link.replace("&amp;", "&")).content.decode()
    assert f'name="school" value="{school_b.pk}"' in form
    assert re.search(rf'<option value="{schedule.pk}" selected>', form)
    assert re.search(r'<option value="joint" selected>', form)
    own = as_user(alice).get(f"{_url('start')}?school={school_b.pk}").content.decode()
    assert f'name="school" value="{school_a.pk}"' in own
    assert school_b.name not in own


def test_hazard_page_links_back_to_the_inspection_that_found_it(
    as_user, alice, bureau_admin, draft
):
    answer = draft.answers.first()
    hazard = draft.raise_hazard(alice, answer)
    for user in (alice, bureau_admin):
        page = as_user(user).get(reverse("hazards:detail", args=[hazard.pk])).content.decode()
        assert draft.get_absolute_url() in page and answer.item_text in page
