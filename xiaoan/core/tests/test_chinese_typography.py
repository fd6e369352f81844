"""Chinese text uses full-width punctuation (，：；（）！？): every Chinese msgstr of every
catalogue, every template, and every Chinese string literal of the Python sources. ASCII
punctuation right next to a Chinese character fails, with where it is."""

from __future__ import annotations

import io
import re
import tokenize
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[2]
HAN = r"[\u3400-\u4dbf\u4e00-\u9fff]"
ASCII_NEXT_TO_HAN = re.compile(rf"{HAN}[,:;!?()]|[,:;!?(]{HAN}|\){HAN}")


# A Chinese term quoted in English text keeps English brackets: "supervision (挂牌督办) of".
TERM_IN_ENGLISH = re.compile(rf"(?<=[A-Za-z0-9'\s])\((?=[^()]*{HAN})[^()]*\)")


def offences(text: str) -> list[str]:
    text = TERM_IN_ENGLISH.sub("", text)
    return [m.group(0) for m in ASCII_NEXT_TO_HAN.finditer(text)]


def chinese_catalogues() -> list[Path]:
    return sorted(PACKAGE.glob("**/locale/zh_Hans/LC_MESSAGES/*.po"))


def msgstrs(po: Path) -> list[tuple[int, str]]:
    """(line, text) of every translation in the catalogue."""
    found, current, start = [], None, 0
    for number, line in enumerate(po.read_text(encoding="utf-8").splitlines(), 1):
        if line.startswith("msgstr"):
            current, start = [line[line.index('"') :]], number
        elif line.startswith('"') and current is not None:
            current.append(line)
        else:
            if current:
                found.append((start, "".join(part[1:-1] for part in current)))
            current = None
    if current:
        found.append((start, "".join(part[1:-1] for part in current)))
    return found


ENGLISH_WORD = re.compile(r"[A-Za-z]{4,}")


def python_literals(path: Path) -> list[tuple[int, str]]:
    """Chinese string literals: with Han characters and no English word (an English docstring
    or message quoting a Chinese term keeps English punctuation)."""
    source = path.read_text(encoding="utf-8")
    tokens = tokenize.generate_tokens(io.StringIO(source).readline)
    kinds = {tokenize.STRING, getattr(tokenize, "FSTRING_MIDDLE", tokenize.STRING)}
    return [
        (t.start[0], t.string)
        for t in tokens
        if t.type in kinds
        and re.search(HAN, t.string)
        and not ENGLISH_WORD.search(re.sub(r"\{[^{}]*\}", "", t.string))
    ]


def sources() -> list[Path]:
    return sorted(
        p for p in PACKAGE.glob("**/*.py") if "migrations" not in p.parts and "tests" not in p.parts
    )


def test_the_scanner_finds_ascii_punctuation_next_to_chinese():
    assert offences("共9项:合格0项,不合格0项") == ["项:", "项,"]
    assert offences("（重点）联系电话：110，请拨打！") == []
    assert offences("督办(局领导)") == ["办(", "导)"]
    assert offences("Ensure this value (x): ok") == []
    assert offences("Supervision (挂牌督办) of a major hazard") == []


@pytest.mark.parametrize("po", chinese_catalogues(), ids=lambda p: str(p.relative_to(PACKAGE)))
def test_chinese_catalogue_uses_full_width_punctuation(po):
    bad = [f"line {n}: {text}" for n, text in msgstrs(po) if offences(text)]
    assert not bad, "\n".join(bad)


def test_templates_use_full_width_punctuation():
    bad = [
        f"{path.relative_to(PACKAGE)}:{n}: {', '.join(offences(line))}"
        for path in sorted(PACKAGE.glob("**/templates/**/*.html"))
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if offences(line)
    ]
    assert not bad, "\n".join(bad)


# ASCII punctuation after a translated label reads 依据:… in Chinese; the colon and the
# brackets of the reader's language come from `{% colon %}` and `{% aside %}`.
AFTER_A_LABEL = re.compile(r"(?:{% (?:translate|trans) [^%]*%}|{% endblocktranslate %})(?::|\s?\()")


def test_the_scanner_finds_ascii_punctuation_after_a_translated_label():
    assert AFTER_A_LABEL.search('{% translate "Legal basis" %}:{{ x }}')
    assert AFTER_A_LABEL.search('{% translate "Due date" %}: {{ x }}')
    assert AFTER_A_LABEL.search('{% translate "Initial passwords" %} ({{ n }})')
    assert not AFTER_A_LABEL.search('{% translate "Due date" %}{% colon %}{{ x }}')


def test_templates_put_the_colon_of_the_language_after_a_translated_label():
    bad = [
        f"{path.relative_to(PACKAGE)}:{n}: {m.group(0)}"
        for path in sorted(PACKAGE.glob("**/templates/**/*.html"))
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        for m in AFTER_A_LABEL.finditer(line)
    ]
    assert not bad, "\n".join(bad)


def python_offences() -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    for path in sources():
        for n, text in python_literals(path):
            if offences(text):
                found.setdefault(str(path.relative_to(PACKAGE)), []).append(
                    f"{n}: {', '.join(offences(text))}"
                )
    return found


def test_chinese_literals_in_python_use_full_width_punctuation():
    found = python_offences()
    bad = [f"{name}:{line}" for name, lines in found.items() for line in lines]
    assert not bad, "\n".join(bad)


def test_form_labels_and_a_kept_file_use_no_ascii_colon():
    """Django's own label suffix and file widget write “标题:” and “目前: …”; every form of
    the product builds on `BootstrapMixin`, which says them the Chinese way."""
    from django import forms
    from django.utils import translation

    from xiaoan.core.forms import BootstrapMixin

    class Form(BootstrapMixin, forms.Form):
        title = forms.CharField(label="标题")
        scan = forms.FileField(label="扫描件", required=False)

    class Kept:  # a stored file as the widget sees it
        url = "/registers/papers/1/scan/"

        def __str__(self) -> str:
            return "papers/scan.pdf"

    kept = Kept()
    with translation.override("zh-hans"):
        html = str(Form(initial={"scan": kept})["scan"]) + Form()["title"].label_tag()
    assert "标题</label>" in html and "修改：" in html
    assert '目前：<a href="/registers/papers/1/scan/">papers/scan.pdf</a>' in html
    assert ":" not in html
