"""Day one: from an empty database with only a superuser, the district is set up in the product."""

from __future__ import annotations

import io

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from xiaoan.accounts.models import Membership
from xiaoan.core.errors import Invalid, NotAllowed, Refused
from xiaoan.core.tests.xlsx import upload
from xiaoan.hazards.models import Hazard
from xiaoan.hazards.tests.test_import import CLOSED, OPEN, ledger
from xiaoan.schools.models import Bureau, Department, Region, School, set_up_district
from xiaoan.schools.tests.test_import import xlsx

pytestmark = pytest.mark.django_db
SCHOOLS = [
    ("S001", "清溪区东门小学", "小学", "东门路1号", "王校长", "", 640, "否", "否"),
    ("S002", "清溪区春苗幼儿园", "幼儿园/托幼机构", "", "李园长", "", 180, "否", "是"),
]


def test_a_superuser_sets_up_the_district_entirely_in_the_product(client):
    root = get_user_model().objects.create_superuser("root", "", "Long-enough-9x")
    client.force_login(root)
    assert client.get(reverse("home"))["Location"] == reverse("schools:setup")
    done = client.post(
        reverse("schools:setup"),
        {"code": "330199", "district": "清溪区", "name": "清溪区教育局", "short_name": ""},
    )
    assert done.status_code == 302
    bureau = Bureau.objects.get()
    assert bureau.region.name == "清溪区" and bureau.sections.get().is_safety_section
    assert Membership.objects.get(user=root).is_bureau_admin
    assert client.get(reverse("schools:setup"))["Location"] == reverse("schools:bureau_edit")
    client.post(
        reverse("schools:bureau_edit"),
        {"district": "清溪区", "name": "清溪区教育局", "short_name": "区教育局"},
    )
    assert Bureau.objects.get().short_name == "区教育局"
    client.post(
        reverse("schools:department_create"),
        {"name": "清溪区消防大队", "kind": "fire", "contact": "", "phone": ""},
    )
    assert Department.objects.filter(bureau=bureau, name="清溪区消防大队").exists()
    file = io.BytesIO(xlsx(*SCHOOLS))
    file.name = "学校.xlsx"
    client.post(reverse("schools:import"), {"file": file, "admin_accounts": "on"})
    response = client.post(reverse("schools:import_preview"), {"confirm": "1"})
    assert response["Location"] == reverse("accounts:initial_passwords")
    assert School.objects.count() == 2
    assert Membership.objects.filter(role="school_admin").count() == 2
    upload(client, reverse("hazards:import"), ledger(CLOSED, OPEN), "旧台账.xlsx")
    client.post(reverse("hazards:import_preview"), {"confirm": "1"})
    assert Hazard.objects.count() == 2
    assert Hazard.objects.get(code="YH-2014-0042").status == "closed"


SETUP = {"code": "330199", "district": "清溪区", "name": "清溪区教育局", "short_name": ""}


@pytest.fixture
def root(client):
    user = get_user_model().objects.create_superuser("root", "", "Long-enough-9x")
    client.force_login(user)
    return user


def test_a_taken_region_code_is_refused_at_its_field_with_what_was_typed(client, root):
    Region.objects.create(code="330199", name="别的区", level="district")
    response = client.post(reverse("schools:setup"), SETUP)
    assert response.status_code == 200
    form = response.context["form"]
    assert form.errors["code"] == ["该代码的区域已存在。"]
    assert form["name"].value() == "清溪区教育局"
    assert not Bureau.objects.exists()


def test_the_model_keeps_the_rules_the_page_relies_on(root):
    nobody = get_user_model().objects.create_user("nobody", "", "Long-enough-9x")
    with pytest.raises(NotAllowed):
        set_up_district(nobody, **SETUP)
    Region.objects.create(code="330199", name="别的区", level="district")
    with pytest.raises(Invalid) as taken:
        set_up_district(root, **{**SETUP, "code": " 330199 "})
    assert taken.value.field == "code"


def test_a_set_up_district_is_not_set_up_again(client, root, bureau):
    assert client.get(reverse("schools:setup"))["Location"] == reverse("schools:bureau_edit")
    with pytest.raises(Refused):
        set_up_district(root, **{**SETUP, "code": "330100"})


def test_only_the_superuser_sees_the_set_up_page(as_user, bureau_admin):
    assert as_user(bureau_admin).get(reverse("schools:setup")).status_code == 403
