"""Requests per second per core for the pages every user opens most: the home page and the
ledger, as the bureau admin and as a school admin, on a generated district of 300 schools and
10,000 hazards (BENCH_THROUGHPUT_HAZARDS changes it), or with BENCH_THROUGHPUT_DEMO=1 on the demo
district (`bureau` and `school001`: its hazards have campaigns, departments and risk points, as
a real district's do, where the generated ones have none).

Each page is requested in five batches of ten in this one process after three warm-ups; the CPU
time the process spent on the best batch (`time.process_time`: middleware, queries, templates,
and SQLite itself, which runs in the process) gives the CPU per request — the least disturbed by
other work on the machine, which varied single runs by a third; one core serves 1,000 ms / that
many a second. On PostgreSQL (DATABASE_URL) the database's own CPU is spent in its server process and
is not counted here.
"""

from __future__ import annotations

import functools
import io
import os
import tempfile
import time
from typing import Any

from ._district import District, member
from .pages import build, quietly

BATCHES = 5
RUNS = 10  # per batch
WARM_UPS = 3
PAGES = (("home", "/"), ("ledger", "/hazards/"), ("ledger, fire area", "/hazards/?area=fire"))


def cpu_per_request(client, url: str) -> tuple[int, int, float, float]:
    from django.db import connection

    for _ in range(WARM_UPS):
        response = client.get(url)
    # Counted as they run: the connection is closed and opened again around each request on
    # SQLite (CONN_MAX_AGE 0), which empties the connection's query log.
    queries: list[str] = []

    def count(execute, sql, params, many, context):  # type: ignore[no-untyped-def]
        queries.append(sql)
        return execute(sql, params, many, context)

    with connection.execute_wrapper(count):
        client.get(url)
    batches = []
    for _ in range(BATCHES):
        cpu, wall = time.process_time(), time.perf_counter()
        for _ in range(RUNS):
            client.get(url)
        batches.append((time.process_time() - cpu, time.perf_counter() - wall))
    best_cpu, best_wall = min(batches)
    cpu_ms, wall_ms = best_cpu / RUNS * 1000, best_wall / RUNS * 1000
    return response.status_code, len(queries), cpu_ms, wall_ms


def table(users: list[tuple[str, Any]]) -> None:
    from django.test import Client

    print(
        f"  {'page':<20} {'user':<7} {'HTTP':>4} {'SQL':>4} {'CPU':>9} {'wall':>9} {'per core':>10}"
    )
    for label, url in PAGES:
        for who, user in users:
            client = Client()
            client.force_login(user)
            status, queries, cpu_ms, wall_ms = cpu_per_request(client, url)
            print(
                f"  {label:<20} {who:<7} {status:>4} {queries:>4} {cpu_ms:>6.1f} ms "
                f"{wall_ms:>6.1f} ms {1000 / cpu_ms:>6.1f} rps",
                flush=True,
            )


def _generated() -> list[tuple[str, Any]]:
    from xiaoan.accounts.choices import Role

    hazards = int(os.environ.get("BENCH_THROUGHPUT_HAZARDS", "10000"))
    print(f"generated district 339000: 300 schools, {hazards:,} hazards")
    district: District = build("339000", hazards)
    return [
        ("bureau", member(district, "throughput-bureau", Role.BUREAU_ADMIN)),
        ("school", member(district, "throughput-school", Role.SCHOOL_ADMIN, district.schools[0])),
    ]


def _demo() -> list[tuple[str, Any]]:
    from django.contrib.auth import get_user_model
    from django.core.management import call_command
    from django.test import override_settings

    print("the demo district")
    with tempfile.TemporaryDirectory() as media, override_settings(MEDIA_ROOT=media):
        call_command("demo", stdout=io.StringIO())  # its photos: not kept
    users = get_user_model().objects
    return [("bureau", users.get(username="bureau")), ("school", users.get(username="school001"))]


def run() -> None:
    users = _demo() if os.environ.get("BENCH_THROUGHPUT_DEMO") == "1" else _generated()
    quietly(functools.partial(table, users))
