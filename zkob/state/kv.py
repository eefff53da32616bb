"""Key-value views of a state: committed sources and a copy-on-write overlay.

A state is six tables, each a typed ``Table`` constant: ``NODES``
((tree, level, index) -> hash of a non-empty Merkle node), ``ACCOUNTS``
(id -> AccountLeaf, with cash and position slots), ``ORDERS`` (id ->
OrderLeaf), ``INSTRUMENTS`` (id -> Instrument), ``MARKET`` (0 -> the
Market: time and oracle entries) and ``BLIND`` (0 -> the blind). Tree ids:
-1 instruments, 0 accounts, 1 orders, 2 + a the balances of account a
(whose leaves *are* the amounts). ``None`` means empty (a missing market
is the genesis market, a missing blind 0).

The transition runs on an ``Overlay`` over a committed source and only
commits its writes (with the batch's log entry) when every op passed, so a
rejected batch cannot change anything. ``MemorySource`` holds a state in
dicts (tests, tracing); store.py's ``SqliteSource`` holds it on disk.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any, Generic, Protocol, TypeVar, cast

from .instruments import Instrument
from .oracle import Market
from .trace import AccountLeaf, OrderLeaf

K = TypeVar("K")
V = TypeVar("V")
NodeKey = tuple[int, int, int]  # (tree, level, index)


@dataclass(frozen=True)
class Table(Generic[K, V]):
    """A table of a state, typed by its keys and values; ``name`` is its storage name."""

    name: str


NODES: Table[NodeKey, int] = Table("node")  # non-empty Merkle nodes
ACCOUNTS: Table[int, AccountLeaf] = Table("account")
ORDERS: Table[int, OrderLeaf] = Table("order")
INSTRUMENTS: Table[int, Instrument] = Table("instrument")
MARKET: Table[int, Market] = Table("market")  # one row, key 0
BLIND: Table[int, int] = Table("blind")  # one row, key 0
BALANCES: Table[tuple[int, int], int] = Table("balance")  # virtual: (account, asset) -> amount, for scans
TABLES = (NODES, ACCOUNTS, ORDERS, INSTRUMENTS, MARKET, BLIND)
INSTRUMENTS_TREE = -1
BALANCES_TREE_BASE = 2  # tree id of account a's balances is 2 + a
Writes = dict[str, dict[Any, Any]]  # table name -> key -> value (None deletes)


@dataclass(frozen=True)
class LogEntry:
    """One applied batch, enough for a replica to replay it and check every root."""

    seq: int
    old_root: int
    new_root: int
    commitment: int
    bridge: int
    market: int
    time: int
    salt: int
    ops_json: str

    @property
    def public_inputs(self) -> tuple[int, ...]:
        """The six values a proof of this batch has as public inputs (protocol.PUBLIC_INPUTS order)."""
        return (self.old_root, self.new_root, self.commitment, self.bridge, self.market, self.time)


class Reader(Protocol):
    """Typed reads of a state's tables (a committed source or an overlay)."""

    def get(self, table: Table[K, V], key: K) -> V | None: ...


class Source(Reader, Protocol):
    """A committed state: reads, full scans (for display and audits), atomic commits."""

    def items(self, table: Table[K, V]) -> Iterator[tuple[K, V]]:
        """Sorted scan of a table, or of the virtual table BALANCES."""

    def commit(self, writes: Writes, entry: LogEntry) -> None: ...

    def log(self) -> list[LogEntry]: ...

    def height(self) -> int: ...

    def refresh(self) -> None:
        """Make later reads see commits made by other writers (no-op in memory)."""


class MemorySource:
    """A state held in dicts; ``commit`` merges writes and appends to the log."""

    def __init__(self) -> None:
        self._tables: Writes = {t.name: {} for t in TABLES}
        self._log: list[LogEntry] = []

    def get(self, table: Table[K, V], key: K) -> V | None:
        return cast("V | None", self._tables[table.name].get(key))

    def items(self, table: Table[K, V]) -> Iterator[tuple[K, V]]:
        if table is BALANCES:
            return cast(Iterator[tuple[K, V]], iter(sorted(
                ((tree - BALANCES_TREE_BASE, index), value)
                for (tree, level, index), value in self._tables[NODES.name].items()
                if tree >= BALANCES_TREE_BASE and level == 0
            )))
        return iter(sorted(self._tables[table.name].items(), key=lambda kv: kv[0]))

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
        self.writes: Writes = {t.name: {} for t in TABLES}

    def get(self, table: Table[K, V], key: K) -> V | None:
        pending = self.writes[table.name]
        if key in pending:
            return cast("V | None", pending[key])
        return self.base.get(table, key)

    def put(self, table: Table[K, V], key: K, value: V | None) -> None:
        self.writes[table.name][key] = value
