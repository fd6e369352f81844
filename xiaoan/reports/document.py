"""One document model for every official document Xiao'an writes.

The builders (quarterly report, campaign summary) fill a `Document`; the renderers in
`exports/` (Word, PDF, Excel) lay the same content out, so the three files never disagree.
Headings are numbered here, once, the way a bureau numbers them: 一、 (一) 1. (1).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

CHINESE_DIGITS = "零一二三四五六七八九"


def chinese_number(n: int) -> str:
    """1 → 一, 10 → 十, 12 → 十二, 21 → 二十一 (headings never pass 99)."""
    if n < 10:
        return CHINESE_DIGITS[n]
    tens, ones = divmod(n, 10)
    head = "" if tens == 1 else CHINESE_DIGITS[tens]
    return head + "十" + (CHINESE_DIGITS[ones] if ones else "")


def heading_prefix(level: int, index: int) -> str:
    if level == 1:
        return f"{chinese_number(index)}、"
    if level == 2:
        return f"({chinese_number(index)})"
    if level == 3:
        return f"{index}."
    return f"({index})"


@dataclass
class Heading:
    level: int
    text: str


@dataclass
class Paragraph:
    text: str


@dataclass
class Table:
    caption: str
    headers: list[str]
    rows: list[list[Any]]


@dataclass
class Image:
    caption: str
    png: bytes
    width_mm: float = 150


Block = Heading | Paragraph | Table | Image


@dataclass
class Document:
    """Title, body blocks in order, the issuing body and the date line."""

    title: str
    issuer: str = ""
    date_text: str = ""
    blocks: list[Block] = field(default_factory=list)
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

    def table(self, caption: str, headers: list[str], rows: list[list[Any]]) -> None:
        self.blocks.append(Table(caption, headers, rows))

    def image(self, caption: str, png: bytes, width_mm: float = 150) -> None:
        self.blocks.append(Image(caption, png, width_mm))

    @property
    def tables(self) -> list[Table]:
        return [b for b in self.blocks if isinstance(b, Table)]

    @property
    def images(self) -> list[Image]:
        return [b for b in self.blocks if isinstance(b, Image)]


def date_text(value: Any) -> str:
    """2014年12月31日 — Arabic numerals, no leading zeros, as GB/T 9704 writes dates."""
    return f"{value.year}年{value.month}月{value.day}日"
