"""How long importing a 10,000-row hazard ledger takes (the target: under 20 s), step by step as
the pages run it: the upload's check (the preview shows what it kept), and the confirmation
(checked again, then written); and how long the write holds the database (SQLite's one write lock).

The ledger is a generated district's: 300 schools, 10,000 hazards found over 2014, three in ten
closed with their close-out dates, one in five with its old reference code kept, the rest
numbered by the import. Then the district's ledger as the ledger page exports it, imported
back: every row is found by its code, unchanged.
"""

from __future__ import annotations

import datetime
import io
import random
import time
from collections.abc import Callable
from typing import Any

SCHOOLS = 300
ROWS = 10_000
HEADER = [
    "隐患编号",
    "学校代码",
    "整治项目",
    "隐患等级",
    "隐患描述",
    "位置",
    "发现日期",
    "整改意见",
    "整改责任人",
    "整改期限",
    "整改措施",
    "整改资金（元）",
    "销号日期",
]
AREAS = [
    "学生接送车安全",
    "校舍安全",
    "消防安全",
    "食品卫生安全",
    "实验室及危险化学品安全",
    "校园安保及周边环境",
]


def timed(label: str, work: Callable[[], Any]) -> tuple[Any, float]:
    started = time.perf_counter()
    result = work()
    spent = time.perf_counter() - started
    print(f"  {label:<56} {spent:7.2f} s")
    return result, spent


def ledger_file(schools: list[Any], rows: int, seed: int = 11) -> bytes:
    from openpyxl import Workbook

    rng = random.Random(seed)
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.append(["隐患台账"])
    ws.append(HEADER)
    start = datetime.date(2014, 1, 1)
    for number in range(1, rows + 1):
        found = start + datetime.timedelta(days=rng.randrange(330))
        deadline = found + datetime.timedelta(days=rng.choice((7, 15, 30)))
        closed = rng.random() < 0.3
        ws.append(
            [
                f"YH-2014-{number:04d}" if number % 5 == 0 else "",
                rng.choice(schools).code,
                rng.choice(AREAS),
                "重大" if rng.random() < 0.05 else "一般",
                f"第{number}项隐患：{rng.choice(['通道堆放杂物', '灭火器过期', '围墙开裂', '留样不足'])}",
                f"{rng.randrange(1, 6)}号楼",
                found,
                "限期整改",
                "安全干事",
                deadline,
                "已整改" if closed else "",
                rng.choice((None, 200, 1500)),
                deadline - datetime.timedelta(days=1) if closed else None,
            ]
        )
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def run() -> None:
    from xiaoan.accounts.choices import Role
    from xiaoan.hazards.imports import LedgerImporter
    from xiaoan.hazards.models import Hazard, HazardEvent

    from ._district import generate, member

    district = generate(
        code="338888", schools=SCHOOLS, hazards=0, start=datetime.date(2014, 1, 1), days=1
    )
    admin = member(district, "bench-import-admin", Role.BUREAU_ADMIN)
    data, _spent = timed(
        f"write a ledger of {ROWS} rows (.xlsx, not timed below)",
        lambda: ledger_file(district.schools, ROWS),
    )
    print(f"  {'':<56} {len(data) / 1024:7.0f} KiB")
    total = 0.0
    _plan, spent = timed(
        "upload: read and check every row", lambda: LedgerImporter(admin, "台账.xlsx").check(data)
    )
    total += spent
    importer = LedgerImporter(admin, "台账.xlsx")
    plan, spent = timed("confirm: check again", lambda: importer.check(data))
    total += spent
    result, spent = timed("confirm: write (one transaction)", lambda: importer.write(plan))
    total += spent
    print(f"  {'upload + confirm (the preview reads what the upload kept)':<56} {total:7.2f} s")
    print(
        f"  created {result.created}; hazards {Hazard.objects.filter(bureau=district.bureau).count()}, "
        f"import events {HazardEvent.objects.filter(hazard__bureau=district.bureau).count()}"
    )
    exported = _exported(district.bureau)
    again = LedgerImporter(admin, "导出台账.xlsx")
    plan, _spent = timed(
        "the ledger as exported, imported back: check", lambda: again.check(exported)
    )
    print(f"  {'':<56} {plan.counts}")


def _exported(bureau: Any) -> bytes:
    """The district's ledger as the ledger page exports it (every row with its code)."""
    from xiaoan.hazards.exports import ledger_workbook
    from xiaoan.hazards.models import Hazard

    buffer = io.BytesIO()
    ledger_workbook(Hazard.objects.filter(bureau=bureau).with_related()).save(buffer)
    return buffer.getvalue()
