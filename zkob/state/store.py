"""A state directory: ``params.json`` plus an SQLite database (docs/protocol.md section 7).

Tables: ``nodes`` (only non-empty Merkle nodes, so opening a large state
reads a handful of rows, never rebuilds a tree), ``accounts``, ``orders``
and the batch log ``batches`` (seq, old root, new root, commitment,
bridge digest, salt, canonical ops JSON) from which a replica replays
history. One batch is one ``BEGIN IMMEDIATE ... COMMIT`` transaction in
WAL mode with ``synchronous=FULL``: a crash at any point leaves the old or
the new state. Field elements and amounts are stored as decimal text
(amounts reach 2^64 - 1, past SQLite's signed 64-bit integers).

Test hook: ``crash_after=N`` (or env ``ZKOB_TEST_CRASH_AFTER_WRITES=N`` via
``open_store``) SIGKILLs the process after N row writes inside a commit.
"""

from __future__ import annotations

import os
import signal
import sqlite3
from collections.abc import Iterator
from typing import Any, cast
from pathlib import Path

from ..zk.files import write_atomic
from .errors import StoreError
from .kv import BALANCES_TREE_BASE, K, LogEntry, Table, V, Writes
from .params import Params
from .trace import AccountLeaf, OrderLeaf

PARAMS_FILE = "params.json"
DB_FILE = "state.sqlite"
FORMAT = "zkob-state-1"
CRASH_ENV = "ZKOB_TEST_CRASH_AFTER_WRITES"

SCHEMA = """
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE nodes (tree INTEGER NOT NULL, level INTEGER NOT NULL, idx INTEGER NOT NULL,
                    hash TEXT NOT NULL, PRIMARY KEY (tree, level, idx)) WITHOUT ROWID;
CREATE TABLE accounts (id INTEGER PRIMARY KEY, pk_x TEXT NOT NULL, pk_y TEXT NOT NULL,
                       nonce INTEGER NOT NULL, balances_root TEXT NOT NULL);
CREATE TABLE orders (id INTEGER PRIMARY KEY, account INTEGER NOT NULL, base INTEGER NOT NULL,
                     quote INTEGER NOT NULL, side INTEGER NOT NULL, price TEXT NOT NULL,
                     remaining TEXT NOT NULL);
CREATE TABLE batches (seq INTEGER PRIMARY KEY, old_root TEXT NOT NULL, new_root TEXT NOT NULL,
                      commitment TEXT NOT NULL, bridge TEXT NOT NULL, salt TEXT NOT NULL,
                      ops TEXT NOT NULL);
"""


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
            row = self.conn.execute("SELECT pk_x, pk_y, nonce, balances_root FROM accounts WHERE id=?",
                                    (key,)).fetchone()
            return None if row is None else AccountLeaf(int(row[0]), int(row[1]), row[2], int(row[3]))
        if table == "order":
            row = self.conn.execute("SELECT account, base, quote, side, price, remaining FROM orders WHERE id=?",
                                    (key,)).fetchone()
            return None if row is None else OrderLeaf(row[0], row[1], row[2], row[3], int(row[4]), int(row[5]))
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
        else:
            raise KeyError(table)
        return iter([(r[0], self._read(table, r[0])) for r in rows])

    def height(self) -> int:
        return self.conn.execute("SELECT COALESCE(MAX(seq), 0) FROM batches").fetchone()[0]

    def log(self) -> list[LogEntry]:
        rows = self.conn.execute(
            "SELECT seq, old_root, new_root, commitment, bridge, salt, ops FROM batches ORDER BY seq").fetchall()
        return [LogEntry(r[0], int(r[1]), int(r[2]), int(r[3]), int(r[4]), int(r[5]), r[6]) for r in rows]

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
            conn.execute("INSERT INTO batches VALUES (?, ?, ?, ?, ?, ?, ?)",
                         (entry.seq, str(entry.old_root), str(entry.new_root), str(entry.commitment),
                          str(entry.bridge), str(entry.salt), entry.ops_json))
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
                conn.execute("INSERT OR REPLACE INTO accounts VALUES (?, ?, ?, ?, ?)",
                             (key, str(a.pk_x), str(a.pk_y), a.nonce, str(a.balances_root)))
        elif table == "order":
            if value is None:
                conn.execute("DELETE FROM orders WHERE id=?", (key,))
            else:
                o: OrderLeaf = value  # type: ignore[assignment]
                conn.execute("INSERT OR REPLACE INTO orders VALUES (?, ?, ?, ?, ?, ?, ?)",
                             (key, o.account, o.base, o.quote, o.side, str(o.price), str(o.remaining)))
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
    try:
        return Params.from_json(text)
    except Exception as exc:  # MalformedInput from strict parsing
        raise StoreError(f"{path / PARAMS_FILE} is malformed: {exc}") from None


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
