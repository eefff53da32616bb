"""Proving the cut batches in order and publishing them: DIR/batches/NNNNNN/, then the state advances.

The sequencer hands each cut batch (already traced on the pending state)
to ``Publisher.cut``, which submits it to the provers (a child process
that keeps the prover loaded: provers.py, or a Dask cluster:
pipeline/cluster_client.py). A proof thread waits for the
proofs strictly in height order, checks each against KEYS's verification
key (never trusting the process or machine that made it; in this thread,
so a slow or first-time pairing never stalls sequencing) and passes it
back to the sequencer's thread, which writes DIR/batches/NNNNNN/ whole (then
renamed into place, pipeline/cluster_outroot.py) and commits the batch to
the state (``Pending.commit_oldest``, roots compared first). A crash
between the write and the commit is repaired at start-up by replaying
the written batch from its files against its public.json.

A prover process that dies is restarted and the batch proved again
(provers.py; logged, counted in the status). A proof that fails, or a
prover that keeps dying, stops publishing (the status says why) while
sequencing goes on; restarting the node proves again from the log.
"""

from __future__ import annotations

import logging
import queue
import threading
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from ..pipeline.cluster import LocalProvers, Provers
from ..pipeline.cluster_outroot import step_dir, write_step
from ..pipeline.outputs import BATCH
from ..pipeline.prove import load_prover
from ..pipeline.replay import replay_output
from ..state.state import State
from ..zk.errors import Refused, ZkobError
from ..zk.groth16.data import Proof
from ..zk.groth16.verify import Verdict
from .provers import ProcessProvers
from .sequencer import CutBatch, Sequencer

log = logging.getLogger("zkob.node")


class Publisher:
    """Cut batches -> provers -> checked proofs -> published outputs and a committed state, in order."""

    def __init__(self, state: State, outroot: Path, provers: Provers,
                 check: Callable[[Sequence[int], Proof], Verdict]):
        self.state, self.outroot, self.provers, self.check = state, outroot, provers, check
        self.sequencer: Sequencer | None = None
        self.waiting: queue.Queue[tuple[CutBatch, Any] | None] = queue.Queue()
        self.published = state.height
        self.root = state.root
        self.times: dict[int, int] = {}
        self.failure: str | None = None
        self.changed = threading.Condition()
        self.thread = threading.Thread(target=self._wait_for_proofs, name="zkob-proofs", daemon=True)

    def replay_published(self, height: int) -> bool:
        """At start-up: apply batch ``height`` from DIR/batches if it was written before a crash."""
        directory = step_dir(self.outroot, height)
        if not directory.is_dir() or self.state.height != height - 1:
            return False
        log.info("batch %d was published before the node stopped; applying it from %s", height, directory)
        self.root = replay_output(self.state, directory / BATCH).new_root
        self.published = height
        return True

    def start(self, sequencer: Sequencer, backlog: list[CutBatch]) -> None:
        self.sequencer = sequencer
        self.thread.start()
        for cut in backlog:
            self.cut(cut)

    def cut(self, cut: CutBatch) -> None:
        """Submit a cut batch's proof (called in the sequencer's thread, in height order)."""
        if self.failure is not None:
            return
        self.waiting.put((cut, self.provers.submit(cut.height, cut.trace)))

    def stop(self) -> None:
        self.waiting.put(None)

    def _wait_for_proofs(self) -> None:
        """The proof thread: each proof in order, checked, handed to the sequencer's thread to publish.

        The prover is loaded first (in its process, or in this one for
        LocalProvers: kernels, key, circuit), so the first batch does not
        wait for it.
        """
        try:
            if isinstance(self.provers, ProcessProvers):
                self.provers.load()
                log.info("prover loaded in its process (pid %s)", self.provers.pid)
            elif isinstance(self.provers, LocalProvers) and self.provers.prover is None:
                self.provers.prover = load_prover(self.provers.params, self.provers.keys_dir, self.provers.backend)
                log.info("prover loaded")
        except ZkobError as exc:
            self.failure = f"the prover did not load: {exc}"
            log.error(self.failure)
        while True:
            item = self.waiting.get()
            if item is None:
                return
            cut, handle = item
            try:
                proof: Proof | ZkobError = self.provers.result(handle)
            except ZkobError as exc:
                proof = exc
            except Exception as exc:  # a bug in a prover: published nothing, say so in the status
                proof = ZkobError(f"{type(exc).__name__}: {exc}")
            if not isinstance(proof, ZkobError):
                proof = self._checked(cut, proof)
            assert self.sequencer is not None
            self.sequencer.submit("call", lambda _, c=cut, p=proof: self._publish(c, p))

    def _checked(self, cut: CutBatch, proof: Proof) -> Proof | ZkobError:
        """``proof`` if it verifies for the batch's public inputs, else the reason (in the proof thread)."""
        try:
            verdict = self.check(cut.trace.public_inputs, proof)
        except ZkobError as exc:
            return exc
        except Exception as exc:  # a malformed proof from a broken prover
            return Refused(f"its proof could not be checked ({type(exc).__name__}: {exc})")
        return proof if verdict.ok else Refused(f"its proof does not verify ({verdict.reason})")

    def _publish(self, cut: CutBatch, proof: Proof | ZkobError) -> None:
        """Write and commit one checked batch (in the sequencer's thread, which owns the state)."""
        if self.failure is not None:
            return
        try:
            if isinstance(proof, ZkobError):
                raise proof
            write_step(self.outroot, cut.height, proof, cut.trace, cut.batch)
            assert self.sequencer is not None
            self.sequencer.pending.commit_oldest()
        except (ZkobError, OSError) as exc:
            self.failure = f"batch {cut.height} was not published: {exc}; restart the node to prove it again"
            log.error(self.failure)
            return
        log.info("published batch %d (%d ops)", cut.height, cut.ops)
        with self.changed:
            self.published = cut.height
            self.root = cut.trace.new_root
            self.times[cut.height] = cut.time
            self.changed.notify_all()
