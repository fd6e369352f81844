"""School pages: owner OK, outsider 404, read-only 403, wrong method 405."""

from __future__ import annotations

import pytest
from django.urls import reverse

from xiaoan.schools.models import School

pytestmark = pytest.mark.django_db


def test_bureau_admin_lists_the_district(as_user, bureau_admin, school_a, school_b):
    response = as_user(bureau_admin).get(reverse("schools:list"))
    assert response.status_code == 200
    assert list(response.context["object_list"]) == [school_a, school_b]


def test_school_admin_lists_only_own_school(as_user, alice, school_a, school_b):
    response = as_user(alice).get(reverse("schools:list"))
    assert list(response.context["object_list"]) == [school_a]
    assert school_b.name not in response.content.decode()


def test_school_b_cannot_see_school_a_detail(as_user, bob, school_a):
    assert as_user(bob).get(reverse("schools:detail", args=[school_a.pk])).status_code == 404


def test_school_admin_sees_own_school_detail(as_user, alice, school_a):
    response = as_user(alice).get(reverse("schools:detail", args=[school_a.pk]))
    assert response.status_code == 200
    assert school_a.name in response.content.decode()


def test_school_page_links_to_the_schools_file(as_user, alice, school_a):
    page = as_user(alice).get(reverse("schools:detail", args=[school_a.pk])).content.decode()
    assert reverse("hazards:school", args=[school_a.pk]) in page
    assert f"{reverse('reports:monthly_list')}?school={school_a.pk}" in page


def test_other_district_cannot_see_school(as_user, outsider, school_a):
    assert as_user(outsider).get(reverse("schools:detail", args=[school_a.pk])).status_code == 404


def test_anonymous_is_sent_to_login(client, school_a):
    response = client.get(reverse("schools:list"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


def test_list_filters_by_kind_and_search(as_user, bureau_admin, school_a, school_b, kindergarten):
    client = as_user(bureau_admin)
    by_kind = client.get(reverse("schools:list"), {"kind": "kindergarten"})
    assert list(by_kind.context["object_list"]) == [kindergarten]
    by_name = client.get(reverse("schools:list"), {"q": "第一中学"})
    assert list(by_name.context["object_list"]) == [school_b]
    by_code = client.get(reverse("schools:list"), {"q": "s001"})
    assert list(by_code.context["object_list"]) == [school_a]


@pytest.mark.parametrize("persona", ["leader", "gov", "fire", "alice", "carol"])
def test_read_only_roles_cannot_create_school(request, as_user, persona, bureau):
    user = request.getfixturevalue(persona)
    response = as_user(user).post(reverse("schools:create"), {"code": "S099", "name": "新学校"})
    assert response.status_code == 403
    assert not School.objects.filter(code="S099").exists()


def test_bureau_admin_creates_school(as_user, bureau_admin, bureau):
    response = as_user(bureau_admin).post(
        reverse("schools:create"),
        {"code": "s099", "name": "清溪区新建小学", "kind": "primary", "enrolment": "350"},
    )
    school = School.objects.get(code="S099")
    assert response.status_code == 302
    assert school.bureau == bureau and school.enrolment == 350


def test_duplicate_code_is_refused_with_a_message(as_user, bureau_admin, school_a):
    response = as_user(bureau_admin).post(
        reverse("schools:create"),
        {"code": "S001", "name": "另一所", "kind": "primary", "enrolment": "1"},
    )
    assert response.status_code == 200
    assert "S001" in response.content.decode() and "已被其他学校使用" in response.content.decode()


def test_bureau_admin_edits_school(as_user, bureau_admin, school_a):
    data = {
        "code": "S001",
        "name": school_a.name,
        "kind": "primary",
        "enrolment": "950",
        "principal": "新校长",
    }
    response = as_user(bureau_admin).post(reverse("schools:update", args=[school_a.pk]), data)
    assert response.status_code == 302
    school_a.refresh_from_db()
    assert school_a.principal == "新校长" and school_a.enrolment == 950


def test_other_district_admin_cannot_edit_school(as_user, outsider, school_a):
    response = as_user(outsider).get(reverse("schools:update", args=[school_a.pk]))
    assert response.status_code == 404


def test_home_answers_post_with_405(as_user, bureau_admin):
    assert as_user(bureau_admin).post(reverse("home")).status_code == 405


def test_organisations_page_lists_the_district_departments(
    as_user, bureau_admin, fire_department, other_bureau
):
    from xiaoan.schools.models import Department

    Department.objects.create(bureau=other_bureau, name="远山区消防大队", kind="fire")
    page = as_user(bureau_admin).get(reverse("schools:organisations")).content.decode()
    assert "清溪区消防大队" in page and "远山区消防大队" not in page


def test_editing_a_school_is_logged_with_before_and_after(as_user, bureau_admin, school_a):
    from xiaoan.core.changelog import history

    data = {
        "code": "S001",
        "name": school_a.name,
        "kind": "primary",
        "enrolment": "950",
        "principal": "新校长",
    }
    client = as_user(bureau_admin)
    client.post(reverse("schools:update", args=[school_a.pk]), data)
    client.post(reverse("schools:update", args=[school_a.pk]), data)  # no change: no entry
    entry, created = history(school_a)  # newest first; the second post changed nothing
    assert created.action == "create"
    assert entry.user == bureau_admin and entry.action == "update"
    assert entry.address == "127.0.0.1" and entry.bureau_id == school_a.bureau_id
    assert ("principal", "", "新校长") in entry.changed_fields
    assert ("enrolment", 900, 950) in entry.changed_fields
    page = client.get(reverse("schools:detail", args=[school_a.pk])).content.decode()
    assert "变更记录" in page and "新校长" in page


def test_a_stale_school_edit_is_refused_and_keeps_what_was_typed(as_user, bureau_admin, school_a):
    data = {
        "code": "S001",
        "name": school_a.name,
        "kind": "primary",
        "enrolment": "950",
        "principal": "先保存的人",
        "version": str(school_a.version),
    }
    client = as_user(bureau_admin)
    first = client.post(reverse("schools:update", args=[school_a.pk]), data)
    assert first.status_code == 302
    late = client.post(
        reverse("schools:update", args=[school_a.pk]), {**data, "principal": "后保存的人"}
    )
    assert late.status_code == 200
    page = late.content.decode()
    assert "他人" in page and "后保存的人" in page
    school_a.refresh_from_db()
    assert school_a.principal == "先保存的人" and school_a.version == 2
