"""GB/T 9704 measures shared by the Word and PDF renderers: the grid, table column widths, where
the issuer and the date stand."""

from __future__ import annotations

from collections.abc import Sequence

from ..document import INTEGER, PERCENT, TEXT

TYPE_WIDTH_MM = 156
TYPE_HEIGHT_MM = 225
CHARS_PER_LINE = 28
LINES_PER_PAGE = 22
PT_PER_MM = 72 / 25.4
CHAR_PT = TYPE_WIDTH_MM * PT_PER_MM / CHARS_PER_LINE  # 15.79 pt: 28 characters a line
LINE_PT = TYPE_HEIGHT_MM * PT_PER_MM / LINES_PER_PAGE  # 28.99 pt: 22 lines a page
CELL_PADDING_PT = 11  # Word's default cell margins (5.4 pt each side), and a little air
SIGNATURE_RIGHT_CHARS = 2


def display_width(text: str) -> float:
    """Width in characters of the grid: a Chinese character is one, a digit or letter half."""
    return sum(1.0 if ord(ch) > 0x2E7F else 0.5 for ch in text)


# Letters and digits are half a character in the GB fonts but up to 0.6 in the fonts a reader
# without them falls back to: a code's column keeps that much room so it never breaks.
LATIN_SLACK = 1.2


def _unbreakable(text: str) -> float:
    """The widest run that must not break: a code, a date, a number (Chinese may wrap)."""
    runs = [""]
    for ch in text:
        if ord(ch) > 0x2E7F or ch.isspace():
            runs.append("")
        else:
            runs[-1] += ch
    return max(display_width(r) for r in runs)


def column_widths_pt(
    headers: Sequence[str],
    rows: Sequence[Sequence[str]],
    formats: Sequence[str],
    font_pt: float,
    width_pt: float = TYPE_WIDTH_MM * PT_PER_MM,
) -> list[float]:
    """Widths set to the content, filling the type area: a column of codes, dates or numbers
    is never narrower than its longest value (so YH-2014-0042 and 2014-12-31 never break);
    text columns share what is left, in proportion to their text, and wrap."""
    count = len(headers)
    fmts = [formats[i] if i < len(formats) else TEXT for i in range(count)]
    natural, minimum = [], []
    for i in range(count):
        cells = [str(r[i]) for r in rows if i < len(r)]
        longest = max([display_width(c) for c in cells] + [0.0])
        header_word = min(display_width(headers[i]), 4.0)  # a header may wrap after 4
        fixed = fmts[i] in (INTEGER, PERCENT) or fmts[i] == "date" or longest <= 6
        floor = max([_unbreakable(c) * LATIN_SLACK for c in cells] + [header_word, 2.0])
        natural.append(max(longest, header_word, display_width(headers[i]) / 2))
        minimum.append(max(natural[-1], floor) if fixed else max(floor, 4.0))
    to_pt = [font_pt, CELL_PADDING_PT]
    need = [w * to_pt[0] + to_pt[1] for w in natural]
    floor_pt = [w * to_pt[0] + to_pt[1] for w in minimum]
    if sum(need) <= width_pt:
        spare = width_pt - sum(need)
        return [w + spare * w / sum(need) for w in need]
    flexible = [i for i in range(count) if floor_pt[i] < need[i]]
    left = width_pt - sum(floor_pt[i] for i in range(count) if i not in flexible)
    share = sum(need[i] for i in flexible) or 1
    widths = list(floor_pt)
    for i in flexible:
        widths[i] = max(floor_pt[i], left * need[i] / share)
    return widths


ATTACHMENT_LABEL = "附件："


def attachment_lines(names: Sequence[str]) -> list[tuple[str, float, float]]:
    """The attachments' note (附件说明, GB/T 9704 7.3.4) under the body: 附件： two characters
    in, then the names without punctuation, numbered 1. 2. when there are several, a name
    that wraps going on under its own first character. Each line as (text, left indent,
    first-line indent), in characters (the first-line indent negative: hanging)."""
    label = display_width(ATTACHMENT_LABEL)
    lines = []
    for index, name in enumerate(names, start=1):
        number = f"{index}." if len(names) > 1 else ""
        left = 2 + label + display_width(number)
        start = 2 if index == 1 else 2 + label
        text = (ATTACHMENT_LABEL if index == 1 else "") + number + name
        lines.append((text, left, start - left))
    return lines


def signature_starts(issuer: str, date: str) -> tuple[float, float]:
    """Where the issuer and the date start, in characters from the left margin.

    The issuer ends 2 characters in from the right; the date starts 2 characters to the right
    of the issuer's start; when that would take the date past 2 characters in, the date ends
    there and the issuer moves left to keep the offset (GB/T 9704 7.3.5.2)."""
    right = CHARS_PER_LINE - SIGNATURE_RIGHT_CHARS
    issuer_start = min(right - display_width(issuer), right - display_width(date) - 2)
    return max(issuer_start, 0.0), max(issuer_start, 0.0) + 2
