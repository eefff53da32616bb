"""Proving a run of batches: traced in order, proved anywhere, written and committed in order.

Batches depend on each other only through their roots, and the trace that
fixes those roots is cheap; the proof is not. So ``prove_run`` accepts
each batch on the state the batches before it leave (state/pending.py:
checked by every rule and traced, nothing committed), hands its trace to
a ``Provers`` (this process, or a Dask cluster: cluster_client.py), and
keeps up to ``provers.slots * 2`` batches in flight. It takes proofs back
strictly in run order; each is checked here against KEYS's verification
key (never trusting the machine that made it), written as
OUTROOT/NNNNNN/ (cluster_outroot.py), and only then is its batch
committed to the state, after comparing the state's root with the root
the batch was traced on.

A run stops at the first batch that fails (rejected by a rule, a proof
that does not verify, a worker error, a lost scheduler): batches before it
stay written and applied, nothing of it or after it is written or
committed, and ``RunStopped`` names it. Rerunning the same command resumes
after the last batch written (cluster_outroot.plan_resume).

The run calls only the state's and the pipeline's APIs (accept a batch,
prove a trace, check a proof, write outputs, replay), so a new protocol
version changes none of it.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

from ..state.batchfile import Batch
from ..state.pending import Pending
from ..state.state import State
from ..state.trace import BatchTrace
from ..state.params import Params
from ..zk.errors import Refused, ZkobError
from ..zk.groth16.data import Proof
from ..zk.groth16.verify import Verdict
from . import Report, quiet
from .cluster_outroot import plan_resume, write_step
from .outputs import BATCH
from .prove import Prover, load_prover, prove_trace
from .replay import replay_output

Check = Callable[[Sequence[int], Proof], Verdict]


@dataclass(frozen=True)
class RunBatch:
    """One batch of a run: its 1-based place, a label for messages (its file) and the parsed batch."""

    number: int
    label: str
    batch: Batch


class Provers(Protocol):
    """Where proofs are made: ``submit`` a trace, later ask its ``result``; ``slots`` proofs run at once."""

    @property
    def slots(self) -> int: ...

    def submit(self, number: int, trace: BatchTrace) -> Any: ...

    def result(self, handle: Any) -> Proof:
        """The proof; a failure is a ZkobError naming why (a worker's error, a lost cluster)."""

    def cancel(self, handles: Sequence[Any]) -> None: ...


@dataclass(frozen=True)
class Written:
    number: int
    out_dir: Path
    public: tuple[int, ...]


@dataclass(frozen=True)
class RunResult:
    resumed: int  # batches found written by an earlier run of the same command
    written: tuple[Written, ...]


class RunStopped(ZkobError):
    """The run stopped at one batch; earlier batches are written and applied, it and later ones are not.

    Carries the cause's exit code (2 for a rejected batch, 1 for a proof
    that does not verify, ...).
    """

    def __init__(self, item: RunBatch, cause: ZkobError, outroot: Path):
        self.number, self.cause = item.number, cause
        self.exit_code = cause.exit_code
        kept = "no batch" if item.number == 1 else \
            ("batch 1" if item.number == 2 else f"batches 1-{item.number - 1}")
        super().__init__(f"stopped at batch {item.number} ({item.label}): {cause}; {kept} written in {outroot} "
                         "and applied, nothing after")


class LocalProvers:
    """Proofs made in this process, one at a time, when the run asks for each (no cluster).

    The prover (kernels, key, circuit) is loaded at the first proof, so a
    run whose first batch is rejected loads nothing heavy.
    """

    slots = 1

    def __init__(self, params: Params, keys_dir: Path, backend: str = "auto", report: Report = quiet):
        self.params, self.keys_dir, self.backend, self.report = params, keys_dir, backend, report
        self.prover: Prover | None = None

    def submit(self, number: int, trace: BatchTrace) -> BatchTrace:
        return trace

    def result(self, handle: BatchTrace) -> Proof:
        if self.prover is None:
            self.prover = load_prover(self.params, self.keys_dir, self.backend, self.report)
        return prove_trace(self.prover, handle, self.report)

    def cancel(self, handles: Sequence[Any]) -> None:
        return None


def prove_run(state: State, batches: Sequence[RunBatch], outroot: Path, provers: Provers, check: Check,
              report: Report = quiet) -> RunResult:
    """Prove ``batches`` in order into OUTROOT/NNNNNN/, advancing ``state`` after each; resumes a stopped run.

    Raises Refused or MalformedInput (before anything changes) when
    OUTROOT, the batches and the state disagree, and RunStopped when a
    batch fails.
    """
    resume = plan_resume(state, [b.batch for b in batches], [b.label for b in batches], outroot)
    if resume.replay is not None:
        report(f"applying batch {resume.done} (written by the run that stopped)")
        replay_output(state, resume.replay / BATCH)
    pending = Pending(state)
    in_flight: deque[tuple[RunBatch, BatchTrace, Any]] = deque()
    todo = iter(batches[resume.done:])
    stopped: list[RunStopped] = []
    written: list[Written] = []

    def top_up() -> None:
        while not stopped and len(in_flight) < 2 * provers.slots:
            item = next(todo, None)
            if item is None:
                return
            report(f"tracing batch {item.number}")
            try:
                trace = pending.accept(item.batch)
            except ZkobError as exc:  # a rejected batch: the ones before it still finish
                stopped.append(RunStopped(item, exc, outroot))
                return
            in_flight.append((item, trace, provers.submit(item.number, trace)))

    try:
        top_up()
        while in_flight:
            item, trace, handle = in_flight[0]
            report(f"proving batch {item.number} ({len(in_flight)} in flight)")
            try:
                proof = provers.result(handle)
                verdict = check(trace.public_inputs, proof)
                if not verdict.ok:
                    raise Refused(f"its proof does not verify ({verdict.reason}); not written")
                report(f"writing batch {item.number}")
                out_dir = write_step(outroot, item.number, proof, trace, item.batch)
                pending.commit_oldest()
            except ZkobError as exc:
                raise RunStopped(item, exc, outroot) from exc
            except OSError as exc:
                raise RunStopped(item, _os_error(exc), outroot) from exc
            in_flight.popleft()
            written.append(Written(item.number, out_dir, trace.public_inputs))
            top_up()
    except BaseException:
        provers.cancel([handle for _, _, handle in in_flight])
        pending.discard()
        raise
    if stopped:
        raise stopped[0]
    return RunResult(resume.done, tuple(written))


def _os_error(exc: OSError) -> ZkobError:
    """A file error as bad input (exit 2), worded as the CLI words OSErrors."""
    return ZkobError(f"{exc.filename}: {exc.strerror}" if exc.filename and exc.strerror else str(exc))
