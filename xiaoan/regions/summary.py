"""A city's or a province's campaign summary: its districts' summaries collected into one
document, in the layout of every official document (`reports.document`, GB/T 9704).

An overview table of the districts comes first, then one section per district that adopted
the campaign: the summary it issued, as issued; a district that has issued none yet is
described by the summary drafted from its ledger now (and says so). A district that did not
adopt the campaign is named at the end.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from django.db.models import F
from django.utils import timezone

from xiaoan.campaigns.models import Campaign
from xiaoan.core.dates import local_today
from xiaoan.reports import official
from xiaoan.reports.choices import OfficialKind, OfficialStatus
from xiaoan.reports.document import (
    INTEGER,
    PERCENT,
    TEXT,
    Document,
    Heading,
    Paragraph,
    Table,
    chinese_punctuation,
    date_text,
)
from xiaoan.reports.figures import rate
from xiaoan.reports.marks import plain
from xiaoan.reports.models import OfficialReport

from .figures import districts

# The number a heading or a table caption was given in the district's own document.
HEADING_NUMBER = re.compile(
    r"^(?:[一二三四五六七八九十]+、|（[一二三四五六七八九十]+）|\d+\.|（\d+）)"
)
TABLE_NUMBER = re.compile(r"^表\d+\s*")


def issued_summaries(campaigns: list[Campaign]) -> dict[int, OfficialReport]:
    """The summary each district campaign's bureau issued last, by campaign, in one query
    (as `official.latest` finds it for one)."""
    issued = (
        OfficialReport.objects.filter(
            kind=OfficialKind.CAMPAIGN_SUMMARY,
            status=OfficialStatus.ISSUED,
            campaign__in=campaigns,
            bureau=F("campaign__bureau"),
        )
        .select_related("bureau")
        .order_by("campaign", "-issued_at")
    )
    found: dict[int, OfficialReport] = {}
    for report in issued:
        found.setdefault(report.campaign_id, report)  # type: ignore[arg-type]
    return found


def district_summary(campaign: Campaign, issued: OfficialReport | None = None) -> OfficialReport:
    """The district campaign's issued summary (`issued`, else looked up); else one drafted
    now from its ledger (not saved: the district's own drafts stay the district's)."""
    if issued is None:
        issued = issued_summaries([campaign]).get(campaign.pk)
    if issued is not None:
        return issued
    figures = official.campaign_figures(campaign, local_today())
    drafted = chinese_punctuation(
        official.draft_narrative(figures, OfficialKind.CAMPAIGN_SUMMARY, figures["scope"])
    )
    return OfficialReport(
        bureau=campaign.bureau,
        kind=OfficialKind.CAMPAIGN_SUMMARY,
        campaign=campaign,
        title=f"{campaign.name}情况总结材料",
        narrative=plain(drafted),
        figures=figures,
        generated_at=timezone.now(),
    )


def summary_title(campaign: Campaign) -> str:
    return chinese_punctuation(f"{campaign.name}各地情况总结材料")


def collected_summary(
    campaign: Campaign, user: Any, progress: Callable[[int, int], None] | None = None
) -> Document:
    """The document of `campaign` (a city's or a province's) with its districts' sections;
    `progress(done, total)` after each district's summary (a background job shows it)."""
    document = Document(
        title=summary_title(campaign),
        issuer=campaign.bureau.name,
        date_text=date_text(local_today()),
    )
    adopted = {c.bureau_id: c for c in campaign.adoptions.select_related("bureau__region")}
    reach = list(districts(user))
    sections = [(b, adopted[b.pk]) for b in reach if b.pk in adopted]
    issued = issued_summaries([own for _bureau, own in sections])
    reports = []
    for bureau, own in sections:
        reports.append((bureau, district_summary(own, issued.get(own.pk))))
        if progress is not None:
            progress(len(reports), len(sections))
    _overview(document, campaign, reports, len(reach))
    for bureau, report in reports:
        document.heading(1, bureau.name)
        if report.pk is None or report.status != OfficialStatus.ISSUED:
            document.paragraph("（该地区尚未印发情况总结材料，以下据台账生成。）")
        _append(document, official.build_document(report, charts=False))
    missing = [b.name for b in reach if b.pk not in adopted]
    if missing:
        document.heading(1, "尚未部署的地区")
        document.paragraph("、".join(missing) + "尚未部署本次专项行动。")
    return document


def _overview(document: Document, campaign: Campaign, reports: list, districts: int) -> None:
    document.paragraph(
        chinese_punctuation(
            f"{campaign.bureau.name}部署{campaign.name}，所辖{districts}个地区中"
            f"{len(reports)}个已部署。各地隐患排查整改情况如下。"
        )
    )
    rows = [_district_row(bureau, report) for bureau, report in reports]
    document.long_table(
        f"表{len(document.tables) + 1} 各地安全隐患排查整改情况",
        ["地区", "学校数", "发现", "其中重大", "已整改销号", "未整改", "其中逾期", "整改率"],
        rows,
        [TEXT, *[INTEGER] * 6, PERCENT],
        name=f"{campaign.name}各地安全隐患排查整改情况",
        first=lambda row: (-row[6], -row[5]),
        chosen="逾期未整改隐患最多的",
        unit="个地区",
        measure="个",
        total=_districts_total(rows, [report for _bureau, report in reports]),
    )


def _district_row(bureau: Any, report: OfficialReport) -> list[Any]:
    total = report.figures["total"]
    return [
        bureau.name,
        report.figures["schools"]["total"],
        total["found"],
        total["major"],
        total["closed"],
        total["open"],
        total["overdue"],
        report.figures["rectification_rate"],
    ]


def _districts_total(rows: list[list[Any]], reports: list[OfficialReport]) -> list[Any]:
    """Every district summed; the rate as each district's, closed ÷ (found − unfounded)."""
    sums = [sum(row[i] for row in rows) for i in range(1, 7)]
    rejected = sum(r.figures.get("rejected", 0) for r in reports)
    return ["合计", *sums, rate(sums[3], sums[1] - rejected)]


def _append(document: Document, part: Document) -> None:
    """A district's document as a section: its headings one level down, its tables
    numbered in the collected document."""
    for block in part.blocks:
        if isinstance(block, Heading):
            document.heading(min(block.level + 1, 4), HEADING_NUMBER.sub("", block.text))
        elif isinstance(block, Table):
            caption = f"表{len(document.tables) + 1} " + TABLE_NUMBER.sub("", block.caption)
            document.table(caption, block.headers, block.rows, block.formats, block.note)
        elif isinstance(block, Paragraph):
            document.paragraph(block.text)
    document.attachments.extend(part.attachments)
