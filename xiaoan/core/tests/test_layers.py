"""Dependencies point down: an app imports only the apps below it (or beside it, without a
cycle), as the architecture notes draw them:

    core ← accounts ← (notifications) ← schools ← {hazards, campaigns, inspections, registers}
         ← {field, reports, assessments} ← {regions, planning} ← api

The imports are read from the source with `ast` (every `import` and `from … import`, inside
functions too, relative ones resolved), not by importing, so a lazy import inside a function
counts like any other. Tests and migrations are left out: they may reach across to set up data.
"""

from __future__ import annotations

import ast
from collections import defaultdict
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[2]

LAYERS: dict[str, int] = {
    "core": 0,
    "accounts": 1,
    "notifications": 2,
    "schools": 3,
    "hazards": 4,
    "risks": 4,
    "campaigns": 4,
    "inspections": 4,
    "registers": 4,
    "field": 5,
    "reports": 5,
    "assessments": 5,
    "schoolfiles": 6,
    "regions": 6,
    "planning": 6,
    "api": 7,
}

# Imports that break the rule today, each with the reason and the way out; remove an entry
# when its import is gone (the tests below then guard it).
KNOWN_EXCEPTIONS: dict[tuple[str, str], str] = {
    # Up: a campaign's reminders call reports.reminders.notify and its demo renders a Word
    # document with reports.exports; notifications belong below the domain apps.
    ("campaigns", "reports"): "campaigns/models.py, campaigns/demo.py",
    # Cycle hazards ⇄ campaigns: a campaign's focus areas are hazards.Area, a hazard's filter
    # and form offer campaigns. The six areas would sit below both (schools or their own app).
    ("campaigns", "hazards"): "campaigns/forms.py, campaigns/demo.py",
    # Cycle hazards ⇄ inspections: the hazard page reads the inspection answer it came from.
    ("hazards", "inspections"): "hazards/views.py",
}


def _module_name(path: Path) -> list[str]:
    parts = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
    return parts[:-1] if parts[-1] == "__init__" else parts


def _imported(path: Path) -> set[str]:
    """Every module named by an import statement of `path`, relative imports resolved."""
    module = _module_name(path)
    package = module if path.name == "__init__.py" else module[:-1]
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package[: len(package) - node.level + 1]
                target = ".".join([*base, *([node.module] if node.module else [])])
            else:
                target = node.module or ""
            names.add(target)
            if target == PACKAGE.name:  # from xiaoan import hazards
                names.update(f"{target}.{alias.name}" for alias in node.names)
    return names


def _app_edges() -> dict[tuple[str, str], set[str]]:
    """(importing app, imported app) → the files that import it."""
    edges: dict[tuple[str, str], set[str]] = defaultdict(set)
    for path in PACKAGE.rglob("*.py"):
        relative = path.relative_to(PACKAGE)
        if len(relative.parts) < 2 or {"tests", "migrations"} & set(relative.parts):
            continue
        app = relative.parts[0]
        for name in _imported(path):
            parts = name.split(".")
            if parts[0] == PACKAGE.name and len(parts) > 1 and parts[1] != app:
                edges[(app, parts[1])].add(str(relative))
    return edges


def test_every_app_has_a_layer():
    apps = {p.parent.name for p in PACKAGE.glob("*/apps.py")}
    assert apps - set(LAYERS) == set()


def test_no_app_imports_an_app_above_it():
    upward = {
        (source, target): sorted(files)
        for (source, target), files in _app_edges().items()
        if source in LAYERS
        and target in LAYERS
        and LAYERS[target] > LAYERS[source]
        and (source, target) not in KNOWN_EXCEPTIONS
    }
    assert upward == {}


def _cycles(edges: set[tuple[str, str]]) -> list[list[str]]:
    graph: dict[str, set[str]] = defaultdict(set)
    for source, target in edges:
        graph[source].add(target)
    found = []

    def walk(node: str, path: list[str]) -> None:
        for nxt in sorted(graph[node]):
            if nxt == path[0]:
                found.append([*path, nxt])
            elif nxt not in path and nxt > path[0]:
                walk(nxt, [*path, nxt])

    for start in sorted(graph):
        walk(start, [start])
    return found


def test_no_import_cycle_between_apps():
    edges = {
        edge
        for edge in _app_edges()
        if edge not in KNOWN_EXCEPTIONS and edge[0] in LAYERS and edge[1] in LAYERS
    }
    assert _cycles(edges) == []


def test_the_cycle_check_finds_a_cycle():
    assert _cycles({("a", "b"), ("b", "c"), ("c", "a")}) == [["a", "b", "c", "a"]]
    assert _cycles({("a", "b"), ("b", "c")}) == []


def test_relative_and_lazy_imports_are_read():
    package = PACKAGE / "registers"
    names = _imported(package / "models" / "surroundings.py")
    assert "xiaoan.hazards.models" in names  # imported inside follow_up()
    assert "xiaoan.registers.models.base" in names  # from .base import …
