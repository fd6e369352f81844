"""Run every benchmark module of this package on a scratch database.

`python -m benchmarks [MODULE …]` runs the modules named (default: all). The scratch database
is SQLite in a temporary directory (unless DATABASE_URL is set), so a benchmark never touches
the demo database. With `BENCH_DATABASE_URL=postgres://…/xiaoan_bench` it is that PostgreSQL
database instead, created for the run and dropped after it (`BENCH_KEEP=1` keeps it). Its name
must contain "bench"; one that exists already is dropped first only if a benchmark created it
(its comment says so), else the run stops.
"""

from __future__ import annotations

import importlib
import os
import pkgutil
import sys
import tempfile
from collections.abc import Callable
from typing import Any

MARK = "xiaoan benchmark scratch database"


def scratch_postgres(url: str) -> Callable[[], None]:
    """Create the scratch database named by `url` (dropped first if it exists) and point the
    run at it; returns what drops it again."""
    import dj_database_url
    import psycopg

    config = dj_database_url.parse(url)
    name = config["NAME"]
    if "bench" not in name:
        raise SystemExit(
            f"BENCH_DATABASE_URL names {name!r}: a scratch database's name has 'bench'"
        )
    server: dict[str, Any] = {
        "host": config["HOST"] or None,
        "port": config["PORT"] or None,
        "user": config["USER"] or None,
        "password": config["PASSWORD"] or None,
        "dbname": "postgres",
    }

    def run(sql: str) -> None:
        with psycopg.connect(**server, autocommit=True) as connection:
            connection.execute(sql)

    with psycopg.connect(**server) as connection:
        found = connection.execute(
            "SELECT shobj_description(oid, 'pg_database') FROM pg_database WHERE datname = %s",
            [name],
        ).fetchone()
    if found is not None and found[0] != MARK:
        raise SystemExit(f"database {name!r} exists and no benchmark made it: left alone")
    run(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    run(f'CREATE DATABASE "{name}"')
    run(f"COMMENT ON DATABASE \"{name}\" IS '{MARK}'")
    os.environ["DATABASE_URL"] = url

    def drop() -> None:
        from django.db import connections

        connections.close_all()
        if os.environ.get("BENCH_KEEP") != "1":
            run(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

    return drop


def main() -> int:
    scratch = tempfile.TemporaryDirectory(prefix="xiaoan-bench-")
    drop = scratch.cleanup
    if url := os.environ.get("BENCH_DATABASE_URL"):
        drop = scratch_postgres(url)
        scratch.cleanup()
    os.environ.setdefault("DATABASE_URL", f"sqlite:///{scratch.name}/bench.sqlite3")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "xiaoan.settings")
    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", verbosity=0)
    import benchmarks

    names = [
        m.name for m in pkgutil.iter_modules(benchmarks.__path__) if not m.name.startswith("_")
    ]
    # `python -m benchmarks ledger_import pages` runs only the modules named.
    wanted = sys.argv[1:] or names
    try:
        for name in sorted(n for n in names if n in wanted):
            module = importlib.import_module(f"benchmarks.{name}")
            print(f"== {name}")
            module.run()
    finally:
        drop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
