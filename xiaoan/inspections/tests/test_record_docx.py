"""The inspection record (.docx): local times, the photos of failed items, signature lines for
the inspectors and the inspected school, column widths that fit the page."""

from __future__ import annotations

import datetime
import io

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from docx import Document
from docx.shared import Mm
from PIL import Image

from xiaoan.inspections.models import Inspection


def _jpeg() -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", (80, 60), (200, 40, 40)).save(buffer, "JPEG")
    return SimpleUploadedFile("scene.jpg", buffer.getvalue(), content_type="image/jpeg")


def test_record_has_local_time_failed_photos_and_signature_lines(draft, as_user, alice):
    first, *rest = list(draft.answers.order_by("order"))
    draft.answer(alice, first, result="fail", note="灭火器压力不足", photo=_jpeg())
    for answer in rest:
        draft.answer(alice, answer, result="pass")
    # Signed at 08:45 UTC: 16:45 on the bureau's clock (Asia/Shanghai).
    signed = datetime.datetime(2014, 9, 3, 8, 45, tzinfo=datetime.UTC)
    Inspection.objects.filter(pk=draft.pk).update(signed_at=signed, signed_by="王建国")
    response = as_user(alice).get(reverse("inspections:docx", args=[draft.pk]))
    document = Document(io.BytesIO(response.content))
    text = "\n".join(p.text for p in document.paragraphs)
    assert "2014年09月03日 16:45" in text and "08:45" not in text
    assert "不合格项照片" in text and f"第1项：{first.item_text}" in text
    assert len(document.inline_shapes) == 1
    signatures = "\n".join(c.text for row in document.tables[-1].rows for c in row.cells)
    assert "检查人员（签名）" in signatures and "受检学校（签名）" in signatures
    assert draft.school.name in signatures
    items = document.tables[1]
    widths = [cell.width for cell in items.rows[0].cells]
    assert sum(widths) <= Mm(156) and widths[1] > widths[0]


def test_record_without_failures_has_no_photo_section(draft, as_user, alice):
    for answer in draft.answers.all():
        draft.answer(alice, answer, result="pass")
    response = as_user(alice).get(reverse("inspections:docx", args=[draft.pk]))
    document = Document(io.BytesIO(response.content))
    assert "不合格项照片" not in "\n".join(p.text for p in document.paragraphs)
    assert len(document.inline_shapes) == 0
