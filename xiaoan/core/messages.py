"""`make messages`: refresh every app's .po files (zh_Hans and en) and compile them.

Each app keeps its own `locale/`, so apps never edit each other's catalogues; the project's
`xiaoan/locale/` holds the strings of the shared templates (base.html, home.html, includes).
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent.parent
LANGUAGES = ["zh_Hans", "en"]


def run(cwd: Path, *extra: str) -> None:
    command = [sys.executable, "-m", "django", "makemessages", "--no-obsolete", "--no-location"]
    for language in LANGUAGES:
        command += ["-l", language]
    subprocess.run([*command, *extra], cwd=cwd, check=True, stdout=subprocess.DEVNULL)


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "xiaoan.settings")
    apps = sorted(p.parent for p in PACKAGE.glob("*/locale") if p.is_dir())
    for app in apps:
        run(app)
    run(PACKAGE, *[arg for app in apps for arg in ("-i", app.name)])
    subprocess.run(
        [sys.executable, "-m", "django", "compilemessages"],
        cwd=PACKAGE,
        check=True,
        stdout=subprocess.DEVNULL,
    )


if __name__ == "__main__":
    main()
