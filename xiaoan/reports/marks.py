"""Computed figures in a drafted text, and how an edited text compares with them.

The narrative is drafted with every computed figure wrapped in two private-use characters
(`fig(37)`); the text the bureau edits has them removed (`plain`). The marked draft is kept
with the document's figures, so the editing page can show each figure of the edited text as
computed, changed by hand (with the computed value beside it) or typed in by hand (`compare`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from difflib import SequenceMatcher
from typing import Any

OPEN, CLOSE = "\ue000", "\ue001"
_MARKED = re.compile(f"{OPEN}(.*?){CLOSE}", re.S)
# A figure as a reader sees one: digits (with a decimal part), or 无.
_NUMBER = re.compile(r"\d+(?:\.\d+)?")
_TOKEN = re.compile(r"\d+(?:\.\d+)?|.", re.S)

COMPUTED, CHANGED, TYPED, TEXT = "computed", "changed", "typed", ""


def fig(value: Any) -> str:
    """A computed figure, marked."""
    return f"{OPEN}{value}{CLOSE}"


def plain(text: str) -> str:
    return text.replace(OPEN, "").replace(CLOSE, "")


@dataclass
class Segment:
    text: str
    state: str = TEXT
    computed: str = ""  # for a changed figure: the value computed from the data


def _tokens(marked: str) -> list[tuple[str, bool]]:
    """(token, is a computed figure) for the marked draft."""
    result: list[tuple[str, bool]] = []
    position = 0
    for match in _MARKED.finditer(marked):
        result += [(t, False) for t in _TOKEN.findall(marked[position : match.start()])]
        result += [(t, True) for t in _TOKEN.findall(match.group(1))]
        position = match.end()
    result += [(t, False) for t in _TOKEN.findall(marked[position:])]
    return result


def compare(marked_draft: str, edited: str) -> tuple[list[Segment], list[str]]:
    """The edited text cut into segments (each figure marked by its state), and the
    computed figures that no longer appear in it."""
    draft = _tokens(marked_draft)
    text = _TOKEN.findall(edited)
    matcher = SequenceMatcher(None, [t for t, _ in draft], text, autojunk=False)
    segments: list[Segment] = []
    removed: list[str] = []
    for op, a1, a2, b1, b2 in matcher.get_opcodes():
        computed = [t for t, is_figure in draft[a1:a2] if is_figure]
        for index, token in enumerate(text[b1:b2]):
            is_number = bool(_NUMBER.fullmatch(token))
            if op == "equal":
                state = COMPUTED if draft[a1 + index][1] else TEXT
                segments.append(Segment(token, state))
            elif is_number or (token == "无" and computed):
                state = CHANGED if computed else TYPED
                segments.append(Segment(token, state, "".join(computed)))
            else:
                segments.append(Segment(token))
        if (
            op in ("delete", "replace")
            and computed
            and not any(_NUMBER.fullmatch(t) or t == "无" for t in text[b1:b2])
        ):
            removed.append("".join(computed))
    return _joined(segments), removed


def _joined(segments: list[Segment]) -> list[Segment]:
    """Neighbouring plain characters in one segment, each figure in its own."""
    joined: list[Segment] = []
    for segment in segments:
        if joined and segment.state == TEXT and joined[-1].state == TEXT:
            joined[-1].text += segment.text
        else:
            joined.append(segment)
    return joined


def hand_changed(marked_draft: str, edited: str) -> list[Segment]:
    """The figures of the edited text that are not the computed ones."""
    segments, _removed = compare(marked_draft, edited)
    return [s for s in segments if s.state in (CHANGED, TYPED)]
