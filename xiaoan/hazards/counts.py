"""Today's hazard counts per school, area, level, state and supervision, and the same per
district without the school, kept current by the workflow (`Hazard._apply`,
`HazardManager.report`, the ledger import) and rebuilt from the hazards by `xiaoan figures
rebuild`.

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

from .models import Hazard, HazardCount, HazardCountsBuilt, HazardDistrictCount

KEY = ("school_id", "area_id", "level", "status", "supervised")
# A district's rows: the same key without the school (`HazardDistrictCount`).
DISTRICT_KEY = KEY[1:]


def key_of(hazard: Hazard) -> tuple:
    return tuple(getattr(hazard, name) for name in KEY)


def _bump(model: Any, where: dict[str, Any], delta: int, **created: Any) -> None:
    if model.objects.filter(**where).update(count=F("count") + delta):
        return
    try:
        with transaction.atomic():
            model.objects.create(count=delta, **where, **created)
    except IntegrityError:  # inserted meanwhile by a concurrent step: add to it
        model.objects.filter(**where).update(count=F("count") + delta)


def _apply(bureau_id: int, changes: list[tuple[tuple, int]]) -> None:
    """Add each change to its school's row, then to its district's. Rows are taken in one
    order (the schools' rows by key, then the district's by key), so two steps moving hazards
    between the same rows in opposite directions wait for each other instead of deadlocking."""
    for key, delta in sorted(changes):
        _bump(HazardCount, dict(zip(KEY, key, strict=True)), delta, bureau_id=bureau_id)
    district: dict[tuple, int] = {}
    for key, delta in changes:
        district[key[1:]] = district.get(key[1:], 0) + delta
    for key, delta in sorted(district.items()):
        if delta:
            where = dict(zip(DISTRICT_KEY, key, strict=True))
            _bump(HazardDistrictCount, {"bureau_id": bureau_id, **where}, delta)


def move(bureau_id: int, before: tuple | None, after: tuple | None) -> None:
    """One hazard leaves the row `before` (None: it is new) for the row `after`."""
    if before == after:
        return
    changes = [(key, delta) for key, delta in ((before, -1), (after, +1)) if key is not None]
    _apply(bureau_id, changes)


def add_many(hazards: Iterable[Hazard]) -> None:
    """Hazards created in bulk (an import): each key's count raised once."""
    keys: dict[int, dict[tuple, int]] = {}
    for hazard in hazards:
        of_bureau = keys.setdefault(hazard.bureau_id, {})
        key = key_of(hazard)
        of_bureau[key] = of_bureau.get(key, 0) + 1
    for bureau_id, changes in sorted(keys.items()):
        _apply(bureau_id, list(changes.items()))


def rebuild(bureau_ids: Iterable[int]) -> None:
    """Count the districts' hazards again; from now on their counts are read and kept."""
    for bureau_id in bureau_ids:
        with transaction.atomic():
            HazardCount.objects.filter(bureau=bureau_id).delete()
            HazardDistrictCount.objects.filter(bureau=bureau_id).delete()
            rows = [
                dict(row)
                for row in Hazard.objects.filter(bureau=bureau_id)
                .order_by()
                .values(*KEY)
                .annotate(n=Count("id"))
            ]
            HazardCount.objects.bulk_create(
                [
                    HazardCount(bureau_id=bureau_id, count=row["n"], **_key(row, KEY))
                    for row in rows
                ],
                batch_size=1000,
            )
            district: dict[tuple, int] = {}
            for row in rows:
                key = tuple(row[name] for name in DISTRICT_KEY)
                district[key] = district.get(key, 0) + row["n"]
            HazardDistrictCount.objects.bulk_create(
                [
                    HazardDistrictCount(
                        bureau_id=bureau_id, count=n, **dict(zip(DISTRICT_KEY, key, strict=True))
                    )
                    for key, n in district.items()
                ],
                batch_size=1000,
            )
            HazardCountsBuilt.objects.get_or_create(bureau_id=bureau_id)


def _key(row: dict[str, Any], names: tuple[str, ...]) -> dict[str, Any]:
    return {name: row[name] for name in names}


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


def kept_rows(
    user: Any, bureau_id: int | None = None, per_school: bool = False
) -> QuerySet[Any] | None:
    """The kept rows of the user's hazards (of one district of the reach: `bureau_id`), or
    None when they are not kept for every district of the user's reach (one query to find
    out): a school user's `HazardCount` rows, else the districts' `HazardDistrictCount`
    rows (a few thousand for a province), or their schools' rows with `per_school`. Readers
    group them in SQL by area, level, state and supervision."""
    membership = membership_of(user)
    if membership is None or membership.role == Role.DEPT_INSPECTOR:
        return None
    districts = Bureau.objects.filter(in_reach(membership, ""))
    reached = districts.aggregate(n=Count("pk"), built=Count("hazard_counts_built"))
    if not reached["n"] or reached["built"] != reached["n"]:
        return None
    rows: QuerySet[Any]
    if membership.school_id is not None:
        rows = HazardCount.objects.filter(school=membership.school_id)
    else:
        model = HazardCount if per_school else HazardDistrictCount
        rows = model.objects.filter(bureau__in=districts)
    rows = rows.filter(count__gt=0).order_by()
    return rows if bureau_id is None else rows.filter(bureau=bureau_id)


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
        rows = kept_rows(user, per_school="school" in used)
        if rows is not None:
            lookups = {KEPT_FILTERS[name]: value for name, value in used.items()}
            return Total(rows.filter(**lookups).aggregate(n=Sum("count"))["n"] or 0)
    return total(hazards)
