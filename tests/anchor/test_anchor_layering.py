"""zkob.anchor sits beside the pipeline (V2.md): it imports zk and state only, and nothing below imports it."""

from __future__ import annotations

import ast
from pathlib import Path

PKG = Path(__file__).resolve().parents[2] / "zkob"


def _targets(path: Path) -> list[str]:
    package = list(path.relative_to(PKG.parent).with_suffix("").parts[:-1])
    found = []
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            found += [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = package[: len(package) - node.level + 1] if node.level else []
            found.append(".".join(base + (node.module.split(".") if node.module else [])))
    return [t for t in found if t.startswith("zkob")]


def test_anchor_imports_only_zk_and_state():
    bad = [f"{p.name} imports {t}" for p in (PKG / "anchor").rglob("*.py") for t in _targets(p)
           if t.split(".")[1] not in ("zk", "state", "anchor")]
    assert bad == []


def test_zk_and_state_do_not_import_anchor():
    bad = [f"{p.relative_to(PKG)} imports {t}" for layer in ("zk", "state") for p in (PKG / layer).rglob("*.py")
           for t in _targets(p) if t.startswith("zkob.anchor")]
    assert bad == []
