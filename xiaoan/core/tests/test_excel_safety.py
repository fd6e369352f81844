"""What a user types cannot break or arm an export (core/excel.py's one writer)."""

from __future__ import annotations

import io

from openpyxl import load_workbook

from xiaoan.core.excel import build_workbook


def _saved(rows):
    buffer = io.BytesIO()
    build_workbook("标题", ["姓名", "事由"], rows).save(buffer)
    buffer.seek(0)
    return load_workbook(buffer).active


def test_control_characters_are_removed_instead_of_failing_the_export():
    ws = _saved([["王\x07五\x1b", "送\x00货"]])
    assert [c.value for c in ws[3]] == ["王五", "送货"]


def test_text_that_looks_like_a_formula_stays_text():
    dangerous = ["=cmd|' /C calc'!A0", '=HYPERLINK("http://x","点我")', "+1+1", "-2", "@SUM(A1)"]
    ws = _saved([dangerous[:2], dangerous[2:4], [dangerous[4], 5]])
    written = [c for row in ws.iter_rows(min_row=3) for c in row if isinstance(c.value, str)]
    assert [c.value for c in written] == dangerous
    assert all(c.data_type == "s" and c.quotePrefix for c in written)


def test_numbers_and_plain_text_are_written_as_they_are():
    ws = _saved([["张三", 12]])
    assert ws["A3"].value == "张三" and not ws["A3"].quotePrefix and ws["B3"].value == 12
