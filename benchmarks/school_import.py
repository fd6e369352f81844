"""How long importing a registry of 10,000 schools takes with their safety administrator
accounts (the target: under 10 s), step by step as the pages run it: the upload's check, then
the confirmation (checked again, then written: schools, accounts, change-log rows), and the
sheet of initial passwords the job hands out.

The district is empty at first: every row is a new school, and every school gets its account.
Then the same registry with one school in ten changed (a new principal and enrolment) is
imported again: those rows update their schools, the rest are unchanged, no account is opened.

`BENCH_SCHOOLS_ROWS=2000 python -m benchmarks school_import` changes the size. With
`DATABASE_URL` set (an empty database: `python -m benchmarks` migrates it) the import runs on
that database, e.g. PostgreSQL.
"""

from __future__ import annotations

import io
import os
import random
import time
from collections.abc import Callable
from typing import Any

ROWS = int(os.environ.get("BENCH_SCHOOLS_ROWS", "10000"))
HEADER = ["代码", "名称", "类型", "地址", "校长", "电话", "在校人数", "寄宿", "食堂", "民办"]
CPU = [0.0]  # the processor time of the steps since the last import began
KINDS = ["小学", "初中", "高中", "九年一贯制", "职高", "幼儿园", "民工子弟学校"]


def timed(label: str, work: Callable[[], Any]) -> tuple[Any, float]:
    """The time a step took, and the processor time this process spent on it (on a busy
    machine the first waits for the processor, the second much less; on PostgreSQL the
    server's work is not in it)."""
    started, cpu = time.perf_counter(), time.process_time()
    result = work()
    spent, cpu = time.perf_counter() - started, time.process_time() - cpu
    CPU[0] += cpu
    print(f"  {label:<60} {spent:7.2f} s  (CPU {cpu:6.2f} s)")
    return result, spent


def registry_file(rows: int, changed_every: int = 0, seed: int = 16) -> bytes:
    """The registry as a bureau keeps it; with `changed_every`, every n-th school has a new
    principal and enrolment."""
    from openpyxl import Workbook

    rng = random.Random(seed)
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.append(["学校名录"])
    ws.append(HEADER)
    for number in range(1, rows + 1):
        changed = changed_every and number % changed_every == 0
        ws.append(
            [
                f"S{number:05d}",
                f"基准区第{number}学校",
                KINDS[number % len(KINDS)],
                f"基准路{number}号",
                "新校长" if changed else f"校长{number}",
                f"0571-{88000000 + number}",
                (number * 7) % 2000 + (1 if changed else 0),
                "是" if number % 9 == 0 else "否",
                "是" if rng.random() < 0.4 else "否",
                "否",
            ]
        )
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def run() -> None:
    """As in production: DEBUG off (no query log kept)."""
    from django.conf import settings

    debug, settings.DEBUG = settings.DEBUG, False
    try:
        _run()
    finally:
        settings.DEBUG = debug


def _run() -> None:
    from xiaoan.accounts.choices import Role
    from xiaoan.accounts.models import Membership

    from ._district import generate, member

    district = generate(code="316000", schools=0, hazards=0, start=_day(), days=1)
    admin = member(district, "bench-registry-admin", Role.BUREAU_ADMIN)
    options = {"admin_accounts": True}
    data, _spent = timed(
        f"write a registry of {ROWS} schools (.xlsx, not timed below)", lambda: registry_file(ROWS)
    )
    total = _import(admin, data, options, "new schools, each with its account")
    opened = Membership.objects.filter(bureau=district.bureau, role=Role.SCHOOL_ADMIN).count()
    print(f"  {'':<60} {opened} accounts")
    print(f"  {'upload + confirm + sheet':<60} {total:7.2f} s")
    again, _spent = timed(
        "write it again, one school in ten changed", lambda: registry_file(ROWS, 10)
    )
    total = _import(admin, again, options, "the registry again")
    print(f"  {'upload + confirm':<60} {total:7.2f} s")


def _import(admin: Any, data: bytes, options: dict[str, Any], what: str) -> float:
    from django.db import connection

    from xiaoan.accounts.exports import passwords_workbook
    from xiaoan.core.excel import workbook_bytes
    from xiaoan.schools.importer import SchoolImporter

    print(f"  -- {what}")
    total, CPU[0] = 0.0, 0.0
    _plan, spent = timed(
        "upload: read and check every row",
        lambda: SchoolImporter(admin, "学校名录.xlsx", options).check(data),
    )
    total += spent
    importer = SchoolImporter(admin, "学校名录.xlsx", options)
    plan, spent = timed("confirm: check again", lambda: importer.check(data))
    total += spent
    print(f"  {'':<60} {plan.counts}")
    statements = [0]

    def count(execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
        statements[0] += 1
        return execute(sql, params, many, context)

    with connection.execute_wrapper(count):
        result, spent = timed(
            "confirm: write (one transaction: schools, accounts, change log)",
            lambda: importer.write(plan),
        )
    total += spent
    print(f"  {'':<60} {statements[0]} SQL statements")
    if importer.accounts:
        _sheet, spent = timed(
            "the sheet of initial passwords (.xlsx)",
            lambda: workbook_bytes(passwords_workbook(importer.accounts)),
        )
        total += spent
    print(f"  {'':<60} {result.message()}")
    print(f"  {'the steps above, processor time':<60} {CPU[0]:7.2f} s")
    return total


def _day() -> Any:
    from xiaoan.core.dates import local_today

    return local_today()
