from __future__ import annotations

import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from xiaoan.core.excel import XLSX_CONTENT_TYPE

pytestmark = pytest.mark.django_db


def rows_of(response) -> list[tuple]:
    sheet = load_workbook(io.BytesIO(response.content)).active
    return list(sheet.iter_rows(min_row=3, values_only=True))


def test_export_has_exactly_the_filtered_rows(
    as_user, bureau_admin, school_a, school_b, kindergarten
):
    response = as_user(bureau_admin).get(reverse("schools:export"), {"kind": "kindergarten"})
    assert response["Content-Type"] == XLSX_CONTENT_TYPE
    assert [row[0] for row in rows_of(response)] == ["S040"]


def test_export_headers_are_chinese(as_user, bureau_admin, school_a):
    response = as_user(bureau_admin).get(reverse("schools:export"))
    sheet = load_workbook(io.BytesIO(response.content)).active
    assert [c.value for c in sheet[2]][:3] == ["代码", "名称", "类型"]
    assert rows_of(response)[0][2] == "小学"


def test_school_b_export_holds_nothing_of_school_a(as_user, bob, school_a, school_b):
    codes = [row[0] for row in rows_of(as_user(bob).get(reverse("schools:export")))]
    assert codes == ["S002"]
