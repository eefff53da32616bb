"""State machine throughput: ops applied per second on a valid spot flow and a derivatives venue's flow.

Run from the repository root::

    python bench/bench_state.py [--ops 240] [--accounts 40] [--batch-size 4] [--orders 120] [--pure] [--witness] [--write]

Depths 20/20/8 (accounts/orders/assets). The spot flow comes from
zkob.state.matching (deposits, crossing limit orders, fills, cancels,
withdrawals); the derivatives flow from bench/derivatives_flow.py (a
venue's life: listings, margin, dplace -> dfill, a price move,
liquidations, settlement; a committee of 2, quorum 2, every slot full).
Per op type, the time inside its slot (rule function with its signature
check, tree updates, trace) gives ops/s by type, so derivatives ops sit
next to spot ops measured in the same process. Each batch is applied to an SQLite state directory; the time
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
import os
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
from zkob.state import transition as transition_module
from zkob.state.config import Config
from zkob.state.matching import random_flow
from zkob.state.oracle import committee_key
from zkob.state.params import Params

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(Path(__file__).resolve().parent))
from derivatives_flow import committee_keys, venue_batches  # noqa: E402


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


def time_slots() -> dict[str, list[float]]:
    """Wrap transition.run_slot: seconds spent per op type (one slot each), keyed by the op's name."""
    per_type: dict[str, list[float]] = {}
    original = transition_module.run_slot

    def timed(view, index, kind, op_index, op):  # type: ignore[no-untyped-def]
        start = time.perf_counter()
        try:
            return original(view, index, kind, op_index, op)
        finally:
            per_type.setdefault(op.NAME, []).append(time.perf_counter() - start)

    transition_module.run_slot = timed
    return per_type


def run_flow(params: Params, batches: list[dict]) -> tuple[float, float, float, int]:
    """Apply the batches to a fresh SQLite state: (seconds, open-and-root ms, database KiB, ops that are not noops)."""
    parsed = [parse_batch(b, params) for b in batches]
    with tempfile.TemporaryDirectory() as tmp:
        state = create_state(Path(tmp) / "s", params)
        start = time.perf_counter()
        for b in parsed:
            apply_batch(state, b)
        total = time.perf_counter() - start
        root = state.root
        close_state(state)
        start = time.perf_counter()
        with opened(Path(tmp) / "s") as again:
            assert again.root == root
        open_ms = (time.perf_counter() - start) * 1000
        db_kb = (Path(tmp) / "s" / store_module.DB_FILE).stat().st_size / 1024
    return total, open_ms, db_kb, sum(1 for b in batches for op in b["ops"] if op["op"] != "noop")


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
    batch = parse_batch({"ops": ops[:params.batch_size], "salt": "1", "time": 0}, params)
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
    ap.add_argument("--orders", type=int, default=120, help="limit orders of the derivatives flow")
    ap.add_argument("--pure", action="store_true", help="pure-Python Poseidon everywhere (the 'before')")
    ap.add_argument("--witness", action="store_true", help="also time witness_for at default Params")
    ap.add_argument("--write", action="store_true")
    args = ap.parse_args()
    if args.witness:  # the circuit is only needed for the witness (so use_pure reaches its imports too)
        import zkob.circuits.batch  # noqa: F401

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
    ops = random_flow(rng, keys, order_slots=params.num_orders, n_ops=args.ops, venue=params.config.venue_id)
    kinds = {}
    for op in ops:
        kinds[op["op"]] = kinds.get(op["op"], 0) + 1
    spot_batches = [{"ops": ops[i:i + params.batch_size], "salt": str(i + 1), "time": 0}
                    for i in range(0, len(ops), params.batch_size)]
    committee = committee_keys(2, rng)
    dparams = Params(accounts_depth=20, orders_depth=20, assets_depth=8, batch_size=args.batch_size,
                     derivatives_slots=args.batch_size,
                     config=Config(oracle_keys=tuple(committee_key(k) for k in committee), quorum=2,
                                   venue_id=rng.randrange(1, 1 << 128)))
    dbatches = venue_batches(dparams, keys, committee, rng, orders=args.orders)
    dkinds: dict[str, int] = {}
    for b in dbatches:
        for op in b["ops"]:
            dkinds[op["op"]] = dkinds.get(op["op"], 0) + 1
    n_reports = sum(len(b["reports"]) for b in dbatches)

    hashing, fast_part, storage = Clock(), Clock(), Clock()
    instrument(hashing, fast_part, storage)
    per_type = time_slots()
    total, open_ms, db_kb, n = run_flow(params, spot_batches)
    spot_hash, spot_fast_s, spot_fast_calls, spot_calls = hashing.seconds, fast_part.seconds, fast_part.calls, hashing.calls
    spot_storage = storage.seconds
    spot_types = {k: list(v) for k, v in per_type.items()}
    per_type.clear()
    dtotal, _, _, dn = run_flow(dparams, dbatches)
    d_types = dict(per_type)

    def by_type(types: dict[str, list[float]]) -> list[str]:
        rows = []
        for name, times in sorted(types.items(), key=lambda kv: kv[0]):
            seconds = sum(times)
            rows.append(f"| {name} | {len(times)} | {seconds:.2f} s | {seconds / len(times) * 1000:.1f} ms | "
                        f"{len(times) / seconds:.0f} |")
        return rows

    rest = total - spot_hash - spot_storage
    load = os.getloadavg()
    lines = [
        "# State machine throughput (zkob.state)",
        "",
        f"- Date: {time.strftime('%Y-%m-%d')}; machine: {platform.machine()} 2-core VM, Python "
        f"{platform.python_version()}, Poseidon: {impl} (shared machine: load average {load[0]:.1f} "
        "at the end, other engineers' tests ran concurrently, so noisy)",
        f"- Command: `python bench/bench_state.py --ops {args.ops} --accounts {args.accounts} "
        f"--batch-size {args.batch_size} --orders {args.orders} --seed {args.seed}{' --pure' if args.pure else ''}"
        f"{' --witness' if args.witness else ''}`",
        f"- Depths 20/20/8, K = {args.batch_size}, protocol version 2. Spot flow: "
        + ", ".join(f"{k} {v}" for k, v in sorted(kinds.items())) + " (zkob.state.matching.random_flow, spot "
        "slots and full slots alike). Derivatives flow (bench/derivatives_flow.py, every slot full, "
        f"D_I 8, P 4, U 4, M 2, committee of 2 with quorum 2): "
        + ", ".join(f"{k} {v}" for k, v in sorted(dkinds.items())) + f", and {n_reports} oracle reports",
        "",
        "## Whole flows (every batch: reports, slots, roots, SQLite commit)",
        "",
        "| measure | spot flow | derivatives flow |",
        "|---|---|---|",
        f"| ops applied (noops not counted) | {n} in {total:.2f} s | {dn} in {dtotal:.2f} s |",
        f"| throughput | {n / total:.1f} ops/s ({total / n * 1000:.1f} ms/op) | "
        f"{dn / dtotal:.1f} ops/s ({dtotal / dn * 1000:.1f} ms/op) |",
        "",
        "## Per op type (time inside the op's slot: its rules incl. EdDSA, tree updates, trace objects)",
        "",
        "| op | count | time | per op | ops/s |",
        "|---|---|---|---|---|",
        *by_type({f"{k} (spot flow)": v for k, v in spot_types.items()}),
        *by_type({f"{k} (derivatives flow)": v for k, v in d_types.items()}),
        "",
        "## Where the spot flow's time goes",
        "",
        "| measure | value |",
        "|---|---|",
        f"| Poseidon hashing | {spot_hash:.2f} s ({spot_hash / total:.0%}), {spot_calls} calls, "
        f"{spot_calls / n:.0f}/op |",
        *([] if args.pure else [
            f"| of which through poseidon_fast | {spot_fast_s:.2f} s, {spot_fast_calls} calls; the other "
            f"{spot_calls - spot_fast_calls} calls (pure zkob.zk.poseidon: op hashes, report messages, oracle, "
            f"position and instrument leaves) take {spot_hash - spot_fast_s:.2f} s |"]),
        f"| storage (SQLite reads + commits) | {spot_storage:.2f} s ({spot_storage / total:.0%}) |",
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
        "A derivatives account update also rehashes the account's P = 4 position",
        "slots; a margin check evaluates the margin engine on the account's slots",
        "(integers, no hashing). Signed ops verify one EdDSA-Poseidon signature",
        "(about 12 ms natively), which dominates place, cancel, withdraw, margin,",
        "dplace and liquidate; deposit, fill, dfill and settle carry none.",
    ]
    text = "\n".join(lines) + "\n"
    print(text)
    if args.write:  # replace this run's block of state.md (between the markers), keep the history below it
        path = ROOT / "bench" / "results" / "state.md"
        old = path.read_text() if path.exists() else ""
        begin, end = "<!-- bench_state.py: begin -->\n", "<!-- bench_state.py: end -->\n"
        history = old.split(end, 1)[1] if end in old else old.replace("# State machine throughput (zkob.state)\n", "")
        path.write_text(begin + text + end + history)


if __name__ == "__main__":
    main()
