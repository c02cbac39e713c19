"""The packages import each other in one direction only (docs/internals.md, "Layout and ownership").

    gateway ──┬──────────────┐
    actions ──┴─→ replies ──→ knowledge ──→ dalil        gateway ──→ components (bot/components)

A package may import only the packages listed for it below; the tools (bench, scripts) may
import every runtime package; nothing but the tests imports the tests. Imports are read with
`ast`, so those inside functions and under `TYPE_CHECKING` count too.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

import pytest

from dalil.settings import ROOT

RUNTIME = {
    # Rasa's custom components (bot/components), the bottom layer: the engine's venv loads them
    # and has none of the others, so they import nothing of ours. The text folding and the JSON
    # log lines they define serve every layer above, so the two sides never drift apart.
    "components": set(),
    "dalil": {"components"},
    "knowledge": {"dalil", "components"},
    "replies": {"knowledge", "dalil", "components"},
    "actions": {"replies", "knowledge", "dalil", "components"},
    "gateway": {"replies", "knowledge", "dalil", "components"},
}
TOOLS = {"bench": {*RUNTIME}, "bot_scripts": {*RUNTIME, "bench"}, "scripts": set()}
ALLOWED = {**RUNTIME, **TOOLS}
# Where each package's files are, if not a folder of its name at the root.
FOLDERS = {"components": "bot/components", "bot_scripts": "bot/scripts"}
OURS = {*RUNTIME, "bench", "tests"}

# (file, package it imports) → why it is allowed for now. Keep it empty: an entry is a debt.
EXCEPTIONS: dict[tuple[str, str], str] = {
    (
        "bench/alerts.py",
        "tests",
    ): "the alert benchmark sends through the tests' fake providers (tests/fakes)",
}


def files(package: str) -> Iterator[Path]:
    """Every Python file of `package`."""
    yield from sorted((ROOT / FOLDERS.get(package, package)).rglob("*.py"))


def imports(path: Path) -> Iterator[tuple[int, str]]:
    """(line, `module` or `module.name`) of every import in `path`, absolute ones only."""
    for node in ast.walk(ast.parse(path.read_text("utf-8"), str(path))):
        if isinstance(node, ast.Import):
            yield from ((node.lineno, alias.name) for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            # `from knowledge import bench` imports the module knowledge.bench, perhaps.
            yield from ((node.lineno, f"{node.module}.{alias.name}") for alias in node.names)


def upward_imports(package: str) -> list[str]:
    """`file:line -> module` for each import of ours that `package` may not make."""
    found = []
    for path in files(package):
        relative = str(path.relative_to(ROOT))
        for line, module in imports(path):
            top = module.split(".")[0]
            allowed = top not in OURS or top == package or top in ALLOWED[package]
            if not allowed and (relative, top) not in EXCEPTIONS:
                found.append(f"{relative}:{line} -> {module}")
    return found


def test_the_scan_finds_the_imports() -> None:
    """The scan sees each package's files and their imports, in functions too."""
    gateway = {module for path in files("gateway") for _line, module in imports(path)}
    assert {"knowledge.db.make_engine", "replies.responses.render_response"} <= gateway
    bench = {module for path in files("bench") for _line, module in imports(path)}
    assert "bench.devstack.latest_model" in bench  # imported inside a function


@pytest.mark.parametrize("package", sorted(ALLOWED))
def test_imports_point_down_only(package: str) -> None:
    """A package imports only the layers below it."""
    assert upward_imports(package) == []


@pytest.mark.parametrize(("path", "package"), sorted(EXCEPTIONS))
def test_every_exception_is_still_needed(path: str, package: str) -> None:
    """An exception whose import is gone is removed from the list."""
    owner = next(p for p in ALLOWED if path.startswith(FOLDERS.get(p, p) + "/"))
    tops = {module.split(".")[0] for _line, module in imports(ROOT / path)}
    assert package in tops and package not in ALLOWED[owner]
