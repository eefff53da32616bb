"""The sequencer's durable log: DIR/node.sqlite, the one place where the order of ops is fixed.

    batches(height, time, reports, salt, opened)   one row per batch the node opened;
                                                   salt NULL = still open, set = cut
    ops(seq, height, op, origin)                   every sequenced op, in order; origin is
                                                   "user", "deposit" or "match" (a fill)
    reports(id, report, height)                    committee reports; height NULL = waiting
                                                   for the next batch to open

An op is acknowledged only after the transaction that holds it has
committed (WAL, ``synchronous=FULL``): a kill -9 at any moment leaves
every acknowledged op in the log, in its order, and nothing else. A
``Step`` is everything one sequencer step wrote (new ops, a batch opened,
batches cut, reports taken); ``commit`` writes it in one transaction.

DIR/node.lock holds an exclusive flock for the node's lifetime, so two
nodes never share one DIR (the kernel drops it when the process dies,
even by SIGKILL). Cost: one fsync per committed step (group commit: a
step may hold many ops).
"""

from __future__ import annotations

import fcntl
import json
import os
import sqlite3
from dataclasses import dataclass, field
from pathlib import Path

from ..zk.errors import ZkobError

LOG_FILE = "node.sqlite"
LOCK_FILE = "node.lock"
FORMAT = "zkob-node-log-1"

SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS batches (height INTEGER PRIMARY KEY, time INTEGER NOT NULL, reports TEXT NOT NULL,
                                    salt TEXT, opened REAL NOT NULL);
CREATE TABLE IF NOT EXISTS ops (seq INTEGER PRIMARY KEY, height INTEGER NOT NULL, op TEXT NOT NULL,
                                origin TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS reports (id INTEGER PRIMARY KEY, report TEXT NOT NULL, height INTEGER);
"""


class NodeLocked(ZkobError):
    """Another node holds DIR (exit 2)."""


@dataclass(frozen=True)
class LoggedBatch:
    """A batch as the log holds it: ops are canonical JSON objects; ``salt`` None while open."""

    height: int
    time: int
    reports: tuple[dict, ...]
    salt: int | None
    opened: float
    ops: tuple[tuple[int, dict, str], ...]  # (seq, op JSON, origin)


@dataclass
class Step:
    """What one sequencer step writes, in one transaction."""

    opened: LoggedBatch | None = None                      # a batch opened by this step
    ops: list[tuple[int, int, dict, str]] = field(default_factory=list)  # (seq, height, op JSON, origin)
    cuts: list[tuple[int, int]] = field(default_factory=list)            # (height, salt)
    taken_reports: list[int] = field(default_factory=list)  # waiting report ids the opened batch carries

    def empty(self) -> bool:
        return self.opened is None and not self.ops and not self.cuts


def lock_dir(directory: Path) -> int:
    """Take DIR/node.lock exclusively for this process; NodeLocked if another node holds it."""
    fd = os.open(directory / LOCK_FILE, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o600)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        os.close(fd)
        raise NodeLocked(f"{directory} is served by another node (it holds {directory / LOCK_FILE})") from None
    os.ftruncate(fd, 0)
    os.write(fd, f"{os.getpid()}\n".encode())
    return fd


class NodeLog:
    """DIR/node.sqlite opened for one node (the caller holds DIR's lock)."""

    def __init__(self, directory: Path):
        path = directory / LOG_FILE
        if not path.exists():
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_CLOEXEC, 0o600)  # private ops
            os.close(fd)
        self.conn = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
        self.conn.execute("PRAGMA journal_mode=WAL")
        self.conn.execute("PRAGMA synchronous=FULL")
        self.conn.execute("BEGIN IMMEDIATE")
        for statement in filter(str.strip, SCHEMA.split(";")):
            self.conn.execute(statement)
        self.conn.execute("INSERT OR IGNORE INTO meta VALUES ('format', ?)", (FORMAT,))
        self.conn.execute("COMMIT")
        found = self.conn.execute("SELECT value FROM meta WHERE key='format'").fetchone()[0]
        if found != FORMAT:
            raise ZkobError(f"{path} is not a zkob node log (format {found!r})")

    def close(self) -> None:
        self.conn.close()

    def last_seq(self) -> int:
        return self.conn.execute("SELECT COALESCE(MAX(seq), 0) FROM ops").fetchone()[0]

    def batches(self, after: int = 0) -> list[LoggedBatch]:
        """Every batch above height ``after`` with its ops, in order."""
        rows = self.conn.execute("SELECT height, time, reports, salt, opened FROM batches WHERE height > ? "
                                 "ORDER BY height", (after,)).fetchall()
        ops: dict[int, list[tuple[int, dict, str]]] = {}
        for seq, height, op, origin in self.conn.execute(
                "SELECT seq, height, op, origin FROM ops WHERE height > ? ORDER BY seq", (after,)):
            ops.setdefault(height, []).append((seq, json.loads(op), origin))
        return [LoggedBatch(h, t, tuple(json.loads(r)), None if s is None else int(s), o, tuple(ops.get(h, ())))
                for h, t, r, s, o in rows]

    def waiting_reports(self) -> list[tuple[int, dict]]:
        return [(i, json.loads(r)) for i, r in
                self.conn.execute("SELECT id, report FROM reports WHERE height IS NULL ORDER BY id")]

    def ops_page(self, after: int, limit: int) -> list[tuple[int, int, dict, str]]:
        """Up to ``limit`` logged ops with seq > ``after``: (seq, height, op JSON, origin)."""
        return [(s, h, json.loads(o), g) for s, h, o, g in self.conn.execute(
            "SELECT seq, height, op, origin FROM ops WHERE seq > ? ORDER BY seq LIMIT ?", (after, limit))]

    def add_report(self, report: dict) -> int:
        """Log a committee report as waiting for the next batch; returns its id (durable on return)."""
        cursor = self.conn.execute("INSERT INTO reports (report, height) VALUES (?, NULL)",
                                   (json.dumps(report, sort_keys=True),))
        return int(cursor.lastrowid or 0)

    def commit(self, step: Step) -> None:
        """Write ``step`` in one transaction; after this returns, its ops are durable."""
        conn = self.conn
        conn.execute("BEGIN IMMEDIATE")
        try:
            if step.opened is not None:
                b = step.opened
                conn.execute("INSERT INTO batches VALUES (?, ?, ?, NULL, ?)",
                             (b.height, b.time, json.dumps(list(b.reports)), b.opened))
                for report_id in step.taken_reports:
                    conn.execute("UPDATE reports SET height=? WHERE id=?", (b.height, report_id))
            conn.executemany("INSERT INTO ops VALUES (?, ?, ?, ?)",
                             [(seq, height, json.dumps(op, sort_keys=True), origin)
                              for seq, height, op, origin in step.ops])
            for height, salt in step.cuts:
                conn.execute("UPDATE batches SET salt=? WHERE height=?", (str(salt), height))
            conn.execute("COMMIT")
        except BaseException:
            conn.execute("ROLLBACK")
            raise
