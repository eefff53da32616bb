"""The prover child process (node/provers.py) with stand-in provers: crashes are retried, stops reap it.

The stand-ins (``flaky`` and ``always_dies`` below, run in a spawned
child) speak the real pipe protocol without loading keys, so this file
costs process starts only; tests/node/test_node_end_to_end.py proves
real batches through the same class.
"""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest
from node_helpers import PARAMS

from zkob.node.provers import ProcessProvers, ProverCrashed, serve_proofs, watch_parent
from zkob.zk.errors import ZkobError


def flaky(conn, parent, params, keys_dir, backend):
    """Dies (exit 3) on the first request of each trace named in KEYS_DIR/die-once-<trace> files; else echoes."""
    watch_parent(parent)
    while True:
        try:
            kind, *rest = conn.recv()
        except EOFError:
            return
        if kind == "load":
            conn.send(("ok", None))
            continue
        trace = rest[0]
        marker = Path(keys_dir) / f"die-once-{trace}"
        if marker.exists():
            marker.unlink()
            os._exit(3)
        if trace == "bad":
            conn.send(("error", "the witness does not satisfy the circuit"))
        elif trace == "slow":
            time.sleep(60)
        else:
            conn.send(("ok", f"proof of {trace} by {os.getpid()}"))


def always_dies(conn, parent, params, keys_dir, backend):
    conn.recv()
    os._exit(9)


def alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True


def test_a_prover_crash_is_reported_and_the_batch_proved_again_in_order(tmp_path, caplog):
    (tmp_path / "die-once-t2").write_text("")
    provers = ProcessProvers(PARAMS, tmp_path, target=flaky)
    try:
        provers.load()
        first = provers.pid
        handles = [provers.submit(n, f"t{n}") for n in (1, 2, 3)]
        proofs = [provers.result(h) for h in handles]
        assert [p.split(" by ")[0] for p in proofs] == ["proof of t1", "proof of t2", "proof of t3"]
        assert proofs[0].endswith(str(first)) and not proofs[1].endswith(str(first))  # a new child made t2
        assert provers.crashes == 1 and not alive(first)
        assert "prover process died while proving batch 2 (exit code 3" in caplog.text
        with pytest.raises(ZkobError, match="does not satisfy") as caught:  # a failed proof: not retried
            provers.result(provers.submit(4, "bad"))
        assert not isinstance(caught.value, ProverCrashed) and provers.crashes == 1
    finally:
        provers.close()
    assert provers.process is None or not provers.process.is_alive()


def test_a_prover_that_keeps_dying_fails_the_batch_after_the_retries(tmp_path):
    provers = ProcessProvers(PARAMS, tmp_path, retries=2, target=always_dies)
    try:
        with pytest.raises(ProverCrashed, match="died 3 times in a row while proving batch 7"):
            provers.result(provers.submit(7, "t7"))
        assert provers.crashes == 3
    finally:
        provers.close()


def test_close_stops_a_proof_in_progress_and_reaps_the_child(tmp_path):
    import threading

    provers = ProcessProvers(PARAMS, tmp_path, target=flaky)
    provers.load()
    pid = provers.pid
    outcome: list = []
    worker = threading.Thread(target=lambda: outcome.append(_result(provers, "slow")))
    worker.start()
    time.sleep(0.5)
    started = time.monotonic()
    provers.close()
    worker.join(10)
    assert time.monotonic() - started < 8 and not worker.is_alive()
    assert isinstance(outcome[0], ZkobError) and "stopping" in str(outcome[0]) and provers.crashes == 0
    assert not alive(pid)


def test_the_real_child_answers_a_prover_that_does_not_load_with_an_error(tmp_path):
    provers = ProcessProvers(PARAMS, tmp_path / "no-keys", target=serve_proofs)
    try:
        with pytest.raises(ZkobError) as caught:
            provers.load()
        assert not isinstance(caught.value, ProverCrashed) and provers.crashes == 0
    finally:
        provers.close()


def _result(provers, trace):
    try:
        return provers.result(provers.submit(1, trace))
    except ZkobError as exc:
        return exc
