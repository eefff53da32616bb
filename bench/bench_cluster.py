"""Cluster proving (issue 17): proofs per minute on a LocalCluster of 1 and 2 workers, and what each step costs.

    python bench/bench_cluster.py --params small   -o bench/results/cluster-small.json
    python bench/bench_cluster.py --params default -o bench/results/cluster-default.json
    python bench/cluster_plan.py bench/results/cluster-default.json ...   # the 10/100-prover plan and plot

For one parameter set it makes development keys (or reuses --keys), a run
of signed batches (tests/pipeline/run_batches.py, the tests' one batch
builder) and measures, in this process:

- per batch: tracing on the pending state (the sequencer's sequential
  step), the witness, the proof, checking it (compiled pairing and
  py_ecc), writing and committing; the pickled sizes of the trace (what
  a task sends), the witness (what it would send instead) and the proof;
- the proving key's size and a worker's start-up (kernels, key, circuit);
- the run's wall time with LocalProvers (this process, the peer) and on a
  LocalCluster of 1 and of 2 worker processes (from the first trace to
  the last commit; cluster start-up reported apart).

Numbers are from a shared 2-core machine: two workers share its two
cores, so the 2-worker figure shows the machinery's overhead more than a
speed-up (bench/results/cluster.md says how to read it).
"""

from __future__ import annotations

import argparse
import json
import os
import pickle
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests" / "pipeline"))

from run_batches import signed_run  # noqa: E402

from zkob.circuits.batch import witness_for  # noqa: E402
from zkob.pipeline.cluster import LocalProvers, RunBatch, prove_run  # noqa: E402
from zkob.pipeline.cluster_outroot import write_step  # noqa: E402
from zkob.pipeline.keyfiles import PK_FILE, VK_FILE, keys_identity, load_vk  # noqa: E402
from zkob.pipeline.prove import load_prover, proof_checker, prove_trace  # noqa: E402
from zkob.pipeline.setup import make_keys  # noqa: E402
from zkob.state.api import close_state, create_state  # noqa: E402
from zkob.state.batchfile import parse_batch  # noqa: E402
from zkob.state.params import Params  # noqa: E402
from zkob.state.pending import Pending  # noqa: E402
from zkob.zk.groth16.batch import verify_batch  # noqa: E402
from zkob.zk.groth16.verify import verify  # noqa: E402

PARAMS = {"small": Params(3, 3, 2, 4), "default": Params()}


def timed(work):
    start = time.perf_counter()
    value = work()
    return value, time.perf_counter() - start


def per_batch_costs(params: Params, keys: Path, batches, report: dict) -> None:
    scratch = tempfile.mkdtemp()
    pending = Pending(create_state(Path(scratch) / "st", params))  # on SQLite, as a sequencer traces
    traces, trace_s = [], []
    for batch in batches:
        trace, seconds = timed(lambda: pending.accept(batch))
        traces.append(trace)
        trace_s.append(seconds)
    prover, load_s = timed(lambda: load_prover(params, keys))
    witness, witness_s = timed(lambda: witness_for(params, traces[0]))
    proofs, prove_s = [], []
    for trace in traces[:2]:
        proof, seconds = timed(lambda: prove_trace(prover, trace))
        proofs.append(proof)
        prove_s.append(seconds)
    vk = load_vk(keys / VK_FILE)
    fast = proof_checker(vk)
    fast(traces[0].public_inputs, proofs[0])
    _, fast_s = timed(lambda: [fast(traces[0].public_inputs, proofs[0]) for _ in range(20)])
    _, slow_s = timed(lambda: verify(vk, list(traces[0].public_inputs), proofs[0]))
    items = [(list(t.public_inputs), p) for t, p in zip(traces, proofs)]
    _, batch2_s = timed(lambda: verify_batch(vk, items))
    _, batch8_s = timed(lambda: verify_batch(vk, items * 4))
    with tempfile.TemporaryDirectory() as tmp:
        _, write_s = timed(lambda: write_step(Path(tmp), 1, proofs[0], traces[0].public_inputs, batches[0]))
    report.update({
        "trace_s": trace_s, "worker_startup_s": round(load_s, 2), "witness_s": round(witness_s, 2),
        "prove_with_witness_s": [round(s, 2) for s in prove_s],
        "check_fast_s": round(fast_s / 20, 4), "check_py_ecc_s": round(slow_s, 3),
        "light_client_batch_of_2_s": round(batch2_s, 3), "light_client_batch_of_8_s": round(batch8_s, 3),
        "light_client_per_proof_s": round((batch8_s - batch2_s) / 6, 3), "write_step_s": round(write_s, 4),
        "trace_pickle_bytes": len(pickle.dumps(traces[0])), "witness_pickle_bytes": len(pickle.dumps(witness)),
        "proof_pickle_bytes": len(pickle.dumps(proofs[0])), "proving_key_bytes": (keys / PK_FILE).stat().st_size,
        "constraints": prover.circuit.n_constraints, "wires": prover.circuit.n_wires,
    })


def run_wall(params: Params, keys: Path, batches, provers_for) -> tuple[float, float]:
    """(seconds to start the provers, seconds from the first trace to the last commit) for a fresh state."""
    with tempfile.TemporaryDirectory() as tmp:
        state = create_state(Path(tmp) / "st", params)
        check = proof_checker(load_vk(keys / VK_FILE))
        run = [RunBatch(i, f"b{i}", b) for i, b in enumerate(batches, start=1)]
        try:
            with provers_for() as (provers, startup_s):
                result, wall = timed(lambda: prove_run(state, run, Path(tmp) / "out", provers, check))
        finally:
            close_state(state)
    assert len(result.written) == len(batches)
    return startup_s, wall


class _Local:
    def __init__(self, params, keys):
        self.params, self.keys = params, keys

    def __enter__(self):
        provers = LocalProvers(self.params, self.keys)
        provers.prover, startup = timed(lambda: load_prover(self.params, self.keys))
        return provers, startup

    def __exit__(self, *exc):
        return False


class _Dask:
    def __init__(self, params, keys, workers):
        self.params, self.keys, self.workers = params, keys, workers

    def __enter__(self):
        import distributed

        from zkob.pipeline.cluster_client import DaskProvers, wait_for_provers
        from zkob.pipeline.cluster_worker import ProverPlugin

        start = time.perf_counter()
        self.cluster = distributed.LocalCluster(n_workers=self.workers, threads_per_worker=1, processes=True,
                                                dashboard_address=":0", silence_logs=50)
        self.client = distributed.Client(self.cluster)
        self.client.register_plugin(ProverPlugin(str(self.keys)))
        identity = keys_identity(self.keys, self.params)
        wait_for_provers(self.client, identity, self.workers, 600, lambda _: None)
        return DaskProvers(self.client, identity), time.perf_counter() - start

    def __exit__(self, *exc):
        self.client.close()
        self.cluster.close()
        return False


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--params", choices=sorted(PARAMS), default="small")
    parser.add_argument("--keys", type=Path, help="development keys already made for these parameters")
    parser.add_argument("--batches", type=int, default=6)
    parser.add_argument("-o", "--out", type=Path, required=True)
    args = parser.parse_args()
    params = PARAMS[args.params]
    keys = args.keys
    if keys is None:
        keys = Path(tempfile.mkdtemp()) / "keys"
        make_keys(params, keys)
    batches = [parse_batch(data, params.batch_size) for data in signed_run(args.batches, params)]
    report: dict = {"params": args.params, "batches": args.batches, "date": time.strftime("%Y-%m-%d %H:%M"),
                    "load_before": os.getloadavg()}
    per_batch_costs(params, keys, batches, report)
    for name, provers_for in (("local", lambda: _Local(params, keys)),
                              ("dask_1", lambda: _Dask(params, keys, 1)),
                              ("dask_2", lambda: _Dask(params, keys, 2))):
        startup, wall = run_wall(params, keys, batches, provers_for)
        report[name] = {"startup_s": round(startup, 2), "wall_s": round(wall, 2),
                        "proofs_per_min": round(60 * args.batches / wall, 2)}
        print(name, report[name], "load", os.getloadavg(), flush=True)
    report["load_after"] = os.getloadavg()
    args.out.write_text(json.dumps(report, indent=1) + "\n")
    print(json.dumps(report, indent=1))


if __name__ == "__main__":
    main()
