"""Inserting many rows at once, for the imports (`core.imports.bulk_write`, the accounts a
school registry opens).

`insert_rows` writes what `bulk_create` writes — each value prepared by its field as
`bulk_create` prepares it (`pre_save` as for an insert, then `get_db_prep_save`), in
multi-row `INSERT … VALUES` statements (on PostgreSQL `INSERT … SELECT * FROM UNNEST(…)`,
one array a column, as Django's own), the new ids read back with `RETURNING` where asked —
without building an ORM query per batch. Django's query compiler spends some 10 µs on each
value, which for a registry of 10,000 schools with their accounts and change-log rows
(700,000 values) was most of the import's time. No signals are sent, as with `bulk_create`.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.db import connections, models, router

# Rows per statement at most (SQLite binds at most 999 values a statement: fewer there).
BATCH = 500


def insert_rows(
    model: type[models.Model], objs: Sequence[models.Model], *, returning_ids: bool = False
) -> None:
    """Insert the unsaved `objs` of `model` (an automatic primary key; no database defaults
    or generated columns), inside the caller's transaction. With `returning_ids`, each object
    gets its new id, and is then saved (not `adding`) as after `bulk_create`."""
    if not objs:
        return
    meta = model._meta
    connection = connections[router.db_for_write(model) or "default"]
    fields = [f for f in meta.concrete_fields if f is not meta.pk]
    quote = connection.ops.quote_name
    size = max(1, min(BATCH, connection.ops.bulk_batch_size(fields, objs)))
    columns = ", ".join(quote(str(f.column)) for f in fields)
    head = f"INSERT INTO {quote(meta.db_table)} ({columns}) "
    tail = ""
    if returning_ids:
        # SQLite's and PostgreSQL's operations have it (`RETURNING "table"."id"`).
        ops: Any = connection.ops
        returning, _params = ops.return_insert_columns([meta.pk])
        tail = f" {returning}"
    by_column = connection.vendor == "postgresql"
    with connection.cursor() as cursor:
        for start in range(0, len(objs), size):
            chunk = objs[start : start + size]
            rows = [[_value(field, obj, connection) for field in fields] for obj in chunk]
            if by_column:
                # One array a column (as Django's own bulk insert on PostgreSQL): a dozen
                # placeholders, where a VALUES list has thousands for the driver to parse.
                arrays = ", ".join(f"(%s)::{_array_type(f, connection)}" for f in fields)
                sql, params = (
                    f"SELECT * FROM UNNEST({arrays})",
                    [list(c) for c in zip(*rows, strict=True)],
                )
            else:
                row = "(" + ", ".join(["%s"] * len(fields)) + ")"
                sql, params = (
                    "VALUES " + ", ".join([row] * len(chunk)),
                    [v for r in rows for v in r],
                )
            cursor.execute(head + sql + tail, params)
            if returning_ids:
                for obj, (pk,) in zip(chunk, cursor.fetchall(), strict=True):
                    obj.pk = pk
                    obj._state.adding = False
                    obj._state.db = connection.alias


def _array_type(field: Any, connection: Any) -> str:
    """The column's type as an array (`varchar[]`, no length: nothing is cut)."""
    return f"{field.db_type(connection).split('(')[0]}[]"


def _value(field: Any, obj: models.Model, connection: Any) -> Any:
    return field.get_db_prep_save(field.pre_save(obj, True), connection=connection)
