"""Key-value views of a state: committed sources and a copy-on-write overlay.

A state is three tables: ``node`` ((tree, level, index) -> hash of a
non-empty Merkle node), ``account`` (id -> AccountLeaf) and ``order``
(id -> OrderLeaf). Tree ids: 0 accounts, 1 orders, 2 + a the balances of
account a (whose leaves *are* the amounts). ``None`` means empty.

The transition runs on an ``Overlay`` over a committed source and only
commits its writes (with the batch's log entry) when every op passed, so a
rejected batch cannot change anything. ``MemorySource`` holds a state in
dicts (tests, tracing); store.py's ``SqliteSource`` holds it on disk.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Protocol

TABLES = ("node", "account", "order")
BALANCES_TREE_BASE = 2  # tree id of account a's balances is 2 + a
Writes = dict[str, dict[object, object]]


@dataclass(frozen=True)
class LogEntry:
    """One applied batch, enough for a replica to replay it and check every root."""

    seq: int
    old_root: int
    new_root: int
    commitment: int
    bridge: int
    salt: int
    ops_json: str


class Source(Protocol):
    """A committed state: reads, full scans (for display and audits), atomic commits."""

    def get(self, table: str, key: object) -> object | None: ...

    def items(self, table: str) -> Iterator[tuple[object, object]]:
        """Sorted scan of a table, or of the virtual table "balance" ((account, asset) -> amount)."""

    def commit(self, writes: Writes, entry: LogEntry) -> None: ...

    def log(self) -> list[LogEntry]: ...

    def height(self) -> int: ...

    def refresh(self) -> None:
        """Make later reads see commits made by other writers (no-op in memory)."""


class MemorySource:
    """A state held in dicts; ``commit`` merges writes and appends to the log."""

    def __init__(self) -> None:
        self._tables: dict[str, dict[object, object]] = {t: {} for t in TABLES}
        self._log: list[LogEntry] = []

    def get(self, table: str, key: object) -> object | None:
        return self._tables[table].get(key)

    def items(self, table: str) -> Iterator[tuple[object, object]]:
        if table == "balance":
            return iter(sorted(
                ((tree - BALANCES_TREE_BASE, index), value)
                for (tree, level, index), value in self._tables["node"].items()  # type: ignore[misc]
                if tree >= BALANCES_TREE_BASE and level == 0
            ))
        return iter(sorted(self._tables[table].items(), key=lambda kv: kv[0]))  # type: ignore[arg-type]

    def commit(self, writes: Writes, entry: LogEntry) -> None:
        for table, changes in writes.items():
            target = self._tables[table]
            for key, value in changes.items():
                if value is None:
                    target.pop(key, None)
                else:
                    target[key] = value
        self._log.append(entry)

    def log(self) -> list[LogEntry]:
        return list(self._log)

    def height(self) -> int:
        return len(self._log)

    def refresh(self) -> None:
        return None


class Overlay:
    """Pending writes over a source; reads see the writes first. Never touches the source."""

    def __init__(self, base: Source) -> None:
        self.base = base
        self.writes: Writes = {t: {} for t in TABLES}

    def get(self, table: str, key: object) -> object | None:
        pending = self.writes[table]
        if key in pending:
            return pending[key]
        return self.base.get(table, key)

    def put(self, table: str, key: object, value: object | None) -> None:
        self.writes[table][key] = value
