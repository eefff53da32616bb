"""How long the prover holds the GIL in one stretch (a Dask worker's event loop needs it for heartbeats).

    python bench/cluster/gil.py STATE KEYS BATCH.json [--repeat N]

Proves BATCH.json on STATE (not committed) while a second thread wakes
every 5 ms and records the longest gap between its wake-ups: a gap is
time the proving thread held the GIL without a switch (a numba kernel
without nogil=True holds it for its whole call). Prints the proof time
and the longest gaps as JSON.
"""

from __future__ import annotations

import argparse
import json
import threading
import time
from pathlib import Path

from zkob.circuits.batch import witness_for
from zkob.pipeline.prove import load_prover
from zkob.state.api import opened, trace_batch
from zkob.state.batchfile import load_batch
from zkob.zk.groth16.prove import prove


def longest_gaps(work, tick: float = 0.005) -> tuple[float, list[float]]:
    """Run ``work()`` while a thread sleeps in ``tick`` steps; (seconds of work, the 5 longest gaps)."""
    gaps: list[float] = []
    done = threading.Event()

    def watch() -> None:
        while not done.is_set():
            start = time.perf_counter()
            time.sleep(tick)
            gaps.append(time.perf_counter() - start - tick)

    watcher = threading.Thread(target=watch)
    watcher.start()
    start = time.perf_counter()
    work()
    elapsed = time.perf_counter() - start
    done.set()
    watcher.join()
    return elapsed, sorted(gaps, reverse=True)[:5]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("state")
    parser.add_argument("keys", type=Path)
    parser.add_argument("batch", type=Path)
    parser.add_argument("--repeat", type=int, default=2)
    args = parser.parse_args()
    with opened(args.state) as state:
        trace = trace_batch(state, load_batch(args.batch, state.params.batch_size))
        prover = load_prover(state.params, args.keys)
    witness = witness_for(state.params, trace)  # the proof alone: the witness is pure Python, which switches

    def prove_once() -> None:
        prove(prover.pk, prover.circuit, witness, backend=prover.backend)

    prove_once()  # warm: first-call costs are not the steady state
    runs = [longest_gaps(prove_once) for _ in range(args.repeat)]
    print(json.dumps({"prove_s": [round(t, 2) for t, _ in runs],
                      "longest_gil_hold_s": [round(g[0], 3) for _, g in runs],
                      "top5": [[round(x, 3) for x in g] for _, g in runs]}))


if __name__ == "__main__":
    main()
