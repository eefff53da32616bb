"""Proofs made in a child process, so the node's interpreter keeps the HTTP loop and the sequencer.

The witness computation and parts of the prover are pure Python: in the
node's own process a proof holds the GIL for most of its 10-30 s and the
sequencer and the HTTP handlers get a fraction of the interpreter.
``ProcessProvers`` (the Provers protocol of pipeline/cluster.py) runs
one child process (multiprocessing "spawn": no fork of a threaded
process) that loads the prover once (kernels, proving key, circuit) and
then proves one trace per request on a pipe:

    parent (proof thread)  --("prove", trace)-->  child: prove_trace  --("ok", proof) | ("error", text)-->

``submit`` only records the trace (the sequencer thread never blocks on
the pipe); ``result``, called by Publisher's proof thread in height
order, sends it and waits. So proofs are made and published strictly in
order, one at a time (``slots = 1``, as LocalProvers).

**A crash** (the child killed, out of memory, a segfault in a kernel)
shows as a closed pipe: it is logged as an error, counted in
``crashes``, and the child is restarted and the same trace proved again,
up to ``retries`` times in a row; then ``result`` raises ProverCrashed,
which Publisher reports in the status (nothing is lost: the batch stays
in the log and restarting the node proves it again). A proof that fails
in the child (a ZkobError there) is not retried: it is answered as one.

**Stopping.** ``close`` terminates the child (SIGTERM, then SIGKILL
after a grace period) and reaps it, so a node stopped by SIGTERM leaves
no process behind. A node killed with SIGKILL cannot do that: the child
watches its parent and exits when the parent is gone (within a second
when idle or proving).

Cost: one process start and prover load (the same as in-process, off the
node's interpreter), then a pickled trace (a few hundred KB) per batch.
"""

from __future__ import annotations

import logging
import multiprocessing
import os
import signal
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

from ..state.params import Params
from ..zk.errors import ZkobError

log = logging.getLogger("zkob.node")
GRACE = 5.0  # seconds a terminated child gets before SIGKILL


class ProverCrashed(ZkobError):
    """The prover process died on the same batch more times than the retries allow."""


@dataclass
class Job:
    number: int
    trace: Any


def watch_parent(parent: int) -> None:
    """In the child: exit as soon as the parent process is gone (it was killed: nobody waits for us)."""
    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(0.5)
        os._exit(0)

    threading.Thread(target=watch, name="zkob-parent-watch", daemon=True).start()


def serve_proofs(conn: Connection, parent: int, params: Params, keys_dir: Path, backend: str) -> None:
    """The child's loop: load the prover once, then answer ("load",) and ("prove", trace) requests."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C reaches the whole group: the parent decides
    watch_parent(parent)
    from ..pipeline.prove import load_prover, prove_trace

    prover = None
    while True:
        try:
            request = conn.recv()
        except (EOFError, OSError):
            return
        try:
            if prover is None:
                prover = load_prover(params, keys_dir, backend)
            answer: tuple = ("ok", None if request[0] == "load" else prove_trace(prover, request[1]))
        except ZkobError as exc:
            answer = ("error", str(exc))
        except Exception as exc:  # a bug in the prover: answered as a failure, the child lives on
            answer = ("error", f"{type(exc).__name__}: {exc}")
        conn.send(answer)


class ProcessProvers:
    """One prover child process; ``result`` proves in it, restarting it after a crash (see module doc)."""

    slots = 1

    def __init__(self, params: Params, keys_dir: Path, backend: str = "auto", retries: int = 2,
                 target: Callable[..., None] = serve_proofs):
        self.params, self.keys_dir, self.backend = params, keys_dir, backend
        self.retries, self.target = retries, target
        self.context = multiprocessing.get_context("spawn")
        self.process: Any = None  # multiprocessing's SpawnProcess
        self.conn: Connection | None = None
        self.crashes = 0
        self.closing = False
        self.lock = threading.Lock()  # one request on the pipe at a time; close waits for none

    @property
    def pid(self) -> int | None:
        return None if self.process is None else self.process.pid

    def load(self) -> None:
        """Start the child and load the prover in it (the first batch then does not wait for it)."""
        self._ask(("load",), "loading the prover")

    def submit(self, number: int, trace: Any) -> Job:
        return Job(number, trace)

    def result(self, handle: Job) -> Any:
        """The proof of ``handle``'s trace, made in the child; ZkobError on a failed proof or too many crashes."""
        return self._ask(("prove", handle.trace), f"proving batch {handle.number}")

    def cancel(self, handles: Sequence[Any]) -> None:
        return None

    def close(self) -> None:
        """Terminate and reap the child (a proof in progress is abandoned; the log keeps its batch)."""
        self.closing = True
        process = self.process
        if process is None:
            return
        if process.is_alive():
            process.terminate()
            process.join(GRACE)
            if process.is_alive():
                process.kill()
        process.join(GRACE)
        if self.conn is not None:
            self.conn.close()

    def _ask(self, request: tuple, what: str) -> Any:
        with self.lock:
            failures = 0
            while True:
                if self.closing:
                    raise ZkobError(f"{what}: the node is stopping")
                self._ensure_child()
                assert self.conn is not None
                try:
                    self.conn.send(request)
                    answer = self.conn.recv()
                except (EOFError, OSError, BrokenPipeError):
                    if self.closing:
                        raise ZkobError(f"{what}: the node is stopping") from None
                    failures += 1
                    self.crashes += 1
                    code = self._reap()
                    log.error("the prover process died while %s (exit code %s; crash %d in a row)",
                              what, code, failures)
                    if failures > self.retries:
                        raise ProverCrashed(f"the prover process died {failures} times in a row while {what}"
                                            f" (last exit code {code})") from None
                    log.info("restarting the prover process and %s again", what)
                    continue
                if answer[0] == "error":
                    raise ZkobError(answer[1])
                return answer[1]

    def _ensure_child(self) -> None:
        if self.process is not None and self.process.is_alive():
            return
        if self.process is not None:
            self._reap()
        parent_end, child_end = self.context.Pipe()
        self.process = self.context.Process(
            target=self.target, name="zkob-prover", daemon=True,
            args=(child_end, os.getpid(), self.params, self.keys_dir, self.backend))
        self.process.start()
        child_end.close()
        self.conn = parent_end
        log.info("prover process started (pid %d)", self.process.pid)

    def _reap(self) -> int | None:
        """Join the dead (or dying) child; its exit code."""
        process, self.process = self.process, None
        if self.conn is not None:
            self.conn.close()
            self.conn = None
        if process is None:
            return None
        process.join(GRACE)
        if process.is_alive():
            process.kill()
            process.join(GRACE)
        return process.exitcode
