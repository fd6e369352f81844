"""Small Excel files for the import tests: a header row and the rows given."""

from __future__ import annotations

import io
from collections.abc import Sequence
from typing import Any

from openpyxl import Workbook


def workbook(header: Sequence[str], *rows: Sequence[Any], title: str | None = None) -> bytes:
    wb = Workbook()
    ws = wb.active
    if title:
        ws.append([title])
    ws.append(list(header))
    for row in rows:
        ws.append(list(row))
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def with_control_character(data: bytes, text: str) -> bytes:
    """The same workbook with `text` (a cell's string) followed by a BEL character as Excel
    stores one (`_x0007_`): openpyxl refuses to write the character itself. `text` is ASCII
    (openpyxl writes other characters as character references)."""
    import zipfile

    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            content = source.read(item.filename)
            if item.filename.endswith(".xml"):
                content = content.replace(text.encode(), (text + "_x0007_").encode())
            target.writestr(item, content)
    return out.getvalue()


def upload(client: Any, url: str, data: bytes, name: str = "file.xlsx") -> Any:
    file = io.BytesIO(data)
    file.name = name
    return client.post(url, {"file": file})
