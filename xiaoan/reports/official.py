"""The quarterly report and the campaign summary: figures, a drafted narrative, the document.

The narrative is drafted in the seed's style from the computed figures and is then the bureau's
to edit. It is plain text: a line starting with "# ", "## " or "### " is a heading (numbered
一、 (一) 1. when rendered), the line "[[统计表]]" marks where the tables and the chart go, every
other line is a paragraph.
"""

from __future__ import annotations

import datetime
from collections import Counter
from collections.abc import Callable
from typing import Any

from django.db import transaction
from django.utils import timezone

from xiaoan.core.dates import local_date, local_today
from xiaoan.hazards.models import Hazard

from .choices import Compliance, OfficialKind, OfficialStatus
from .document import Document, Heading, Paragraph, Table, date_text
from .exports.charts import bar_chart, column_chart
from .figures import district_figures, month_bounds, quarter_bounds, quarter_months, schools_on
from .models import MonthlyReport, OfficialReport, compliance_of, due_date_for

TABLES_MARK = "[[统计表]]"
# The seed writes "学生接送车安全项目8项": the vehicle area reads as a programme of work.
AREA_SUFFIX = {"vehicle": "项目"}
Progress = Callable[[str], None]


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


def compliance_counts(bureau_id: int, year: int, month: int, today: datetime.date) -> dict:
    states = Counter(state for _s, _r, state in compliance_rows(bureau_id, year, month, today))
    row: dict[str, Any] = {"month": f"{year}年{month}月"}
    row["expected"] = sum(states.values())
    row.update({c.value: states.get(c.value, 0) for c in Compliance})
    return row


def quarterly_figures(bureau_id: int, year: int, quarter: int, today: datetime.date) -> dict:
    start, end = quarter_bounds(year, quarter)
    hazards = Hazard.objects.filter(bureau_id=bureau_id, found_on__range=(start, end))
    figures = district_figures(bureau_id, hazards, start, end, as_of=today)
    # Months before the bureau started collecting monthly reports in Xiao'an are left out, and
    # so is a month whose reports are not due yet: none of them can be counted late or missing.
    figures["compliance"] = [
        compliance_counts(bureau_id, y, m, today)
        for y, m in quarter_months(year, quarter)
        if today > due_date_for(y, m)
        and MonthlyReport.objects.filter(school__bureau_id=bureau_id, year=y, month=m).exists()
    ]
    figures["scope"] = f"{year}年第{'一二三四'[quarter - 1]}季度"
    return figures


def campaign_figures(campaign: Any, today: datetime.date) -> dict:
    hazards = Hazard.objects.filter(campaign=campaign)
    figures = district_figures(
        campaign.bureau_id, hazards, campaign.start_date, campaign.end_date, as_of=today
    )
    figures["compliance"] = []
    figures["scope"] = campaign.name
    return figures


def opening_sentence(figures: dict, period: str) -> str:
    """全区37所中小学、42家幼托机构共发现安全隐患103项,其中学生接送车安全项目8项、…"""
    schools, total = figures["schools"], figures["total"]
    parts = [
        f"{a['name']}{AREA_SUFFIX.get(a['code'], '')}{a['found']}项"
        for a in figures["areas"]
        if a["found"]
    ]
    text = (
        f"{period}全区{schools['primary_secondary']}所中小学、{schools['childcare']}家幼托机构"
        f"共发现安全隐患{total['found']}项"
    )
    return text + (f",其中{'、'.join(parts)}。" if parts else "。")


def _state_sentence(figures: dict) -> str:
    total = figures["total"]
    text = (
        f"截至{_date_zh(figures['as_of'])},已整改销号{total['closed']}项,"
        f"整改率{figures['rectification_rate']}%;尚在整改{total['open']}项,"
        f"其中逾期未整改{total['overdue']}项。"
    )
    if figures["rejected"]:
        text += f"经核查不属于隐患、予以退回{figures['rejected']}项。"
    majors, supervised = len(figures["major"]), len(figures["supervised"])
    if majors:
        text += f"排查出重大隐患{majors}项,其中挂牌督办{supervised}项。"
    return text


def _date_zh(iso: str) -> str:
    return date_text(datetime.date.fromisoformat(iso))


def draft_narrative(figures: dict, kind: str) -> str:
    period = "本季度," if kind == OfficialKind.QUARTERLY else "专项行动开展以来,"
    lines = ["# 基本情况", opening_sentence(figures, period) + _state_sentence(figures)]
    if figures.get("inspections"):
        lines.append(f"期间全区共开展各类安全检查{figures['inspections']}次。")
    lines += _incident_lines(figures)
    lines += [TABLES_MARK, "# 主要做法"]
    lines += _practice_lines(figures)
    lines += ["# 存在问题", _problem_line(figures)]
    lines += [
        "# 下一步工作",
        "一是继续落实隐患排查整改月报制度,对逾期未整改隐患逐项督办,确保整改到位、按期销号。",
        "二是会同公安、交警、消防、食药监等部门开展校园周边环境联合整治,巩固“四无”目标。",
        "三是加强学生接送车辆和防溺水安全教育,落实家校联系,关注外来务工人员子女和留守儿童。",
    ]
    return "\n".join(lines)


def _practice_lines(figures: dict) -> list[str]:
    lines = [
        "## 健全制度,落实责任",
        "建立督查检查制度和奖惩制度,一级抓一级、一级管一级,将安全工作纳入学校和教师考核,"
        "实行一票否决;对排查发现的每一项隐患及时下发整改意见,实行台账管理、闭环销号。",
    ]
    compliance = figures.get("compliance") or []
    if compliance:
        expected = sum(m["expected"] for m in compliance)
        on_time = sum(m[Compliance.ON_TIME] for m in compliance)
        late = sum(m[Compliance.LATE] for m in compliance)
        missing = sum(m[Compliance.MISSING] for m in compliance)
        lines += [
            "## 坚持月报,掌握动态",
            f"各校每月向局报送隐患排查整改情况,本季度应报月报{expected}份,按时报送{on_time}份,"
            f"逾期报送{late}份,未报{missing}份。",
        ]
    measures = [
        m
        for m in figures.get("key_measures") or []
        if m["value"] and m.get("key") not in INCIDENT_KEYS
    ]
    if measures:
        text = ";".join(f"{m['label']}{number(m['value'])}{m['unit']}" for m in measures)
        lines += ["## 加大投入,强化措施", text + "。"]
    return lines


INCIDENT_KEYS = ("incidents", "major_liability_incidents")


def _incident_lines(figures: dict) -> list[str]:
    """One sentence on incidents, where the registers report them."""
    by_key = {m.get("key"): m["value"] for m in figures.get("key_measures") or []}
    if "incidents" not in by_key:
        return []
    incidents, major = (by_key[key] for key in INCIDENT_KEYS)
    if not incidents:
        return ["期间全区未发生安全事故。"]
    tail = f"其中重大责任事故{major}起。" if major else "未发生重大责任事故。"
    return [f"期间全区发生安全事故{incidents}起,{tail}"]


def number(value: Any) -> str:
    """350.0 → 350, 3.5 → 3.5: a report writes no needless decimals."""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _problem_line(figures: dict) -> str:
    total = figures["total"]
    if not total["open"]:
        return "排查出的隐患已全部整改销号,但安全工作常抓不懈,仍需防止隐患反弹。"
    heavy = sorted(figures["areas"], key=lambda a: a["open"], reverse=True)
    names = "、".join(a["name"] for a in heavy[:2] if a["open"])
    text = f"仍有{total['open']}项隐患尚在整改,主要集中在{names}方面;"
    if total["overdue"]:
        return text + (
            f"其中{total['overdue']}项已超过整改期限,个别学校整改进度滞后,需加大督办力度。"
        )
    return text + "均在整改期限内,需跟踪督促,确保按期整改销号。"


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
        title = f"{bureau.name}关于{figures['scope']}学校安全隐患排查整改情况的报告"
    else:
        figures = campaign_figures(campaign, today)
        title = f"{campaign.name}情况总结材料"
    progress("narrative")
    scope = _scope_filter(kind, bureau, year, quarter, campaign)
    with transaction.atomic():
        OfficialReport.objects.filter(status=OfficialStatus.DRAFT, **scope).delete()
        return OfficialReport.objects.create(
            **scope,
            title=title,
            narrative=draft_narrative(figures, kind),
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


def build_document(
    report: OfficialReport, progress: Progress = _silent, charts: bool = True
) -> Document:
    """The Document of a report: its narrative with the tables and the chart where marked."""
    figures = report.figures
    stamp = report.issued_at or report.generated_at
    document = Document(
        title=report.title,
        issuer=report.bureau.name,
        date_text=date_text(local_date(stamp)),
    )
    placed = False
    for line in report.narrative.splitlines():
        line = line.strip()
        if not line:
            continue
        if line == TABLES_MARK:
            _data_blocks(document, figures, progress, charts)
            placed = True
        elif line.startswith("#"):
            level = len(line) - len(line.lstrip("#"))
            document.heading(min(level, 4), line.lstrip("#").strip())
        else:
            document.paragraph(line)
    if not placed:
        document.heading(1, "统计表")
        _data_blocks(document, figures, progress, charts)
    return document


def page_blocks(report: OfficialReport) -> list[dict[str, Any]]:
    """The document as the reading page shows it: numbered headings, paragraphs and tables
    (the charts are in the downloaded files)."""
    blocks: list[dict[str, Any]] = []
    for block in build_document(report, charts=False).blocks:
        if isinstance(block, Heading):
            blocks.append({"kind": "heading", "level": block.level, "text": block.text})
        elif isinstance(block, Table):
            blocks.append(
                {
                    "kind": "table",
                    "text": block.caption,
                    "headers": block.headers,
                    "rows": block.rows,
                }
            )
        elif isinstance(block, Paragraph):
            blocks.append({"kind": "paragraph", "text": block.text})
    return blocks


def _data_blocks(
    document: Document, figures: dict, progress: Progress, charts: bool = True
) -> None:
    progress("tables")
    areas = figures["areas"]
    rows = [
        [
            a["name"],
            a["found"],
            a["major"],
            a["closed"],
            a["open"],
            a["overdue"],
            f"{_area_rate(a)}%",
        ]
        for a in areas
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
            f"{figures['rectification_rate']}%",
        ]
    )
    n = len(document.tables) + 1
    document.table(
        f"表{n} 各类安全隐患排查整改情况",
        ["类别", "发现", "其中重大", "已整改", "整改中", "逾期", "整改率"],
        rows,
    )
    kinds = [
        [k["name"], k["schools"], k["found"], k["closed"], k["open"]] for k in figures["kinds"]
    ]
    document.table(
        f"表{n + 1} 分学校类别隐患情况",
        ["学校类别", "学校数", "发现隐患", "已整改", "整改中"],
        kinds,
    )
    _month_table(document, figures)
    _hazard_table(document, figures)
    _compliance_table(document, figures)
    _measures_table(document, figures)
    if not charts:
        return
    progress("charts")
    png = bar_chart(
        "各类安全隐患排查整改情况",
        [a["name"] for a in areas],
        [
            ("发现", [a["found"] for a in areas]),
            ("已整改", [a["closed"] for a in areas]),
            ("整改中", [a["open"] for a in areas]),
        ],
    )
    document.image(f"图{len(document.images) + 1} 各类安全隐患排查整改情况", png)
    # Documents generated before the monthly figures were kept have no "months".
    months = figures.get("months") or []
    if months:
        png = column_chart(
            "各月隐患排查整改情况",
            [m["month"] for m in months],
            [
                ("新发现", [m["found"] for m in months]),
                ("整改销号", [m["closed"] for m in months]),
                ("月末逾期未整改", [m["overdue"] for m in months]),
            ],
        )
        document.image(f"图{len(document.images) + 1} 各月隐患排查整改情况", png)


def _area_rate(area: dict) -> float:
    from .figures import rate

    return rate(area["closed"], area["found"]) if area["found"] else 100.0


def _month_table(document: Document, figures: dict) -> None:
    months = figures.get("months") or []
    if not months:
        return
    rows = [[m["month"], m["found"], m["closed"], m["open"], m["overdue"]] for m in months]
    document.table(
        f"表{len(document.tables) + 1} 各月隐患排查整改情况",
        ["月份", "新发现", "整改销号", "月末整改中", "月末逾期"],
        rows,
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
            h["deadline"],
            "是" if h["supervised"] else "否",
        ]
        for h in sorted(listed.values(), key=lambda h: h["code"])
    ]
    document.table(
        f"表{len(document.tables) + 1} 重大隐患及挂牌督办隐患",
        ["编号", "学校", "类别", "隐患情况", "状态", "整改期限", "挂牌督办"],
        rows,
    )


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
        ]
        for m in months
    ]
    document.table(
        f"表{len(document.tables) + 1} 学校安全月报报送情况",
        ["月份", "应报", "按时报送", "逾期报送", "退回修改", "未报"],
        rows,
    )


def _measures_table(document: Document, figures: dict) -> None:
    measures = figures.get("key_measures") or []
    if measures:
        rows = [[m["label"], number(m["value"]), m["unit"]] for m in measures]
        document.table(f"表{len(document.tables) + 1} 重点工作措施", ["项目", "数量", "单位"], rows)
