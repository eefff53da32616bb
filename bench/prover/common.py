"""Shared helpers of the prover benchmark: paths, JSON-line output, timing, node scripts, medians."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
NODE_DIR = ROOT / "node_oracle"
SNARKJS = NODE_DIR / "node_modules" / ".bin" / "snarkjs"
ENTRY = ROOT / "bench" / "bench_prover.py"  # the command line; child processes run it again
sys.path.insert(0, str(ROOT))


def _emit(record: dict) -> None:
    print(json.dumps(record), flush=True)


def _timed(fn, *args):
    t = time.perf_counter()
    out = fn(*args)
    return out, time.perf_counter() - t


def _node(name: str, source: str, *args: str) -> str:
    script = NODE_DIR / f".bench_{os.getpid()}_{name}"
    script.write_text(source)
    try:
        return subprocess.run(["node", str(script), *args], cwd=NODE_DIR, check=True,
                              capture_output=True, text=True).stdout
    finally:
        script.unlink(missing_ok=True)


def _time_process(cmd: list[str], cwd: Path) -> tuple[float, int, str]:
    """Wall seconds, peak RSS (KiB) via /usr/bin/time, stdout."""
    t = time.perf_counter()
    proc = subprocess.run(["/usr/bin/time", "-f", "PEAK_KB=%M", *cmd], cwd=cwd, capture_output=True, text=True)
    wall = time.perf_counter() - t
    if proc.returncode != 0:
        raise RuntimeError(f"{cmd[:3]} failed: {proc.stderr[-1500:]}")
    peak = int(proc.stderr.rsplit("PEAK_KB=", 1)[1].split()[0])
    return wall, peak, proc.stdout


def _median(values: list[float]) -> float:
    v = sorted(values)
    return v[len(v) // 2] if len(v) % 2 else (v[len(v) // 2 - 1] + v[len(v) // 2]) / 2
