"""Organisation pages: sections and departments added, renamed, retired and reinstated by the
bureau; owner OK, outsider 404, read-only 403, wrong method 405."""

from __future__ import annotations

import pytest
from django.urls import reverse

from xiaoan.core.errors import NotAllowed, Refused
from xiaoan.core.models import ChangeLog
from xiaoan.schools.models import Bureau, BureauSection, Department, Region

pytestmark = pytest.mark.django_db


@pytest.fixture
def section(bureau):
    return BureauSection.objects.create(bureau=bureau, name="装备科")


@pytest.fixture
def safety(bureau):
    return BureauSection.objects.create(bureau=bureau, name="安全科", is_safety_section=True)


def test_bureau_admin_adds_a_department(as_user, bureau_admin, bureau):
    response = as_user(bureau_admin).post(
        reverse("schools:department_create"), {"name": "清溪区交警大队", "kind": "traffic_police"}
    )
    assert response.status_code == 302
    department = Department.objects.get(name="清溪区交警大队")
    assert department.bureau == bureau and department.is_active
    assert ChangeLog.objects.filter(object_id=str(department.pk), action="create").exists()


def test_bureau_admin_renames_a_section(as_user, bureau_admin, section):
    response = as_user(bureau_admin).post(
        reverse("schools:section_update", args=[section.pk]),
        {"name": "装备与信息科", "version": section.version},
    )
    assert response.status_code == 302
    section.refresh_from_db()
    assert section.name == "装备与信息科"
    entry = ChangeLog.objects.filter(object_id=str(section.pk), action="update").get()
    assert (entry.before, entry.after) == ({"name": "装备科"}, {"name": "装备与信息科"})


def test_a_name_in_use_is_refused(as_user, bureau_admin, section, bureau):
    BureauSection.objects.create(bureau=bureau, name="人事科")
    response = as_user(bureau_admin).post(
        reverse("schools:section_update", args=[section.pk]),
        {"name": "人事科", "version": section.version},
    )
    assert response.status_code == 200
    assert "已存在" in response.content.decode()


def test_retire_and_reinstate(as_user, bureau_admin, fire_department):
    client = as_user(bureau_admin)
    assert (
        client.post(reverse("schools:department_retire", args=[fire_department.pk])).status_code
        == 302
    )
    fire_department.refresh_from_db()
    assert not fire_department.is_active
    assert Department.objects.filter(pk=fire_department.pk).exists()  # never deleted
    assert not Department.objects.in_use().filter(pk=fire_department.pk).exists()
    assert (
        client.post(reverse("schools:department_reinstate", args=[fire_department.pk])).status_code
        == 302
    )
    fire_department.refresh_from_db()
    assert fire_department.is_active


def test_the_safety_section_cannot_be_retired(bureau_admin, safety):
    with pytest.raises(Refused):
        safety.retire(bureau_admin)


def test_retiring_twice_is_refused(bureau_admin, section):
    section.retire(bureau_admin)
    with pytest.raises(Refused):
        section.retire(bureau_admin)


@pytest.mark.parametrize("persona", ["leader", "gov", "fire", "alice", "carol"])
def test_only_the_bureau_admin_manages_organisations(request, as_user, persona, section):
    client = as_user(request.getfixturevalue(persona))
    assert client.get(reverse("schools:section_create")).status_code == 403
    assert client.get(reverse("schools:section_update", args=[section.pk])).status_code == 403
    assert client.post(reverse("schools:section_retire", args=[section.pk])).status_code == 403
    with pytest.raises(NotAllowed):
        section.retire(request.getfixturevalue(persona))


def test_another_districts_organisation_is_not_there(as_user, outsider, section, fire_department):
    client = as_user(outsider)
    assert client.get(reverse("schools:section_update", args=[section.pk])).status_code == 404
    assert (
        client.post(reverse("schools:department_retire", args=[fire_department.pk])).status_code
        == 404
    )


@pytest.mark.parametrize("step", ["section_retire", "section_reinstate"])
def test_steps_answer_post_only(as_user, bureau_admin, section, step):
    assert (
        as_user(bureau_admin).get(reverse(f"schools:{step}", args=[section.pk])).status_code == 405
    )


def test_the_list_shows_retired_ones_marked(as_user, leader, section, bureau_admin):
    section.retire(bureau_admin)
    page = as_user(leader).get(reverse("schools:organisations")).content.decode()
    assert "装备科" in page and "已停用" in page
    assert reverse("schools:section_reinstate", args=[section.pk]) not in page  # read only


# ---- the bureau and its district -------------------------------------------------------------


def test_the_district_and_the_bureau_are_renamed_with_their_history(as_user, bureau_admin, bureau):
    client = as_user(bureau_admin)
    response = client.post(
        reverse("schools:bureau_edit"),
        {
            "district": "清溪新区",
            "name": "清溪新区教育局",
            "short_name": "新区教育局",
            "version": bureau.version,
        },
    )
    assert response.status_code == 302
    bureau.refresh_from_db()
    assert (bureau.region.name, bureau.name, bureau.short_name) == (
        "清溪新区",
        "清溪新区教育局",
        "新区教育局",
    )
    renames = ChangeLog.objects.filter(action="update", user=bureau_admin, bureau_id=bureau.pk)
    assert {(e.object_repr, e.before["name"], e.after["name"]) for e in renames} == {
        ("清溪新区", "清溪区", "清溪新区"),
        ("清溪新区教育局", "清溪区教育局", "清溪新区教育局"),
    }
    page = client.get(reverse("schools:bureau_edit")).content.decode()
    assert "清溪区 → 清溪新区" in page and "清溪区教育局 → 清溪新区教育局" in page
    changes = client.get(
        "/api/v1/changes/", {"model": "schools.region", "object_id": bureau.region_id}
    ).json()
    assert [c["after"] for c in changes["results"] if c["action"] == "update"] == [
        {"name": "清溪新区"}
    ]


def test_a_bureau_edit_made_meanwhile_is_not_overwritten(as_user, bureau_admin, bureau):
    read = bureau.version
    Bureau.objects.get(pk=bureau.pk).save()  # someone else saved it since the form was read
    response = as_user(bureau_admin).post(
        reverse("schools:bureau_edit"),
        {"district": "清溪新区", "name": "别的名称", "short_name": "", "version": read},
    )
    assert response.status_code == 200
    assert "别的名称" in response.content.decode()  # what was typed stays
    bureau.refresh_from_db()
    assert (bureau.name, bureau.region.name) == ("清溪区教育局", "清溪区")


def test_an_empty_district_name_is_refused_at_its_field(as_user, bureau_admin, bureau):
    response = as_user(bureau_admin).post(
        reverse("schools:bureau_edit"),
        {"district": " ", "name": "清溪区教育局", "version": bureau.version},
    )
    assert response.context["form"].errors["district"]
    assert Region.objects.get(pk=bureau.region_id).name == "清溪区"
