"""Compile Solidity with solc-js (npm ``solc``, pinned in node_oracle/package.json).

solc-js ships the compiler inside the npm package (soljson.js, Emscripten),
so compiling needs node and ``npm ci --prefix node_oracle`` and nothing
from the network. ``compile_sources`` runs one node process with solc's
standard JSON (optimizer on, 200 runs, EVM version cancun, which py-evm's
CancunVM runs) and returns each contract's ABI, creation code and
selectors. About 1-3 s per call; callers compile everything they need
at once.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..zk.errors import MalformedInput

EVM_VERSION = "cancun"
OPTIMIZER_RUNS = 200
_SCRIPT = """
const solc = require('solc');
let input = '';
process.stdin.on('data', d => { input += d; });
process.stdin.on('end', () => {
  process.stdout.write(JSON.stringify({version: solc.version(), output: JSON.parse(solc.compile(input))}));
});
"""


class CompileError(MalformedInput):
    """solc refused the sources (its first error is in the message) or could not run."""

    def __init__(self, detail: str):
        super().__init__("solidity", detail)


@dataclass(frozen=True)
class Artifact:
    """One compiled contract."""

    name: str
    abi: tuple[dict[str, Any], ...]
    bytecode: bytes                  # creation code (constructor arguments are appended to it)
    runtime_size: int
    selectors: dict[str, str]        # canonical signature -> 8 hex digits


def node_oracle_dir() -> Path:
    """node_oracle/ of this checkout, or $ZKOB_NODE_ORACLE."""
    env = os.environ.get("ZKOB_NODE_ORACLE")
    return Path(env) if env else Path(__file__).resolve().parents[2] / "node_oracle"


def solc_version(directory: Path | None = None) -> str:
    return str(_run({"language": "Solidity", "sources": {}}, directory)["version"])


def _run(standard_json: dict[str, Any], directory: Path | None) -> dict[str, Any]:
    directory = directory or node_oracle_dir()
    modules = directory / "node_modules"
    if not (modules / "solc").is_dir() or shutil.which("node") is None:
        raise CompileError(f"solc-js is not installed: run `npm ci --prefix {directory}`")
    env = dict(os.environ, NODE_PATH=str(modules))
    proc = subprocess.run(["node", "-e", _SCRIPT], input=json.dumps(standard_json), text=True,
                          capture_output=True, env=env, timeout=600)
    if proc.returncode != 0:
        raise CompileError(f"node failed: {proc.stderr.strip()[-500:]}")
    result: dict[str, Any] = json.loads(proc.stdout)
    return result


def compile_sources(sources: dict[str, str], directory: Path | None = None) -> dict[str, Artifact]:
    """Compile ``{file name: source}``; returns artifacts by contract name (names must be unique)."""
    standard = {
        "language": "Solidity",
        "sources": {name: {"content": text} for name, text in sources.items()},
        "settings": {
            "optimizer": {"enabled": True, "runs": OPTIMIZER_RUNS},
            "evmVersion": EVM_VERSION,
            "outputSelection": {"*": {"*": ["abi", "evm.bytecode.object", "evm.deployedBytecode.object",
                                            "evm.methodIdentifiers"]}},
        },
    }
    output = _run(standard, directory)["output"]
    errors = [e for e in output.get("errors", []) if e.get("severity") == "error"]
    if errors:
        raise CompileError(errors[0].get("formattedMessage", errors[0].get("message", "error")).strip())
    artifacts: dict[str, Artifact] = {}
    for contracts in output.get("contracts", {}).values():
        for name, c in contracts.items():
            if name in artifacts:
                raise CompileError(f"two contracts named {name}")
            artifacts[name] = Artifact(
                name=name, abi=tuple(c["abi"]), bytecode=bytes.fromhex(c["evm"]["bytecode"]["object"]),
                runtime_size=len(c["evm"]["deployedBytecode"]["object"]) // 2,
                selectors=dict(c["evm"]["methodIdentifiers"]),
            )
    return artifacts
