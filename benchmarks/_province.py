"""A generated province for the benchmarks: cities, districts, schools, users of every level,
hazards with the history the workflow leaves, twelve months of monthly reports.

The organisations and the users are few (at most some ten thousand rows) and are made with
`bulk_create`; the hazards, their events, the extension requests and the monthly reports are
written row by row with COPY on PostgreSQL (psycopg's `cursor.copy`), with `executemany` on
SQLite, one district per transaction. Rows carry their own ids (taken after the highest in
use), so an event names its hazard without reading it back; the sequences are moved past them
at the end.

Each hazard's history is the one its steps write: reported; then the rectification opinion
with its deadline; the school starts; one in ten asked for 15 more days and had them approved;
submitted; verified and closed. A hazard still open stopped at its state's step, a rejected one
was rejected after its report; a major one still open is under supervision half of the time.
The reference codes are numbered per district and year in the order found, and the counters
are left at the last number given. Today's kept counts (`hazards.HazardCount`) and the stored
month ends are then rebuilt by `xiaoan figures rebuild`, as after an upgrade.

Sizes (environment): BENCH_PROVINCE_CITIES (10), BENCH_PROVINCE_DISTRICTS (100),
BENCH_PROVINCE_SCHOOLS (10,000), BENCH_PROVINCE_HAZARDS (1,000,000), BENCH_PROVINCE_DAYS (365).
"""

from __future__ import annotations

import datetime
import io
import itertools
import json
import os
import random
import time
import zoneinfo
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

OPINION = "按期整改"
EXTENSION_DAYS = 15


@dataclass(frozen=True)
class Sizes:
    cities: int = 10
    districts: int = 100
    schools: int = 10_000
    hazards: int = 1_000_000
    days: int = 365

    @classmethod
    def from_env(cls) -> Sizes:
        def size(name: str, default: int) -> int:
            return int(os.environ.get(f"BENCH_PROVINCE_{name}", default))

        return cls(
            cities=size("CITIES", cls.cities),
            districts=size("DISTRICTS", cls.districts),
            schools=size("SCHOOLS", cls.schools),
            hazards=size("HAZARDS", cls.hazards),
            days=size("DAYS", cls.days),
        )


@dataclass
class District:
    bureau: Any
    schools: list[Any]
    admin: Any  # the bureau's safety officer: opinions, verifications, reviews
    leader: Any  # puts major hazards under supervision
    school_admins: dict[int, Any]  # school id → its safety administrator


@dataclass
class Province:
    bureau: Any
    admin: Any
    cities: list[tuple[Any, Any]]  # (city bureau, its admin)
    districts: list[District] = field(default_factory=list)


def open_share(age: int) -> float:
    """Recent hazards are often still open; older ones mostly closed (a few forgotten)."""
    return 0.3 if age < 60 else 0.02


# ---- writing rows ------------------------------------------------------------------------


class Table:
    """Rows of one model written in bulk: the columns given by the generator, then every other
    concrete column at its default (created/updated stamps at `now`)."""

    def __init__(self, model: Any, names: Sequence[str], now: datetime.datetime) -> None:
        self.model = model
        fields = [model._meta.get_field(name) for name in names]
        rest = [f for f in model._meta.concrete_fields if f.name not in names]
        self.columns = [f.column for f in fields + rest]
        self.tail = tuple(_default(f, now) for f in rest)
        self.rows: list[tuple] = []

    def add(self, *values: Any) -> None:
        self.rows.append(values + self.tail)

    def next_id(self) -> int:
        from django.db.models import Max

        return (self.model.objects.aggregate(top=Max("pk"))["top"] or 0) + 1

    def flush(self, cursor: Any, vendor: str) -> None:
        if not self.rows:
            return
        table, columns = self.model._meta.db_table, ", ".join(self.columns)
        if vendor == "postgresql":
            with cursor.cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
                for row in self.rows:
                    copy.write_row(row)
        else:
            marks = ", ".join(["%s"] * len(self.columns))
            cursor.executemany(
                f"INSERT INTO {table} ({columns}) VALUES ({marks})",
                [tuple(map(_for_sqlite, row)) for row in self.rows],
            )
        self.rows.clear()


def _default(field: Any, now: datetime.datetime) -> Any:
    if getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
        return now
    value = field.get_default()
    if field.get_internal_type() == "JSONField":
        return json.dumps(value)
    return value


def _for_sqlite(value: Any) -> Any:
    from django.db import connection

    if isinstance(value, datetime.datetime):
        return connection.ops.adapt_datetimefield_value(value)
    if isinstance(value, datetime.date):
        return value.isoformat()
    return value


def _reset_sequences(models: Iterable[Any]) -> None:
    from django.core.management.color import no_style
    from django.db import connection

    with connection.cursor() as cursor:
        for sql in connection.ops.sequence_reset_sql(no_style(), list(models)):
            cursor.execute(sql)


# ---- the organisations and their users ---------------------------------------------------


def _users(names: list[str]) -> list[Any]:
    from django.contrib.auth import get_user_model

    model = get_user_model()
    model.objects.bulk_create(
        [model(username=name, password="!") for name in names], batch_size=2000
    )
    by_name = model.objects.filter(username__in=names).in_bulk(field_name="username")
    return [by_name[name] for name in names]


def _organisations(sizes: Sizes, code: str) -> Province:
    """The province's, its cities' and its districts' regions and bureaus, the schools, and
    one user of each kind: the province's and each city's safety officer, each district's
    safety officer and leader, each school's safety administrator."""
    from xiaoan.accounts.models import Membership
    from xiaoan.schools.models import BureauSection

    bureaus = _bureaus(sizes, code)
    sections = BureauSection.objects.bulk_create(
        BureauSection(bureau=b, name="安全科", is_safety_section=True) for b in bureaus
    )
    province_bureau, city_bureaus, district_bureaus = (
        bureaus[0],
        bureaus[1 : sizes.cities + 1],
        bureaus[sizes.cities + 1 :],
    )
    schools = _schools(sizes, district_bureaus)
    roles = _roles(bureaus, sections, sizes.cities, schools)
    users = _users([name for name, *_ in roles])
    Membership.objects.bulk_create(
        (
            Membership(user=u, role=role, bureau=b, section=section, school=school)
            for u, (_, role, b, section, school) in zip(users, roles, strict=True)
        ),
        batch_size=2000,
    )
    return _province(sizes, province_bureau, city_bureaus, district_bureaus, schools, users)


def _bureaus(sizes: Sizes, code: str) -> list[Any]:
    """The bureaus of the province, of its cities, then of its districts (with their regions:
    the province `code`0000, a city `code`cc00, a district `code`ccnn)."""
    from xiaoan.schools.choices import RegionLevel
    from xiaoan.schools.models import Bureau, Region

    province = Region.objects.create(
        code=f"{code}0000", name=f"基准省{code}", level=RegionLevel.PROVINCE
    )
    cities = Region.objects.bulk_create(
        Region(
            code=f"{code}{c + 1:02d}00", name=f"基准市{c + 1}", level=RegionLevel.CITY,
            parent=province,
        )
        for c in range(sizes.cities)
    )  # fmt: skip
    districts = Region.objects.bulk_create(
        Region(
            code=f"{code}{d % sizes.cities + 1:02d}{d // sizes.cities + 1:02d}",
            name=f"基准区{d + 1}",
            level=RegionLevel.DISTRICT,
            parent=cities[d % sizes.cities],
        )
        for d in range(sizes.districts)
    )
    return Bureau.objects.bulk_create(
        Bureau(region=r, name=f"{r.name}教育局") for r in [province, *cities, *districts]
    )


def _schools(sizes: Sizes, district_bureaus: list[Any]) -> list[Any]:
    """The schools, dealt to the districts in turn, on the registry since before the records
    began (so that every past month counts them)."""
    from xiaoan.schools.choices import SchoolKind
    from xiaoan.schools.models import School

    kinds, count = list(SchoolKind), len(district_bureaus)
    School.objects.bulk_create(
        (
            School(
                bureau=district_bureaus[s % count],
                code=f"S{s // count + 1:04d}",
                name=f"{district_bureaus[s % count].region.name}第{s // count + 1}学校",
                kind=kinds[s % len(kinds)],
                opened_on=None,
            )
            for s in range(sizes.schools)
        ),
        batch_size=2000,
    )
    return list(School.objects.filter(bureau__in=district_bureaus).order_by("pk"))


def _roles(
    bureaus: list[Any], sections: list[Any], cities: int, schools: list[Any]
) -> list[tuple[str, str, Any, Any, Any]]:
    """(login, role, bureau, section, school) of each user, in the order `_province` reads."""
    from xiaoan.accounts.choices import Role

    province, city_bureaus = bureaus[0], bureaus[1 : cities + 1]
    roles: list[tuple[str, str, Any, Any, Any]] = [
        (f"prov-{province.region.code}", Role.PROVINCE_ADMIN, province, sections[0], None)
    ]
    roles += [
        (f"city-{b.region.code}", Role.CITY_ADMIN, b, sections[1 + i], None)
        for i, b in enumerate(city_bureaus)
    ]
    for b, section in zip(bureaus[cities + 1 :], sections[cities + 1 :], strict=True):
        roles.append((f"bureau-{b.region.code}", Role.BUREAU_ADMIN, b, section, None))
        roles.append((f"leader-{b.region.code}", Role.BUREAU_LEADER, b, section, None))
    by_pk = {b.pk: b for b in bureaus}
    roles += [
        (f"school-{by_pk[s.bureau_id].region.code}-{s.code}", Role.SCHOOL_ADMIN,
         by_pk[s.bureau_id], None, s)
        for s in schools
    ]  # fmt: skip
    return roles


def _province(
    sizes: Sizes,
    province_bureau: Any,
    city_bureaus: list[Any],
    district_bureaus: list[Any],
    schools: list[Any],
    users: list[Any],
) -> Province:
    """The organisations and their users, in the order `_organisations` made them."""
    province = Province(
        bureau=province_bureau,
        admin=users[0],
        cities=list(zip(city_bureaus, users[1 : 1 + sizes.cities], strict=True)),
    )
    officers = users[1 + sizes.cities : 1 + sizes.cities + 2 * sizes.districts]
    school_users = dict(
        zip((s.pk for s in schools), users[1 + sizes.cities + 2 * sizes.districts :], strict=True)
    )
    for i, bureau in enumerate(district_bureaus):
        own = [s for s in schools if s.bureau_id == bureau.pk]
        province.districts.append(
            District(
                bureau=bureau,
                schools=own,
                admin=officers[2 * i],
                leader=officers[2 * i + 1],
                school_admins={s.pk: school_users[s.pk] for s in own},
            )
        )
    return province


# ---- the hazards and their history ------------------------------------------------------

OPEN_STATES = {"reported": 1, "assigned": 2, "rectifying": 5, "awaiting_verification": 2}
# The closed loop's steps in order: (kind, from, to); a hazard in a state took the first
# STEPS_TO[state] of them.
STEPS = (
    ("reported", "", "reported"),
    ("assigned", "reported", "assigned"),
    ("started", "assigned", "rectifying"),
    ("submitted", "rectifying", "awaiting_verification"),
    ("verified", "awaiting_verification", "closed"),
)
STEPS_TO = {"reported": 1, "assigned": 2, "rectifying": 3, "awaiting_verification": 4, "closed": 5}

HAZARD_COLUMNS = (
    "id", "bureau", "code", "school", "area", "level", "source", "description", "found_on",
    "reported_by", "status", "opinion", "deadline", "measures", "closed_at", "supervised",
    "version", "created_at", "updated_at",
)  # fmt: skip
EVENT_COLUMNS = (
    "id", "hazard", "actor", "kind", "from_status", "to_status", "comment", "data",
    "created_at", "updated_at",
)  # fmt: skip
EXTENSION_COLUMNS = (
    "id", "hazard", "requested_by", "current_deadline", "requested_deadline", "reason", "status",
    "request_event", "decided_by", "decided_at", "created_at", "updated_at",
)  # fmt: skip


@dataclass
class Found:
    """One hazard as drawn, before its rows are written."""

    found: datetime.date
    school_id: int
    area_id: int
    level: str
    inspection: bool
    status: str
    extended: bool  # asked for 15 more days, approved
    supervised: bool  # put under supervision (lifted by the close-out, if closed)
    submit_day: int  # days after the finding it was submitted


@dataclass
class Step:
    kind: str
    before: str
    after: str
    actor: int
    at: datetime.datetime
    data: dict[str, Any] = field(default_factory=dict)
    comment: str = ""


class Writer:
    """The history's tables, the next free id of each, and the clock."""

    def __init__(self, now: datetime.datetime, today: datetime.date) -> None:
        from django.conf import settings

        from xiaoan.hazards.models import ExtensionRequest, Hazard, HazardEvent

        self.now, self.today = now, today
        self.zone = zoneinfo.ZoneInfo(settings.TIME_ZONE)
        self.hazards = Table(Hazard, HAZARD_COLUMNS, now)
        self.events = Table(HazardEvent, EVENT_COLUMNS, now)
        self.extensions = Table(ExtensionRequest, EXTENSION_COLUMNS, now)
        self.ids = {t: t.next_id() for t in (self.hazards, self.events, self.extensions)}

    def take(self, table: Table) -> int:
        self.ids[table] += 1
        return self.ids[table] - 1

    def at(self, found: datetime.date, day: int, hour: int) -> datetime.datetime:
        """`day` days after the finding at `hour` o'clock, but never after now."""
        on = min(found + datetime.timedelta(days=day), self.today)
        moment = datetime.datetime.combine(on, datetime.time(hour), tzinfo=self.zone)
        return min(moment, self.now)

    def flush(self) -> None:
        from django.db import connection

        with connection.cursor() as cursor:
            for table in (self.hazards, self.events, self.extensions):
                table.flush(cursor, connection.vendor)


def draw(
    rng: random.Random,
    schools: list[Any],
    areas: list[int],
    today: datetime.date,
    days: int,
    share: Callable[[int], float] = open_share,
) -> Found:
    age = rng.randrange(days)
    if rng.random() < share(age):
        status = rng.choices(list(OPEN_STATES), list(OPEN_STATES.values()))[0]
    else:
        status = "rejected" if rng.random() < 0.03 else "closed"
    level = "major" if rng.random() < 0.01 else "general"
    extended = STEPS_TO.get(status, 0) >= 3 and rng.random() < 0.1
    submit_day = rng.randrange(5, 40)
    return Found(
        found=today - datetime.timedelta(days=age),
        school_id=rng.choice(schools).pk,
        area_id=rng.choice(areas),
        level=level,
        inspection=rng.random() < 0.6,
        status=status,
        extended=extended,
        supervised=level == "major" and status != "rejected" and rng.random() < 0.5,
        submit_day=max(submit_day, 21) if extended else submit_day,
    )


def history(w: Writer, d: District, h: Found) -> list[Step]:
    """The steps the workflow would have written for `h`, in order, none after now."""
    school_admin = d.school_admins[h.school_id].pk
    actors = {
        "reported": d.admin.pk if h.inspection else school_admin,
        "assigned": d.admin.pk,
        "started": school_admin,
        "submitted": school_admin,
        "verified": d.admin.pk,
    }
    days = {"reported": 0, "assigned": 1, "started": 2, "submitted": h.submit_day}
    days["verified"] = h.submit_day + 2
    deadline = h.found + datetime.timedelta(days=30)
    steps: list[Step] = []
    for hour, (kind, before, after) in enumerate(STEPS[: STEPS_TO.get(h.status, 1)], 9):
        steps.append(Step(kind, before, after, actors[kind], w.at(h.found, days[kind], hour)))
        if kind == "assigned":
            steps[-1].data = {"deadline": deadline.isoformat()}
        elif kind == "submitted":
            steps[-1].data = {"photos": 0}
        elif kind == "verified" and h.supervised:
            steps[-1].data = {"supervision_lifted": True}
        if h.supervised and kind == ("assigned" if h.status != "reported" else "reported"):
            at = w.at(h.found, days[kind], hour) + datetime.timedelta(minutes=30)
            steps.append(Step("supervised", after, after, d.leader.pk, min(at, w.now)))
        if h.extended and kind == "started":
            steps += _extension_steps(w, h, school_admin, d.admin.pk, deadline)
    if h.status == "rejected":
        steps.append(Step("rejected", "reported", "rejected", d.admin.pk, w.at(h.found, 1, 10)))
        steps[-1].comment = "不属实"
    for earlier, step in itertools.pairwise(steps):  # same day, clamped: keep order
        step.at = max(step.at, earlier.at)
    return steps


def _extension_steps(
    w: Writer, h: Found, school_admin: int, admin: int, deadline: datetime.date
) -> list[Step]:
    later = (deadline + datetime.timedelta(days=EXTENSION_DAYS)).isoformat()
    asked = Step("extension_requested", "rectifying", "rectifying", school_admin,
                 w.at(h.found, 18, 12), {"deadline": deadline.isoformat(), "requested": later},
                 "需要更多时间")  # fmt: skip
    decided = Step("extension_approved", "rectifying", "rectifying", admin,
                   w.at(h.found, 20, 12), {"requested": later})  # fmt: skip
    return [asked, decided]


def write_hazard(w: Writer, d: District, h: Found, code: str) -> None:
    hazard_id = w.take(w.hazards)
    steps = history(w, d, h)
    for n, step in enumerate(steps):
        step_id = w.take(w.events)
        w.events.add(
            step_id, hazard_id, step.actor, step.kind, step.before, step.after, step.comment,
            json.dumps(step.data) if step.data else "{}", step.at, step.at,
        )  # fmt: skip
        if step.kind == "extension_requested":
            deadline = datetime.date.fromisoformat(step.data["deadline"])
            decided = steps[n + 1].at
            w.extensions.add(
                w.take(w.extensions), hazard_id, step.actor, deadline,
                deadline + datetime.timedelta(days=EXTENSION_DAYS), step.comment, "approved",
                step_id, d.admin.pk, decided, step.at, decided,
            )  # fmt: skip
    assigned = STEPS_TO.get(h.status, 0) >= 2
    deadline = h.found + datetime.timedelta(days=30 + (EXTENSION_DAYS if h.extended else 0))
    closed = h.status == "closed"
    w.hazards.add(
        hazard_id, d.bureau.pk, code, h.school_id, h.area_id, h.level,
        "inspection" if h.inspection else "self_report", "基准隐患", h.found, steps[0].actor,
        h.status, OPINION if assigned else "", deadline if assigned else None,
        "已按要求整改" if STEPS_TO.get(h.status, 0) >= 4 else "",
        steps[-1].at if closed else None,
        h.supervised and not closed and h.status != "rejected",
        len(steps), steps[0].at, steps[-1].at,
    )  # fmt: skip


def district_hazards(
    w: Writer, d: District, count: int, areas: list[int], days: int, rng: random.Random
) -> dict[int, int]:
    """The district's hazards, numbered per year in the order found; the last number of each
    year."""
    drawn = sorted(
        (draw(rng, d.schools, areas, w.today, days) for _ in range(count)), key=lambda h: h.found
    )
    last: dict[int, int] = {}
    for h in drawn:
        number = last[h.found.year] = last.get(h.found.year, 0) + 1
        write_hazard(w, d, h, f"YH-{h.found.year}-{number:04d}")
    return last


# ---- monthly reports -----------------------------------------------------------------------


def last_months(today: datetime.date, count: int) -> list[tuple[int, int]]:
    months, (y, m) = [], (today.year, today.month)
    for _ in range(count):
        y, m = (y - 1, 12) if m == 1 else (y, m - 1)
        months.append((y, m))
    return months


def monthly_reports(province: Province, months: list[tuple[int, int]], now: datetime.datetime,
                    seed: int = 12) -> int:  # fmt: skip
    """Each school's report of each month, submitted then accepted by its bureau: most on
    time, some late, a few missing. The number written."""
    from django.conf import settings
    from django.db import connection, transaction

    from xiaoan.reports.models import MonthlyReport, MonthlyReportEvent, due_date_for

    zone = zoneinfo.ZoneInfo(settings.TIME_ZONE)
    rng = random.Random(seed)
    reports = Table(MonthlyReport, REPORT_COLUMNS, now)
    events = Table(MonthlyReportEvent, REPORT_EVENT_COLUMNS, now)
    report_id, event_id = reports.next_id(), events.next_id()
    written = 0
    for d in province.districts:
        for year, month in months:
            due = due_date_for(year, month)
            for school in d.schools:
                if rng.random() < 0.05:
                    continue  # missing
                sent_on = due + datetime.timedelta(days=rng.choice([-3, -1, 0, 0, 2, 6]))
                sent = min(datetime.datetime.combine(sent_on, datetime.time(15), zone), now)
                accepted = min(sent + datetime.timedelta(days=1), now)
                admin = d.school_admins[school.pk].pk
                reports.add(report_id, school.pk, year, month, "accepted", due, sent, sent,
                            admin, accepted, d.admin.pk, 3, sent, accepted)  # fmt: skip
                events.add(event_id, report_id, admin, "submitted", "draft", "submitted",
                           "{}", sent, sent)  # fmt: skip
                events.add(event_id + 1, report_id, d.admin.pk, "accepted", "submitted",
                           "accepted", "{}", accepted, accepted)  # fmt: skip
                report_id, event_id, written = report_id + 1, event_id + 2, written + 1
        with transaction.atomic(), connection.cursor() as cursor:
            reports.flush(cursor, connection.vendor)
            events.flush(cursor, connection.vendor)
    return written


REPORT_COLUMNS = (
    "id", "school", "year", "month", "status", "due_date", "submitted_at", "first_submitted_at",
    "submitted_by", "reviewed_at", "reviewed_by", "version", "created_at", "updated_at",
)  # fmt: skip
REPORT_EVENT_COLUMNS = (
    "id", "report", "actor", "kind", "from_status", "to_status", "data", "created_at",
    "updated_at",
)  # fmt: skip


def _analyze() -> None:
    """Fresh statistics (and, on PostgreSQL, the visibility map that index-only scans need),
    as a database in use has them: without, the planner takes the loaded tables for empty."""
    from django.db import connection

    vacuum = connection.vendor == "postgresql" and not connection.in_atomic_block
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE" if vacuum else "ANALYZE")  # no VACUUM in a transaction


# ---- the whole province --------------------------------------------------------------------


def generate(
    sizes: Sizes | None = None,
    *,
    code: str = "39",
    seed: int = 2026,
    progress: Callable[[str], None] | None = None,
) -> Province:
    """A province of `sizes` (default: from the environment) under region code `code` (two
    digits), its kept counts and month ends rebuilt."""
    from django.core.management import call_command
    from django.db import transaction
    from django.utils import timezone

    from xiaoan.core.dates import local_today
    from xiaoan.hazards.models import Area, ExtensionRequest, Hazard, HazardCounter, HazardEvent
    from xiaoan.reports.models import MonthlyReport, MonthlyReportEvent

    sizes = sizes or Sizes.from_env()
    say = progress or (lambda text: None)
    started = time.perf_counter()

    def lap() -> str:
        return f"{time.perf_counter() - started:6.0f} s"

    with transaction.atomic():
        province = _organisations(sizes, code)
    say(f"{lap()}  {sizes.districts} districts, {sizes.schools:,} schools and their users")
    rng = random.Random(seed)
    w = Writer(timezone.now(), local_today())
    areas = list(Area.objects.values_list("pk", flat=True))
    made = 0
    for n, d in enumerate(province.districts):
        count = sizes.hazards // sizes.districts + (n < sizes.hazards % sizes.districts)
        with transaction.atomic():
            last = district_hazards(w, d, count, areas, sizes.days, rng)
            w.flush()
            HazardCounter.objects.bulk_create(
                HazardCounter(bureau=d.bureau, year=y, last=number) for y, number in last.items()
            )
        made += count
        if (n + 1) % max(1, sizes.districts // 10) == 0:
            say(f"{lap()}  {made:>9,} hazards with their history")
    reports = monthly_reports(province, last_months(w.today, 12), w.now)
    _reset_sequences([Hazard, HazardEvent, ExtensionRequest, MonthlyReport, MonthlyReportEvent])
    say(f"{lap()}  {reports:,} monthly reports")
    _analyze()
    say(f"{lap()}  tables analysed, as autovacuum would have")
    bureaus = [str(d.bureau.pk) for d in province.districts]
    call_command("figures", "rebuild", *[a for b in bureaus for a in ("--bureau", b)],
                 stdout=io.StringIO())  # fmt: skip
    say(f"{lap()}  kept counts and month ends rebuilt (xiaoan figures rebuild)")
    return province


def generated_from_env() -> tuple[Sizes, Province]:
    """The province of the environment's sizes (`BENCH_PROVINCE_*`), generated with its
    progress printed, as the benchmarks that measure one start."""
    sizes = Sizes.from_env()
    print(
        f"generated province: {sizes.cities} cities, {sizes.districts} districts, "
        f"{sizes.schools:,} schools, {sizes.hazards:,} hazards",
        flush=True,
    )
    return sizes, generate(sizes, progress=lambda text: print(f"  {text}", flush=True))
