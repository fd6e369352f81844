"""Personal data by need to know: every cell of docs/visibility.md, role × register × field,
checked in the API (the row's detail) and on the list page (whose cells the Excel export uses).

shown: the value as stored; masked: the masked copy; hidden: the row is seen, the field is not
(null in the API, empty on the page); none: no row at all (404, an empty list).
"""

from __future__ import annotations

import datetime
import io

import pytest
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext
from openpyxl import load_workbook
from rest_framework.test import APIClient

from conftest import make_user
from xiaoan.accounts.choices import Role
from xiaoan.registers import identity
from xiaoan.registers.models import WatchListEntry
from xiaoan.schools.choices import DepartmentKind
from xiaoan.schools.models import Department

from .conftest import VALID_ID

pytestmark = pytest.mark.django_db

ROLES = [
    "school_admin",
    "school_staff",
    "other_school",
    "bureau_admin",
    "bureau_leader",
    "gov_viewer",
    "traffic_police",
    "other_inspector",
]
GATE = {"school_admin", "school_staff", "bureau_admin"}
CHILDREN = {"school_admin", "bureau_admin"}
DRIVER_DETAILS = {"school_admin", "school_staff", "bureau_admin", "bureau_leader", "traffic_police"}


def _row(readers: set[str], shown: str = "shown", **others: str) -> dict[str, str]:
    """`shown` for `readers`, none for the rest, unless `others` says otherwise."""
    return {role: others.get(role, shown if role in readers else "none") for role in ROLES}


DISTRICT = set(ROLES) - {"other_school"}

# (register slug, field) → role → what the role reads. The same table as docs/visibility.md.
MATRIX: dict[tuple[str, str], dict[str, str]] = {
    ("visitors", "name"): _row(GATE),
    ("visitors", "phone"): _row(GATE),
    ("visitors", "id_number"): _row(GATE, "masked", school_admin="shown"),
    ("watch-list", "name"): _row(GATE),
    ("watch-list", "reason"): _row(GATE),
    ("drivers", "name"): _row(DISTRICT),
    ("drivers", "licence_no"): _row(
        DISTRICT, "masked", **{role: "shown" for role in DRIVER_DETAILS}
    ),
    ("drivers", "birth_date"): _row(
        DISTRICT, "hidden", **{role: "shown" for role in DRIVER_DETAILS}
    ),
    ("special-groups", "name"): _row(CHILDREN),
    ("special-groups", "guardian_phone"): _row(CHILDREN),
}

# The list page's column of each field (the visitor's phone is in the API only).
COLUMNS = {
    "name": "Full name",
    "id_number": "ID number",
    "reason": "reason",
    "licence_no": "driving licence number",
    "birth_date": "date of birth",
    "guardian_phone": "guardian's phone",
}

CELLS = [
    pytest.param(slug, field, role, expected, id=f"{slug}-{field}-{role}")
    for (slug, field), by_role in MATRIX.items()
    for role, expected in by_role.items()
]


@pytest.fixture
def traffic(bureau):
    police = Department.objects.create(
        bureau=bureau, name="清溪区交警大队", kind=DepartmentKind.TRAFFIC_POLICE
    )
    return make_user("traffic", Role.DEPT_INSPECTOR, bureau, department=police)


@pytest.fixture
def users(alice, carol, bob, bureau_admin, leader, gov, traffic, fire):
    return dict(
        zip(ROLES, [alice, carol, bob, bureau_admin, leader, gov, traffic, fire], strict=True)
    )


@pytest.fixture
def rows(visitor_a, driver_a, child_a, school_a):
    visitor_a.phone = "13800000000"
    visitor_a.save()
    entry = WatchListEntry(school=school_a, name="赵某", reason="法院禁止令")
    entry.set_id_number(VALID_ID)
    entry.save()
    return {
        "visitors": visitor_a,
        "watch-list": entry,
        "drivers": driver_a,
        "special-groups": child_a,
    }


def _stored(row, field: str):
    if field == "id_number":
        return VALID_ID
    value = getattr(row, field)
    return value.isoformat() if isinstance(value, datetime.date) else value


def _masked(row, field: str) -> str:
    return row.id_masked if field == "id_number" else identity.mask(getattr(row, field))


@pytest.mark.parametrize(("slug", "field", "role", "expected"), CELLS)
def test_api_gives_each_role_what_the_matrix_says(users, rows, slug, field, role, expected):
    row = rows[slug]
    client = APIClient()
    client.force_authenticate(users[role])
    response = client.get(f"/api/v1/registers/{slug}/{row.pk}/")
    if expected == "none":
        assert response.status_code == 404
        assert client.get(f"/api/v1/registers/{slug}/").json()["count"] == 0
        return
    value = response.json()[field]
    if expected == "masked":
        assert value == _masked(row, field) and value != _stored(row, field)
    else:
        assert value == (_stored(row, field) if expected == "shown" else None)


def _column(headers: list[str], field: str) -> int:
    with translation.override("zh-hans"):
        label = gettext(COLUMNS[field])
    return headers.index(label)


@pytest.mark.parametrize(
    ("slug", "field", "role", "expected"),
    [cell for cell in CELLS if cell.values[1] != "phone"],
)
def test_list_page_and_export_give_each_role_what_the_matrix_says(
    as_user, users, rows, slug, field, role, expected
):
    row, client = rows[slug], as_user(users[role])
    page = client.get(reverse("registers:list", args=[slug])).context
    export = load_workbook(
        io.BytesIO(client.get(reverse("registers:export", args=[slug])).content)
    ).active
    exported = [[cell.value for cell in line] for line in export.iter_rows(min_row=2)]
    if expected == "none":
        assert page["table"] == [] and exported[1:] == []
        assert client.get(reverse("registers:detail", args=[slug, row.pk])).status_code == 404
        return
    stored = VALID_ID if field == "id_number" else getattr(row, field)
    want = _masked(row, field) if expected == "masked" else stored if expected == "shown" else ""
    assert page["table"][0][1][_column(list(page["headers"]), field)] == want
    headers, values = exported[0], exported[1]
    exported_value = values[_column(headers, field)]
    if isinstance(stored, datetime.date) and exported_value:
        exported_value = exported_value.date()
    assert (exported_value or "") == want


@pytest.mark.django_db
def test_a_visitors_history_keeps_no_copy_of_the_encrypted_id(visitor_a):
    from xiaoan.core.changelog import history

    entry = history(visitor_a).last()
    assert entry is not None
    assert "id_encrypted" not in entry.after and "id_digest" not in entry.after


@pytest.mark.django_db
@pytest.mark.parametrize("persona", ["leader", "gov"])
def test_people_registers_history_is_not_read_by_those_who_may_not_read_the_people(
    request, persona, visitor_a, bureau_admin
):
    from rest_framework.test import APIClient

    user = request.getfixturevalue(persona)
    client = APIClient()
    client.force_authenticate(user)
    named = client.get(
        "/api/v1/changes/", {"model": "registers.visitor", "object_id": visitor_a.pk}
    )
    assert named.status_code == 404
    listed = client.get("/api/v1/changes/")
    if listed.status_code == 200:
        assert all(row["model"] != "registers.visitor" for row in listed.json()["results"])
    admin = APIClient()
    admin.force_authenticate(bureau_admin)
    rows = admin.get("/api/v1/changes/").json()["results"]
    assert any(row["model"] == "registers.visitor" for row in rows)
