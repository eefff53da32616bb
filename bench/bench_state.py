"""State machine throughput: ops applied per second on a valid random order flow.

Run from the repository root::

    python bench/bench_state.py [--ops 240] [--accounts 40] [--batch-size 4] [--pure] [--witness] [--write]

Depths 20/20/8 (accounts/orders/assets). The flow comes from
zkob.state.matching (deposits, crossing limit orders, fills, cancels,
withdrawals). Each batch is applied to an SQLite state directory; the time
is split into Poseidon hashing (every hash2/poseidon call the state layer
makes), storage (SQLite reads that miss the cache, and the commit) and the
rest (rules, trace objects, parsing). Also times opening the finished
state and reading its root (stored nodes: no tree is rebuilt). ``--write``
records the Markdown table in bench/results/state.md.

The sparse Merkle trees hash through zkob.zk.poseidon_fast (compiled when
numba imports); ``--pure`` puts the pure-Python functions back everywhere
in zkob.state and zkob.circuits, for a before/after comparison in one
process layout. ``--witness`` also times ``witness_for`` (the batch
circuit's witness at default Params) on one batch of the flow.
"""

from __future__ import annotations

import argparse
import platform
import random
import sys
import tempfile
import time
from pathlib import Path

import zkob.zk.poseidon as poseidon_module
import zkob.zk.poseidon_fast as fast_module
from zkob.state import store as store_module
from zkob.state.api import apply_batch, close_state, create_state, opened
from zkob.state.batchfile import parse_batch
from zkob.state.matching import random_flow
from zkob.state.params import Params

ROOT = Path(__file__).resolve().parent.parent


class Clock:
    """Accumulates time spent inside wrapped functions (wrap only functions that never nest)."""

    def __init__(self) -> None:
        self.seconds = 0.0
        self.calls = 0

    def wrap(self, fn):
        def timed(*args, **kwargs):
            start = time.perf_counter()
            try:
                return fn(*args, **kwargs)
            finally:
                self.seconds += time.perf_counter() - start
                self.calls += 1
        return timed


def use_pure() -> None:
    """Replace the fast hash functions by the pure ones wherever zkob.state or zkob.circuits imported them."""
    pure = {fast_module.hash2: poseidon_module.hash2, fast_module.poseidon: poseidon_module.poseidon}
    for name, module in list(sys.modules.items()):
        if name.startswith(("zkob.state", "zkob.circuits")):
            for attr in ("hash2", "poseidon"):
                fn = getattr(module, attr, None)
                if fn in pure:
                    setattr(module, attr, pure[fn])


def instrument(hashing: Clock, fast_part: Clock, storage: Clock) -> None:
    """Wrap the hash functions wherever the state layer imported them, and the SQLite paths.

    ``fast_part`` additionally times the calls that go through zkob.zk.poseidon_fast.
    """
    fast = {fast_module.hash2, fast_module.poseidon}
    originals = {poseidon_module.hash2, poseidon_module.poseidon} | fast
    for name, module in list(sys.modules.items()):
        if not name.startswith("zkob.state"):
            continue
        for attr in ("hash2", "poseidon"):
            fn = getattr(module, attr, None)
            if fn in originals:
                setattr(module, attr, hashing.wrap(fast_part.wrap(fn) if fn in fast else fn))
    src = store_module.SqliteSource
    src._read = storage.wrap(src._read)
    src.commit = storage.wrap(src.commit)
    src.refresh = storage.wrap(src.refresh)  # commit's own height check is inside commit


def witness_seconds() -> tuple[float, float]:
    """(trace_batch seconds, witness_for seconds) of one batch of a signed random flow at default Params.

    Builds the circuit first (setup mode, not timed): the witness pass is
    what a prover pays per batch.
    """
    from zkob.circuits.batch import build_circuit, witness_for
    from zkob.state.transition import trace_batch

    params = Params()
    rng = random.Random(1)
    users = {i: rng.randbytes(32) for i in range(1, 4)}
    ops = random_flow(rng, users, order_slots=params.num_orders, n_ops=params.batch_size)
    batch = parse_batch({"ops": ops[:params.batch_size], "salt": "1"}, params.batch_size)
    build_circuit(params)
    with tempfile.TemporaryDirectory() as tmp:
        state = create_state(Path(tmp) / "w", params)
        start = time.perf_counter()
        trace = trace_batch(state, batch)
        trace_s = time.perf_counter() - start
        start = time.perf_counter()
        witness_for(params, trace)
        witness_s = time.perf_counter() - start
        close_state(state)
    return trace_s, witness_s


def hash2_call_us(n: int = 2000) -> tuple[float, float]:
    """Microseconds per hash2 call from Python on random field elements: (pure, poseidon_fast)."""
    from zkob.zk.field import R

    rng = random.Random(2)
    pairs = [(rng.randrange(R), rng.randrange(R)) for _ in range(n)]
    out = []
    for fn, reps in ((poseidon_module.hash2, n // 10), (fast_module.hash2, n)):
        fn(1, 2)
        start = time.perf_counter()
        for a, b in pairs[:reps]:
            fn(a, b)
        out.append((time.perf_counter() - start) / reps * 1e6)
    return out[0], out[1]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--ops", type=int, default=240)
    ap.add_argument("--accounts", type=int, default=40)
    ap.add_argument("--batch-size", type=int, default=4)
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--pure", action="store_true", help="pure-Python Poseidon everywhere (the 'before')")
    ap.add_argument("--witness", action="store_true", help="also time witness_for at default Params")
    ap.add_argument("--write", action="store_true")
    args = ap.parse_args()
    import zkob.circuits.batch  # noqa: F401  (so use_pure reaches the circuits' imports too)

    if args.pure:
        use_pure()
    start = time.perf_counter()
    impl = "pure" if args.pure else fast_module.implementation().name
    if impl == "compiled":
        fast_module.hash2(1, 2)  # load the kernels from numba's disk cache (or compile them)
    load_s = time.perf_counter() - start
    witness_s = witness_seconds() if args.witness else None
    pure_us, fast_us = hash2_call_us()

    params = Params(accounts_depth=20, orders_depth=20, assets_depth=8, batch_size=args.batch_size)
    rng = random.Random(args.seed)
    ids = rng.sample(range(1, params.num_accounts), args.accounts)
    keys = {a: rng.randbytes(32) for a in ids}  # the engine signs withdraw/place/cancel with them
    ops = random_flow(rng, keys, order_slots=params.num_orders, n_ops=args.ops)
    kinds = {}
    for op in ops:
        kinds[op["op"]] = kinds.get(op["op"], 0) + 1
    batches = [parse_batch({"ops": ops[i:i + params.batch_size], "salt": str(i + 1)}, params.batch_size)
               for i in range(0, len(ops), params.batch_size)]

    hashing, fast_part, storage = Clock(), Clock(), Clock()
    instrument(hashing, fast_part, storage)
    with tempfile.TemporaryDirectory() as tmp:
        state = create_state(Path(tmp) / "s", params)
        start = time.perf_counter()
        for b in batches:
            apply_batch(state, b)
        total = time.perf_counter() - start
        root = state.root
        close_state(state)
        start = time.perf_counter()
        with opened(Path(tmp) / "s") as again:
            assert again.root == root
        open_ms = (time.perf_counter() - start) * 1000
        db_kb = (Path(tmp) / "s" / store_module.DB_FILE).stat().st_size / 1024

    n = len(ops)
    rest = total - hashing.seconds - storage.seconds
    lines = [
        "# State machine throughput (zkob.state)",
        "",
        f"- Date: 2026-11-25; machine: {platform.machine()} 2-core VM, Python {platform.python_version()}, "
        f"Poseidon: {impl} (shared machine: other engineers' tests run concurrently, so noisy)",
        f"- Command: `python bench/bench_state.py --ops {args.ops} --accounts {args.accounts} "
        f"--batch-size {args.batch_size} --seed {args.seed}{' --pure' if args.pure else ''}"
        f"{' --witness' if args.witness else ''}`",
        f"- Depths 20/20/8, K = {args.batch_size}; flow: "
        + ", ".join(f"{k} {v}" for k, v in sorted(kinds.items())) + " (zkob.state.matching.random_flow)",
        "",
        "| measure | value |",
        "|---|---|",
        f"| ops applied (incl. trace + SQLite commit) | {n} in {total:.2f} s |",
        f"| throughput | {n / total:.1f} ops/s ({total / n * 1000:.1f} ms/op) |",
        f"| Poseidon hashing | {hashing.seconds:.2f} s ({hashing.seconds / total:.0%}), "
        f"{hashing.calls} calls, {hashing.calls / n:.0f}/op |",
        *([] if args.pure else [
            f"| of which through poseidon_fast (the Merkle trees) | {fast_part.seconds:.2f} s, {fast_part.calls} "
            f"calls; the other {hashing.calls - fast_part.calls} calls (leaf, op and root hashes, pure) take "
            f"{hashing.seconds - fast_part.seconds:.2f} s |"]),
        f"| storage (SQLite reads + commits) | {storage.seconds:.2f} s ({storage.seconds / total:.0%}) |",
        f"| rest (rules, trace objects, overlay) | {rest:.2f} s ({rest / total:.0%}) |",
        f"| open state + read root afterwards | {open_ms:.1f} ms (stored nodes, no rebuild) |",
        f"| database size | {db_kb:.0f} KiB for {args.accounts} accounts |",
        f"| kernel load before the run (not in the totals) | {load_s:.2f} s |",
        f"| hash2 per call from Python, pure / poseidon_fast ({fast_module.implementation().name}) | "
        f"{pure_us:.1f} us / {fast_us:.1f} us ({pure_us / fast_us:.1f}x) |",
        *([f"| trace_batch + witness_for, one batch at default Params | {witness_s[0]:.2f} s + "
           f"{witness_s[1]:.2f} s |"] if witness_s else []),
        "",
        "Every balance update rehashes a depth-8 balances path, an account leaf",
        "and a depth-20 accounts path; every order update a depth-20 orders path.",
        "The trees and the leaf and root hashes (trace.py, state.py, transition.py) go",
        "through zkob.zk.poseidon_fast; op hashes (ops.py) stay on the pure",
        "zkob.zk.poseidon because the light client imports ops.py.",
    ]
    text = "\n".join(lines) + "\n"
    print(text)
    if args.write:
        (ROOT / "bench" / "results" / "state.md").write_text(text)


if __name__ == "__main__":
    main()
