"""The benchmarked circuits (chain filling a 2^k domain, the order-book batch) and the timing-only .ptau."""

from __future__ import annotations

import random
import time
from pathlib import Path

from zkob.zk.field import R


def chain_circuit(k: int, seed: int = 1):
    """x_{i+1} = x_i * (x_i + i + 1), out = last x: fills a 2^k domain; every wire full width."""
    from zkob.zk.r1cs import R1CS, Constraint

    n_cons = (1 << k) - 2 - 1  # rows = constraints + public + 1
    w = [1, 0, random.Random(seed).randrange(R)]
    cons = []
    for i in range(n_cons - 1):
        src = 2 + i
        cons.append(Constraint({src: 1}, {src: 1, 0: i + 1}, {src + 1: 1}, f"step[{i}]"))
        w.append(w[src] * (w[src] + i + 1) % R)
    cons.append(Constraint({len(w) - 1: 1}, {0: 1}, {1: 1}, "out"))
    w[1] = w[-1]
    return R1CS(n_wires=len(w), n_public=1, constraints=cons), w


def write_known_ptau(path: Path, k: int, seed: int = 99) -> None:
    """A timing-only prepared .ptau for one 2^k circuit: L_i(tau)G in the levels snarkjs setup reads.

    Never for keys that protect anything: tau, alpha, beta are known here.
    Sections 2-5 hold only their first point (setup reads nothing else).
    """
    from zkob.zk.backends.compiled import _arith, backend, ntt
    from zkob.zk.backends.compiled.fixed_base import fixed_base_many
    from zkob.zk.backends.compiled.params import le_bytes
    from zkob.zk.curve import G1_GEN, G2_GEN
    from zkob.zk.field import Q

    be = backend()
    rng = random.Random(seed)
    tau, alpha, beta = (rng.randrange(2, R) for _ in range(3))
    g1, g2 = be.g1_table([G1_GEN]).points, be.g2_table([G2_GEN]).points

    def lem(base, scalars_mont):
        pts, _ = fixed_base_many(base, _arith.fr_rows_from_mont(scalars_mont))
        return le_bytes(pts)

    def lagrange(size: int, drop_last: bool):
        vals = ntt.powers(ntt.mont_scalar(1), ntt.mont_scalar(tau), size)
        if drop_last:
            vals[-1] = 0
        return ntt.ntt(vals, inverse=True)

    n = 1 << k
    lag = lagrange(n, False)
    zeros1 = lambda count: bytes(64 * count)
    sec12 = zeros1(n - 1) + lem(g1, lag) + lem(g1, lagrange(2 * n, True))
    sec13 = bytes(128 * (n - 1)) + lem(g2, lag)
    sec14 = zeros1(n - 1) + lem(g1, be.fr_scale(lag, alpha))
    sec15 = zeros1(n - 1) + lem(g1, be.fr_scale(lag, beta))
    one = ntt.mont_scalar(1)[None, :]
    header = (32).to_bytes(4, "little") + Q.to_bytes(32, "little") + k.to_bytes(4, "little") + k.to_bytes(4, "little")
    sections = [
        (1, header), (2, lem(g1, one)), (3, lem(g2, one)), (4, lem(g1, ntt.mont_scalar(alpha)[None, :])),
        (5, lem(g1, ntt.mont_scalar(beta)[None, :])), (6, lem(g2, ntt.mont_scalar(beta)[None, :])),
        (7, bytes(4)), (12, sec12), (13, sec13), (14, sec14), (15, sec15),
    ]
    with open(path, "wb") as f:
        f.write(b"ptau" + (1).to_bytes(4, "little") + len(sections).to_bytes(4, "little"))
        for sid, data in sections:
            f.write(sid.to_bytes(4, "little") + len(data).to_bytes(8, "little") + data)


def orderbook_circuit(work: Path):
    """The batch circuit at the default Params with the witness of one batch of the demo's order flow.

    Returns (r1cs, witness, seconds of witness generation).
    """
    from zkob.circuits.batch import build_circuit, witness_for
    from zkob.state.api import create_state
    from zkob.state.batchfile import parse_batch
    from zkob.state.matching import random_flow
    from zkob.state.params import Params
    from zkob.state.transition import trace_batch

    params = Params()
    rng = random.Random(1)
    users = {i: rng.randbytes(32) for i in range(1, 4)}  # account -> private key (signed order flow)
    state_dir = work / "state"
    if state_dir.exists():
        import shutil

        shutil.rmtree(state_dir)
    state = create_state(state_dir, params)
    ops = random_flow(rng, users, 1 << params.orders_depth, params.batch_size, venue=params.config.venue_id)
    batch = parse_batch({"ops": ops[:params.batch_size], "time": 1}, params, lambda: rng.randrange(1 << 250))
    r1cs, _ = build_circuit(params)
    t = time.perf_counter()
    witness = witness_for(params, trace_batch(state, batch))
    return r1cs, witness, time.perf_counter() - t


def derivatives_circuit(work: Path):
    """The protocol-v2 batch circuit at the default Params with the witness of one batch of derivatives flow.

    The venue of ``zkob init`` (no committee keys, so 297,556 constraints, a
    2^19 domain): earlier batches (applied, not proven) deposit for three
    accounts, list a future and move margin in; the proven batch is a
    deposit, a dplace, a deposit, a dplace (the layout spot full spot full).
    Returns (r1cs, witness, seconds of witness generation).
    """
    from zkob.circuits.batch import build_circuit, witness_for
    from zkob.state.api import apply_batch, new_state
    from zkob.state.batchfile import parse_batch
    from zkob.state.instruments import FUTURE
    from zkob.state.matching import cut_batches
    from zkob.state.matching_derivatives import VenueFlow
    from zkob.state.params import Params
    from zkob.state.protocol import BUY
    from zkob.state.transition import trace_batch

    params = Params()
    rng = random.Random(1)
    users = {i: rng.randbytes(32) for i in range(1, 4)}  # account -> private key (signed flow)
    flow = VenueFlow.for_params(params, users)
    c = params.config.collateral
    flow.time = 1
    setup_ops = ([flow.deposit(a, c, 10**9) for a in users] + [flow.list_instrument(1, FUTURE, 0, 0, 10_000)]
                 + [flow.margin(a, 10**6) for a in users])
    state = new_state(params)
    for i, ops in enumerate(cut_batches(setup_ops, params)):
        apply_batch(state, parse_batch({"ops": ops, "time": 1, "salt": str(i + 1)}, params))
    proven = ([flow.deposit(1, c, 5)] + flow.dlimit(1, 1, BUY, 2000, 3)
              + [flow.deposit(2, c, 7)] + flow.dlimit(2, 1, BUY, 1990, 2))
    batch = parse_batch({"ops": proven, "time": 2, "salt": "99"}, params)
    r1cs, _ = build_circuit(params)
    t = time.perf_counter()
    witness = witness_for(params, trace_batch(state, batch))
    return r1cs, witness, time.perf_counter() - t
