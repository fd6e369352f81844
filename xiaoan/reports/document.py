"""One document model for every official document Xiao'an writes.

The builders (quarterly report, campaign summary) fill a `Document`; the renderers in
`exports/` (Word, PDF, Excel) lay the same content out, so the three files never disagree.
Headings are numbered here, once, the way a bureau numbers them: 一、 （一） 1. （1）.
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings

CHINESE_DIGITS = "零一二三四五六七八九"
# Column formats of a table: the renderers write a value by its column's format (Excel keeps
# the number, the date, the percentage as such; Word and the PDF show them as text).
TEXT, INTEGER, PERCENT, DATE = "text", "integer", "percent", "date"


def chinese_number(n: int) -> str:
    """1 → 一, 10 → 十, 12 → 十二, 21 → 二十一, 100 → 一百, 101 → 一百零一, 110 → 一百一十,
    1010 → 一千零一十 (below 10,000: a province's collected summary has a heading a district)."""
    if n < 10:
        return CHINESE_DIGITS[n]
    if n < 20:
        return "十" + (CHINESE_DIGITS[n - 10] if n > 10 else "")
    spoken, gap, rest = "", False, n
    for value, unit in ((1000, "千"), (100, "百"), (10, "十")):
        digit, rest = divmod(rest, value)
        if digit:
            spoken += ("零" if gap else "") + CHINESE_DIGITS[digit] + unit
            gap = False
        elif spoken:
            gap = True
    if rest:
        spoken += ("零" if gap else "") + CHINESE_DIGITS[rest]
    return spoken


def heading_prefix(level: int, index: int) -> str:
    """一、 · （一） · 1. · （1）, the brackets full-width as GB/T 9704 writes them."""
    if level == 1:
        return f"{chinese_number(index)}、"
    if level == 2:
        return f"（{chinese_number(index)}）"
    if level == 3:
        return f"{index}."
    return f"（{index}）"


@dataclass
class Heading:
    level: int
    text: str


@dataclass
class Paragraph:
    text: str


@dataclass
class Table:
    """A captioned table; `formats` gives each column's kind of value, `note` a line below."""

    caption: str
    headers: list[str]
    rows: list[list[Any]]
    formats: list[str] = field(default_factory=list)
    note: str = ""

    def format_of(self, column: int) -> str:
        return self.formats[column] if column < len(self.formats) else TEXT

    def shown(self, column: int, value: Any) -> str:
        """The value as the Word and PDF tables print it."""
        return cell_text(value, self.format_of(column))


@dataclass
class Image:
    """A chart: its caption, the picture, and its data for a native Excel chart."""

    caption: str
    png: bytes
    width_mm: float = 150
    labels: list[str] = field(default_factory=list)
    series: list[tuple[str, list[float]]] = field(default_factory=list)
    horizontal: bool = False


Block = Heading | Paragraph | Table | Image


@dataclass
class Attachment:
    """A list too long for the document, given beside it in full as an .xlsx (附件)."""

    name: str
    table: Table

    @property
    def filename(self) -> str:
        return re.sub(r'[\\/:*?"<>|]', "", self.name) + ".xlsx"


def listing_note(total: int, unit: str, chosen: str, shown: int, measure: str, name: str) -> str:
    """（共2,500项，此处列出……的50项，完整名单见附件《……》.xlsx）"""
    return (
        f"（共{total:,}{unit}，此处列出{chosen}{shown:,}{measure}，完整名单见附件《{name}》.xlsx）"
    )


@dataclass
class Document:
    """Title, addressee, body blocks in order, the closing line, the issuer and the date."""

    title: str
    issuer: str = ""
    date_text: str = ""
    addressee: str = ""
    closing: str = ""
    blocks: list[Block] = field(default_factory=list)
    attachments: list[Attachment] = field(default_factory=list)
    _counters: list[int] = field(default_factory=lambda: [0, 0, 0, 0])

    def heading(self, level: int, text: str) -> Heading:
        """Add a numbered heading; deeper counters restart under a new parent."""
        self._counters[level - 1] += 1
        for deeper in range(level, len(self._counters)):
            self._counters[deeper] = 0
        block = Heading(level, heading_prefix(level, self._counters[level - 1]) + text)
        self.blocks.append(block)
        return block

    def paragraph(self, text: str) -> None:
        self.blocks.append(Paragraph(text))

    def table(
        self,
        caption: str,
        headers: list[str],
        rows: list[list[Any]],
        formats: list[str] | None = None,
        note: str = "",
    ) -> None:
        self.blocks.append(Table(caption, headers, rows, formats or [], note))

    def long_table(
        self,
        caption: str,
        headers: list[str],
        rows: list[list[Any]],
        formats: list[str],
        *,
        name: str,
        first: Callable[[list[Any]], Any],
        chosen: str,
        unit: str = "项",
        measure: str = "项",
        total: list[Any] | None = None,
    ) -> None:
        """A table whose rows grow with the scope (schools, hazards, districts). Up to
        `DOCUMENT_TABLE_ROWS` rows it is a table as any other. Above, the document shows the
        rows that come `first` (the worst), the `total` line and a note naming the attachment
        `name`, which holds every row: a province's list is read in Excel, not laid out on
        hundreds of pages."""
        limit = settings.DOCUMENT_TABLE_ROWS
        if len(rows) <= limit:
            self.table(caption, headers, rows, formats)
            return
        self.attachments.append(Attachment(name, Table(caption, headers, rows, formats)))
        shown = sorted(rows, key=first)[:limit]
        note = listing_note(len(rows), unit, chosen, limit, measure, name)
        self.table(caption, headers, shown + ([total] if total else []), formats, note)

    def image(self, caption: str, png: bytes, width_mm: float = 150, **data: Any) -> None:
        self.blocks.append(Image(caption, png, width_mm, **data))

    @property
    def tables(self) -> list[Table]:
        return [b for b in self.blocks if isinstance(b, Table)]

    @property
    def images(self) -> list[Image]:
        return [b for b in self.blocks if isinstance(b, Image)]


def date_text(value: Any) -> str:
    """2014年12月31日 — Arabic numerals, no leading zeros, as GB/T 9704 writes dates."""
    return f"{value.year}年{value.month}月{value.day}日"


def cell_text(value: Any, fmt: str = TEXT) -> str:
    if value is None or value == "":
        return ""
    if fmt == PERCENT:
        return f"{float(value):.1f}%"
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


# Words a title line must not be broken inside (a title wraps between words, GB/T 9704 7.3.1).
TITLE_WORDS = (
    "关于",
    "教育系统",
    "教育局",
    "学校安全",
    "安全隐患",
    "专项行动",
    "排查整改",
    "情况总结材料",
    "情况的报告",
    "工作情况",
    "工作方案",
    "季度",
    "人民政府",
)
_TOKEN = re.compile("|".join([r"\d+年", r"第[一二三四]季度", *TITLE_WORDS]) + r"|[^\s]")


def title_lines(title: str, per_line: int = 20) -> list[str]:
    """The title in lines of at most `per_line` characters, broken between words, the
    lines as even as the words allow (a symmetric block, longest line first)."""
    if len(title) <= per_line:
        return [title]
    tokens = _TOKEN.findall(title)
    lines_needed = -(-len(title) // per_line)
    best: list[str] | None = None
    best_score = None
    for cuts in _cut_points(tokens, lines_needed):
        lines = [
            "".join(tokens[a:b]) for a, b in zip((0, *cuts), (*cuts, len(tokens)), strict=True)
        ]
        if any(len(line) > per_line for line in lines):
            continue
        score = (max(map(len, lines)) - min(map(len, lines)), -len(lines[0]))
        if best_score is None or score < best_score:
            best, best_score = lines, score
    return best or [title]


def _cut_points(tokens: list[str], lines: int) -> list[tuple[int, ...]]:
    """Every way to cut the tokens into `lines` runs; a cut never follows 的/和/与 or a
    single-character token followed by another (which could be one word)."""
    allowed = [
        i
        for i in range(1, len(tokens))
        if tokens[i - 1] not in "的和与及" and (len(tokens[i - 1]) > 1 or len(tokens[i]) > 1)
    ]
    if lines == 2:
        return [(i,) for i in allowed]
    return [(i, j) for i in allowed for j in allowed if j > i]


_CJK = "\u3000-\u303f\u3400-\u9fff\uff00-\uffef"
_FULL = {",": "，", ";": "；", ":": "：", "(": "（", ")": "）", "!": "！", "?": "？", ".": "。"}
_ASCII_BESIDE_CJK = re.compile(rf"(?<=[{_CJK}])[,;:()!?.]|[,;:()!?](?=[{_CJK}])")


def chinese_punctuation(text: str) -> str:
    """ASCII , ; : ( ) ! ? beside Chinese made full-width (and a full stop after Chinese), as
    Chinese text is punctuated; numbers, codes and dates keep theirs (3.5, YH-2014-0042)."""
    return _ASCII_BESIDE_CJK.sub(lambda m: _FULL[m.group(0)], text)
