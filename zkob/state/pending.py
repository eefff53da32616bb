"""Batches accepted but not yet committed: the state as it will be once they are.

A prover that fans batches out to many machines (pipeline/cluster.py)
must trace batch i+1 on the state batch i leaves before batch i's proof
exists, and must still advance the stored state only in order and only
after each proof is checked. ``Pending`` holds that in-between:

    pending = Pending(state)                 # over a committed state
    trace = pending.accept(batch)            # every rule checked on the state the pending batches leave
    ...                                      # prove, check and write the oldest...
    entry = pending.commit_oldest()          # ...then it alone reaches the store (roots compared first)

``accept`` is ``apply_batch`` run on ``pending.view``, a State whose
source (``PendingSource``) reads the pending batches' writes first and the
committed source below them; its "commit" only queues the writes in
memory. So a batch is traced by the very code that applies it, and a
rejected one leaves the queue as it was. ``commit_oldest`` writes the
oldest queued batch to the committed source with its log entry in one
transaction, after checking that the committed root is still the root
that batch was traced on (the store checks the height).

Cost: a read checks one dict before the committed source; accepting a
batch costs what applying it costs; memory holds the writes of the queued
batches (a few hundred Merkle nodes per batch).
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable, Iterator
from typing import Any, cast

from .batchfile import Batch
from .errors import StoreError
from .kv import BALANCES, BALANCES_TREE_BASE, NODES, TABLES, K, LogEntry, Source, Table, V, Writes
from .state import State
from .trace import BatchTrace
from .transition import apply_batch


class PendingSource:
    """A committed source with queued batches on top; ``commit`` queues, it never writes below.

    Implements kv.Source, so a State over it runs the transition unchanged.
    """

    def __init__(self, base: Source):
        self.base = base
        self.queued: deque[tuple[Writes, LogEntry]] = deque()
        # table -> key -> (seq of the newest queued batch that wrote it, value)
        self._latest: dict[str, dict[Any, tuple[int, Any]]] = {t.name: {} for t in TABLES}

    def get(self, table: Table[K, V], key: K) -> V | None:
        hit = self._latest[table.name].get(key)
        if hit is not None:
            return cast("V | None", hit[1])
        return self.base.get(table, key)

    def items(self, table: Table[K, V]) -> Iterator[tuple[K, V]]:
        """Sorted scan of the committed table with the queued writes applied."""
        merged: dict[Any, Any] = dict(self.base.items(table))
        if table is BALANCES:
            changes = ((((tree - BALANCES_TREE_BASE, index), value))
                       for (tree, level, index), (_, value) in self._latest[NODES.name].items()
                       if tree >= BALANCES_TREE_BASE and level == 0)
        else:
            changes = ((k, value) for k, (_, value) in self._latest[table.name].items())
        for k, value in changes:
            if value is None:
                merged.pop(k, None)
            else:
                merged[k] = value
        return iter(sorted(merged.items(), key=lambda kv: kv[0]))

    def commit(self, writes: Writes, entry: LogEntry) -> None:
        """Queue a batch (in memory) as the next one; StoreError if its seq is not the next."""
        if entry.seq != self.height() + 1:
            raise StoreError(f"batch {entry.seq} was computed for another height than {self.height()}")
        self.queued.append((writes, entry))
        for table, changes in writes.items():
            latest = self._latest[table]
            for k, value in changes.items():
                latest[k] = (entry.seq, value)

    def log(self) -> list[LogEntry]:
        return self.base.log() + [entry for _, entry in self.queued]

    def height(self) -> int:
        return self.base.height() + len(self.queued)

    def refresh(self) -> None:
        self.base.refresh()

    def pop_oldest(self) -> tuple[Writes, LogEntry]:
        """Remove the oldest queued batch (its writes are now below, or are being dropped)."""
        writes, entry = self.queued.popleft()
        for table, changes in writes.items():
            latest = self._latest[table]
            for k in changes:
                if latest[k][0] == entry.seq:  # no newer queued batch wrote it: read it from below
                    del latest[k]
        return writes, entry


class Pending:
    """A stored (or in-memory) state and the batches accepted on top of it, in order."""

    def __init__(self, state: State):
        self.state = state
        self.source = PendingSource(state.committed)
        self.view = State(state.params, self.source)

    def __len__(self) -> int:
        return len(self.source.queued)

    def accept(self, batch: Batch, check: Callable[[BatchTrace], None] | None = None) -> BatchTrace:
        """Check ``batch`` against the state the queued batches leave, trace it and queue it.

        Raises Rejected (rule, op index, op type) or MalformedInput as
        apply_batch does, or what ``check`` (which sees the trace first)
        raises; the queue is then unchanged. Nothing reaches the committed
        state.
        """
        return apply_batch(self.view, batch, check)

    def commit_oldest(self) -> LogEntry:
        """Write the oldest queued batch to the committed state and return its log entry.

        Refuses (StoreError, nothing written, the batch stays queued) when
        the committed root is not the root the batch was traced on or
        another writer moved the state meanwhile.
        """
        if not self.source.queued:
            raise StoreError("no accepted batch is waiting to be committed")
        writes, entry = self.source.queued[0]
        committed = self.state.committed
        committed.refresh()
        if committed.height() != entry.seq - 1:
            raise StoreError(f"the state is at height {committed.height()}, but batch {entry.seq} was traced "
                             f"at height {entry.seq - 1}: the state changed under the run")
        root = self.state.root
        if root != entry.old_root:
            raise StoreError(f"the state's root is {root}, but batch {entry.seq} was traced on {entry.old_root}: "
                             "the state changed under the run")
        committed.commit(writes, entry)  # refuses if the height moved (another writer)
        self.source.pop_oldest()
        return entry

    def discard(self) -> int:
        """Drop every queued batch (the committed state is untouched); returns how many were dropped."""
        count = len(self.source.queued)
        while self.source.queued:
            self.source.pop_oldest()
        return count
