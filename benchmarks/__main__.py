"""Run every benchmark module of this package on a scratch SQLite database.

`python -m benchmarks [MODULE …]` runs the modules named (default: all). The scratch database lives in a temporary directory (unless DATABASE_URL is set), so a
benchmark never touches the demo database.
"""

from __future__ import annotations

import importlib
import os
import pkgutil
import sys
import tempfile


def main() -> int:
    scratch = tempfile.TemporaryDirectory(prefix="xiaoan-bench-")
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
    for name in sorted(n for n in names if n in wanted):
        module = importlib.import_module(f"benchmarks.{name}")
        print(f"== {name}")
        module.run()
    scratch.cleanup()
    return 0


if __name__ == "__main__":
    sys.exit(main())
