"""The PDF: the same Document as HTML, printed by WeasyPrint on A4 with the GB/T 9704 margins.

The Chinese government fonts come first in each font list; where they are missing (a Linux
server) Noto CJK stands in: Serif for the 宋/仿宋 roles, Sans for the 黑体 role.
"""

from __future__ import annotations

import base64
import logging

from django.template.loader import render_to_string

from ..document import Document, Heading, Image, Paragraph, Table


def document_html(document: Document) -> str:
    blocks = []
    for block in document.blocks:
        if isinstance(block, Heading):
            blocks.append({"kind": "heading", "level": min(block.level, 4), "text": block.text})
        elif isinstance(block, Paragraph):
            blocks.append({"kind": "paragraph", "text": block.text})
        elif isinstance(block, Table):
            blocks.append(
                {
                    "kind": "table",
                    "caption": block.caption,
                    "headers": block.headers,
                    "rows": block.rows,
                }
            )
        elif isinstance(block, Image):
            data = base64.b64encode(block.png).decode("ascii")
            blocks.append(
                {
                    "kind": "image",
                    "caption": block.caption,
                    "src": f"data:image/png;base64,{data}",
                    "width": min(block.width_mm, 156),
                }
            )
    return render_to_string("reports/document_pdf.html", {"document": document, "blocks": blocks})


def render_pdf(document: Document) -> bytes:
    # WeasyPrint logs every layout step at INFO (some at import); we show our own progress.
    logging.getLogger("weasyprint.progress").setLevel(logging.WARNING)
    from weasyprint import HTML

    return HTML(string=document_html(document)).write_pdf()
