"""The PDF: the same Document as HTML, printed by WeasyPrint on A4 with the GB/T 9704 margins.

The Chinese government fonts come first in each font list; where they are missing (a Linux
server) Noto CJK stands in: Serif for the 宋/仿宋 roles, Sans for the 黑体 role.
"""

from __future__ import annotations

import base64
import io
import logging

from django.template.loader import render_to_string
from PIL import Image as PILImage

from ..document import Document, Heading, Image, Paragraph, Table, title_lines
from .layout import (
    CHAR_PT,
    CHARS_PER_LINE,
    LINE_PT,
    attachment_lines,
    column_widths_pt,
    signature_starts,
)

TABLE_PT = 12


def document_html(
    document: Document, template: str = "reports/document_pdf.html", extra: dict | None = None
) -> str:
    """The document as HTML; `template` may extend the report's (a cover and contents in its
    `front` block, the first-level headings anchored `h1`, `h2`… for them), with `extra`."""
    blocks = []
    anchors = 0
    for block in document.blocks:
        if isinstance(block, Heading):
            anchor = ""
            if block.level == 1:
                anchors += 1
                anchor = f"h{anchors}"
            blocks.append(
                {
                    "kind": "heading",
                    "level": min(block.level, 4),
                    "text": block.text,
                    "anchor": anchor,
                }
            )
        elif isinstance(block, Paragraph):
            blocks.append({"kind": "paragraph", "text": block.text})
        elif isinstance(block, Table):
            rows = [[block.shown(i, v) for i, v in enumerate(row)] for row in block.rows]
            widths = column_widths_pt(block.headers, rows, block.formats, TABLE_PT)
            blocks.append(
                {
                    "kind": "table",
                    "caption": block.caption,
                    "headers": block.headers,
                    "rows": rows,
                    "widths": [round(w, 1) for w in widths],
                    "note": block.note,
                }
            )
        elif isinstance(block, Image):
            data = base64.b64encode(block.png).decode("ascii")
            width = min(block.width_mm, 156)
            # The height is given too, so the page break can be planned before the image loads.
            pixels = PILImage.open(io.BytesIO(block.png)).size
            blocks.append(
                {
                    "kind": "image",
                    "caption": block.caption,
                    "src": f"data:image/png;base64,{data}",
                    "width": width,
                    "height": round(width * pixels[1] / pixels[0], 1),
                }
            )
    # The last paragraph goes with the issuer and the date, which never stand alone on a page.
    closing = blocks.pop() if blocks and blocks[-1]["kind"] == "paragraph" else None
    blocks = _keep_headings_with_text(blocks)
    issuer_at, date_at = signature_starts(document.issuer, document.date_text)
    context = {
        "document": document,
        "title_lines": title_lines(document.title, per_line=int(CHARS_PER_LINE * 16 / 22)),
        "blocks": blocks,
        "closing": closing,
        "char_pt": round(CHAR_PT, 3),
        "indent_pt": round(2 * CHAR_PT, 2),
        # a hair under the pitch, so the 28th character is not pushed over by rounding
        "letter_spacing": round(CHAR_PT - 16 - 0.015, 3),
        "line_pt": round(LINE_PT, 2),
        "issuer_pt": round(issuer_at * CHAR_PT, 1),
        "date_pt": round(date_at * CHAR_PT, 1),
        "attachment_lines": [
            {
                "text": text,
                "left_pt": round(left * CHAR_PT, 2),
                "indent_pt": round(first * CHAR_PT, 2),
            }
            for text, left, first in attachment_lines([a.name for a in document.attachments])
        ],
        **(extra or {}),
    }
    return render_to_string(template, context)


def _keep_headings_with_text(blocks: list[dict]) -> list[dict]:
    """Group each run of headings with the paragraph after it: no heading ends a page."""
    grouped: list[dict] = []
    for block in blocks:
        previous = grouped[-1] if grouped else None
        open_group = previous is not None and previous["kind"] == "group" and previous["open"]
        if block["kind"] == "heading":
            if open_group:
                previous["items"].append(block)  # type: ignore[index]
            else:
                grouped.append({"kind": "group", "items": [block], "open": True})
        elif open_group and block["kind"] == "paragraph":
            previous["items"].append(block)  # type: ignore[index]
            previous["open"] = False  # type: ignore[index]
        else:
            if open_group:
                previous["open"] = False  # type: ignore[index]
            grouped.append(block)
    return grouped


def render_pdf(
    document: Document, template: str = "reports/document_pdf.html", extra: dict | None = None
) -> bytes:
    # WeasyPrint logs every layout step at INFO (some at import); we show our own progress.
    logging.getLogger("weasyprint.progress").setLevel(logging.WARNING)
    from weasyprint import HTML

    return HTML(string=document_html(document, template, extra)).write_pdf()
