"""A capacity plan for proving on many machines, simulated from measured costs (issue 17).

    python bench/cluster_plan.py bench/results/cluster-default.json [--plot bench/results/cluster.png]

Reads bench_cluster.py's measurements for one parameter set and simulates
prove_run's own loop (pipeline/cluster.py) with P provers:

- the sequencer is one thread: it traces a batch (trace_s) and submits it
  while fewer than 2P batches are in flight; it takes proofs back in batch
  order, checks each (check_fast_s), writes it (write_step_s) and commits;
- a proof takes prove_with_witness_s on a free prover (+-10% jitter), plus
  the trace's transfer (its pickled size at 1 Gbit/s, 0.5 ms latency);
- batches either arrive as fast as the sequencer takes them (saturation:
  throughput) or at 80% of that throughput (latency to finality: from a
  batch's arrival to its commit, written and checked).

The light client follows the published proofs: py_ecc batch
verification costs light_client_per_proof_s per proof, so it keeps up
only while the proof rate stays below 1/that; the plan names the prover
count where tracing (the sequencer) and where the light client become the
bottleneck.
"""

from __future__ import annotations

import argparse
import json
import random
from collections import deque
from pathlib import Path

GBIT = 125e6  # bytes per second
NET_LATENCY = 0.0005


def simulate(costs: dict, provers: int, batches: int = 3000, arrival: float | None = None,
             seed: int = 1) -> dict:
    """Run prove_run's loop as a discrete-event model; throughput (per minute) and latency percentiles (s)."""
    rng = random.Random(seed)
    trace_s = sum(costs["trace_s"]) / len(costs["trace_s"])
    prove_s = sum(costs["prove_with_witness_s"]) / len(costs["prove_with_witness_s"])
    post_s = costs["check_fast_s"] + costs["write_step_s"]
    transfer = NET_LATENCY + costs["trace_pickle_bytes"] / GBIT + costs["proof_pickle_bytes"] / GBIT
    free_at = [0.0] * provers
    window: deque[tuple[float, float]] = deque()  # (arrival, proof done)
    now, next_batch, commits, latencies = 0.0, 0, [], []

    def top_up() -> None:
        nonlocal now, next_batch
        while next_batch < batches and len(window) < 2 * provers:
            arrived = 0.0 if arrival is None else next_batch / arrival
            if arrived > now and window:
                return  # nothing to trace yet: go and take back a proof
            now = max(now, arrived) + trace_s
            k = min(range(provers), key=free_at.__getitem__)
            start = max(now + transfer, free_at[k])
            free_at[k] = start + prove_s * rng.uniform(0.9, 1.1)
            window.append((arrived, free_at[k] + transfer))
            next_batch += 1

    top_up()
    while window:
        arrived, done = window.popleft()
        now = max(now, done) + post_s
        commits.append(now)
        latencies.append(now - arrived)
        top_up()
    # past the start-up, and before the last 2P commits (no tracing left then: they would flatter the rate)
    steady = commits[len(commits) // 5:len(commits) - 2 * provers]
    rate = (len(steady) - 1) / (steady[-1] - steady[0]) if len(steady) > 1 else 0.0
    ordered = sorted(latencies[len(latencies) // 5:])
    return {"per_min": 60 * rate, "p50": ordered[len(ordered) // 2], "p99": ordered[int(len(ordered) * 0.99)]}


def ceilings(costs: dict) -> dict:
    trace_s = sum(costs["trace_s"]) / len(costs["trace_s"])
    prove_s = sum(costs["prove_with_witness_s"]) / len(costs["prove_with_witness_s"])
    sequencer = trace_s + costs["check_fast_s"] + costs["write_step_s"]
    return {"prove_s": prove_s, "sequencer_s": sequencer, "sequencer_per_min": 60 / sequencer,
            "light_client_per_min": 60 / costs["light_client_per_proof_s"],
            "provers_to_saturate_sequencer": prove_s / sequencer,
            "provers_to_outrun_light_client": prove_s / costs["light_client_per_proof_s"]}


def plan(costs: dict, counts=(1, 2, 10, 100)) -> list[dict]:
    rows = []
    for p in counts:
        full = simulate(costs, p)
        loaded = simulate(costs, p, arrival=0.8 * full["per_min"] / 60)
        rows.append({"provers": p, "per_min": full["per_min"], "p50_80": loaded["p50"], "p99_80": loaded["p99"],
                     "p50_full": full["p50"]})
    return rows


def plot(costs: dict, path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    counts = [1, 2, 3, 5, 7, 10, 15, 20, 30, 50, 70, 100, 150, 200]
    rows = plan(costs, counts)
    lim = ceilings(costs)
    fig, (left, right) = plt.subplots(1, 2, figsize=(11, 4.2))
    left.plot(counts, [r["per_min"] for r in rows], "o-", label="simulated run (saturated)")
    left.plot(counts, [60 * p / lim["prove_s"] for p in counts], ":", color="grey", label="P / proof time")
    left.axhline(lim["sequencer_per_min"], color="tab:red", ls="--", label="sequencer: trace + check + write")
    left.axhline(lim["light_client_per_min"], color="tab:green", ls="--", label="light client (py_ecc batch)")
    left.set(xscale="log", yscale="log", xlabel="provers", ylabel="batches proved per minute",
             title="throughput")
    left.legend(fontsize=8)
    right.plot(counts, [r["p50_80"] for r in rows], "o-", label="median, 80% load")
    right.plot(counts, [r["p99_80"] for r in rows], "s-", label="99th percentile, 80% load")
    right.set(xscale="log", xlabel="provers", ylabel="seconds from arrival to commit",
              title="latency to finality")
    right.legend(fontsize=8)
    fig.suptitle(f"zkob cluster plan, {costs['params']} parameters ({costs['constraints']:,} constraints)")
    fig.tight_layout()
    fig.savefig(path, dpi=110)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("measured", type=Path, nargs="+")
    parser.add_argument("--plot", type=Path)
    args = parser.parse_args()
    for path in args.measured:
        costs = json.loads(path.read_text())
        lim = ceilings(costs)
        print(f"\n{costs['params']}: proof {lim['prove_s']:.2f} s, sequencer {lim['sequencer_s']:.3f} s/batch, "
              f"light client {costs['light_client_per_proof_s']:.3f} s/proof")
        print(f"tracing becomes the bottleneck at {lim['provers_to_saturate_sequencer']:.0f} provers "
              f"({lim['sequencer_per_min']:.0f} batches/min); the light client at "
              f"{lim['provers_to_outrun_light_client']:.0f} provers ({lim['light_client_per_min']:.0f} proofs/min)")
        print("| provers | batches/min | latency p50 (80% load) | p99 (80% load) |")
        print("|---|---|---|---|")
        for r in plan(costs):
            print(f"| {r['provers']} | {r['per_min']:.1f} | {r['p50_80']:.1f} s | {r['p99_80']:.1f} s "
                  "|")
        if args.plot:
            plot(costs, args.plot)


if __name__ == "__main__":
    main()
