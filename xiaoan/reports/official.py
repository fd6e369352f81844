"""The quarterly report and the campaign summary: figures, a drafted narrative, the document.

The narrative is drafted from the computed figures (`narrative.py`) and is then the bureau's to
edit. It is plain text: a line starting with "# " or "## " is a heading (numbered 一、 （一）
when rendered), the line "[[统计表]]" marks where the tables and charts go, every other line is
a paragraph. The draft with its computed figures marked is kept in the figures (`drafted`), so
the editing page shows a figure changed by hand against the computed one.
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Callable
from typing import Any

from django.db import transaction
from django.db.models import (
    Case,
    CharField,
    Count,
    F,
    FilteredRelation,
    IntegerField,
    Q,
    QuerySet,
    Value,
    When,
)
from django.db.models.functions import Coalesce, TruncDate
from django.utils import timezone

from xiaoan.core.dates import local_date, local_today
from xiaoan.hazards.choices import EventKind, HazardLevel, HazardStatus
from xiaoan.hazards.models import Hazard, HazardEvent
from xiaoan.inspections.models import Inspection
from xiaoan.registers.figures import figures as register_figures
from xiaoan.risks.figures import district_risk_figures
from xiaoan.schools.models import School

from . import narrative as texts
from .choices import Compliance, MonthlyStatus, OfficialKind, OfficialStatus
from .document import (
    INTEGER,
    PERCENT,
    TEXT,
    Attachment,
    Document,
    Heading,
    Paragraph,
    Table,
    chinese_punctuation,
    date_text,
)
from .exports.charts import bar_chart, column_chart
from .figures import (
    _start_of,
    area_rows,
    district_figures,
    month_bounds,
    open_on,
    quarter_bounds,
    quarter_months,
    rate,
    school_counts,
    schools_on,
)
from .marks import CHANGED, TYPED, Segment, compare, plain
from .models import MonthlyReport, OfficialReport, compliance_of, due_date_for
from .story import campaign_story

TABLES_MARK = texts.TABLES_MARK
ADDRESSEE = "区人民政府："
CLOSING = "特此报告。"
ONE_DAY = datetime.timedelta(days=1)
Progress = Callable[[str], None]
number = texts.number


def _silent(_step: str) -> None:
    return None


def compliance_rows(bureau_id: int, year: int, month: int, today: datetime.date) -> list[tuple]:
    """(school, report or None, compliance state) for every school that owed the month's
    report: those on the registry at the month's end (today, for the running month)."""
    month_end = min(month_bounds(year, month)[1], today)
    schools = schools_on(bureau_id, month_end).order_by("code")
    reports = {
        r.school_id: r
        for r in MonthlyReport.objects.filter(school__bureau_id=bureau_id, year=year, month=month)
    }
    return [
        (s, reports.get(s.pk), compliance_of(reports.get(s.pk), year, month, today))
        for s in schools
    ]


# The board's order: the schools to chase first, then the rest; by code within a state.
COMPLIANCE_ORDER = (
    Compliance.MISSING,
    Compliance.LATE,
    Compliance.RETURNED,
    Compliance.PENDING,
    Compliance.ON_TIME,
)


def compliance_board(bureau_id: int, year: int, month: int, today: datetime.date) -> QuerySet[Any]:
    """The schools that owed the month's report (as `compliance_rows`), each annotated in
    SQL with its `compliance` state, `report_pk` and `first_submitted` (None without a
    report), the missing and late first. `compliance_of` says the same in Python for one
    report; `tests/test_monthly.py` holds the two to each other."""
    month_end = min(month_bounds(year, month)[1], today)
    return _with_compliance(schools_on(bureau_id, month_end), year, month, today)


def _with_compliance(
    schools: QuerySet[Any], year: int, month: int, today: datetime.date
) -> QuerySet[Any]:
    """`schools` annotated with their standing for the month, as `compliance_board` says."""
    report = FilteredRelation(
        "monthly_reports",
        condition=Q(monthly_reports__year=year, monthly_reports__month=month),
    )
    state = Case(
        When(report__status=MonthlyStatus.RETURNED, then=Value(Compliance.RETURNED.value)),
        When(
            Q(report__first_submitted_at__isnull=True, due__lt=today),
            then=Value(Compliance.MISSING.value),
        ),
        When(report__first_submitted_at__isnull=True, then=Value(Compliance.PENDING.value)),
        When(submitted_on__lte=F("due"), then=Value(Compliance.ON_TIME.value)),
        default=Value(Compliance.LATE.value),
        output_field=CharField(),
    )
    rank = Case(
        *(When(compliance=c.value, then=Value(i)) for i, c in enumerate(COMPLIANCE_ORDER)),
        output_field=IntegerField(),
    )
    return (
        schools.annotate(report=report)
        .alias(
            due=Coalesce(F("report__due_date"), Value(due_date_for(year, month))),
            # The bureau's calendar day, as `local_date` (the current time zone).
            submitted_on=TruncDate("report__first_submitted_at"),
        )
        .annotate(
            compliance=state,
            report_pk=F("report__pk"),
            first_submitted=F("report__first_submitted_at"),
        )
        .alias(compliance_rank=rank)
        .order_by("compliance_rank", "code", "pk")
    )


def compliance_counts(bureau_id: int, year: int, month: int, today: datetime.date) -> dict:
    board = compliance_board(bureau_id, year, month, today).order_by()
    states = dict(board.values_list("compliance").annotate(n=Count("pk")))
    return _compliance_row(year, month, states)


def compliance_counts_by_district(
    bureau_ids: list[int], year: int, month: int, today: datetime.date
) -> dict[int, dict]:
    """`compliance_counts` of each district of `bureau_ids` for the same month, in one
    grouped query."""
    month_end = min(month_bounds(year, month)[1], today)
    schools = School.objects.filter(bureau__in=bureau_ids).as_of(month_end)
    board = _with_compliance(schools, year, month, today).order_by()
    states: dict[int, dict[str, int]] = {b: {} for b in bureau_ids}
    for bureau_id, state, n in board.values_list("bureau", "compliance").annotate(n=Count("pk")):
        states[bureau_id][state] = n
    return {b: _compliance_row(year, month, counted) for b, counted in states.items()}


def _compliance_row(year: int, month: int, states: dict[str, int]) -> dict:
    row: dict[str, Any] = {"month": f"{year}年{month}月"}
    row["expected"] = sum(states.values())
    row.update({c.value: states.get(c.value, 0) for c in Compliance})
    return row


def _compliance(bureau_id: int, months: list[tuple[int, int]], today: datetime.date) -> list:
    """Months before the bureau collected monthly reports in Xiao'an are left out, and so is
    a month whose reports are not due yet: none of them can be counted late or missing."""
    return [
        compliance_counts(bureau_id, y, m, today)
        for y, m in months
        if today > due_date_for(y, m)
        and MonthlyReport.objects.filter(school__bureau_id=bureau_id, year=y, month=m).exists()
    ]


def _schools(bureau_id: int, as_of: datetime.date) -> dict[str, int]:
    from xiaoan.schools.choices import SchoolKind

    counts = school_counts(bureau_id, as_of)
    migrant = schools_on(bureau_id, as_of).filter(kind=SchoolKind.MIGRANT)
    total = counts["primary_secondary"] + counts["childcare"]
    return {**counts, "migrant": migrant.count(), "total": total}


def _with_rates(figures: dict[str, Any], hazards: QuerySet[Hazard]) -> None:
    """One rectification rate everywhere: closed ÷ (found − rejected as unfounded)."""
    rejected = dict(
        hazards.filter(status=HazardStatus.REJECTED)
        .values_list("area__code")
        .annotate(n=Count("id"))
    )
    for area in figures["areas"]:
        area["rejected"] = rejected.get(area["code"], 0)
        area["rate"] = rate(area["closed"], area["found"] - area["rejected"])
    figures["rejected"] = sum(rejected.values())
    total = figures["total"]
    total["rejected"] = figures["rejected"]
    figures["rectification_rate"] = rate(total["closed"], total["found"] - figures["rejected"])
    as_of = datetime.date.fromisoformat(figures["as_of"])
    still_open = hazards.filter(open_on(as_of))
    figures["major_open"] = still_open.filter(level=HazardLevel.MAJOR).count()
    figures["supervised_open"] = still_open.filter(supervised=True).count()
    supervised = dict(
        still_open.filter(supervised=True).values_list("area__code").annotate(n=Count("id"))
    )
    for area in figures["areas"]:
        area["supervised"] = supervised.get(area["code"], 0)


def _measures(bureau_id: int, start: datetime.date, end: datetime.date) -> dict[str, Any]:
    found = register_figures(bureau_id, start, end)
    return {
        **{k: v for k, v in found.items() if k != "defence_funding"},
        "defence_funding_10k": float(found["defence_funding"]) / 10000,
    }


def quarterly_figures(bureau_id: int, year: int, quarter: int, today: datetime.date) -> dict:
    """The quarter's new hazards and those carried over open from before it, as at its end."""
    start, end = quarter_bounds(year, quarter)
    ledger = Hazard.objects.filter(bureau_id=bureau_id)
    new = ledger.filter(found_on__range=(start, end))
    carried = ledger.filter(found_on__lt=start).filter(open_on(start - ONE_DAY))
    hazards = ledger.filter(Q(pk__in=new.values("pk")) | Q(pk__in=carried.values("pk")))
    figures = district_figures(bureau_id, hazards, start, end, as_of=today)
    as_of = datetime.date.fromisoformat(figures["as_of"])
    figures["schools"] = _schools(bureau_id, as_of)
    _with_rates(figures, hazards)
    figures["new_areas"] = area_rows(new, as_of)
    figures["new"] = {"found": new.count()}
    figures["carried"] = {"found": carried.count()}
    carried_by_area = dict(carried.values_list("area__code").annotate(n=Count("id")))
    for area, new_area in zip(figures["areas"], figures["new_areas"], strict=True):
        area["carried"] = carried_by_area.get(area["code"], 0)
        area["new"] = new_area["found"]
        area["new_major"] = new_area["major"]
    figures["compliance"] = _compliance(bureau_id, quarter_months(year, quarter), today)
    held = Inspection.objects.filter(school__bureau_id=bureau_id, date__range=(start, as_of))
    figures["inspections_by_kind"] = dict(
        held.values_list("kind").annotate(n=Count("id")).order_by("kind")
    )
    figures["measures"] = {
        "quarter": _measures(bureau_id, start, end),
        "year": _measures(bureau_id, datetime.date(year, 1, 1), end),
        # The defence funding is kept by year: the year's last report states it.
        "year_end": quarter == 4,
    }
    figures["risks"] = district_risk_figures(bureau_id, start, end)
    figures["scope"] = f"{year}年第{'一二三四'[quarter - 1]}季度"
    return figures


def campaign_figures(campaign: Any, today: datetime.date) -> dict:
    """The campaign's figures as at its end (or today, while it runs); the registers' annual
    measures over the campaign's year."""
    hazards = Hazard.objects.filter(campaign=campaign)
    figures = district_figures(
        campaign.bureau_id, hazards, campaign.start_date, campaign.end_date, as_of=today
    )
    as_of = datetime.date.fromisoformat(figures["as_of"])
    figures["schools"] = _schools(campaign.bureau_id, as_of)
    _with_rates(figures, hazards)
    figures["story"] = campaign_story(campaign, as_of)
    figures["story"]["measures_in_campaign"] = _measures(
        campaign.bureau_id, campaign.start_date, as_of
    )
    figures["opinions"] = (
        HazardEvent.objects.filter(
            hazard__in=hazards,
            kind=EventKind.ASSIGNED,
            created_at__lt=_start_of(as_of + ONE_DAY),
        )
        .values("hazard")
        .distinct()
        .count()
    )
    months = _months_between(campaign.start_date, as_of)
    figures["compliance"] = _compliance(campaign.bureau_id, months, today)
    figures["quarterly_reports"] = OfficialReport.objects.filter(
        bureau_id=campaign.bureau_id,
        kind=OfficialKind.QUARTERLY,
        status=OfficialStatus.ISSUED,
        year=campaign.start_date.year,
        issued_at__lt=_start_of(as_of + ONE_DAY),
    ).count()
    figures["scope"] = campaign.name
    return figures


def _months_between(start: datetime.date, end: datetime.date) -> list[tuple[int, int]]:
    months, (year, month) = [], (start.year, start.month)
    while (year, month) <= (end.year, end.month):
        months.append((year, month))
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return months


def draft_narrative(figures: dict, kind: str, name: str = "") -> str:
    """The drafted text, its computed figures marked."""
    if kind == OfficialKind.QUARTERLY:
        return texts.quarterly_report(figures)
    return texts.campaign_summary(figures, name or figures.get("scope", ""))


def _scope_filter(kind: str, bureau: Any, year: Any, quarter: Any, campaign: Any) -> dict:
    if kind == OfficialKind.QUARTERLY:
        return {"bureau": bureau, "kind": kind, "year": year, "quarter": quarter}
    return {"bureau": bureau, "kind": kind, "campaign": campaign}


def generate(
    kind: str,
    bureau: Any,
    *,
    year: int | None = None,
    quarter: int | None = None,
    campaign: Any = None,
    user: Any = None,
    today: datetime.date | None = None,
    progress: Progress = _silent,
) -> OfficialReport:
    """Compute the figures now and draft the narrative: a new draft (issued ones are kept)."""
    today = today or local_today()
    progress("figures")
    if kind == OfficialKind.QUARTERLY:
        assert year is not None and quarter is not None
        figures = quarterly_figures(bureau.pk, year, quarter, today)
        title = f"{bureau.name}关于{figures['scope']}学校安全工作情况的报告"
    else:
        figures = campaign_figures(campaign, today)
        title = f"{campaign.name}情况总结材料"
    progress("narrative")
    drafted = chinese_punctuation(draft_narrative(figures, kind, figures["scope"]))
    figures["drafted"] = drafted
    scope = _scope_filter(kind, bureau, year, quarter, campaign)
    with transaction.atomic():
        OfficialReport.objects.filter(status=OfficialStatus.DRAFT, **scope).delete()
        return OfficialReport.objects.create(
            **scope,
            title=title,
            narrative=plain(drafted),
            figures=figures,
            generated_at=timezone.now(),
            created_by=user,
        )


def latest(kind: str, bureau: Any, *, year=None, quarter=None, campaign=None) -> Any:
    """The issued document of the scope if there is one, else the newest draft, else None."""
    scope = OfficialReport.objects.filter(**_scope_filter(kind, bureau, year, quarter, campaign))
    return (
        scope.filter(status=OfficialStatus.ISSUED).order_by("-issued_at").first()
        or scope.order_by("-generated_at").first()
    )


def document_frame(report: OfficialReport) -> Document:
    """The document's title, addressee, closing, issuer and date, without its body."""
    stamp = report.issued_at or report.generated_at
    quarterly = report.kind == OfficialKind.QUARTERLY
    return Document(
        title=chinese_punctuation(report.title),
        issuer=report.bureau.name,
        date_text=date_text(local_date(stamp)),
        addressee=ADDRESSEE if quarterly else "",
        closing=CLOSING if quarterly else "",
    )


def build_document(
    report: OfficialReport,
    progress: Progress = _silent,
    charts: bool = True,
    narrative: str | None = None,
) -> Document:
    """The Document of a report: its narrative with the tables and the charts where marked
    (`narrative` previews an edited text that is not saved yet)."""
    figures = report.figures
    document = document_frame(report)
    placed = False
    text = report.narrative if narrative is None else narrative
    for line in chinese_punctuation(text).splitlines():
        line = line.strip()
        if not line:
            continue
        if line == TABLES_MARK:
            _data_blocks(document, report.kind, figures, progress, charts)
            placed = True
        elif line.startswith("#"):
            level = len(line) - len(line.lstrip("#"))
            document.heading(min(level, 4), line.lstrip("#").strip())
        else:
            document.paragraph(line)
    if not placed:
        document.heading(1, "统计表")
        _data_blocks(document, report.kind, figures, progress, charts)
    return document


def attachments(report: OfficialReport) -> list[Attachment]:
    """The full lists given beside the document (its long tables, `Document.long_table`)."""
    return build_document(report, charts=False).attachments


def page_blocks(report: OfficialReport, narrative: str | None = None) -> list[dict[str, Any]]:
    """The document as the reading page shows it: numbered headings, paragraphs and tables
    (the charts are in the downloaded files)."""
    blocks: list[dict[str, Any]] = []
    for block in build_document(report, charts=False, narrative=narrative).blocks:
        if isinstance(block, Heading):
            blocks.append({"kind": "heading", "level": block.level, "text": block.text})
        elif isinstance(block, Table):
            blocks.append(
                {
                    "kind": "table",
                    "text": block.caption,
                    "headers": block.headers,
                    "rows": [[block.shown(i, v) for i, v in enumerate(row)] for row in block.rows],
                    "note": block.note,
                }
            )
        elif isinstance(block, Paragraph):
            blocks.append({"kind": "paragraph", "text": block.text})
    return blocks


# ---- tables and charts ------------------------------------------------------------------------


def _data_blocks(
    document: Document, kind: str, figures: dict, progress: Progress, charts: bool = True
) -> None:
    progress("tables")
    if kind == OfficialKind.CAMPAIGN_SUMMARY and "story" in figures:
        # The summary tells its story in sentences: one table by area and its chart.
        _area_table(document, figures)
        if charts:
            progress("charts")
            _charts(document, figures, months=False)
        return
    if kind == OfficialKind.QUARTERLY and "carried" in figures:
        _quarter_area_table(document, figures)
    else:
        _area_table(document, figures)
    kinds = [
        [k["name"], k["schools"], k["found"], k["closed"], k["open"]] for k in figures["kinds"]
    ]
    document.table(
        f"表{len(document.tables) + 1} 分学校类别隐患情况",
        ["学校类别", "学校数", "发现隐患", "已整改", "未整改"],
        kinds,
        [TEXT, INTEGER, INTEGER, INTEGER, INTEGER],
    )
    _month_table(document, figures)
    _hazard_table(document, figures)
    _compliance_table(document, figures)
    if not charts:
        return
    progress("charts")
    _charts(document, figures)


def _area_rate(area: dict) -> float:
    return area["rate"] if "rate" in area else rate(area["closed"], area["found"])


def _area_table(document: Document, figures: dict) -> None:
    rows = [
        [
            a["name"],
            a["found"],
            a["major"],
            a["closed"],
            a["open"],
            a["overdue"],
            a.get("rejected", 0),
            _area_rate(a),
        ]
        for a in figures["areas"]
    ]
    total = figures["total"]
    rows.append(
        [
            "合计",
            total["found"],
            total["major"],
            total["closed"],
            total["open"],
            total["overdue"],
            figures.get("rejected", 0),
            figures["rectification_rate"],
        ]
    )
    document.table(
        f"表{len(document.tables) + 1} 各类安全隐患排查整改情况",
        ["类别", "发现", "其中重大", "已整改销号", "未整改", "其中逾期", "不属实", "整改率"],
        rows,
        [TEXT, *[INTEGER] * 6, PERCENT],
        note=texts.RATE_NOTE,
    )


def _quarter_area_table(document: Document, figures: dict) -> None:
    def row(name: str, a: dict, rate_value: float) -> list[Any]:
        return [
            name,
            a["carried"],
            a["new"],
            a["found"],
            a["closed"],
            a["open"],
            a["overdue"],
            a["supervised"],
            rate_value,
        ]

    rows = [row(a["name"], a, a["rate"]) for a in figures["areas"]]
    keys = ("carried", "new", "found", "closed", "open", "overdue", "supervised")
    total = {k: sum(a[k] for a in figures["areas"]) for k in keys}
    rows.append(row("合计", total, figures["rectification_rate"]))
    document.table(
        f"表{len(document.tables) + 1} 各类安全隐患排查整改情况",
        [
            "类别",
            "上季度结转",
            "本季度新发现",
            "应整改",
            "已整改销号",
            "未整改",
            "其中逾期",
            "挂牌督办",
            "整改率",
        ],
        rows,
        [TEXT, *[INTEGER] * 7, PERCENT],
        note=texts.QUARTER_RATE_NOTE,
    )


def _month_table(document: Document, figures: dict) -> None:
    months = figures.get("months") or []
    if not months:
        return
    rows = [[m["month"], m["found"], m["closed"], m["open"], m["overdue"]] for m in months]
    document.table(
        f"表{len(document.tables) + 1} 各月隐患排查整改情况",
        ["月份", "新发现", "整改销号", "月末未整改", "月末逾期"],
        rows,
        [TEXT, *[INTEGER] * 4],
    )


def _hazard_table(document: Document, figures: dict) -> None:
    listed = {h["code"]: h for h in figures["major"] + figures["supervised"]}
    if not listed:
        return
    rows = [
        [
            h["code"],
            h["school"],
            h["area"],
            h["description"],
            h["status"],
            datetime.date.fromisoformat(h["deadline"]) if h["deadline"] else "",
            "是" if h["supervised"] else "否",
        ]
        for h in sorted(listed.values(), key=lambda h: h["code"])
    ]
    document.long_table(
        f"表{len(document.tables) + 1} 重大隐患及挂牌督办隐患",
        ["编号", "学校", "类别", "隐患情况", "状态", "整改期限", "挂牌督办"],
        rows,
        [TEXT, TEXT, TEXT, TEXT, TEXT, "date", TEXT],
        name=f"{document.issuer}{figures.get('scope', '')}重大隐患及挂牌督办隐患名单",
        first=lambda row: _most_pressing(listed[row[0]]),
        chosen="按未整改在先、整改期限先后排列的前",
        total=_hazard_total(list(listed.values())),
    )


def _is_open(hazard: dict) -> bool:
    return hazard.get("status_code") in HazardStatus.open_states()


def _most_pressing(hazard: dict) -> tuple[bool, str, str]:
    """The open hazards first, the earliest deadline (the longest overdue) first."""
    return (not _is_open(hazard), hazard["deadline"] or "9999-12-31", hazard["code"])


def _hazard_total(hazards: list[dict]) -> list[Any]:
    """The totals line, each count in a column of its own (short cells that do not wrap)."""
    still_open = sum(map(_is_open, hazards))
    supervised = sum(1 for h in hazards if h["supervised"])
    return [
        "合计",
        "",
        "",
        f"共{len(hazards):,}项",
        f"未整改{still_open:,}项",
        "",
        f"{supervised:,}项",
    ]


def _compliance_table(document: Document, figures: dict) -> None:
    months = figures.get("compliance") or []
    if not months:
        return
    rows = [
        [
            m["month"],
            m["expected"],
            m[Compliance.ON_TIME],
            m[Compliance.LATE],
            m[Compliance.RETURNED],
            m[Compliance.MISSING],
            rate(m[Compliance.ON_TIME], m["expected"]),
        ]
        for m in months
    ]
    document.table(
        f"表{len(document.tables) + 1} 学校安全月报报送情况",
        ["月份", "应报", "按时报送", "逾期报送", "退回修改", "未报", "按时报送率"],
        rows,
        [TEXT, *[INTEGER] * 5, PERCENT],
    )


def _charts(document: Document, figures: dict, months: bool = True) -> None:
    areas = figures["areas"]
    labels = [a["name"] for a in areas]
    series = [
        ("发现", [a["found"] for a in areas]),
        ("已整改销号", [a["closed"] for a in areas]),
        ("未整改", [a["open"] for a in areas]),
    ]
    document.image(
        f"图{len(document.images) + 1} 各类安全隐患排查整改情况",
        bar_chart("各类安全隐患排查整改情况", labels, series),
        labels=labels,
        series=series,
        horizontal=True,
    )
    # Documents generated before the monthly figures were kept have no "months".
    rows = (figures.get("months") or []) if months else []
    if rows:
        labels = [m["month"] for m in rows]
        series = [
            ("新发现", [m["found"] for m in rows]),
            ("整改销号", [m["closed"] for m in rows]),
            ("月末逾期未整改", [m["overdue"] for m in rows]),
        ]
        document.image(
            f"图{len(document.images) + 1} 各月隐患排查整改情况",
            column_chart("各月隐患排查整改情况", labels, series),
            labels=labels,
            series=series,
        )


# ---- editing: the text as blocks, the preview with its figures marked ----------------------

HEADING_NUMBER = re.compile(
    r"^\s*([一二三四五六七八九十]+、|（[一二三四五六七八九十]+）|\d+[.．]\s*)"
)
BLOCK_KINDS = ("h1", "h2", "p", "tables")


def text_blocks(narrative: str) -> list[dict[str, str]]:
    """The narrative as the editor shows it: [{"kind": h1 | h2 | p | tables, "text"}]."""
    blocks = []
    for line in narrative.splitlines():
        line = line.strip()
        if not line:
            continue
        if line == TABLES_MARK:
            blocks.append({"kind": "tables", "text": ""})
        elif line.startswith("#"):
            level = min(len(line) - len(line.lstrip("#")), 2)
            blocks.append({"kind": f"h{level}", "text": line.lstrip("#").strip()})
        else:
            blocks.append({"kind": "p", "text": line})
    return blocks


def narrative_from_blocks(kinds: list[str], values: list[str]) -> str:
    """The editor's blocks back to the narrative. A paragraph with empty lines in it becomes
    several paragraphs; a heading typed with its number keeps one number; an emptied block
    is dropped."""
    lines: list[str] = []
    for kind, value in zip(kinds, values, strict=False):
        if kind == "tables":
            lines.append(TABLES_MARK)
            continue
        if kind in ("h1", "h2"):
            text = HEADING_NUMBER.sub("", " ".join(value.split()))
            if text:
                lines.append("#" * int(kind[1]) + " " + text)
            continue
        for part in re.split(r"\n\s*\n", value):
            text = "".join(line.strip() for line in part.splitlines())
            if text:
                lines.append(text)
    return "\n".join(lines)


def preview(report: OfficialReport, narrative: str | None = None) -> dict[str, Any]:
    """The document as it will read, each figure marked against the computed one: blocks
    (headings numbered, paragraphs as segments, tables), the figures changed or typed by
    hand, and the computed figures no longer in the text."""
    text = chinese_punctuation(report.narrative if narrative is None else narrative)
    drafted = report.figures.get("drafted", "")
    if drafted:
        segments, removed = compare(drafted, text)
    else:  # a document drafted before figures were marked
        segments, removed = [Segment(text)], []
    frame = document_frame(report)
    blocks: list[dict[str, Any]] = []
    for line in _lines(segments):
        plain_line = "".join(s.text for s in line).strip()
        if not plain_line:
            continue
        if plain_line == TABLES_MARK:
            tables = document_frame(report)
            _data_blocks(tables, report.kind, report.figures, _silent, charts=False)
            blocks += [_table_block(t) for t in tables.tables]
        elif plain_line.startswith("#"):
            level = len(plain_line) - len(plain_line.lstrip("#"))
            heading = frame.heading(min(level, 4), plain_line.lstrip("#").strip())
            blocks.append({"kind": "heading", "level": heading.level, "text": heading.text})
        else:
            blocks.append({"kind": "paragraph", "segments": _trimmed(line)})
    changed = [s for s in segments if s.state in (CHANGED, TYPED)]
    return {"frame": frame, "blocks": blocks, "changed": changed, "removed": removed}


def _table_block(table: Table) -> dict[str, Any]:
    return {
        "kind": "table",
        "text": table.caption,
        "headers": table.headers,
        "rows": [[table.shown(i, v) for i, v in enumerate(row)] for row in table.rows],
        "note": table.note,
    }


def _lines(segments: list[Segment]) -> list[list[Segment]]:
    lines: list[list[Segment]] = [[]]
    for segment in segments:
        parts = segment.text.split("\n")
        for index, part in enumerate(parts):
            if index:
                lines.append([])
            if part:
                lines[-1].append(Segment(part, segment.state, segment.computed))
    return lines


def _trimmed(line: list[Segment]) -> list[Segment]:
    if line and line[0].state == "":
        line[0] = Segment(line[0].text.lstrip(), "", "")
    if line and line[-1].state == "":
        line[-1] = Segment(line[-1].text.rstrip(), "", "")
    return line


def hand_changed_figures(report: OfficialReport) -> list[Segment]:
    """The figures of the saved text that differ from (or were added to) the computed ones."""
    drafted = report.figures.get("drafted", "")
    if not drafted:
        return []
    segments, _removed = compare(drafted, chinese_punctuation(report.narrative))
    return [s for s in segments if s.state in (CHANGED, TYPED)]
