"""What the node shows about its batches, read from DIR without the sequencer's thread.

``batch_rows`` joins the node log (opened read-only: WAL lets readers run
beside the writer) with the published directories DIR/batches/NNNNNN/:
each batch's height, time, op count, committee reports, proof status
(open, proving, published) and, once published, its public inputs by
name and its bridge record. The explorer page and ``GET /v1/batches``
both use it. Cost: one indexed query and, per published batch, two
small file reads.
"""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

from ..pipeline import outputs
from ..pipeline.cluster_outroot import step_dir
from ..pipeline.outputs import BRIDGE, PUBLIC
from ..state.protocol import PUBLIC_INPUTS
from .log import LOG_FILE

MAX_ROWS = 100
#: the files of a published batch anyone may read: every output file but the private batch.json
#: (v2's pipeline adds market.json; listing the module's names keeps the feed in step with it)
PUBLIC_FILES: tuple[str, ...] = tuple(getattr(outputs, name) for name in ("PUBLIC", "PROOF", "BRIDGE", "MARKET")
                                      if hasattr(outputs, name))


def read_connection(directory: Path) -> sqlite3.Connection:
    return sqlite3.connect(f"file:{directory / LOG_FILE}?mode=ro", uri=True)


def batch_rows(directory: Path, outroot: Path, newest_first: bool = True, start: int | None = None,
               limit: int = MAX_ROWS) -> list[dict]:
    """Up to ``limit`` batches: the newest ones, or those from height ``start`` up."""
    limit = max(1, min(limit, MAX_ROWS))
    conn = read_connection(directory)
    try:
        if start is None:
            rows = conn.execute("SELECT height, time, reports, salt FROM batches ORDER BY height DESC LIMIT ?",
                                (limit,)).fetchall()
        else:
            rows = conn.execute("SELECT height, time, reports, salt FROM batches WHERE height >= ? "
                                "ORDER BY height LIMIT ?", (start, limit)).fetchall()
        counts = dict(conn.execute("SELECT height, COUNT(*) FROM ops WHERE height BETWEEN ? AND ? GROUP BY height",
                                   (min((r[0] for r in rows), default=0), max((r[0] for r in rows), default=0))))
    finally:
        conn.close()
    out = [_row(outroot, h, t, r, s, counts.get(h, 0)) for h, t, r, s in rows]
    return out if newest_first == (start is None) else list(reversed(out))


def _row(outroot: Path, height: int, time: int, reports: str, salt: str | None, ops: int) -> dict:
    directory = step_dir(outroot, height)
    row: dict = {"height": height, "time": time, "ops": ops, "reports": json.loads(reports),
                 "status": "open" if salt is None else "proving"}
    if directory.is_dir():
        public = json.loads((directory / PUBLIC).read_text())
        row["status"] = "published"
        row["public"] = dict(zip(PUBLIC_INPUTS, public))
        bridge = directory / BRIDGE
        row["bridge"] = json.loads(bridge.read_text()) if bridge.exists() else None
    return row


def published_step(outroot: Path, height: int, name: str) -> Path | None:
    """DIR/batches/NNNNNN/NAME if batch ``height`` is published (a directory appears whole)."""
    if height < 1:
        return None
    path = step_dir(outroot, height) / name
    return path if path.is_file() else None
