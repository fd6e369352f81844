"""How long the quarterly report takes: for the demo district and for a generated district of
300 schools and 10,000 hazards (with their opinions and some extensions in their history), in
each format (figures + narrative, then each file)."""

from __future__ import annotations

import datetime
import time
from collections.abc import Callable
from typing import Any

SCHOOLS = 300
HAZARDS = 10_000


def timed(label: str, work: Callable[[], Any]) -> Any:
    started = time.perf_counter()
    result = work()
    print(f"  {label:<48} {time.perf_counter() - started:7.2f} s")
    return result


def quarterly(bureau: Any, year: int, quarter: int, today: datetime.date) -> None:
    from xiaoan.reports import official
    from xiaoan.reports.choices import OfficialKind
    from xiaoan.reports.exports import render

    report = timed(
        "figures and narrative",
        lambda: official.generate(
            OfficialKind.QUARTERLY, bureau, year=year, quarter=quarter, today=today
        ),
    )
    document = timed("document (tables and chart)", lambda: official.build_document(report))
    for fmt in ("docx", "pdf", "xlsx"):
        data = timed(f"render {fmt}", lambda fmt=fmt: render(document, fmt))
        print(f"  {'':<48} {len(data) / 1024:7.0f} KiB")


def big_district() -> Any:
    """A second district: 300 schools, 10,000 hazards spread over the second half of 2014."""
    from ._district import generate

    district = generate(
        code="339999", schools=SCHOOLS, hazards=HAZARDS, start=datetime.date(2014, 7, 1), days=184
    )
    return district.bureau


def run() -> None:
    from xiaoan.campaigns import demo as campaigns
    from xiaoan.hazards import demo as hazards
    from xiaoan.schools import demo as schools

    timed(
        "load the demo district (schools, campaign, hazards)",
        lambda: (schools.load(), campaigns.load(), hazards.load()),
    )
    print("demo district (79 schools, 103 hazards), Q3 2014:")
    quarterly(schools.demo_bureau(), 2014, 3, datetime.date(2014, 10, 10))
    bureau = timed(f"generate a district of {SCHOOLS} schools, {HAZARDS} hazards", big_district)
    print(f"generated district ({SCHOOLS} schools, {HAZARDS} hazards), Q3 2014:")
    quarterly(bureau, 2014, 3, datetime.date(2014, 10, 10))
