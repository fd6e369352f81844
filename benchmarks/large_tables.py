"""How long the quarterly report takes when its hazard list is long: a generated district of
2,500 schools and 25,000 hazards, one in ten of them major (2,500 rows in the table of major
and supervised hazards), in each format, and the full list's .xlsx beside it."""

from __future__ import annotations

import datetime
from typing import Any

from .report_generation import timed

SCHOOLS = 2_500
HAZARDS = 25_000


def large_district() -> Any:
    from xiaoan.hazards.models import Hazard

    from ._district import generate

    district = generate(
        code="338888", schools=SCHOOLS, hazards=HAZARDS, start=datetime.date(2014, 7, 1), days=92
    )
    hazards = Hazard.objects.filter(bureau=district.bureau)
    tenth = hazards.order_by("pk").values_list("pk", flat=True)[::10]
    hazards.filter(pk__in=list(tenth)).update(level="major")
    return district.bureau


def run() -> None:
    from django.conf import settings
    from django.test import override_settings

    from xiaoan.reports import official
    from xiaoan.reports.choices import OfficialKind
    from xiaoan.reports.exports import render, render_attachment

    bureau = timed(f"generate a district of {SCHOOLS} schools, {HAZARDS} hazards", large_district)
    today = datetime.date(2014, 10, 10)
    report = timed(
        "figures and narrative",
        lambda: official.generate(
            OfficialKind.QUARTERLY, bureau, year=2014, quarter=3, today=today
        ),
    )
    rows = len({h["code"] for h in report.figures["major"] + report.figures["supervised"]})
    print(f"  major and supervised hazards: {rows}")
    for limit in (10**9, settings.DOCUMENT_TABLE_ROWS):
        print("the whole table:" if limit > rows else f"at most {limit} rows, the list beside:")
        with override_settings(DOCUMENT_TABLE_ROWS=limit):
            document = timed("document (tables and chart)", lambda: official.build_document(report))
        for fmt in ("docx", "pdf", "xlsx"):
            data = timed(f"render {fmt}", lambda fmt=fmt, document=document: render(document, fmt))
            print(f"  {'':<48} {len(data) / 1024:7.0f} KiB")
        for attachment in document.attachments:
            data = timed("the full list (.xlsx)", lambda a=attachment: render_attachment(a))
            print(f"  {'':<48} {len(data) / 1024:7.0f} KiB")
