"""How fast the pages, the API and the aggregates answer: a generated district of 300 schools
with 10,000 hazards, then another with 500,000 (the most that bulk_create loads on SQLite in
about four minutes; a million takes about eight), each timed as the bureau admin and as a school
admin with Django's test client: the whole request, middleware, queries and templates.

Each request is made twice to warm up, then timed 20 times (fewer, down to 3, when one takes
more than half a second); the table gives the median, the 95th percentile and the number of SQL
queries of one request. BENCH_PAGES_HAZARDS="10000,1000000" changes the sizes;
BENCH_PAGES_ONLY="statistics dashboard,API" measures only the requests so named. The statistics
dashboard is measured once computed live, then again once the month ends are stored.

On PostgreSQL (`BENCH_DATABASE_URL`, see `__main__`), or with BENCH_PAGES_PROVINCE=1, it is a
generated province instead (`_province`: 100 districts, 10,000 schools, a million hazards by
default, BENCH_PROVINCE_* changes the sizes; BENCH_PAGES_PROVINCE=0 keeps the districts), and
every request is made as the province's, a city's, a district's and a school's safety officer.
Each request's own SQL is then also run raw, in the same run: the queries of one request
(`CaptureQueriesContext`) executed again through the cursor, timed the same way, and the page's
median divided by theirs; each line says whether it meets the targets (`verdict`), and the
plans of the slowest queries of the pages that miss them are printed (BENCH_PAGES_EXPLAIN, 3).
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
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode

from ._district import District, generate, member, monthly_reports
from ._province import Province

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
    captured: list[str] = field(default_factory=list)  # the SQL of one request
    cpu: float = 0.0  # median CPU time of this process (Python, templates, the driver)


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
    times, cpu = [], []
    for _ in range(runs):
        started, used = time.perf_counter(), time.process_time()
        client.get(url)
        times.append((time.perf_counter() - started) * 1000)
        cpu.append((time.process_time() - used) * 1000)
    with CaptureQueriesContext(connection) as queries:
        client.get(url)
    captured = [q["sql"] for q in queries.captured_queries]
    return Timing(status, len(queries), *spread(times), runs, captured, statistics.median(cpu))


def spread(times: list[float]) -> tuple[float, float]:
    """Median and 95th percentile."""
    times = sorted(times)
    return statistics.median(times), times[math.ceil(0.95 * len(times)) - 1]


def requests(district: District, school: Any) -> list[tuple[str, str, bool]]:
    """(label, url, bureau only) for every page timed."""
    from xiaoan.core.dates import local_today
    from xiaoan.hazards.models import Hazard

    hazard = Hazard.objects.filter(school=school).order_by("-found_on", "-id").first()
    assert hazard is not None
    since = (local_today() - datetime.timedelta(days=365)).isoformat()
    page_50, page_1000 = page_cursor(school, 50), page_cursor(school, 1000)
    timed = [
        ("home dashboard", "/", False),
        ("ledger, first page", "/hazards/", False),
        ("ledger, filtered (fire, rectifying)", "/hazards/?area=fire&status=rectifying", False),
        ("ledger, filtered (found in the last year)", f"/hazards/?found_from={since}", False),
        ("ledger, page 50", f"/hazards/?{page_50}", False),
        ("ledger, page 1,000", f"/hazards/?{page_1000}", False),
        ("hazard detail", f"/hazards/{hazard.pk}/", False),
        ("overdue board", "/hazards/board/", False),
        ("statistics dashboard", "/reports/dashboard/", False),
        ("API hazard list", "/api/v1/hazards/", False),
        ("API hazard list, page 50", f"/api/v1/hazards/?{page_50}", False),
        ("API hazard list, ?page=50", "/api/v1/hazards/?page=50", False),
        ("API hazard list, page 1,000", f"/api/v1/hazards/?{page_1000}", False),
        ("API hazard list, ?page=1000", "/api/v1/hazards/?page=1000", False),
        ("API stats summary", "/api/v1/stats/summary/", False),
        ("monthly compliance board", "/reports/compliance/", True),
    ]
    # A district too small for page 1,000 (10,000 hazards) has no link to it.
    return [(label, url, bureau) for label, url, bureau in timed if not url.endswith("?None")]


def page_cursor(school: Any, number: int) -> str | None:
    """The ledger's link to page `number` of the school's district (newest first), as the
    page before it gives it: the cursor of that page's last row; None past the last page."""
    from xiaoan.core import keyset
    from xiaoan.hazards.models import Hazard

    ordered = Hazard.objects.filter(bureau=school.bureau_id).order_by("-found_on", "-id")
    row = ordered[(number - 1) * 50 - 1 :].first()
    if row is None:
        return None
    token = keyset.cursor(keyset.keys_of(ordered), row, backwards=False, number=number - 1)
    return urlencode({"cursor": token})


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
    if province_wanted():
        quietly(run_province)
        return
    for number, hazards in enumerate(sizes()):
        code = f"33{8000 + number:04d}"
        print(f"generated district {code}: {SCHOOLS} schools, {hazards:,} hazards")
        district = build(code, hazards)
        quietly(functools.partial(live_dashboard, district, code))
        store_month_ends(district)
        quietly(functools.partial(table, district, code))


# ---- a province, as each kind of user, with each page's own SQL -------------------------

# Targets: a list or detail page answers in 100 ms (p95); where its own SQL takes over 20 ms,
# in at most 1.5 times that SQL, elsewhere with at most 20 ms of Python and templates on top;
# the dashboards, the stats and the roll-ups in 300 ms.
LIST_P95, ROLLUP_P95, SQL_HEAVY, OWN_MS, SQL_RATIO = 100.0, 300.0, 20.0, 20.0, 1.5
ROLLUPS = (
    "home dashboard",
    "overdue board",
    "statistics dashboard",
    "API stats summary",
    "monthly compliance board",
    "districts side by side",
    "one district",
)


@dataclass
class Line:
    label: str
    who: str
    timing: Timing
    sql_median: float
    sql_p95: float
    selects: int

    @property
    def ratio(self) -> float:
        return self.timing.median / self.sql_median if self.sql_median else math.inf

    def misses(self) -> list[str]:
        """The targets the request misses (none for a refusal)."""
        t = self.timing
        if t.status != 200:
            return []
        missed = []
        limit = ROLLUP_P95 if self.label.startswith(ROLLUPS) else LIST_P95
        if t.p95 > limit:
            missed.append(f"p95>{limit:.0f}")
        if self.label.startswith(ROLLUPS):
            return missed
        if self.sql_median > SQL_HEAVY and self.ratio > SQL_RATIO:
            missed.append(f"page>{SQL_RATIO}xSQL")
        elif self.sql_median <= SQL_HEAVY and t.median - self.sql_median > OWN_MS:
            missed.append(f"python>{OWN_MS:.0f}ms")
        return missed


def province_wanted() -> bool:
    from django.db import connection

    wanted = os.environ.get("BENCH_PAGES_PROVINCE")
    return connection.vendor == "postgresql" if wanted is None else wanted == "1"


def raw_sql(captured: list[str], runs: int) -> tuple[float, float, int]:
    """A request's own SELECTs run again through the cursor, one after the other as the page
    ran them, once to warm up and then `runs` times (as many as the page): the median and 95th
    percentile of their sum, and how many there were (the session's and the transaction's
    other statements are left out)."""
    from django.db import connection

    selects = [sql for sql in captured if sql.lstrip()[:6].upper() in ("SELECT", "WITH ")]
    times = []
    with connection.cursor() as cursor:
        for n in range(1 + runs):
            started = time.perf_counter()
            for sql in selects:
                cursor.execute(sql)
                cursor.fetchall()
            if n >= 1:  # the first warms up
                times.append((time.perf_counter() - started) * 1000)
    return *spread(times), len(selects)


def province_users(province: Province) -> list[tuple[str, Any]]:
    district = province.districts[0]
    city = next(admin for bureau, admin in province.cities if bureau.region_id == (
        district.bureau.region.parent_id
    ))  # fmt: skip
    school = district.schools[0]
    return [
        ("province", province.admin),
        ("city", city),
        ("district", district.admin),
        ("school", district.school_admins[school.pk]),
    ]


def province_requests(province: Province) -> list[tuple[str, str]]:
    """(label, url) of every page and API list timed: the district benchmark's, the lists
    that grow with a province (schools, monthly reports) and the roll-ups of the regions."""
    from xiaoan.reports.models import MonthlyReport

    district = province.districts[0]
    school = district.schools[0]
    report = MonthlyReport.objects.filter(school=school).order_by("-year", "-month").first()
    assert report is not None
    return [
        *((label, url) for label, url, _ in requests(None, school)),  # type: ignore[arg-type]
        ("school list", "/schools/"),
        ("API school list", "/api/v1/schools/"),
        ("monthly reports", "/reports/monthly/"),
        ("monthly report detail", f"/reports/monthly/{report.pk}/"),
        ("districts side by side /regions/", "/regions/"),
        ("one district /regions/<id>/", f"/regions/{district.bureau.pk}/"),
    ]


def province_table(province: Province) -> list[Line]:
    from django.test import Client

    only = [w for w in os.environ.get("BENCH_PAGES_ONLY", "").split(",") if w]
    print(f"  load average at the start: {' '.join(f'{x:.1f}' for x in os.getloadavg())}")
    print(
        f"  {'request':<38} {'user':<8} {'HTTP':>4} {'SQL':>4} {'SQL ms':>7} {'median':>9}"
        f" {'p95':>9} {'ratio':>5} {'CPU':>6} {'n':>3}  verdict"
    )
    lines = []
    for label, url in province_requests(province):
        if only and not any(label.startswith(w) for w in only):
            continue
        for who, user in province_users(province):
            client = Client()
            client.force_login(user)
            t = measure(client, url)
            line = Line(label, who, t, *raw_sql(t.captured, t.runs))
            lines.append(line)
            verdict = ", ".join(line.misses()) or ("ok" if t.status == 200 else "")
            print(
                f"  {label[:38]:<38} {who:<8} {t.status:>4} {t.queries:>4} "
                f"{line.sql_median:>7.1f} {t.median:>6.1f} ms {t.p95:>6.1f} ms "
                f"{line.ratio:>5.1f} {t.cpu:>6.1f} {t.runs:>3}  {verdict}",
                flush=True,
            )
    print(f"  load average at the end: {' '.join(f'{x:.1f}' for x in os.getloadavg())}")
    return lines


def explain(lines: list[Line], count: int) -> None:
    """The plan of the slowest query of each of the `count` worst pages that miss a target."""
    from django.db import connection

    missed = sorted((line for line in lines if line.misses()), key=lambda x: -x.sql_median)
    for line in missed[:count]:
        slowest, worst = "", -1.0
        with connection.cursor() as cursor:
            for sql in line.timing.captured:
                if sql.lstrip()[:6].upper() not in ("SELECT", "WITH "):
                    continue
                started = time.perf_counter()
                cursor.execute(sql)
                cursor.fetchall()
                if (spent := time.perf_counter() - started) > worst:
                    slowest, worst = sql, spent
            prefix = "EXPLAIN (ANALYZE, BUFFERS) " if connection.vendor == "postgresql" else (
                "EXPLAIN QUERY PLAN "
            )  # fmt: skip
            cursor.execute(prefix + slowest)
            plan = [" ".join(str(c) for c in row) for row in cursor.fetchall()]
        print(f"\n  {line.label}, as {line.who}: its slowest query, {worst * 1000:.1f} ms")
        print(f"    {slowest[:600]}")
        for row in plan[:40]:
            print(f"    {row}")


def run_province() -> None:
    from ._province import generated_from_env

    _sizes, province = generated_from_env()
    lines = province_table(province)
    explain(lines, int(os.environ.get("BENCH_PAGES_EXPLAIN", "3")))
