"""kill -9 under load: every acknowledged op survives in its order, nothing else does, and proving resumes.

Two client threads post 1-unit withdrawals as fast as the node answers,
each op signed at the nonce the node reports for its account. The node
is killed with SIGKILL at random moments (KILLS times, on loopback, each
run bounded in time) and restarted on the same DIR. At the end the log
must hold every acknowledged op at its acknowledged seq, and every other
user op in it must be one whose request was in flight at a kill (sent,
never answered). Then every batch must be published, and a replica that
replays them must reach the node's root.
"""

from __future__ import annotations

import json
import random
import threading
import time

import httpx
import pytest
from node_helpers import PARAMS, NodeProcess, children, deposit, signed, wait_gone, wait_published

from zkob.node.log import NodeLog
from zkob.node.client import NodeClient, replicate
from zkob.state.api import close_state, create_state, opened

pytestmark = [pytest.mark.slow, pytest.mark.prove]
KILLS = 2
ACCOUNTS = (1, 2)


class Poster:
    """One account's client: acknowledged ops by seq, and ops left in flight by a dead node."""

    def __init__(self, account: int):
        self.account = account
        self.acked: dict[int, dict] = {}
        self.in_flight: list[dict] = []
        self.url: str | None = None
        self.running = True

    def run(self) -> None:
        while self.running:
            url = self.url
            try:
                nonce = httpx.get(f"{url}/v1/accounts/{self.account}", timeout=10).json()["nonce"]
            except (httpx.HTTPError, ValueError, KeyError, TypeError):
                time.sleep(0.2)
                continue
            op = signed({"op": "withdraw", "account": self.account, "asset": 1, "amount": 1}, nonce)
            try:
                answer = httpx.post(f"{url}/v1/ops", json=op, timeout=30)
            except httpx.HTTPError:
                self.in_flight.append(op)  # the node died (or was dying) with it: logged or not, never acked
                time.sleep(0.2)
                continue
            if answer.status_code == 200:
                self.acked[answer.json()["seq"]] = op
            else:
                assert answer.status_code == 422 and answer.json()["rule"] == "signature_invalid", answer.text


def test_kill_9_under_load_keeps_exactly_the_acknowledged_ops_and_proving_resumes(tmp_path, walkthrough_keys):
    directory = tmp_path / "st"
    close_state(create_state(directory, PARAMS))
    node = NodeProcess(directory, walkthrough_keys, "--batch-seconds", "0.3").start()
    for a in ACCOUNTS:
        httpx.post(f"{node.url}/v1/deposits", json={"deposits": [deposit(a, 1, 1000)]},
                   headers={"authorization": "Bearer op-token"}, timeout=60).raise_for_status()
    posters = [Poster(a) for a in ACCOUNTS]
    for p in posters:
        p.url = node.url
    threads = [threading.Thread(target=p.run, daemon=True) for p in posters]
    for t in threads:
        t.start()
    rng = random.Random(18)
    try:
        for _ in range(KILLS):
            time.sleep(rng.uniform(1.0, 4.0))
            provers = children(node.proc.pid)
            node.kill()
            assert provers and wait_gone(provers) == []  # the prover process notices and exits by itself
            node.start()  # same DIR, same port
    finally:
        time.sleep(1.0)
        for p in posters:
            p.running = False
        for t in threads:
            t.join(60)
    try:
        time.sleep(0.5)
        status = httpx.get(f"{node.url}/v1/status", timeout=30).json()
        status = wait_published(node.url, status["height"] + status["pending_batches"]
                                + (status["open_batch"] is not None))
        log = NodeLog(directory)
        try:
            logged = {seq: op for seq, _, op, origin in log.ops_page(0, 1 << 30) if origin == "user"}
            seqs = [seq for seq, *_ in log.ops_page(0, 1 << 30)]
        finally:
            log.close()
        assert seqs == list(range(1, len(seqs) + 1))  # one order, no gap
        acked = {seq: op for p in posters for seq, op in p.acked.items()}
        assert len(acked) >= 5
        for seq, op in acked.items():
            assert logged.get(seq) == op, f"acknowledged op {seq} is not in the log as acknowledged"
        in_flight = [json.dumps(op, sort_keys=True) for p in posters for op in p.in_flight]
        for seq, op in logged.items():
            assert seq in acked or json.dumps(op, sort_keys=True) in in_flight, f"op {seq} was never acknowledged"
        replica = tmp_path / "replica"
        close_state(create_state(replica, PARAMS))
        with opened(replica) as state, NodeClient(node.url, "replica-token") as client:
            synced = replicate(client, state)
        assert str(synced.root) == status["root"] and synced.height == status["height"]
    finally:
        assert node.stop() == 0
