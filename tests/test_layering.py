"""Imports point down the layers of coord V2 / docs/protocol.md section 1, and the light verifier stays light.

    zk  <  state  <  circuits  <  pipeline  <  node  <  cli
                                  anchor (beside pipeline: imports state, zk)

Layers that do not exist yet (anchor, node) are listed so the packages that
add them fit without editing this test.
"""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

PKG = Path(__file__).resolve().parent.parent / "zkob"
#: layer -> the layers it may import (besides itself)
MAY_IMPORT = {
    "zk": set(),
    "state": {"zk"},
    "circuits": {"state", "zk"},
    "pipeline": {"circuits", "state", "zk"},
    "anchor": {"state", "zk"},
    "node": {"pipeline", "anchor", "circuits", "state", "zk"},
    "cli": {"node", "pipeline", "anchor", "circuits", "state", "zk"},
}
LAYERS = list(MAY_IMPORT)


def _layer_of_module(parts: list[str]) -> str | None:
    if len(parts) >= 2 and parts[0] == "zkob" and parts[1] in LAYERS:
        return parts[1]
    return None


def _imports(path: Path) -> list[list[str]]:
    rel = path.relative_to(PKG.parent).with_suffix("").parts
    package = list(rel[:-1]) if path.name != "__init__.py" else list(rel[:-1])
    found = []
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            found += [alias.name.split(".") for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package[: len(package) - node.level + 1]
                target = base + (node.module.split(".") if node.module else [])
            else:
                target = (node.module or "").split(".")
            found.append(target)
    return found


def test_every_package_is_a_layer():
    packages = {p.name for p in PKG.iterdir() if p.is_dir() and (p / "__init__.py").exists()}
    assert packages <= set(LAYERS), f"place {sorted(packages - set(LAYERS))} in MAY_IMPORT"


def test_imports_only_point_down():
    upward = []
    for path in PKG.rglob("*.py"):
        own = _layer_of_module(list(path.relative_to(PKG.parent).parts))
        if own is None:
            continue
        for target in _imports(path):
            other = _layer_of_module(target)
            if other is not None and other != own and other not in MAY_IMPORT[own]:
                upward.append(f"{path.relative_to(PKG.parent)} imports {'.'.join(target)}")
    assert upward == []


def test_pipeline_neither_prints_nor_imports_the_cli_libraries():
    """pipeline/ reports progress through a callback; click and rich belong to cli/."""
    found = []
    for path in (PKG / "pipeline").rglob("*.py"):
        tree = ast.parse(path.read_text(), str(path))
        found += [f"{path.name} imports {'.'.join(t)}" for t in _imports(path) if t[0] in ("click", "rich")]
        found += [f"{path.name} calls print" for node in ast.walk(tree)
                  if isinstance(node, ast.Call) and getattr(node.func, "id", None) == "print"]
    assert found == []


def test_poseidon_and_field_import_without_numpy_or_numba():
    code = (
        "import sys, zkob.zk.field, zkob.zk.poseidon, zkob.zk.r1cs;"
        "bad = [m for m in ('numpy', 'numba', 'galois') if m in sys.modules];"
        "print(','.join(bad))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == ""
