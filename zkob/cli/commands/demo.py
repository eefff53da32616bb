"""``zkob demo``: the whole product on a small embedded deployment.

Creates a state, gives a few users Baby Jubjub keys and deposits, runs a
random but valid order flow through a price-time-priority matching engine
into batches (each withdraw, place and cancel signed with its user's key), makes development keys, proves every batch, follows the
proofs as a light client, replays the private batches on a replica, and
shows what happened. Everything happens in a temporary directory unless
``--keep DIR`` is given.
"""

from __future__ import annotations

import random
import tempfile
import time
from collections import Counter
from pathlib import Path

import click

from ..console import EXIT_INVALID, err, fail, out


def _short(value: int) -> str:
    text = str(value)
    return f"{text[:8]}…{text[-6:]}"


@click.command("demo")
@click.option("--keep", "keep", type=click.Path(file_okay=False, path_type=Path),
              help="Keep the state, keys and proofs in this (new or empty) directory.")
@click.option("--accounts", "n_accounts", default=3, show_default=True, type=click.IntRange(2, 64),
              help="Users trading in the demo.")
@click.option("--batches", "n_batches", default=5, show_default=True, type=click.IntRange(1, 100),
              help="Batches to prove.")
@click.option("--batch-size", default=4, show_default=True, type=click.IntRange(1, 64), help="K, ops per batch.")
@click.option("--accounts-depth", default=3, show_default=True, type=click.IntRange(1, 32))
@click.option("--orders-depth", default=3, show_default=True, type=click.IntRange(1, 32))
@click.option("--assets-depth", default=2, show_default=True, type=click.IntRange(2, 32))
@click.option("--seed", default=17, show_default=True, type=int,
              help="Seed of the users and the order flow (the default shows every op type).")
@click.option("--backend", type=click.Choice(["auto", "compiled", "pure"]), default="auto", show_default=True)
def command(keep: Path | None, n_accounts: int, n_batches: int, batch_size: int, accounts_depth: int,
            orders_depth: int, assets_depth: int, seed: int, backend: str) -> None:
    """Run the whole pipeline on a small deployment and show what happened."""
    from ...state.params import Params
    from ...zk.errors import ZkError

    if n_accounts >= 1 << accounts_depth:
        fail(f"--accounts {n_accounts} does not fit in an accounts tree of depth {accounts_depth}")
    try:
        params = Params(accounts_depth, orders_depth, assets_depth, batch_size)
    except ZkError as exc:
        fail(exc)
    if keep is not None:
        if keep.exists() and (not keep.is_dir() or any(keep.iterdir())):
            fail(f"{keep} exists and is not an empty directory")
        keep.mkdir(parents=True, exist_ok=True)
        _run(keep, params, n_accounts, n_batches, seed, backend)
        out.print(f"kept everything in {keep}", markup=False)
    else:
        with tempfile.TemporaryDirectory(prefix="zkob-demo-") as tmp:
            _run(Path(tmp), params, n_accounts, n_batches, seed, backend)


def _run(root: Path, params, n_accounts: int, n_batches: int, seed: int, backend: str) -> None:
    from rich.progress import BarColumn, Progress, SpinnerColumn, TextColumn, TimeElapsedColumn
    from rich.markup import escape
    from rich.table import Table
    from rich.text import Text

    from ...circuits.batch import build_circuit
    from ...state.api import close_state, create_state, new_state, open_state, replay_log
    from ...state.batchfile import parse_batch
    from ...state.lightclient import ClientState, Step, advance, parse_bridge_record
    from ...state.matching import random_flow
    from ...zk.eddsa import private_to_public
    from ...zk.formats.snarkjs_json import load_json, parse_proof, parse_public
    from ...zk.groth16.setup import DEV_CEREMONY_WARNING
    from ..console import Phases
    from ..keyfiles import load_vk
    from ...zk.backends import warm_up
    from ..pipeline import load_prover, make_keys, prove_batch

    rng = random.Random(seed)
    timings: dict[str, float] = {}
    out.print(Text.assemble(("zkob demo", "bold"), f" in {root}"))
    out.print(f"parameters: accounts_depth={params.accounts_depth} orders_depth={params.orders_depth} "
              f"assets_depth={params.assets_depth} batch_size={params.batch_size}")

    # 1. users, state, order flow
    keys = {i: rng.randbytes(32) for i in range(1, n_accounts + 1)}
    users = {i: private_to_public(k) for i, k in keys.items()}
    state = create_state(root / "state", params)
    genesis = state.root
    ops = random_flow(rng, keys, 1 << params.orders_depth, n_batches * params.batch_size)
    chunks = [ops[i:i + params.batch_size] for i in range(0, len(ops), params.batch_size)][:n_batches]
    counts = Counter(op["op"] for chunk in chunks for op in chunk)
    out.print(f"{n_accounts} users, {sum(counts.values())} ops from the matching engine: "
              + ", ".join(f"{n} {name}" for name, n in sorted(counts.items())))
    signed = sum(1 for chunk in chunks for op in chunk if "sig" in op)
    out.print(f"{signed} withdraw/place/cancel ops signed with their users' Baby Jubjub keys "
              f"(EdDSA-Poseidon over H(op_hash, nonce)); keys: "
              + ", ".join(f"{i}: {_short(pk[0])}" for i, pk in users.items()))

    # 2. keys
    err.print(f"[bold red]warning:[/] {escape(DEV_CEREMONY_WARNING)}")
    t0 = time.perf_counter()
    with Phases() as report:
        report("loading (on a new machine: compiling) the numba kernels")
        warm_up(backend)
    timings["kernels"] = time.perf_counter() - t0
    t0 = time.perf_counter()
    with Phases() as report:
        r1cs, _ = build_circuit(params)
        make_keys(params, root / "keys", report=report, backend=backend)
        prover = load_prover(params, root / "keys", backend, report)
    timings["setup"] = time.perf_counter() - t0
    out.print(f"circuit: {r1cs.n_constraints:,} constraints, {r1cs.n_wires:,} wires; "
              f"setup {timings['setup']:.1f} s")

    # 3. prove every batch
    batch_rows = []
    t0 = time.perf_counter()
    progress = Progress(SpinnerColumn(), TextColumn("{task.description}"), BarColumn(),
                        TextColumn("{task.completed}/{task.total}"), TimeElapsedColumn(), console=err)
    try:
        with progress:
            task = progress.add_task("proving batches", total=len(chunks))
            for i, chunk in enumerate(chunks, start=1):
                batch = parse_batch({"ops": chunk}, params.batch_size, lambda: rng.randrange(1 << 250))
                start = time.perf_counter()
                result = prove_batch(state, batch, root / "keys", root / f"batch{i}", backend, prover=prover)
                elapsed = time.perf_counter() - start
                kinds = Counter(op["op"] for op in chunk)
                batch_rows.append((str(i), ", ".join(f"{n} {k}" for k, n in sorted(kinds.items())),
                                   _short(result.public[0]), _short(result.public[1]), f"{elapsed:.1f} s"))
                progress.advance(task)
    finally:
        final_root = state.root
        close_state(state)
    timings["prove"] = time.perf_counter() - t0
    table = Table(title="Batches proven")
    for col in ("batch", "ops", "old root", "new root", "prove"):
        table.add_column(col, justify="right" if col in ("batch", "prove") else "left")
    for row in batch_rows:
        table.add_row(*row)
    out.print(table)

    # 4. light client
    t0 = time.perf_counter()
    vk = load_vk(root / "keys" / "verification_key.json")
    steps = []
    for i in range(1, len(chunks) + 1):
        d = root / f"batch{i}"
        steps.append(Step(tuple(parse_public(load_json((d / "public.json").read_bytes(), "public"))),
                          parse_proof(load_json((d / "proof.json").read_bytes(), "proof")),
                          parse_bridge_record(load_json((d / "bridge.json").read_bytes(), "bridge"))))
    client, outcome = advance(ClientState.start(vk, genesis), vk, steps)
    timings["light client"] = time.perf_counter() - t0
    moves = [op for a in outcome.accepted for op in (a.bridge_ops or ())]
    out.print(f"light client: {'accepted' if outcome.ok else 'REFUSED'} {len(outcome.accepted)} proof(s) "
              f"in one batch check ({timings['light client']:.2f} s), height {client.height}, "
              f"root {_short(client.root)}; bridge saw {sum(op.NAME == 'deposit' for op in moves)} deposits "
              f"and {sum(op.NAME == 'withdraw' for op in moves)} withdrawals")
    replay = malleated_replay(vk, client, steps[-1])
    out.print(f"light client: a malleated copy of the last proof is refused: {replay}", markup=False)

    # 5. replica
    t0 = time.perf_counter()
    replica = new_state(params)
    source = open_state(root / "state")
    try:
        replay_log(replica, source)
    finally:
        close_state(source)
    timings["replica"] = time.perf_counter() - t0
    agree = replica.root == final_root == client.root
    out.print(f"replica: replayed {len(chunks)} private batch(es), root {'agrees' if agree else 'DIFFERS'}")

    summary = Table(title="Timings")
    summary.add_column("step")
    summary.add_column("seconds", justify="right")
    for name, seconds in timings.items():
        summary.add_row(name, f"{seconds:.1f}")
    out.print(summary)
    if not (outcome.ok and agree):
        raise SystemExit(EXIT_INVALID)


def malleated_replay(vk, client, step) -> str:
    """Feed the light client (-A, -B, C) of an applied proof; return its reason for refusing."""
    from ...state.lightclient import Step, advance
    from ...zk.curve import g1_neg, g2_neg
    from ...zk.formats.snarkjs_json import Proof

    p = step.proof
    twin = Step(step.public, Proof(a=g1_neg(p.a), b=g2_neg(p.b), c=p.c), step.bridge_record)
    _, outcome = advance(client, vk, [twin])
    return outcome.reason or "NOT refused"
