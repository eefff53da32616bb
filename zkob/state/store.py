"""A state directory: ``params.json`` plus an SQLite database (docs/protocol.md section 7).

Tables: ``nodes`` (only non-empty Merkle nodes, so opening a large state
reads a handful of rows, never rebuilds a tree), ``accounts`` (with cash
and the position slots as JSON), ``orders``, ``instruments``, ``chain``
(the market and the blind, one row each) and the batch log ``batches``
(seq, the six public values, salt, canonical batch JSON) from which a
replica replays history. One batch is one ``BEGIN IMMEDIATE ... COMMIT`` transaction in
WAL mode with ``synchronous=FULL``: a crash at any point leaves the old or
the new state. Field elements and amounts are stored as decimal text
(amounts reach 2^64 - 1, past SQLite's signed 64-bit integers).

Test hook: ``crash_after=N`` (or env ``ZKOB_TEST_CRASH_AFTER_WRITES=N`` via
``open_store``) SIGKILLs the process after N row writes inside a commit.
"""

from __future__ import annotations

import json
import os
import signal
import sqlite3
from collections.abc import Iterator
from typing import Any, cast
from pathlib import Path

from ..zk.files import write_atomic
from .errors import StoreError
from .instruments import Instrument
from .kv import BALANCES_TREE_BASE, K, LogEntry, Table, V, Writes
from .oracle import Market, OracleEntry
from .params import V1_REFUSAL, Params
from .positions import Position, Slots
from .trace import AccountLeaf, OrderLeaf

PARAMS_FILE = "params.json"
DB_FILE = "state.sqlite"
FORMAT = "zkob-state-2"
CRASH_ENV = "ZKOB_TEST_CRASH_AFTER_WRITES"

SCHEMA = """
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE nodes (tree INTEGER NOT NULL, level INTEGER NOT NULL, idx INTEGER NOT NULL,
                    hash TEXT NOT NULL, PRIMARY KEY (tree, level, idx)) WITHOUT ROWID;
CREATE TABLE accounts (id INTEGER PRIMARY KEY, pk_x TEXT NOT NULL, pk_y TEXT NOT NULL,
                       nonce INTEGER NOT NULL, balances_root TEXT NOT NULL, cash TEXT NOT NULL,
                       positions TEXT NOT NULL);
CREATE TABLE orders (id INTEGER PRIMARY KEY, account INTEGER NOT NULL, base INTEGER NOT NULL,
                     quote INTEGER NOT NULL, side INTEGER NOT NULL, price TEXT NOT NULL,
                     remaining TEXT NOT NULL, instrument INTEGER NOT NULL);
CREATE TABLE instruments (id INTEGER PRIMARY KEY, kind INTEGER NOT NULL, underlying INTEGER NOT NULL,
                          strike TEXT NOT NULL, expiry INTEGER NOT NULL, settle_price TEXT NOT NULL);
CREATE TABLE chain (name TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE batches (seq INTEGER PRIMARY KEY, old_root TEXT NOT NULL, new_root TEXT NOT NULL,
                      commitment TEXT NOT NULL, bridge TEXT NOT NULL, market TEXT NOT NULL,
                      time INTEGER NOT NULL, salt TEXT NOT NULL, ops TEXT NOT NULL);
"""
LOG_COLUMNS = "seq, old_root, new_root, commitment, bridge, market, time, salt, ops"


def slots_to_text(slots: Slots) -> str:
    """The position slots as JSON: null for a free slot, else [instrument, kind, underlying, strike, expiry, size]."""
    return json.dumps([None if s is None else [s.instrument, s.kind, s.underlying, str(s.strike), s.expiry,
                                               str(s.size)] for s in slots], separators=(",", ":"))


def slots_from_text(text: str) -> Slots:
    return tuple(None if s is None else Position(s[0], s[1], s[2], int(s[3]), s[4], int(s[5]))
                 for s in json.loads(text))


def market_to_text(market: Market) -> str:
    return json.dumps({"time": market.time, "oracle": [[str(e.price), e.ts] for e in market.oracle]},
                      separators=(",", ":"))


def market_from_text(text: str) -> Market:
    data = json.loads(text)
    return Market(data["time"], tuple(OracleEntry(int(p), ts) for p, ts in data["oracle"]))


def _connect(path: Path) -> sqlite3.Connection:
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute("PRAGMA synchronous=FULL")
    return conn


class SqliteSource:
    """The committed state in SQLite, with a read cache kept coherent by ``refresh``."""

    def __init__(self, conn: sqlite3.Connection, crash_after: int | None = None):
        self.conn = conn
        self.crash_after = crash_after
        self._cache: dict[tuple[str, object], object] = {}
        self._cached_height = self.height()

    # --- reads --------------------------------------------------------------
    def get(self, table: Table[K, V], key: K) -> V | None:
        ck = (table.name, key)
        if ck not in self._cache:
            self._cache[ck] = self._read(table.name, key)
        return cast("V | None", self._cache[ck])

    def _read(self, table: str, key: Any) -> object:
        if table == "node":
            row = self.conn.execute("SELECT hash FROM nodes WHERE tree=? AND level=? AND idx=?", key).fetchone()
            return None if row is None else int(row[0])
        if table == "account":
            row = self.conn.execute("SELECT pk_x, pk_y, nonce, balances_root, cash, positions FROM accounts "
                                    "WHERE id=?", (key,)).fetchone()
            return None if row is None else AccountLeaf(int(row[0]), int(row[1]), row[2], int(row[3]), int(row[4]),
                                                        slots_from_text(row[5]))
        if table == "order":
            row = self.conn.execute("SELECT account, base, quote, side, price, remaining, instrument FROM orders "
                                    "WHERE id=?", (key,)).fetchone()
            return None if row is None else OrderLeaf(row[0], row[1], row[2], row[3], int(row[4]), int(row[5]),
                                                      row[6])
        if table == "instrument":
            row = self.conn.execute("SELECT kind, underlying, strike, expiry, settle_price FROM instruments "
                                    "WHERE id=?", (key,)).fetchone()
            return None if row is None else Instrument(row[0], row[1], int(row[2]), row[3], int(row[4]))
        if table in ("market", "blind"):
            row = self.conn.execute("SELECT value FROM chain WHERE name=?", (table,)).fetchone()
            if row is None:
                return None
            return market_from_text(row[0]) if table == "market" else int(row[0])
        raise KeyError(table)

    def items(self, table: Table[K, V]) -> Iterator[tuple[K, V]]:
        return cast(Iterator[tuple[K, V]], self._items(table.name))

    def _items(self, table: str) -> Iterator[tuple[Any, Any]]:
        if table == "balance":
            rows = self.conn.execute(
                "SELECT tree, idx, hash FROM nodes WHERE tree >= ? AND level = 0 ORDER BY tree, idx",
                (BALANCES_TREE_BASE,)).fetchall()
            return iter([((t - BALANCES_TREE_BASE, i), int(h)) for t, i, h in rows])
        if table == "account":
            rows = self.conn.execute("SELECT id FROM accounts ORDER BY id").fetchall()
        elif table == "order":
            rows = self.conn.execute("SELECT id FROM orders ORDER BY id").fetchall()
        elif table == "instrument":
            rows = self.conn.execute("SELECT id FROM instruments ORDER BY id").fetchall()
        else:
            raise KeyError(table)
        return iter([(r[0], self._read(table, r[0])) for r in rows])

    def height(self) -> int:
        return self.conn.execute("SELECT COALESCE(MAX(seq), 0) FROM batches").fetchone()[0]

    def log(self) -> list[LogEntry]:
        rows = self.conn.execute(f"SELECT {LOG_COLUMNS} FROM batches ORDER BY seq").fetchall()
        return [LogEntry(r[0], int(r[1]), int(r[2]), int(r[3]), int(r[4]), int(r[5]), r[6], int(r[7]), r[8])
                for r in rows]

    def refresh(self) -> None:
        """Drop the read cache if another process applied a batch since we last looked."""
        height = self.height()
        if height != self._cached_height:
            self._cache.clear()
            self._cached_height = height

    # --- the one write path ---------------------------------------------------
    def commit(self, writes: Writes, entry: LogEntry) -> None:
        """Write one batch and its log entry in one transaction (all or nothing)."""
        conn = self.conn
        conn.execute("BEGIN IMMEDIATE")
        try:
            if self.height() != entry.seq - 1:
                raise StoreError("the state changed while the batch was computed (another writer?); retry")
            count = 0
            for table, changes in writes.items():
                for key, value in changes.items():
                    self._write(table, key, value)
                    count += 1
                    if self.crash_after is not None and count >= self.crash_after:
                        os.kill(os.getpid(), signal.SIGKILL)
            conn.execute("INSERT INTO batches VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                         (entry.seq, str(entry.old_root), str(entry.new_root), str(entry.commitment),
                          str(entry.bridge), str(entry.market), entry.time, str(entry.salt), entry.ops_json))
            conn.execute("COMMIT")
        except BaseException:
            conn.execute("ROLLBACK")
            self._cache.clear()
            self._cached_height = -1
            raise
        for table, changes in writes.items():
            for key, value in changes.items():
                self._cache[(table, key)] = value
        self._cached_height = entry.seq

    def _write(self, table: str, key: Any, value: object | None) -> None:
        conn = self.conn
        if table == "node":
            if value is None:
                conn.execute("DELETE FROM nodes WHERE tree=? AND level=? AND idx=?", key)
            else:
                conn.execute("INSERT OR REPLACE INTO nodes VALUES (?, ?, ?, ?)", (*key, str(value)))
        elif table == "account":
            if value is None:
                conn.execute("DELETE FROM accounts WHERE id=?", (key,))
            else:
                a: AccountLeaf = value  # type: ignore[assignment]
                conn.execute("INSERT OR REPLACE INTO accounts VALUES (?, ?, ?, ?, ?, ?, ?)",
                             (key, str(a.pk_x), str(a.pk_y), a.nonce, str(a.balances_root), str(a.cash),
                              slots_to_text(a.slots)))
        elif table == "order":
            if value is None:
                conn.execute("DELETE FROM orders WHERE id=?", (key,))
            else:
                o: OrderLeaf = value  # type: ignore[assignment]
                conn.execute("INSERT OR REPLACE INTO orders VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                             (key, o.account, o.base, o.quote, o.side, str(o.price), str(o.remaining),
                              o.instrument))
        elif table == "instrument":
            if value is None:
                conn.execute("DELETE FROM instruments WHERE id=?", (key,))
            else:
                i: Instrument = value  # type: ignore[assignment]
                conn.execute("INSERT OR REPLACE INTO instruments VALUES (?, ?, ?, ?, ?, ?)",
                             (key, i.kind, i.underlying, str(i.strike), i.expiry, str(i.settle_price)))
        elif table in ("market", "blind"):
            text = market_to_text(value) if table == "market" else str(value)  # type: ignore[arg-type]
            conn.execute("INSERT OR REPLACE INTO chain VALUES (?, ?)", (table, text))
        else:
            raise KeyError(table)

    def close(self) -> None:
        self.conn.close()


def create_store(directory: str | Path, params: Params) -> SqliteSource:
    """Create a new state directory (refusing an existing non-empty one) and open it.

    The database is created first and params.json written last, so a
    directory without params.json is not a state.
    """
    path = Path(directory)
    if path.exists() and not path.is_dir():
        raise StoreError(f"{path} exists and is not a directory")
    if path.is_dir() and any(path.iterdir()):
        raise StoreError(f"refusing to create a state in {path}: the directory is not empty")
    path.mkdir(parents=True, exist_ok=True)
    _create_private(path / DB_FILE)
    conn = _connect(path / DB_FILE)
    conn.execute("BEGIN IMMEDIATE")
    for statement in filter(str.strip, SCHEMA.split(";")):
        conn.execute(statement)
    conn.executemany("INSERT INTO meta VALUES (?, ?)", [("format", FORMAT), ("params", params.to_json())])
    conn.execute("COMMIT")
    write_atomic(path / PARAMS_FILE, params.to_json())
    return SqliteSource(conn)


def _create_private(db: Path) -> None:
    """Create the empty database file 0600 (every account and order is in it; SQLite gives its -wal the same)."""
    fd = os.open(db, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_CLOEXEC, 0o600)
    try:
        os.fchmod(fd, 0o600)  # whatever the umask
    finally:
        os.close(fd)


def read_params(directory: str | Path) -> Params:
    """The params of a state directory; StoreError if it is not one."""
    path = Path(directory)
    if not path.is_dir():
        raise StoreError(f"{path} is not a state directory (it does not exist or is not a directory)")
    try:
        text = (path / PARAMS_FILE).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        raise StoreError(f"{path} is not a state directory (no readable {PARAMS_FILE}); run `zkob init`") from None
    version = _version_of(text)
    if version != 2:
        raise StoreError(V1_REFUSAL.format(v=version))
    try:
        return Params.from_json(text)
    except Exception as exc:  # MalformedInput from strict parsing
        raise StoreError(f"{path / PARAMS_FILE} is malformed: {exc}") from None


def _version_of(text: str) -> object:
    """The protocol version params.json names (1 when it names none: version 1 had no field)."""
    try:
        data = json.loads(text)
    except ValueError:
        return 2  # malformed: let the strict parser name the problem
    return data.get("version", 1) if isinstance(data, dict) else 2


def open_store(directory: str | Path) -> tuple[Params, SqliteSource]:
    """Open an existing state directory; checks the database matches params.json."""
    path = Path(directory)
    params = read_params(path)
    db = path / DB_FILE
    if not db.is_file():
        raise StoreError(f"{path} has no {DB_FILE}; it is not a complete state directory")
    try:
        conn = _connect(db)
        meta = dict(conn.execute("SELECT key, value FROM meta").fetchall())
    except sqlite3.DatabaseError as exc:
        raise StoreError(f"{db} is not a zkob state database: {exc}") from None
    if meta.get("format") != FORMAT or meta.get("params") != params.to_json():
        conn.close()
        raise StoreError(f"{db} does not match {PARAMS_FILE} (format or parameters differ)")
    crash = os.environ.get(CRASH_ENV)
    return params, SqliteSource(conn, int(crash) if crash and crash.isdigit() else None)
