"""The layers import downward only (docs/architecture.md#layers): checked on the source, so a
shortcut through a lower layer fails here rather than in review."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

# package -> top-level modules it must not import
FORBIDDEN = {
    "domain": {
        "telegram",
        "sqlalchemy",
        "aiohttp",
        "locales",
        "storage",
        "services",
        "handlers",
        "conversations",
        "runtime",
        "jobs",
        "config",
    },
    "handlers": {"storage", "sqlalchemy.orm", "sqlalchemy.ext"},
    "storage": {"telegram", "handlers", "conversations", "services", "jobs"},
    "services": {"handlers", "telegram.ext"},
}


def _imports(path: Path) -> set[str]:
    """Every module a file imports (absolute imports), at module level or inside functions."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module)
    return found


def _violations(package: str, forbidden: set[str]) -> list[str]:
    bad = []
    for path in sorted((ROOT / package).rglob("*.py")):
        for module in _imports(path):
            if any(module == f or module.startswith(f"{f}.") for f in forbidden):
                bad.append(f"{path.relative_to(ROOT)} imports {module}")
    return bad


@pytest.mark.parametrize("package", sorted(FORBIDDEN))
def test_a_layer_imports_nothing_above_or_beside_it(package: str) -> None:
    assert _violations(package, FORBIDDEN[package]) == []


def test_the_checker_sees_a_forbidden_import(tmp_path: Path) -> None:
    module = tmp_path / "m.py"
    module.write_text("def f():\n    from storage.uow import UnitOfWork\n", encoding="utf-8")
    assert "storage.uow" in _imports(module)
