"""Shared fixtures: the node oracle (snarkjs, circomlibjs from node_oracle/)."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
NODE_DIR = ROOT / "node_oracle"


class NodeOracle:
    """Runs node scripts inside node_oracle/ so they resolve its pinned packages."""

    def __init__(self, directory: Path):
        self.directory = directory

    def run_js(self, source: str, *args: str, timeout: float = 600) -> str:
        """Run an ES module given as source text; return its stdout (raises on failure)."""
        script = self.directory / f".zkob_test_{os.getpid()}_{abs(hash(source))}.mjs"
        script.write_text(source)
        try:
            proc = subprocess.run(
                ["node", str(script), *args], cwd=self.directory,
                capture_output=True, text=True, timeout=timeout,
            )
        finally:
            script.unlink(missing_ok=True)
        if proc.returncode != 0:
            raise RuntimeError(f"node failed ({proc.returncode}): {proc.stderr[-2000:]}")
        return proc.stdout

    def json(self, source: str, *args: str) -> object:
        return json.loads(self.run_js(source, *args))

    def snarkjs(self, *args: str, timeout: float = 1200) -> subprocess.CompletedProcess:
        """Run the snarkjs CLI; returns the completed process (check returncode yourself)."""
        binary = self.directory / "node_modules" / ".bin" / "snarkjs"
        return subprocess.run(
            ["node", str(binary), *args], cwd=self.directory,
            capture_output=True, text=True, timeout=timeout,
        )


@pytest.fixture(scope="session")
def node() -> NodeOracle:
    """The node oracle. In CI (CI=true) a missing install is an error, locally a skip."""
    ready = shutil.which("node") and (NODE_DIR / "node_modules" / "snarkjs").is_dir() \
        and (NODE_DIR / "node_modules" / "circomlibjs").is_dir()
    if not ready:
        message = "node_oracle is not installed: run `npm ci --prefix node_oracle`"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    return NodeOracle(NODE_DIR)


@pytest.fixture(scope="session")
def walkthrough_keys(tmp_path_factory) -> Path:
    """Development keys for the on-chain walkthrough's parameters (zkob/cli/anchor_flow.py), made once.

    The anchor tests and the CLI walk in tests/security both run `zkob anchor demo`'s steps;
    setup is its slowest part, so they share these keys.
    """
    from zkob.cli.anchor_flow import PARAMS
    from zkob.pipeline.setup import make_keys

    keys = tmp_path_factory.mktemp("walkthrough-keys")
    make_keys(PARAMS, keys)
    return keys


@pytest.fixture(scope="session")
def snarkjs_ptau(node, tmp_path_factory) -> Path:
    """A prepared Powers of Tau of power 8 made by snarkjs itself (new, one contribution, prepare phase2).

    Made once per session (about 10 s); the .zkey interop tests read it.
    """
    d = tmp_path_factory.mktemp("snarkjs_ptau")
    steps = [("powersoftau", "new", "bn128", "8", str(d / "p0.ptau")),
             ("powersoftau", "contribute", str(d / "p0.ptau"), str(d / "p1.ptau"), "--name=tests", "-e=zkob tests"),
             ("powersoftau", "prepare", "phase2", str(d / "p1.ptau"), str(d / "p8.ptau"))]
    for args in steps:
        res = node.snarkjs(*args)
        assert res.returncode == 0, (args, res.stdout[-500:], res.stderr[-500:])
    return d / "p8.ptau"
