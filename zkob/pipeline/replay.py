"""A replica re-executing proven private batches (OUT/batch.json) and checking them against public.json.

A batch is applied only when its trace reproduces the public inputs
beside it (compared before anything is committed, through
``apply_batch``'s check); otherwise ``Refused`` names the first input that
differs and the state stays where it was.
"""

from __future__ import annotations

from pathlib import Path

from ..state.batchfile import load_batch
from ..state.protocol import PUBLIC_INPUTS
from ..state.state import State
from ..state.trace import BatchTrace
from ..state.transition import apply_batch
from ..zk.errors import MalformedInput, Refused
from .outputs import PUBLIC, read_public


def replay_output(state: State, batch_path: Path) -> BatchTrace:
    """Apply OUT/batch.json to ``state`` if it reproduces OUT/public.json; return its trace.

    Raises MalformedInput (unreadable files, a batch without its salt),
    Rejected (a batch the rules refuse) or Refused (public inputs differ).
    """
    public_path = batch_path.with_name(PUBLIC)
    expected = tuple(read_public(public_path))
    if len(expected) != len(PUBLIC_INPUTS):
        raise MalformedInput(str(public_path), f"expected {len(PUBLIC_INPUTS)} public inputs "
                             f"[{', '.join(PUBLIC_INPUTS)}], got {len(expected)}")
    batch = load_batch(batch_path, state.params)
    if not batch.salt_given:
        raise MalformedInput(str(batch_path), "a replayed batch must carry its salt")

    def matches(trace: BatchTrace) -> None:
        if trace.public_inputs != expected:
            wrong = next(n for n, a, b in zip(PUBLIC_INPUTS, trace.public_inputs, expected) if a != b)
            raise Refused(f"{batch_path}: {wrong} differs from {public_path}")

    return apply_batch(state, batch, check=matches)
