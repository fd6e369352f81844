"""Every user-facing string has its Chinese translation, and the compiled catalogues are current."""

from __future__ import annotations

import gettext
import re
import shutil
import subprocess
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[2]
PLURALS: set[str] = set()
CATALOGUES = sorted(PACKAGE.glob("**/locale/zh_Hans/LC_MESSAGES/django.po"))


def entries(po: Path) -> list[tuple[str, str, bool]]:
    """(msgid, msgstr, fuzzy) for each entry, continuation lines joined."""
    result = []
    for block in po.read_text(encoding="utf-8").split("\n\n"):
        fuzzy = any(line.startswith("#,") and "fuzzy" in line for line in block.splitlines())
        fields: dict[str, str] = {}
        key = None
        for line in block.splitlines():
            match = re.match(r'^(msgctxt|msgid|msgid_plural|msgstr(?:\[0\])?) "(.*)"$', line)
            if match:
                key = match.group(1)
                fields[key] = match.group(2)
            elif line.startswith('"') and key:
                fields[key] += line[1:-1]
        if fields.get("msgid") and "msgctxt" in fields:
            fields["msgid"] = fields["msgctxt"] + "\x04" + fields["msgid"]
        if fields.get("msgid"):
            plural = "msgid_plural" in fields
            msgstr = fields.get("msgstr", fields.get("msgstr[0]", ""))
            result.append((fields["msgid"], msgstr, fuzzy))
            if plural:
                PLURALS.add(fields["msgid"])
    return result


def test_there_are_catalogues():
    assert len(CATALOGUES) >= 4


@pytest.mark.parametrize("po", CATALOGUES, ids=lambda p: str(p.relative_to(PACKAGE)))
def test_every_string_has_a_chinese_translation(po):
    missing = [msgid for msgid, msgstr, fuzzy in entries(po) if not msgstr or fuzzy]
    assert missing == [], f"untranslated or fuzzy in {po}: {missing[:10]}"


@pytest.mark.skipif(shutil.which("msgfmt") is None, reason="gettext's msgfmt is not installed")
@pytest.mark.parametrize("po", CATALOGUES, ids=lambda p: str(p.relative_to(PACKAGE)))
def test_catalogue_passes_msgfmt_checks(po):
    """The checks `make messages` relies on: formats match, one plural form for Chinese."""
    checked = subprocess.run(
        ["msgfmt", "--check-format", "--check-header", "-o", "/dev/null", str(po)],
        capture_output=True,
        text=True,
    )
    assert checked.returncode == 0, checked.stderr


@pytest.mark.parametrize("po", CATALOGUES, ids=lambda p: str(p.relative_to(PACKAGE)))
def test_compiled_catalogue_is_not_older_than_its_source(po):
    mo = po.with_suffix(".mo")
    assert mo.exists(), f"{mo} is missing: run make messages"
    with mo.open("rb") as handle:
        compiled = gettext.GNUTranslations(handle)
    for msgid, msgstr, fuzzy in entries(po):
        if "%(" in msgid or "\\" in msgid or "\x04" in msgid or fuzzy or msgid in PLURALS:
            continue
        assert compiled.gettext(msgid) == msgstr, f"{mo} is stale for {msgid!r}: run make messages"


def test_no_string_is_translated_two_ways_across_apps():
    """Catalogues are merged at run time, the first app's translation winning: a message id that
    two apps translate differently shows the wrong word in one of them. Use pgettext there."""
    seen: dict[str, tuple[str, Path]] = {}
    clashes = []
    for po in CATALOGUES:
        for msgid, msgstr, fuzzy in entries(po):
            if not msgstr or fuzzy:
                continue
            if msgid in seen and seen[msgid][0] != msgstr:
                first, where = seen[msgid]
                clashes.append(
                    f"{msgid!r}: {first!r} ({where.parts[-5]}) vs {msgstr!r} ({po.parts[-5]})"
                )
            seen.setdefault(msgid, (msgstr, po))
    assert clashes == []
