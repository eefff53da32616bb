"""Helpers of the run and cluster tests: batches as a run, the proof checker, recorded proofs, outputs read back."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from run_batches import PARAMS

from zkob.pipeline.cluster import RunBatch
from zkob.pipeline.cluster_outroot import step_dir
from zkob.pipeline.keyfiles import VK_FILE, load_vk
from zkob.pipeline.outputs import read_public, read_step
from zkob.pipeline.prove import proof_checker
from zkob.state.batchfile import load_batch

RUN_LENGTH = 4


@dataclass(frozen=True)
class Reference:
    """The reference run: its OUTROOT, each batch's public inputs, the state's final root."""

    outroot: Path
    public: tuple[tuple[int, ...], ...]
    final_root: int


def as_run(paths: list[Path]) -> list[RunBatch]:
    return [RunBatch(i, str(p), load_batch(p, PARAMS)) for i, p in enumerate(paths, start=1)]


def checker(keys: Path):
    return proof_checker(load_vk(keys / VK_FILE))


class RecordedProvers:
    """Provers that hand back the reference run's proofs (by statement): the run's bookkeeping without proving."""

    def __init__(self, reference: Reference, slots: int = 2):
        self.slots = slots
        self.steps = [read_step(step_dir(reference.outroot, n)) for n in range(1, RUN_LENGTH + 1)]
        self.submitted: list[int] = []
        self.asked: list[int] = []

    def submit(self, number, trace):
        self.submitted.append(number)
        return number, tuple(trace.public_inputs)

    def result(self, handle):
        number, public = handle
        self.asked.append(number)
        return next(step.proof for step in self.steps if step.public == public)

    def cancel(self, handles):
        return None


def written_publics(outroot: Path) -> list[tuple[int, ...]]:
    """The public inputs of OUTROOT/000001, 000002, ... while they exist."""
    out, number = [], 1
    while step_dir(outroot, number).is_dir():
        out.append(tuple(read_public(step_dir(outroot, number) / "public.json")))
        number += 1
    return out
