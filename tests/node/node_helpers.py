"""Shared by the node tests: parameters, users' keys, signed ops, a sequencer in this process, a node process.

The parameters are the session's walkthrough keys' (zkob/cli/anchor_flow.PARAMS:
a tiny v2 spot venue, 3/3/2, K = 4, no derivatives slot, a fixed venue id),
so the tests that prove reuse tests/conftest.py's ``walkthrough_keys``.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx

from zkob.cli.anchor_flow import PARAMS as WALKTHROUGH_PARAMS
from zkob.node.log import NodeLog
from zkob.node.protocol import parse_deposit, parse_draft, op_json, sign_user_op
from zkob.node.sequencer import Sequencer
from zkob.state.api import create_state
from zkob.zk.eddsa import private_to_public, public_key_to_json

PARAMS = WALKTHROUGH_PARAMS
KEYS = {a: bytes([a]) * 32 for a in range(1, 8)}
BASE, QUOTE = 1, 2


def deposit(account: int, asset: int, amount: int, create: bool = True) -> dict:
    op: dict = {"op": "deposit", "account": account, "asset": asset, "amount": amount}
    if create:
        op["pubkey"] = public_key_to_json(private_to_public(KEYS[account]))
    return op


def signed(draft: dict, nonce: int, key: bytes | None = None) -> dict:
    """``draft`` signed by its account's key (or ``key``) at ``nonce`` for the tests' venue."""
    op = parse_draft(draft)
    return op_json(sign_user_op(op, key or KEYS[draft["account"]], nonce, PARAMS.config.venue_id))


def place(order: int, account: int, side: str, price: int, qty: int) -> dict:
    return {"op": "place", "order": order, "account": account, "base": BASE, "quote": QUOTE, "side": side,
            "price": price, "qty": qty}


class Clock:
    def __init__(self, start: float = 1_800_000_000.0):
        self.t = start

    def __call__(self) -> float:
        return self.t


def sequencer(directory: Path, batch_ops: int = 4, batch_seconds: float = 1000.0, clock: Clock | None = None,
              create: bool = True) -> tuple[Sequencer, list]:
    """A sequencer over a state in ``directory`` (created), its cut batches collected in a list."""
    from zkob.state.api import open_state

    state = create_state(directory, PARAMS) if create else open_state(directory)
    cuts: list = []
    seq = Sequencer(state, NodeLog(directory), batch_ops, batch_seconds, cuts.append, clock or Clock())
    cuts.extend(seq.recover(lambda height: False))
    return seq, cuts


def fund(seq: Sequencer, accounts=(1, 2), base: int = 100, quote: int = 10_000) -> None:
    for a in accounts:
        seq.handle("deposits", [parse_deposit(deposit(a, BASE, base)), parse_deposit(deposit(a, QUOTE, quote, False))])


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class NodeProcess:
    """`zkob serve` in a subprocess on a free loopback port; ``kill`` (SIGKILL) or ``stop`` (SIGTERM)."""

    def __init__(self, directory: Path, keys: Path, *extra: str, log: Path | None = None):
        self.directory, self.keys, self.extra = directory, keys, extra
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log = log or directory.with_name(directory.name + ".log")
        self.proc: subprocess.Popen | None = None

    def start(self, timeout: float = 120.0) -> NodeProcess:
        env = dict(os.environ, ZKOB_OPERATOR_TOKEN="op-token", ZKOB_REPLICA_TOKEN="replica-token")
        handle = open(self.log, "ab")
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "zkob.cli.main", "serve", str(self.directory), "--keys", str(self.keys),
             "--port", str(self.port), *self.extra], stdout=handle, stderr=subprocess.STDOUT, env=env)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise AssertionError(f"node exited {self.proc.returncode}: {self.log.read_text()[-2000:]}")
            try:
                httpx.get(f"{self.url}/v1/status", timeout=2).raise_for_status()
                return self
            except httpx.HTTPError:
                time.sleep(0.2)
        raise AssertionError(f"node did not start: {self.log.read_text()[-2000:]}")

    def kill(self) -> None:
        assert self.proc is not None
        self.proc.send_signal(signal.SIGKILL)
        self.proc.wait(30)

    def stop(self) -> int:
        assert self.proc is not None
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(60)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(30)
        return self.proc.returncode


def children(pid: int) -> list[int]:
    """The live child processes of ``pid`` (from /proc: Linux)."""
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[1]) == pid and fields[0] not in "ZX":
                found.append(int(entry.name))
    return found


def running(pid: int) -> bool:
    """Whether ``pid`` is a live process (a zombie is not)."""
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state not in "ZX"


def wait_gone(pids: list[int], timeout: float = 15.0) -> list[int]:
    """Wait until none of ``pids`` runs; those still running at the timeout."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline and any(running(p) for p in pids):
        time.sleep(0.2)
    return [p for p in pids if running(p)]


def wait_published(url: str, height: int, timeout: float = 600.0) -> dict:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        status = httpx.get(f"{url}/v1/status", timeout=30).json()
        if status["height"] >= height:
            return status
        assert not status["prover"].startswith("failed"), status
        time.sleep(0.5)
    raise AssertionError(f"batch {height} not published in {timeout} s: {status}")
