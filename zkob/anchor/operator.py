"""The operator's side of the bridge: which queued deposits a batch takes, which it refuses.

A deposit queued on chain reaches the venue's state machine only through a
batch. ``admit_deposits`` walks the queue in order and asks the state
machine (``trace_batch``, nothing is written) whether each deposit can
follow the ones already taken: a bad key, a key that differs from the
account's, a missing key for a new account or a balance reaching 2^64
makes it a refusal, which the rollup refunds. It stops when the batch
has no room left, so the batch consumes a prefix of the queue: the taken
deposits and the refusals among them, in queue order, as the contract
requires.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from ..state.batchfile import Batch
from ..state.errors import Rejected
from ..state.ops import Deposit, Op
from ..state.state import State
from ..state.transition import trace_batch
from .rollup import QueuedDeposit


@dataclass(frozen=True)
class Admission:
    """Deposits for the next batch (in queue order) and the queue indices it refuses."""

    deposits: tuple[Deposit, ...]
    refused: tuple[int, ...]
    queue_head: int


def admit_deposits(state: State, queued: Sequence[QueuedDeposit], room: int, before: Sequence[Op] = (),
                   time: int | None = None) -> Admission:
    """Take queued deposits in order while ``room`` slots last; refuse those the rules reject.

    ``before`` are ops of the batch that precede the deposits (usually none);
    ``time`` the batch's time (default: the state's, which is always allowed).
    Costs one trace of the growing batch per queued deposit examined.
    """
    taken: list[Deposit] = []
    refused: list[int] = []
    head = queued[0].index if queued else 0
    at = state.market.time if time is None else time
    for entry in queued:
        if len(taken) == room:
            break
        try:
            trace_batch(state, Batch((*before, *taken, entry.op), salt=0, time=at))
        except Rejected:
            refused.append(entry.index)
            continue
        taken.append(entry.op)
    return Admission(tuple(taken), tuple(refused), head)
