"""Today's hazard counts per school, area, level, state and supervision, kept current by the
workflow (`Hazard._apply`, `HazardManager.report`, the ledger import) and rebuilt from the
hazards by `xiaoan figures rebuild`.

A step moves one hazard from the row of its old key to the row of its new one with
`count = count ± 1` (an `F()` update): two concurrent steps each add their own, none is lost.
A row missing is inserted in a savepoint; if another transaction inserted it first, the update
runs again.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Count, F, QuerySet, Sum

from xiaoan.accounts.access import in_reach, membership_of
from xiaoan.accounts.choices import Role
from xiaoan.core.counting import Total, total
from xiaoan.schools.models import Bureau

from .models import Hazard, HazardCount, HazardCountsBuilt

KEY = ("school_id", "area_id", "level", "status", "supervised")


def key_of(hazard: Hazard) -> tuple:
    return tuple(getattr(hazard, name) for name in KEY)


def _add(bureau_id: int, key: tuple, delta: int) -> None:
    where = dict(zip(KEY, key, strict=True))
    if HazardCount.objects.filter(**where).update(count=F("count") + delta):
        return
    try:
        with transaction.atomic():
            HazardCount.objects.create(bureau_id=bureau_id, count=delta, **where)
    except IntegrityError:  # inserted meanwhile by a concurrent step: add to it
        HazardCount.objects.filter(**where).update(count=F("count") + delta)


def move(bureau_id: int, before: tuple | None, after: tuple | None) -> None:
    """One hazard leaves the row `before` (None: it is new) for the row `after`."""
    if before == after:
        return
    if before is not None:
        _add(bureau_id, before, -1)
    if after is not None:
        _add(bureau_id, after, +1)


def add_many(hazards: Iterable[Hazard]) -> None:
    """Hazards created in bulk (an import): each key's count raised once."""
    keys: dict[tuple, list] = {}
    for hazard in hazards:
        entry = keys.setdefault((hazard.bureau_id, key_of(hazard)), [0])
        entry[0] += 1
    for (bureau_id, key), (n,) in keys.items():
        _add(bureau_id, key, n)


def rebuild(bureau_ids: Iterable[int]) -> None:
    """Count the districts' hazards again; from now on their counts are read and kept."""
    for bureau_id in bureau_ids:
        with transaction.atomic():
            HazardCount.objects.filter(bureau=bureau_id).delete()
            rows = (
                Hazard.objects.filter(bureau=bureau_id)
                .order_by()
                .values(*KEY)
                .annotate(n=Count("id"))
            )
            HazardCount.objects.bulk_create(
                [HazardCount(bureau_id=bureau_id, count=row.pop("n"), **row) for row in rows],
                batch_size=1000,
            )
            HazardCountsBuilt.objects.get_or_create(bureau_id=bureau_id)


# ---- reading ----------------------------------------------------------------------------


def reach(user: Any, bureau_id: int | None = None) -> dict[str, Any] | None:
    """Which kept or stored figures answer for the user's hazards: the district bureaus and,
    for a school's user, the school. None when they cannot say (a department's inspector sees
    only its department's hazards, which they do not separate; a superuser sees everything)."""
    membership = membership_of(user)
    if membership is None or membership.role == Role.DEPT_INSPECTOR:
        return None
    if membership.school_id is not None:
        if bureau_id is not None and bureau_id != membership.bureau_id:
            return None
        return {"bureaus": [membership.bureau_id], "school": membership.school_id}
    bureaus = Bureau.objects.filter(in_reach(membership, ""))
    if bureau_id is not None:
        bureaus = bureaus.filter(pk=bureau_id)
    return {"bureaus": list(bureaus.values_list("pk", flat=True)), "school": None}


def kept_rows(user: Any, bureau_id: int | None = None) -> QuerySet[HazardCount] | None:
    """The kept rows of the user's hazards (of one district of the reach: `bureau_id`), or
    None when they are not kept for every district of the user's reach (one query to find
    out). Readers group them in SQL: a province's are one row per school and key."""
    membership = membership_of(user)
    if membership is None or membership.role == Role.DEPT_INSPECTOR:
        return None
    districts = Bureau.objects.filter(in_reach(membership, ""))
    reached = districts.aggregate(n=Count("pk"), built=Count("hazard_counts_built"))
    if not reached["n"] or reached["built"] != reached["n"]:
        return None
    rows = HazardCount.objects.filter(count__gt=0).order_by()
    if membership.school_id is not None:
        rows = rows.filter(school=membership.school_id)
    else:
        rows = rows.filter(bureau__in=districts)
    return rows if bureau_id is None else rows.filter(bureau=bureau_id)


def kept_for(user: Any) -> list[dict[str, Any]] | None:
    """Today's counts of the user's hazards, one row per area, level, state and supervision
    (grouped in SQL, at most a few hundred rows whatever the reach); None when they are not
    kept for every district of the user's reach."""
    rows = kept_rows(user)
    if rows is None:
        return None
    keys = ("area_id", "area__code", "level", "status", "supervised")
    return [dict(row) for row in rows.values(*keys).annotate(n=Sum("count"))]


def kept_by_district(user: Any) -> list[dict[str, Any]] | None:
    """Today's counts of the user's hazards summed in SQL per district, area, level, state and
    supervision (`bureau_id`, `area_id`, `level`, `status`, `supervised`, `n`); None when
    they are not kept for every district of the user's reach."""
    rows = kept_rows(user)
    if rows is None:
        return None
    keys = ("bureau_id", "area_id", "level", "status", "supervised")
    return [dict(row) for row in rows.values(*keys).annotate(n=Sum("count")).order_by()]


# The ledger's filters the kept counts separate, as the counts' lookups.
KEPT_FILTERS = {
    "school": "school",
    "area": "area__code",
    "level": "level",
    "status": "status__in",
    "supervised": "supervised",
}


def ledger_total(user: Any, filters: dict[str, Any], hazards: QuerySet[Hazard]) -> Total:
    """How many hazards the ledger lists, written once for the page and the API: exact from
    the kept counts when the filters are only those they separate (none, or school, area,
    level, state, supervision); else `core.counting.total` (PostgreSQL's estimate above
    `EXACT_UP_TO` rows, otherwise a count of `hazards`, the filtered rows)."""
    if hazards.query.is_empty():
        return Total(0)
    used = {name: value for name, value in filters.items() if value not in (None, "", [])}
    used.pop("sort", None)
    if used.keys() <= KEPT_FILTERS.keys():
        rows = kept_rows(user)
        if rows is not None:
            lookups = {KEPT_FILTERS[name]: value for name, value in used.items()}
            return Total(rows.filter(**lookups).aggregate(n=Sum("count"))["n"] or 0)
    return total(hazards)
