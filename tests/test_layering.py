"""Imports point down (cli -> circuits -> state -> zk) and the light verifier stays light."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

PKG = Path(__file__).resolve().parent.parent / "zkob"
LAYERS = ["zk", "state", "circuits", "cli"]  # lower index = lower layer


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


def test_imports_only_point_down():
    upward = []
    for path in PKG.rglob("*.py"):
        own = _layer_of_module(list(path.relative_to(PKG.parent).parts))
        if own is None:
            continue
        for target in _imports(path):
            other = _layer_of_module(target)
            if other is not None and LAYERS.index(other) > LAYERS.index(own):
                upward.append(f"{path.relative_to(PKG.parent)} imports {'.'.join(target)}")
    assert upward == []


def test_poseidon_and_field_import_without_numpy_or_numba():
    code = (
        "import sys, zkob.zk.field, zkob.zk.poseidon, zkob.zk.r1cs;"
        "bad = [m for m in ('numpy', 'numba', 'galois') if m in sys.modules];"
        "print(','.join(bad))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == ""
