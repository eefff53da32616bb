"""Load benchmark of `zkob serve`: acknowledged ops/s, p50/p99 acknowledgement latency, ack -> proof published.

A node runs on 127.0.0.1 (a subprocess) over a fresh state; 16 funded
accounts. For each concurrency level C (1, 4, 16), C client threads each
post M pre-signed withdrawals (closed loop: the next request leaves when
the previous answer arrives), so what is measured is the node: parsing,
the check against the open batch, the durable commit, the answer. A
watcher long-polls /v1/feed and records when each height is published;
each op's "ack -> proof published" is the time from its acknowledgement
to the publication of its batch. Between levels the node drains (every
batch published). Output: a JSON file and a plot.

    python bench/bench_node.py --keys KEYS -o bench/results/node.json --plot bench/node.png \
        [--compare OLD_TREE]

``--compare OLD_TREE`` runs the same levels first on a node from another
source tree (e.g. ``git archive <commit> zkob | tar -x -C OLD_TREE``),
then on this one, so the ratio is measured under the same load.

KEYS must be `zkob setup` keys for the parameters below (made if
missing with --make-keys).
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import httpx

from zkob.node.protocol import op_json, parse_draft, sign_user_op
from zkob.state.api import close_state, create_state
from zkob.state.params import Params
from zkob.zk.eddsa import private_to_public, public_key_to_json

PARAMS = Params(accounts_depth=4, orders_depth=1, assets_depth=1, batch_size=4)
ACCOUNTS = 16
LEVELS = (1, 4, 16)


def key(account: int) -> bytes:
    return bytes([account + 1]) * 32


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(q * (len(ordered) - 1))))]


class Watcher:
    """Records the time each height is published (long poll on /v1/feed)."""

    def __init__(self, url: str, start: int):
        self.url, self.next = url, start
        self.published: dict[int, float] = {}
        self.running = True
        self.thread = threading.Thread(target=self.run, daemon=True)
        self.thread.start()

    def run(self) -> None:
        with httpx.Client(timeout=60) as http:
            while self.running:
                heights = http.get(f"{self.url}/v1/feed", params={"from": self.next, "wait": 2}).json()["heights"]
                now = time.monotonic()
                for h in heights:
                    self.published.setdefault(h, now)
                if heights:
                    self.next = heights[-1] + 1


def run_level(url: str, clients: int, per_client: int, nonces: dict[int, int]) -> dict:
    accounts = list(range(clients))
    signed = {a: [op_json(sign_user_op(parse_draft({"op": "withdraw", "account": a, "asset": 1, "amount": 1}),
                                       key(a), nonces[a] + i, PARAMS.config.venue_id)) for i in range(per_client)]
              for a in accounts}
    results: list[tuple[float, float, int]] = []  # (latency, ack time, height)
    lock = threading.Lock()

    def client(account: int) -> None:
        with httpx.Client(base_url=url, timeout=120) as http:
            for op in signed[account]:
                sent = time.monotonic()
                answer = http.post("/v1/ops", json=op)
                acked = time.monotonic()
                assert answer.status_code == 200, answer.text
                with lock:
                    results.append((acked - sent, acked, answer.json()["height"]))

    threads = [threading.Thread(target=client, args=(a,)) for a in accounts]
    start = time.monotonic()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    wall = time.monotonic() - start
    for a in accounts:
        nonces[a] += per_client
    latencies = [r[0] for r in results]
    return {"clients": clients, "ops": len(results), "seconds": wall, "ops_per_s": len(results) / wall,
            "p50_ms": 1000 * statistics.median(latencies), "p99_ms": 1000 * percentile(latencies, 0.99),
            "acks": [(r[1], r[2]) for r in results]}


def drain(url: str, watcher: Watcher, timeout: float = 1800) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        status = httpx.get(f"{url}/v1/status", timeout=60).json()
        if status["open_batch"] is None and status["pending_batches"] == 0 and watcher.next > status["height"]:
            return
        time.sleep(0.5)
    raise RuntimeError("the node did not publish every batch in time")


def run_node(tree: Path | None, keys: Path, ops: int, batch_seconds: float) -> dict:
    """One node (from source tree ``tree``, or this one) through the levels; its figures and the load."""
    work = Path(tempfile.mkdtemp(prefix="zkob-bench-node-"))
    directory = work / "st"
    close_state(create_state(directory, PARAMS))
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    env = dict(os.environ, ZKOB_OPERATOR_TOKEN="op", ZKOB_LOG_LEVEL="WARNING")
    if tree is not None:
        env["PYTHONPATH"] = os.pathsep.join([str(tree), env.get("PYTHONPATH", "")])
    log = open(work / "node.log", "wb")
    node = subprocess.Popen([sys.executable, "-m", "zkob.cli.main", "serve", str(directory), "--keys", str(keys),
                             "--port", str(port), "--batch-seconds", str(batch_seconds)],
                            stdout=log, stderr=subprocess.STDOUT, env=env)
    loads = [os.getloadavg()]
    try:
        for _ in range(600):
            try:
                httpx.get(f"{url}/v1/status", timeout=2).raise_for_status()
                break
            except httpx.HTTPError:
                time.sleep(0.2)
        deposits = [{"op": "deposit", "account": a, "asset": 1, "amount": 1_000_000,
                     "pubkey": public_key_to_json(private_to_public(key(a)))} for a in range(ACCOUNTS)]
        k = PARAMS.batch_size
        for first in range(0, ACCOUNTS, k):  # K deposits a request: one batch each
            httpx.post(f"{url}/v1/deposits", json={"deposits": deposits[first:first + k]},
                       headers={"authorization": "Bearer op"}, timeout=60).raise_for_status()
        watcher = Watcher(url, 1)
        drain(url, watcher)
        nonces = {a: 0 for a in range(ACCOUNTS)}
        levels = []
        for clients in LEVELS:
            level = run_level(url, clients, max(1, ops // clients), nonces)
            loads.append(os.getloadavg())
            drain(url, watcher)
            to_proof = [watcher.published[h] - acked for acked, h in level.pop("acks")]
            level.update({"ack_to_proof_p50_s": statistics.median(to_proof),
                          "ack_to_proof_p99_s": percentile(to_proof, 0.99)})
            levels.append(level)
            print(json.dumps({"tree": str(tree or "this"), **level}), flush=True)
        watcher.running = False
    finally:
        node.send_signal(signal.SIGTERM)
        node.wait(120)
    return {"tree": str(tree) if tree else "this", "levels": levels, "loads": loads}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--keys", type=Path, required=True)
    parser.add_argument("--make-keys", action="store_true")
    parser.add_argument("--ops", type=int, default=32, help="ops per level (split between the clients)")
    parser.add_argument("--batch-seconds", type=float, default=0.5)
    parser.add_argument("--compare", type=Path, help="another source tree's node, run first under the same load")
    parser.add_argument("-o", "--out", type=Path, required=True)
    parser.add_argument("--plot", type=Path)
    args = parser.parse_args()
    if args.make_keys and not (args.keys / "proving_key.zkpk").exists():
        from zkob.pipeline.setup import make_keys

        make_keys(PARAMS, args.keys)
    runs = {}
    if args.compare is not None:
        runs["before"] = run_node(args.compare, args.keys, args.ops, args.batch_seconds)
    runs["after"] = run_node(None, args.keys, args.ops, args.batch_seconds)
    record = {"params": json.loads(PARAMS.to_json()), "batch_seconds": args.batch_seconds, "runs": runs,
              "levels": runs["after"]["levels"], "load": os.getloadavg(),
              "date": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime())}
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(record, indent=1) + "\n")
    if args.plot:
        plot(record, args.plot)


def plot(record: dict, path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    runs = record.get("runs") or {"after": {"levels": record["levels"]}}
    fig, (left, middle, right) = plt.subplots(1, 3, figsize=(12, 3.6))
    width = 0.8 / len(runs)
    for i, (name, run) in enumerate(runs.items()):
        levels = run["levels"]
        x = [j + (i - (len(runs) - 1) / 2) * width for j in range(len(levels))]
        clients = [str(level["clients"]) for level in levels]
        left.bar(x, [level["ops_per_s"] for level in levels], width, label=name)
        middle.plot(clients, [level["p50_ms"] for level in levels], "o-", label=f"{name} p50")
        middle.plot(clients, [level["p99_ms"] for level in levels], "s--", label=f"{name} p99")
        right.plot(clients, [level["ack_to_proof_p50_s"] for level in levels], "o-", label=f"{name} p50")
        right.plot(clients, [level["ack_to_proof_p99_s"] for level in levels], "s--", label=f"{name} p99")
    left.set_xticks(range(len(clients)), clients)
    left.set(title="acknowledged ops/s", xlabel="concurrent clients")
    left.legend()
    middle.set(title="acknowledgement latency (ms)", xlabel="concurrent clients", yscale="log")
    middle.legend(fontsize=7)
    right.set(title="ack -> proof published (s)", xlabel="concurrent clients")
    right.legend(fontsize=7)
    fig.suptitle(f"zkob serve, K = {record['params']['batch_size']}, load {record['load'][0]:.1f} on 2 cores")
    fig.tight_layout()
    fig.savefig(path, dpi=110)


if __name__ == "__main__":
    main()
