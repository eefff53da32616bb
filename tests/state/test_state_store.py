"""The state directory: persistence, refusal of bad directories, crash safety, replay."""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys

import pytest
from state_helpers import (
    TINY, batch, cancel, deposit, fill, pk, place, reference_root, signed_history, snapshot, withdraw,
)

import zkob.state.smt as smt_module
from zkob.state.api import apply_batch, close_state, create_state, new_state, open_state, opened, replay_log
from zkob.state.errors import Rejected, StoreError
from zkob.state.params import Params
from zkob.state.store import CRASH_ENV, DB_FILE, PARAMS_FILE
from zkob.state.transition import run_batch

BATCHES = signed_history(
    [deposit(1, 1, 500, pk(1)), deposit(2, 2, 60, pk(2)), place(1, 1, 2, 1, "buy", 10, 5)],
    [place(2, 2, 2, 1, "sell", 9, 4), fill(2, 1, 3), withdraw(2, 1, 7)],
    [cancel(1, 1), deposit(3, 1, 5, pk(3))],
)


@pytest.fixture
def stored(tmp_path):
    state = create_state(tmp_path / "s", TINY)
    for b in BATCHES[:2]:
        apply_batch(state, b)
    yield state
    close_state(state)


def test_reopened_state_has_the_same_contents_and_no_tree_is_rebuilt(stored, tmp_path, monkeypatch):
    before = snapshot(stored)
    calls = []
    monkeypatch.setattr(smt_module, "hash2", lambda a, b: calls.append(1) or 0)
    with opened(tmp_path / "s") as again:
        assert again.params == TINY
        got = (again.accounts_root, again.orders_root, list(again.balances()), again.height)
    assert calls == []  # opening reads stored nodes; nothing is rehashed
    monkeypatch.undo()
    with opened(tmp_path / "s") as again:
        assert snapshot(again) == before
        assert again.root == reference_root(again)
    assert got[3] == 2


def test_deep_trees_open_without_hashing(tmp_path, monkeypatch):
    params = Params(accounts_depth=20, orders_depth=20, assets_depth=8, batch_size=4)
    state = create_state(tmp_path / "deep", params)
    apply_batch(state, batch(*[deposit(a * 40_000, 7, 5, pk(a)) for a in range(1, 5)], state=state))
    root = state.root
    close_state(state)
    monkeypatch.setattr(smt_module, "hash2", lambda a, b: pytest.fail("rehashing on open"))
    with opened(tmp_path / "deep") as again:
        accounts_root = again.accounts_root
        assert again.balance(80_000, 7) == 5
    monkeypatch.undo()
    with opened(tmp_path / "deep") as again:
        assert again.root == root and again.accounts_root == accounts_root


def test_rejected_batch_leaves_the_database_untouched(stored, tmp_path):
    before = snapshot(stored)
    with pytest.raises(Rejected):
        apply_batch(stored, batch(deposit(1, 1, 1), withdraw(1, 1, 10**6), state=stored))
    assert snapshot(stored) == before
    with opened(tmp_path / "s") as again:
        assert snapshot(again) == before


def test_refuses_non_empty_or_bad_directories(tmp_path):
    (tmp_path / "full").mkdir()
    (tmp_path / "full" / "x").write_text("x")
    with pytest.raises(StoreError, match="not empty"):
        create_state(tmp_path / "full", TINY)
    (tmp_path / "file").write_text("x")
    with pytest.raises(StoreError, match="not a directory"):
        create_state(tmp_path / "file", TINY)
    for missing in (tmp_path / "nowhere", tmp_path / "file", tmp_path / "full"):
        with pytest.raises(StoreError):
            open_state(missing)
    create_state(tmp_path / "empty_ok", TINY).source.close()  # an existing empty dir is fine
    (tmp_path / "e2").mkdir()
    close_state(create_state(tmp_path / "e2", TINY))


def test_refuses_malformed_or_mismatched_params_and_databases(stored, tmp_path):
    d = tmp_path / "s"
    close_state(stored)
    params_path = d / PARAMS_FILE
    good = params_path.read_text()
    for text in ("not json", "[]", json.dumps({"accounts_depth": 3}),
                 json.dumps(dict(json.loads(good), batch_size=0)),
                 json.dumps(dict(json.loads(good), extra=1))):
        params_path.write_text(text)
        with pytest.raises(StoreError):
            open_state(d)
    params_path.write_text(json.dumps(dict(json.loads(good), batch_size=8)))  # valid, but not this DB's
    with pytest.raises(StoreError, match="does not match"):
        open_state(d)
    params_path.write_text(good)
    (d / DB_FILE).unlink()
    for suffix in ("-wal", "-shm"):
        (d / (DB_FILE + suffix)).unlink(missing_ok=True)
    with pytest.raises(StoreError, match=DB_FILE):
        open_state(d)
    (d / DB_FILE).write_bytes(b"garbage, not sqlite" * 100)
    with pytest.raises(StoreError):
        open_state(d)


def test_a_version_1_directory_is_refused_naming_the_version(stored, tmp_path):
    d = tmp_path / "s"
    close_state(stored)
    v1 = {"accounts_depth": 3, "orders_depth": 3, "assets_depth": 2, "batch_size": 4}
    (d / PARAMS_FILE).write_text(json.dumps(v1))
    with pytest.raises(StoreError) as info:
        open_state(d)
    assert str(info.value) == ("state directory is protocol version 1; this zkob speaks version 2; "
                               "migrating is not supported")
    (d / PARAMS_FILE).write_text(json.dumps(dict(v1, version=3)))
    with pytest.raises(StoreError, match="protocol version 3"):
        open_state(d)


def test_params_json_holds_the_version_sizes_and_whole_config(stored, tmp_path):
    d = tmp_path / "s"
    close_state(stored)
    data = json.loads((d / PARAMS_FILE).read_text())
    assert data["version"] == 2 and data["derivatives_slots"] == 2 and data["config"]["venue_id"] == "4242"
    assert Params.from_json((d / PARAMS_FILE).read_text()) == TINY
    for name in ("venue_id", "quorum"):  # a config without one of its names is malformed, never defaulted
        (d / PARAMS_FILE).write_text(json.dumps(dict(data, config={k: v for k, v in data["config"].items()
                                                                   if k != name})))
        with pytest.raises(StoreError, match="config"):
            open_state(d)
    (d / PARAMS_FILE).write_text(json.dumps(dict(data, config=dict(data["config"], venue_id="4243"))))
    with pytest.raises(StoreError, match="does not match"):  # another venue's params over this database
        open_state(d)


def test_replay_from_the_log_reproduces_every_root(stored, tmp_path):
    apply_batch(stored, BATCHES[2])
    replica = create_state(tmp_path / "replica", TINY)
    entries = replay_log(replica, stored)
    assert [e.seq for e in entries] == [1, 2, 3]
    assert snapshot(replica) == snapshot(stored)
    assert replay_log(replica, stored) == []  # nothing new
    close_state(replica)
    # replicas replay incrementally, and a fresh in-memory one agrees too
    memory = new_state(TINY)
    replay_log(memory, stored.log()[:1])
    replay_log(memory, stored)
    assert memory.root == stored.root


def test_replay_detects_a_tampered_log(stored, tmp_path):
    conn = sqlite3.connect(tmp_path / "s" / DB_FILE)
    conn.execute("UPDATE batches SET new_root = '12345' WHERE seq = 2")
    conn.commit()
    conn.close()
    with pytest.raises(StoreError, match="batch 2"):
        replay_log(new_state(TINY), open_state(tmp_path / "s"))
    log = stored.log()
    with pytest.raises(StoreError, match="identical parameters"):
        replay_log(new_state(Params(3, 3, 2, 8)), stored)
    with pytest.raises(StoreError, match="contiguous"):
        replay_log(new_state(TINY), [log[1]])


def test_two_handles_on_one_directory_stay_coherent(stored, tmp_path):
    other = open_state(tmp_path / "s")
    assert other.root == stored.root
    apply_batch(stored, BATCHES[2])
    apply_batch(other, batch(deposit(3, 2, 1), state=other))  # sees the first handle's batch
    apply_batch(stored, batch(deposit(3, 2, 1), state=stored))  # and vice versa
    assert other.balance(3, 2) == 1  # a handle's reads are as of its last batch ...
    other.refresh()  # ... until it refreshes
    assert other.balance(3, 2) == 2 and other.root == stored.root == reference_root(stored)
    close_state(other)


def _crashing_apply(directory, batch_file, writes: int) -> subprocess.CompletedProcess:
    env = dict(os.environ, **{CRASH_ENV: str(writes)})
    return subprocess.run([sys.executable, "-m", "zkob.cli.main", "apply", str(directory), str(batch_file)],
                          env=env, capture_output=True, text=True, timeout=120)


def test_a_process_killed_mid_batch_leaves_the_old_state(stored, tmp_path):
    directory = tmp_path / "s"
    before = snapshot(stored)
    batch_file = tmp_path / "b.json"
    batch_file.write_text(BATCHES[2].dumps())
    _, overlay = run_batch(stored, BATCHES[2])
    total = sum(len(changes) for changes in overlay.writes.values())
    close_state(stored)
    assert total > 10
    for writes in (1, total // 2, total):  # the last one dies after all rows, before the log row
        proc = _crashing_apply(directory, batch_file, writes)
        assert proc.returncode == -signal.SIGKILL, proc.stderr
        with opened(directory) as after:
            assert snapshot(after) == before
    expected = new_state(TINY)
    replay_log(expected, before[-1])
    apply_batch(expected, BATCHES[2])
    proc = _crashing_apply(directory, batch_file, 10**9)  # the hook never fires: a normal apply
    assert proc.returncode == 0, proc.stderr
    with opened(directory) as after:
        assert after.root == expected.root and after.height == 3
