"""Nothing silently overwritten, everything written down: `Versioned.save`, `guarded_update`
and the change log they write (schools are the registry's versioned records)."""

from __future__ import annotations

import pytest
from django.contrib.contenttypes.models import ContentType

from xiaoan.core.changelog import guarded_update, history, recorded_as
from xiaoan.core.errors import Stale
from xiaoan.core.models import ChangeAction, ChangeLog
from xiaoan.hazards.models import Area
from xiaoan.schools.models import School

pytestmark = pytest.mark.django_db


def test_creating_a_versioned_record_is_logged(school_a):
    [entry] = history(school_a)
    assert entry.action == ChangeAction.CREATE
    assert entry.after["code"] == school_a.code and entry.before is None
    assert entry.bureau_id == school_a.bureau_id


def test_a_save_from_a_stale_copy_is_refused_and_changes_nothing(school_a):
    mine = School.objects.get(pk=school_a.pk)
    theirs = School.objects.get(pk=school_a.pk)
    theirs.principal = "张三"
    theirs.save()
    mine.principal = "李四"
    with pytest.raises(Stale):
        mine.save()
    school_a.refresh_from_db()
    assert school_a.principal == "张三" and school_a.version == 2
    assert mine.version == 1  # the refused save did not pretend to have moved on


def test_an_update_logs_only_what_changed_with_before_and_after(school_a):
    school = School.objects.get(pk=school_a.pk)
    school.enrolment = 1234
    school.save()
    entry = history(school_a).first()
    assert entry.action == ChangeAction.UPDATE
    assert entry.before == {"enrolment": school_a.enrolment}
    assert entry.after == {"enrolment": 1234}


def test_a_save_that_changes_nothing_writes_no_entry(school_a):
    school = School.objects.get(pk=school_a.pk)
    school.save()
    assert history(school_a).count() == 1


def test_guarded_update_checks_the_expected_state_and_the_version(school_a, bureau_admin):
    school = School.objects.get(pk=school_a.pk)
    guarded_update(school, {"boarding": True}, user=bureau_admin, expect={"boarding": False})
    assert school.version == 2
    entry = history(school_a).first()
    assert (entry.action, entry.user, entry.before, entry.after) == (
        ChangeAction.STATE,
        bureau_admin,
        {"boarding": False},
        {"boarding": True},
    )
    stale = School.objects.get(pk=school_a.pk)
    stale.version = 1
    with pytest.raises(Stale):
        guarded_update(stale, {"boarding": False}, user=bureau_admin)
    fresh = School.objects.get(pk=school_a.pk)
    with pytest.raises(Stale):  # right version, wrong state
        guarded_update(fresh, {"boarding": False}, expect={"boarding": False})
    assert School.objects.get(pk=school_a.pk).boarding is True


def test_saves_inside_recorded_as_are_logged_as_that_action_by_that_user(school_a, bureau_admin):
    school = School.objects.get(pk=school_a.pk)
    with recorded_as(ChangeAction.IMPORT, bureau_admin):
        school.name = "导入后的名称"
        school.save()
    entry = history(school_a).first()
    assert (entry.action, entry.user) == (ChangeAction.IMPORT, bureau_admin)


def test_a_write_through_a_page_records_the_user_and_the_address(as_user, bureau_admin, school_a):
    client = as_user(bureau_admin)
    data = {
        "code": school_a.code,
        "name": school_a.name,
        "kind": school_a.kind,
        "enrolment": "1",
        "opened_on": "2000-09-01",
        "version": "1",
    }
    client.post(f"/schools/{school_a.pk}/edit/", data, REMOTE_ADDR="10.1.2.3")
    entry = ChangeLog.objects.filter(
        content_type=ContentType.objects.get_for_model(School), object_id=str(school_a.pk)
    ).first()
    assert (entry.user, entry.address, entry.after) == (bureau_admin, "10.1.2.3", {"enrolment": 1})


def test_the_history_card_reads_as_a_person_writes(school_a, bureau_admin):
    from xiaoan.core.changelog import described_history
    from xiaoan.hazards.models import Hazard

    hazard = Hazard.objects.report(
        school=school_a,
        area=Area.objects.get(code="fire"),
        description="灭火器过期",
        level="general",
        source="inspection",
        reported_by=bureau_admin,
    )
    hazard.assign(bureau_admin, opinion="立即更换", deadline=hazard.found_on)
    created = described_history(hazard)[-1]["changes"]
    labels = [label for label, _old, _new in created]
    assert "整改意见" not in labels  # empty on creation: not listed
    assert ("隐患描述", None, "灭火器过期") in created
