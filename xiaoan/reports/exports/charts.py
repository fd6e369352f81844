"""Charts for documents, drawn on the server as PNG with Pillow and a Noto CJK font.

ECharts draws the web pages; a Word or PDF file needs a plain image, and drawing it here keeps
report generation free of a browser.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from functools import cache

from PIL import Image, ImageDraw, ImageFont

FONT_FILES = (
    "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/noto-cjk/NotoSansCJK-Regular.ttc",
)
COLOURS = ("#c0392b", "#2e86c1", "#27ae60", "#f39c12", "#8e44ad", "#16a085")


@cache
def _font(size: int) -> ImageFont.FreeTypeFont | ImageFont.ImageFont:
    for path in FONT_FILES:
        try:
            # index 2 of the collection is the Simplified Chinese face (SC)
            return ImageFont.truetype(path, size, index=2)
        except OSError:
            continue
    return ImageFont.load_default(size)


def bar_chart(
    title: str, labels: Sequence[str], series: Sequence[tuple[str, Sequence[float]]]
) -> bytes:
    """Horizontal bars, one group per label, one bar per series; legend at the top."""
    width, bar, gap = 1200, 26, 18
    left, top = 340, 120
    group = bar * len(series) + gap
    height = top + group * len(labels) + 40
    image = Image.new("RGB", (width, height), "white")
    draw = ImageDraw.Draw(image)
    draw.text((width // 2, 20), title, font=_font(34), fill="black", anchor="mt")
    for i, (name, _values) in enumerate(series):
        x = left + i * 220
        draw.rectangle((x, 76, x + 26, 100), fill=COLOURS[i % len(COLOURS)])
        draw.text((x + 34, 88), name, font=_font(24), fill="black", anchor="lm")
    peak = max((v for _n, values in series for v in values), default=0) or 1
    scale = (width - left - 80) / peak
    for row, label in enumerate(labels):
        y = top + row * group
        draw.text(
            (left - 12, y + group // 2 - gap // 2), label, font=_font(24), fill="black", anchor="rm"
        )
        for i, (_name, values) in enumerate(series):
            value = values[row]
            y0 = y + i * bar
            draw.rectangle(
                (left, y0, left + value * scale, y0 + bar - 4), fill=COLOURS[i % len(COLOURS)]
            )
            shown = f"{value:g}"
            draw.text(
                (left + value * scale + 8, y0 + bar // 2 - 2),
                shown,
                font=_font(22),
                fill="black",
                anchor="lm",
            )
    draw.line((left, top - 6, left, height - 30), fill="#555555", width=2)
    buffer = io.BytesIO()
    image.save(buffer, "PNG", optimize=True)
    return buffer.getvalue()


def column_chart(
    title: str, labels: Sequence[str], series: Sequence[tuple[str, Sequence[float]]]
) -> bytes:
    """Vertical bars, one group per label (a month), one bar per series; legend at the top."""
    width, height = 1200, 640
    left, right, top, bottom = 90, 40, 130, 70
    image = Image.new("RGB", (width, height), "white")
    draw = ImageDraw.Draw(image)
    draw.text((width // 2, 20), title, font=_font(34), fill="black", anchor="mt")
    for i, (name, _values) in enumerate(series):
        x = left + i * 240
        draw.rectangle((x, 76, x + 26, 100), fill=COLOURS[i % len(COLOURS)])
        draw.text((x + 34, 88), name, font=_font(24), fill="black", anchor="lm")
    plot_height = height - top - bottom
    peak = max((v for _n, values in series for v in values), default=0) or 1
    scale = (plot_height - 30) / peak
    base = height - bottom
    group = (width - left - right) / max(len(labels), 1)
    bar = min(60.0, group * 0.8 / max(len(series), 1))
    for row, label in enumerate(labels):
        x0 = left + row * group + (group - bar * len(series)) / 2
        for i, (_name, values) in enumerate(series):
            value = values[row]
            bar_x = x0 + i * bar
            draw.rectangle(
                (bar_x, base - value * scale, bar_x + bar - 4, base),
                fill=COLOURS[i % len(COLOURS)],
            )
            draw.text(
                (bar_x + (bar - 4) / 2, base - value * scale - 6),
                f"{value:g}",
                font=_font(20),
                fill="black",
                anchor="mb",
            )
        draw.text(
            (left + row * group + group / 2, base + 14),
            label,
            font=_font(24),
            fill="black",
            anchor="mt",
        )
    draw.line((left, base, width - right, base), fill="#555555", width=2)
    buffer = io.BytesIO()
    image.save(buffer, "PNG", optimize=True)
    return buffer.getvalue()
