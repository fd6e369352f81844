"""How fast the pages, the API and the aggregates answer: a generated district of 300 schools
with 10,000 hazards, then another with 500,000 (the most that bulk_create loads on SQLite in
about four minutes; a million takes about eight), each timed as the bureau admin and as a school
admin with Django's test client: the whole request, middleware, queries and templates.

Each request is made twice to warm up, then timed 20 times (fewer, down to 3, when one takes
more than half a second); the table gives the median, the 95th percentile and the number of SQL
queries of one request. BENCH_PAGES_HAZARDS="10000,1000000" changes the sizes;
BENCH_PAGES_ONLY="statistics dashboard,API" measures only the requests so named. The statistics
dashboard is measured once computed live, then again once the month ends are stored.
"""

from __future__ import annotations

import datetime
import functools
import logging
import math
import os
import statistics
import time
import warnings
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from ._district import District, generate, member, monthly_reports

SCHOOLS = 300
SIZES = (10_000, 500_000)
DAYS = 730  # hazards found over the last two years
RUNS = 20
WARM_UPS = 2


@dataclass
class Timing:
    status: int
    queries: int
    median: float
    p95: float
    runs: int


def open_share(age: int) -> float:
    """Recent hazards are often still open; older ones mostly closed (a few forgotten)."""
    return 0.3 if age < 60 else 0.02


def measure(client: Any, url: str) -> Timing:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    started = time.perf_counter()
    for _ in range(WARM_UPS):
        status = client.get(url).status_code
    warm = (time.perf_counter() - started) / WARM_UPS
    runs = RUNS if warm < 0.5 else max(3, min(RUNS, int(10 / warm)))
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        client.get(url)
        times.append((time.perf_counter() - started) * 1000)
    with CaptureQueriesContext(connection) as queries:
        client.get(url)
    times.sort()
    p95 = times[math.ceil(0.95 * len(times)) - 1]
    return Timing(status, len(queries), statistics.median(times), p95, runs)


def requests(district: District, school: Any) -> list[tuple[str, str, bool]]:
    """(label, url, bureau only) for every page timed."""
    from xiaoan.hazards.models import Hazard

    hazard = Hazard.objects.filter(school=school).order_by("-found_on", "-id").first()
    assert hazard is not None
    return [
        ("home dashboard", "/", False),
        ("ledger, first page", "/hazards/", False),
        ("ledger, filtered (fire, rectifying)", "/hazards/?area=fire&status=rectifying", False),
        ("ledger, page 50", "/hazards/?page=50", False),
        ("hazard detail", f"/hazards/{hazard.pk}/", False),
        ("overdue board", "/hazards/board/", False),
        ("statistics dashboard", "/reports/dashboard/", False),
        ("API hazard list", "/api/v1/hazards/", False),
        ("API stats summary", "/api/v1/stats/summary/", False),
        ("monthly compliance board", "/reports/compliance/", True),
    ]


def last_months(today: datetime.date, count: int) -> list[tuple[int, int]]:
    months, (y, m) = [], (today.year, today.month)
    for _ in range(count):
        y, m = (y - 1, 12) if m == 1 else (y, m - 1)
        months.append((y, m))
    return months


def build(code: str, hazards: int) -> District:
    from xiaoan.core.dates import local_today

    today = local_today()
    started = time.perf_counter()

    def progress(made: int) -> None:
        if made % 100_000 == 0 or made == hazards:
            print(f"  {made:>9,} hazards  {time.perf_counter() - started:6.0f} s", flush=True)

    district = generate(
        code=code,
        schools=SCHOOLS,
        hazards=hazards,
        start=today - datetime.timedelta(days=DAYS - 1),
        days=DAYS,
        open_share=open_share,
        progress=progress,
    )
    reports = monthly_reports(district, last_months(today, 12))
    print(
        f"  generated {SCHOOLS} schools, {hazards:,} hazards with their history and "
        f"{reports:,} monthly reports in {time.perf_counter() - started:.0f} s"
    )
    return district


def table(district: District, code: str) -> None:
    from django.test import Client

    from xiaoan.accounts.choices import Role

    school = district.schools[0]
    users = [
        ("bureau", member(district, f"bureau-{code}", Role.BUREAU_ADMIN)),
        ("school", member(district, f"school-{code}", Role.SCHOOL_ADMIN, school)),
    ]
    print(f"  {'request':<38} {'user':<7} {'HTTP':>4} {'SQL':>4} {'median':>9} {'p95':>9} {'n':>3}")
    only = [w for w in os.environ.get("BENCH_PAGES_ONLY", "").split(",") if w]
    for label, url, bureau_only in requests(district, school):
        if only and not any(label.startswith(w) for w in only):
            continue
        for who, user in users:
            if bureau_only and who != "bureau":
                continue
            client = Client()
            client.force_login(user)
            t = measure(client, url)
            print(
                f"  {label:<38} {who:<7} {t.status:>4} {t.queries:>4} "
                f"{t.median:>6.1f} ms {t.p95:>6.1f} ms {t.runs:>3}",
                flush=True,
            )


def sizes() -> tuple[int, ...]:
    wanted = os.environ.get("BENCH_PAGES_HAZARDS")
    return tuple(int(n) for n in wanted.split(",")) if wanted else SIZES


def quietly(work: Callable[[], None]) -> None:
    """Run as in production: DEBUG off (no query log kept, no debug templates)."""
    from django.conf import settings

    debug, hosts = settings.DEBUG, settings.ALLOWED_HOSTS
    settings.DEBUG, settings.ALLOWED_HOSTS = False, [*hosts, "testserver"]
    requests_log = logging.getLogger("django.request")
    level = requests_log.level
    requests_log.setLevel(logging.ERROR)  # a page past the last answers 404: no warning each time
    try:
        with warnings.catch_warnings():
            # The static files are not collected in a scratch run; whitenoise says so once.
            warnings.filterwarnings("ignore", message="No directory at")
            work()
    finally:
        settings.DEBUG, settings.ALLOWED_HOSTS = debug, hosts
        requests_log.setLevel(level)


def live_dashboard(district: District, code: str) -> None:
    """The statistics dashboard before its month ends are stored: every month computed."""
    from django.test import Client

    from xiaoan.accounts.choices import Role

    client = Client()
    client.force_login(member(district, f"live-{code}", Role.BUREAU_ADMIN))
    t = measure(client, "/reports/dashboard/")
    print(
        f"  {'statistics dashboard, computed live':<38} {'bureau':<7} {t.status:>4} "
        f"{t.queries:>4} {t.median:>6.1f} ms {t.p95:>6.1f} ms {t.runs:>3}",
        flush=True,
    )


def store_month_ends(district: District) -> None:
    """What the worker's month-ends job would have stored by now (`xiaoan figures rebuild`)."""
    from xiaoan.reports import monthend

    started = time.perf_counter()
    stored = monthend.rebuild([district.bureau.pk])
    print(f"  stored {len(stored)} month ends in {time.perf_counter() - started:.1f} s", flush=True)


def run() -> None:
    for number, hazards in enumerate(sizes()):
        code = f"33{8000 + number:04d}"
        print(f"generated district {code}: {SCHOOLS} schools, {hazards:,} hazards")
        district = build(code, hazards)
        quietly(functools.partial(live_dashboard, district, code))
        store_month_ends(district)
        quietly(functools.partial(table, district, code))
