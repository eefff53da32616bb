"""A node on loopback: clients posting signed ops at once, batches proven, a light client and a replica in sync.

Four client threads, one per account, post orders (which the node
matches), withdrawals and cancels, each signing at its own nonce (an op
refused with 422 leaves the nonce where it was). Once every batch is
published, `zkob follow --url` (public feed, proofs verified) and
`zkob replica --url` (private batches replayed) must both reach the
node's root, and resume from where they stopped.
"""

from __future__ import annotations

import json
import os
import random
import subprocess
import sys
import threading
import time

import httpx
import pytest
from chromium import dump_dom, ink, png_pixels, screenshot
from node_helpers import PARAMS, NodeProcess, children, deposit, place, signed, wait_gone, wait_published

from zkob.pipeline.keyfiles import VK_FILE
from zkob.state.api import close_state, create_state

pytestmark = [pytest.mark.slow, pytest.mark.prove]
ACCOUNTS = (1, 2, 3, 4)


def client(url: str, account: int, seed: int, acks: list, refusals: list) -> None:
    rng = random.Random(seed)
    nonce = 0
    slots = (account, account + 4 if account + 4 < 8 else 0)
    with httpx.Client(base_url=url, timeout=120) as http:
        for step in range(6):
            roll = step % 3
            if roll == 0:
                op = place(slots[step // 3 % 2], account, rng.choice(("buy", "sell")), rng.randint(98, 102),
                           rng.randint(1, 5))
            elif roll == 1:
                op = {"op": "withdraw", "account": account, "asset": 2, "amount": rng.randint(1, 9)}
            else:
                op = {"op": "cancel", "order": slots[step // 3 % 2], "account": account}
            answer = http.post("/v1/ops", json=signed(op, nonce))
            if answer.status_code == 200:
                nonce += 1
                acks.append((account, answer.json()))
            else:
                assert answer.status_code == 422, answer.text
                refusals.append(answer.json()["rule"])


def test_clients_post_at_once_and_a_light_client_and_a_replica_reach_the_nodes_root(tmp_path, walkthrough_keys):
    directory, replica = tmp_path / "st", tmp_path / "replica"
    close_state(create_state(directory, PARAMS))
    close_state(create_state(replica, PARAMS))
    genesis = None
    node = NodeProcess(directory, walkthrough_keys, "--batch-seconds", "0.5").start()
    try:
        genesis = httpx.get(f"{node.url}/v1/status").json()["root"]
        for a in ACCOUNTS:
            pair = [deposit(a, 1, 10_000), deposit(a, 2, 10_000, create=False)]
            assert httpx.post(f"{node.url}/v1/deposits", json={"deposits": pair},
                              headers={"authorization": "Bearer op-token"}, timeout=60).status_code == 200
        acks: list = []
        refusals: list = []
        threads = [threading.Thread(target=client, args=(node.url, a, a, acks, refusals)) for a in ACCOUNTS]
        for t in threads:
            t.start()
        for t in threads:
            t.join(600)
        seqs = sorted(a["seq"] for _, a in acks)
        assert len(set(seqs)) == len(seqs) and len(acks) >= 12
        fills = [f for _, a in acks for f in a["fills"]]
        time.sleep(1.0)  # past --batch-seconds: the last batch is cut
        status = httpx.get(f"{node.url}/v1/status").json()
        assert status["open_batch"] is None
        height = status["height"] + status["pending_batches"]
        status = wait_published(node.url, height)
        assert status["pending_batches"] == 0 and status["sequenced_seq"] == max(seqs + [f["seq"] for f in fills])
        env = dict(os.environ)
        vk = str(walkthrough_keys / VK_FILE)
        light = tmp_path / "light.json"
        halfway = subprocess.run([sys.executable, "-m", "zkob.cli.main", "follow", vk, genesis, "--url", node.url,
                                  "--state", str(light), "--json", "--max-ahead", "60"],
                                 capture_output=True, text=True, env=env, timeout=600)
        assert halfway.returncode == 0, halfway.stderr
        followed = json.loads(halfway.stdout)
        assert followed["root"] == status["root"] and followed["height"] == height
        again = subprocess.run([sys.executable, "-m", "zkob.cli.main", "follow", vk, genesis, "--url", node.url,
                                "--state", str(light)], capture_output=True, text=True, env=env, timeout=600)
        assert again.returncode == 0 and again.stdout.strip() == status["root"] and "batch" not in again.stderr
        replayed = subprocess.run([sys.executable, "-m", "zkob.cli.main", "replica", str(replica), "--url", node.url,
                                   "--token", "replica-token", "--json"], capture_output=True, text=True, env=env,
                                  timeout=600)
        assert replayed.returncode == 0, replayed.stderr
        assert json.loads(replayed.stdout) == {"height": height, "root": status["root"], "applied": height}
        fresh = tmp_path / "fresh"
        close_state(create_state(fresh, PARAMS))
        wrong = subprocess.run([sys.executable, "-m", "zkob.cli.main", "replica", str(fresh), "--url", node.url,
                                "--token", "nope"], capture_output=True, text=True, env=env, timeout=600)
        assert wrong.returncode == 2 and "replica token" in wrong.stderr
        explorer_shows_the_batches(node.url, status, height, tmp_path)
        provers = children(node.proc.pid)  # the prover process (spawn may add its resource tracker)
        assert provers
    finally:
        assert node.stop() == 0
    assert wait_gone(provers, 5.0) == []  # SIGTERM: no prover process outlives the node


def explorer_shows_the_batches(url: str, status: dict, height: int, tmp_path) -> None:
    """GET / in headless Chromium: the DOM lists every height as published with its roots; the page is not blank."""
    dom = dump_dom(url + "/")
    assert "zkob node explorer" in dom and status["root"] in dom
    table = dom.split('id="batches"')[1]  # Chromium gives the summary table a <tbody> too
    rows = table.split("<tbody>")[1].split("</tbody>")[0].split("<tr>")[1:]
    assert len(rows) == height and all('class="published"' in row for row in rows)
    assert "deposit acct 1 asset 1 amount 10000" in dom  # a bridge record
    width, rows_px, pixels = png_pixels(screenshot(url + "/", tmp_path / "explorer.png"))
    assert (width, rows_px) == (1280, 900)
    assert 0.005 < ink(pixels) < 0.9  # text, rules and headers on a white page: rendered, not blank
