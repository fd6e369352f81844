"""Renderers of `xiaoan.reports.document.Document`: Word, PDF and Excel from one content."""

from __future__ import annotations

from collections.abc import Callable

from ..document import Attachment, Document

CONTENT_TYPES = {
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "pdf": "application/pdf",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}
FORMATS = tuple(CONTENT_TYPES)


def renderer(fmt: str) -> Callable[[Document], bytes]:
    """The function that turns a Document into the bytes of a `fmt` file."""
    if fmt == "docx":
        from .word import render_docx

        return render_docx
    if fmt == "pdf":
        from .pdf import render_pdf

        return render_pdf
    if fmt == "xlsx":
        from .excel import render_xlsx

        return render_xlsx
    raise ValueError(f"unknown format {fmt!r}")


def render(document: Document, fmt: str) -> bytes:
    return renderer(fmt)(document)


def render_attachment(attachment: Attachment) -> bytes:
    """The .xlsx of a list given beside a document in full (`Document.long_table`)."""
    from .excel import render_attachment as render_list

    return render_list(attachment)
