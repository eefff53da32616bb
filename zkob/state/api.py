"""The public entry points: create, open, apply, trace and replay states.

    state = create_state("dir", Params(20, 20, 8, 4))   # or new_state(params) in memory
    trace = apply_batch(state, load_batch("b.json", state.params))
    replica = create_state("replica", state.params); replay_log(replica, state)

A stored state holds an open SQLite connection: ``close_state`` it (or use
``with opened(dir) as state:``).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from .batchfile import loads_batch
from .errors import StoreError
from .kv import LogEntry, MemorySource
from .params import Params
from .state import State
from .store import SqliteSource, create_store, open_store
from .trace import BatchTrace
from .transition import apply_batch, trace_batch

__all__ = [
    "Params", "State", "apply_batch", "close_state", "create_state", "new_state", "open_state",
    "opened", "replay_log", "trace_batch",
]


def new_state(params: Params) -> State:
    """A fresh, empty state in memory (tests, tracing, replay checks)."""
    return State(params, MemorySource())


def create_state(directory: str | Path, params: Params) -> State:
    """Create a fresh state directory (params.json + state.sqlite); refuses a non-empty one."""
    return State(params, create_store(directory, params))


def open_state(directory: str | Path) -> State:
    """Open an existing state directory without recomputing any tree (nodes are stored)."""
    params, source = open_store(directory)
    return State(params, source)


def close_state(state: State) -> None:
    """Release a stored state's database connection (no-op in memory)."""
    if isinstance(state.source, SqliteSource):
        state.source.close()


@contextmanager
def opened(directory: str | Path) -> Iterator[State]:
    state = open_state(directory)
    try:
        yield state
    finally:
        close_state(state)


def replay_log(target: State, source: State | list[LogEntry]) -> list[LogEntry]:
    """Apply the source's logged batches that ``target`` lacks, checking every root.

    ``target`` must have the same params and be a prefix of the source's
    history (its height h and root equal entry h's new root). Each replayed
    batch must reproduce the logged six public values (old root, new root,
    commitment, bridge and market digests, time), else StoreError. The comparison runs before the commit,
    on the very writes the commit makes (which refuses them if the replica
    moved meanwhile), so a batch the log contradicts is never kept; the
    batches before it stay. Returns the entries applied.
    """
    entries = source.log() if isinstance(source, State) else list(source)
    if isinstance(source, State) and source.params != target.params:
        raise StoreError("replay needs identical parameters")
    applied = []
    for entry in entries[target.height:]:
        if entry.seq != target.height + 1:
            raise StoreError(f"batch log is not contiguous at seq {entry.seq}")
        if target.root != entry.old_root:
            raise StoreError(f"batch {entry.seq}: replica root differs from the logged old root")
        batch = loads_batch(entry.ops_json, target.params)
        apply_batch(target, batch, check=_matches_log(entry))
        applied.append(entry)
    return applied


def _matches_log(entry: LogEntry) -> Callable[[BatchTrace], None]:
    """A check for apply_batch: the replayed trace must reproduce the entry's six public values."""
    want = entry.public_inputs

    def check(trace: BatchTrace) -> None:
        got = trace.public_inputs
        if got != want:
            raise StoreError(f"batch {entry.seq}: replay gave {got}, the log says {want}")

    return check

