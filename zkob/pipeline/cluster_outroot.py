"""A run's outputs: OUTROOT/000001/, 000002/, ... one per batch in run order, and where a rerun resumes.

    OUTROOT/000001/{proof,public,bridge,batch}.json    batch 1 of the run (outputs.py's files)
    OUTROOT/000002/...                                  batch 2, written only after batch 1

A step directory is written whole under a hidden name
(``.000002.partial``) and renamed into place, so a numbered directory is
always complete. Rerunning the same command finds the run's place from
what is on disk (``plan_resume``): the numbered directories must be
1..j with no gap, form one chain of roots, and hold the batches the
command names in that order; the state must be at batch j's new root
(resume at j + 1) or at its old root (the run stopped between writing
batch j and committing it: batch j is replayed from its files, checked
against its public.json, then the run resumes). Anything else is refused
with a message naming what disagrees, before anything changes.
"""

from __future__ import annotations

import os
import re
import shutil
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from ..state.batchfile import Batch, load_batch
from ..state.protocol import PUBLIC_INPUTS
from ..state.trace import BatchTrace
from ..state.state import State
from ..zk.errors import MalformedInput, Refused
from ..zk.groth16.data import Proof
from .outputs import BATCH, PUBLIC, read_public, write_outputs

STEP = re.compile(r"\d{6}")
OLD_ROOT, NEW_ROOT = PUBLIC_INPUTS.index("old_root"), PUBLIC_INPUTS.index("new_root")


def step_dir(outroot: Path, number: int) -> Path:
    """OUTROOT/NNNNNN for the run's batch ``number`` (1-based)."""
    return outroot / f"{number:06d}"


def write_step(outroot: Path, number: int, proof: Proof, trace: BatchTrace, batch: Batch) -> Path:
    """Write batch ``number``'s outputs under a hidden name, then rename the directory into place.

    Refuses (MalformedInput) to replace an existing step directory.
    """
    final = step_dir(outroot, number)
    if final.exists():
        raise MalformedInput(str(final), "already exists; a run never rewrites a written batch")
    partial = outroot / f".{final.name}.partial"
    if partial.exists():  # left by a run that stopped while writing this step
        shutil.rmtree(partial)
    write_outputs(partial, proof, trace, batch)
    os.rename(partial, final)
    fd = os.open(outroot, os.O_RDONLY)
    try:
        os.fsync(fd)  # the rename itself survives a crash
    finally:
        os.close(fd)
    return final


def written_steps(outroot: Path) -> int:
    """How many batches OUTROOT holds (000001..j); MalformedInput on a gap or a numbered non-directory."""
    if not outroot.exists():
        return 0
    if not outroot.is_dir():
        raise MalformedInput(str(outroot), "exists and is not a directory")
    numbers = sorted(int(p.name) for p in outroot.iterdir() if STEP.fullmatch(p.name))
    for expected, number in enumerate(numbers, start=1):
        if number != expected or not step_dir(outroot, number).is_dir():
            raise MalformedInput(str(step_dir(outroot, number)),
                                 f"OUTROOT must hold batches 000001..{len(numbers):06d} without a gap")
    return len(numbers)


@dataclass(frozen=True)
class Resume:
    """Where a run starts: ``done`` batches are written; ``replay`` names the last one if the state lacks it."""

    done: int
    replay: Path | None = None


def _same_batch(given: Batch, stored: Batch) -> bool:
    """Equal as batch files; a salt the given file left to chance is not compared."""
    if given.salt_given:
        return given.to_json() == stored.to_json()
    return dict(given.to_json(), salt=None) == dict(stored.to_json(), salt=None)


def plan_resume(state: State, batches: Sequence[Batch], labels: Sequence[str], outroot: Path) -> Resume:
    """Check OUTROOT against the run's batches and the state; say where the run starts.

    Raises MalformedInput (unreadable or gapped outputs) or Refused (the
    outputs, the command's batches and the state disagree); reads only.
    """
    done = written_steps(outroot)
    if done == 0:
        return Resume(0)
    if done > len(batches):
        raise Refused(f"{outroot} holds {done} written batches, but the command names {len(batches)}: "
                      "not this run's outputs")
    previous_new = None
    for number in range(1, done + 1):
        directory = step_dir(outroot, number)
        public = read_public(directory / PUBLIC)
        if len(public) != len(PUBLIC_INPUTS):
            raise MalformedInput(str(directory / PUBLIC), f"expected {len(PUBLIC_INPUTS)} public inputs")
        if previous_new is not None and public[OLD_ROOT] != previous_new:
            raise Refused(f"{directory} does not start at the root the batch before it ended at: "
                          "OUTROOT is not one run's outputs")
        previous_new = public[NEW_ROOT]
        stored = load_batch(directory / BATCH, state.params)
        if not _same_batch(batches[number - 1], stored):
            raise Refused(f"{labels[number - 1]} is not the batch written in {directory}: "
                          "rerun the command with the batches of the run that wrote OUTROOT")
    last = step_dir(outroot, done)
    last_public = read_public(last / PUBLIC)
    root = state.root
    if root == last_public[NEW_ROOT]:
        return Resume(done)
    if root == last_public[OLD_ROOT]:
        return Resume(done, last)
    raise Refused(f"{outroot} ends at batch {done} with root {last_public[NEW_ROOT]}, but the state (height "
                  f"{state.height}) is at root {root}: these outputs are not this state's, or it moved since")
