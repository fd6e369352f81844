"""Trigram indexes for the ledger's text search, on PostgreSQL only.

The search is `UPPER(col) LIKE UPPER('%q%')` (Django's icontains); a GIN index of
`UPPER(col)` with pg_trgm's operator class answers it and the count after it. SQLite has
no such index: there the same query reads the rows, correct and slower. The indexes are
not in the model's Meta (a GinIndex cannot be created on SQLite), so they are made here,
by name, when the database is PostgreSQL.
"""

from django.contrib.postgres.operations import TrigramExtension
from django.db import migrations

INDEXES = {
    "hazard_description_trgm_idx": "description",
    "hazard_location_trgm_idx": "location",
}


def create_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name, column in INDEXES.items():
        schema_editor.execute(
            f'CREATE INDEX IF NOT EXISTS "{name}" ON "hazards_hazard" '
            f'USING gin ((UPPER("{column}"::text)) gin_trgm_ops)'
        )


def drop_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name in INDEXES:
        schema_editor.execute(f'DROP INDEX IF EXISTS "{name}"')


class Migration(migrations.Migration):
    dependencies = [
        ("hazards", "0010_hazard_event_imported"),
    ]

    operations = [
        # Skips itself on other databases.
        TrigramExtension(),
        migrations.RunPython(create_indexes, drop_indexes),
    ]
