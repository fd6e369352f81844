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


def _declared(rows: list[list], dimension: str) -> bytes:
    """A workbook whose sheet declares `dimension`, as some generators (or attackers) write."""
    import re
    import zipfile

    from openpyxl import Workbook

    wb = Workbook()
    for row in rows:
        wb.active.append(row)
    plain = io.BytesIO()
    wb.save(plain)
    source = zipfile.ZipFile(io.BytesIO(plain.getvalue()))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as target:
        for item in source.infolist():
            data = source.read(item.filename)
            if item.filename == "xl/worksheets/sheet1.xml":
                data = re.sub(
                    rb'<dimension ref="[^"]*"', f'<dimension ref="{dimension}"'.encode(), data
                )
            target.writestr(item, data)
    return out.getvalue()


def test_a_sheet_declaring_a_huge_range_is_read_by_its_real_data():
    import tracemalloc

    from xiaoan.core.excel import read_rows

    schools = [[f"S{n:03}", f"{n}小"] for n in range(1, 601)]
    data = _declared([["代码", "名称"], *schools], "A1:XFD200000")
    tracemalloc.start()
    rows = read_rows(data, {"代码": "code", "名称": "name"})
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    assert len(rows) == 600 and rows[0] == (2, {"code": "S001", "name": "1小"})
    assert peak < 20 * 1024 * 1024  # padded to the declared width it takes over 100 MB


def test_a_sheet_with_too_many_rows_is_refused_with_a_message(settings, monkeypatch):
    import pytest

    from xiaoan.core import excel

    monkeypatch.setattr(excel, "MAX_IMPORT_ROWS", 5)
    data = _declared([["代码", "名称"]] + [[f"S{n:03}", "校"] for n in range(30)], "A1:B31")
    with pytest.raises(excel.ExcelError, match="5"):
        excel.read_rows(data, {"代码": "code", "名称": "name"})
