"""The school file as one PDF (cover, contents, a section each, GB/T 9704 as the reports) and
the originals behind it as one ZIP: the scans of its papers, the photos of its drills and
hazards, each file only where the user may open it on its own page."""

from __future__ import annotations

import datetime
import io
import zipfile
from collections.abc import Iterator
from pathlib import PurePosixPath
from typing import Any

from django.utils.translation import gettext as _

from xiaoan.hazards.models import Hazard, HazardPhoto
from xiaoan.registers.models import DrillPhoto, SchoolPaper
from xiaoan.reports.document import Document, Heading, date_text
from xiaoan.reports.exports.pdf import render_pdf

from .sections import Section


def file_title(school: Any) -> str:
    return _("Safety file of %(school)s") % {"school": school.name}


def file_document(school: Any, sections: list[Section], today: datetime.date) -> Document:
    document = Document(title=file_title(school), issuer=school.name, date_text=date_text(today))
    for section in sections:
        document.heading(1, section.title)
        if not section.rows:
            document.paragraph(_("None."))
            continue
        if section.key != "registry":
            # A line under the heading keeps the heading off the foot of a page (the PDF
            # keeps a heading with the paragraph after it).
            document.paragraph(_("%(count)s in all.") % {"count": len(section.rows)})
        document.table("", section.headers, section.rows)
    return document


def file_pdf(school: Any, sections: list[Section], today: datetime.date) -> bytes:
    document = file_document(school, sections, today)
    contents = [b.text for b in document.blocks if isinstance(b, Heading) and b.level == 1]
    extra = {
        "school": school,
        "contents": [(f"h{i}", text) for i, text in enumerate(contents, start=1)],
        "cover_date": date_text(today),
    }
    return render_pdf(document, "schoolfiles/file_pdf.html", extra)


def _safe(name: str, fallback: str) -> str:
    """A file name for the archive: no folders, no traversal."""
    base = PurePosixPath(str(name).replace("\\", "/")).name.strip() or fallback
    return base.lstrip(".") or fallback


def originals(school: Any, user: Any) -> Iterator[tuple[str, Any]]:
    """(path in the archive, stored file) for every original of the school `user` may open."""
    papers = SchoolPaper.objects.for_user(user).filter(school=school).exclude(attachment="")
    for paper in papers.select_related("kind"):
        name = _safe(paper.attachment_name, PurePosixPath(str(paper.attachment.name)).name)
        yield (
            f"{_('Licences and certificates')}/{paper.kind.name.replace('/', '、')}-{paper.pk}-{name}",
            paper.attachment,
        )
    photos = DrillPhoto.objects.filter(drill__in=_drills(school, user)).select_related("drill")
    for photo in photos:
        name = PurePosixPath(str(photo.photo.name)).name
        yield f"{_('Drills')}/{photo.drill.held_on.isoformat()}-{photo.pk}-{name}", photo.photo
    hazards = Hazard.objects.for_user(user).filter(school=school)
    for hp in HazardPhoto.objects.filter(hazard__in=hazards).select_related("hazard"):
        name = PurePosixPath(str(hp.image.name)).name
        yield f"{_('Hazards')}/{hp.hazard.code}-{hp.get_kind_display()}-{hp.pk}-{name}", hp.image


def _drills(school: Any, user: Any) -> Any:
    from xiaoan.registers.models import Drill

    return Drill.objects.for_user(user).filter(school=school)


def originals_zip(school: Any, user: Any) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for path, stored in originals(school, user):
            try:
                with stored.open("rb") as handle:
                    archive.writestr(path, handle.read())
            except FileNotFoundError:
                continue  # a file lost from storage leaves the rest of the archive whole
    return out.getvalue()
