"""``zkob demo``: the whole product on a small embedded deployment.

Creates a state, gives a few users Baby Jubjub keys and deposits, runs a
random but valid order flow through a price-time-priority matching engine
into batches (each withdraw, place and cancel signed with its user's key),
makes development keys, proves every batch, follows the proofs as a light
client, replays the private batches on a replica, and shows what happened.
Everything happens in a temporary directory unless ``--keep DIR`` is given.
Each step is one function below, in the order the demo runs them; each
adds its time to ``timings``.
"""

from __future__ import annotations

import random
import tempfile
import time
from collections import Counter
from pathlib import Path
from typing import TYPE_CHECKING

import click

from ..console import Phases, err, out

if TYPE_CHECKING:
    from ...pipeline.prove import Prover
    from ...state.lightclient import ClientState, Outcome, Step
    from ...state.params import Params
    from ...state.state import State
    from ...zk.groth16.data import VerifyingKey


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
    from ...zk.errors import ZkobError

    if n_accounts >= 1 << accounts_depth:
        raise ZkobError(f"--accounts {n_accounts} does not fit in an accounts tree of depth {accounts_depth}")
    params = Params(accounts_depth, orders_depth, assets_depth, batch_size)
    if keep is not None:
        if keep.exists() and (not keep.is_dir() or any(keep.iterdir())):
            raise ZkobError(f"{keep} exists and is not an empty directory")
        keep.mkdir(parents=True, exist_ok=True)
        _run(keep, params, n_accounts, n_batches, seed, backend)
        out.print(f"kept everything in {keep}", markup=False)
    else:
        with tempfile.TemporaryDirectory(prefix="zkob-demo-") as tmp:
            _run(Path(tmp), params, n_accounts, n_batches, seed, backend)


def _run(root: Path, params: Params, n_accounts: int, n_batches: int, seed: int, backend: str) -> None:
    from rich.text import Text

    from ...state.api import create_state
    from ...zk.errors import Refused

    rng = random.Random(seed)
    timings: dict[str, float] = {}
    out.print(Text.assemble(("zkob demo", "bold"), f" in {root}"))
    out.print(f"parameters: accounts_depth={params.accounts_depth} orders_depth={params.orders_depth} "
              f"assets_depth={params.assets_depth} batch_size={params.batch_size}")
    state = create_state(root / "state", params)
    genesis = state.root
    chunks = _order_flow(params, rng, n_accounts, n_batches)
    prover = _keys(root, params, backend, timings)
    final_root = _prove_batches(root, state, chunks, backend, prover, rng, timings)
    client, outcome = _light_client(root, genesis, len(chunks), timings)
    agree = _replica(root, params, (final_root, client.root), len(chunks), timings)
    _print_timings(timings)
    if not (outcome.ok and agree):
        raise Refused("the light client or the replica did not reach the prover's root")


def _order_flow(params: Params, rng: random.Random, n_accounts: int, n_batches: int) -> list[list[dict[str, object]]]:
    """Users with keys, and the matching engine's signed ops cut into batches."""
    from ...state.matching import random_flow
    from ...zk.eddsa import private_to_public

    keys = {i: rng.randbytes(32) for i in range(1, n_accounts + 1)}
    users = {i: private_to_public(k) for i, k in keys.items()}
    ops = random_flow(rng, keys, 1 << params.orders_depth, n_batches * params.batch_size)
    chunks = [ops[i:i + params.batch_size] for i in range(0, len(ops), params.batch_size)][:n_batches]
    counts = Counter(str(op["op"]) for chunk in chunks for op in chunk)
    out.print(f"{n_accounts} users, {sum(counts.values())} ops from the matching engine: "
              + ", ".join(f"{n} {name}" for name, n in sorted(counts.items())))
    signed = sum(1 for chunk in chunks for op in chunk if "sig" in op)
    out.print(f"{signed} withdraw/place/cancel ops signed with their users' Baby Jubjub keys "
              f"(EdDSA-Poseidon over H(op_hash, nonce)); keys: "
              + ", ".join(f"{i}: {_short(pk[0])}" for i, pk in users.items()))
    return chunks


def _keys(root: Path, params: Params, backend: str, timings: dict[str, float]) -> Prover:
    """Kernels (timed apart: the first run on a machine compiles them), development keys, the prover."""
    from rich.markup import escape

    from ...circuits.batch import build_circuit
    from ...pipeline.prove import load_prover
    from ...pipeline.setup import make_keys
    from ...zk.backends import warm_up
    from ...zk.groth16.setup import DEV_CEREMONY_WARNING

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
    return prover


def _prove_batches(root: Path, state: State, chunks: list[list[dict[str, object]]], backend: str, prover: Prover,
                   rng: random.Random, timings: dict[str, float]) -> int:
    """Prove every batch into root/batch<i>/, a table of them; returns the state's final root (state closed)."""
    from rich.progress import BarColumn, Progress, SpinnerColumn, TextColumn, TimeElapsedColumn
    from rich.table import Table

    from ...pipeline.prove import prove_batch
    from ...state.api import close_state
    from ...state.batchfile import parse_batch

    rows = []
    t0 = time.perf_counter()
    progress = Progress(SpinnerColumn(), TextColumn("{task.description}"), BarColumn(),
                        TextColumn("{task.completed}/{task.total}"), TimeElapsedColumn(), console=err)
    try:
        with progress:
            task = progress.add_task("proving batches", total=len(chunks))
            for i, chunk in enumerate(chunks, start=1):
                batch = parse_batch({"ops": chunk}, state.params.batch_size, lambda: rng.randrange(1 << 250))
                start = time.perf_counter()
                result = prove_batch(state, batch, root / "keys", root / f"batch{i}", backend, prover=prover)
                kinds = Counter(str(op["op"]) for op in chunk)
                rows.append((str(i), ", ".join(f"{n} {k}" for k, n in sorted(kinds.items())),
                             _short(result.public[0]), _short(result.public[1]),
                             f"{time.perf_counter() - start:.1f} s"))
                progress.advance(task)
    finally:
        final_root = state.root
        close_state(state)
    timings["prove"] = time.perf_counter() - t0
    table = Table(title="Batches proven")
    for col in ("batch", "ops", "old root", "new root", "prove"):
        table.add_column(col, justify="right" if col in ("batch", "prove") else "left")
    for row in rows:
        table.add_row(*row)
    out.print(table)
    return final_root


def _light_client(root: Path, genesis: int, n_batches: int,
                  timings: dict[str, float]) -> tuple[ClientState, Outcome]:
    """Follow every proof from genesis in one batch check, then show a malleated replay refused."""
    from ...pipeline.keyfiles import VK_FILE, load_vk
    from ...pipeline.outputs import read_step
    from ...state.lightclient import ClientState, advance

    t0 = time.perf_counter()
    vk = load_vk(root / "keys" / VK_FILE)
    steps = [read_step(root / f"batch{i}") for i in range(1, n_batches + 1)]
    client, outcome = advance(ClientState.start(vk, genesis), vk, steps)
    timings["light client"] = time.perf_counter() - t0
    moves = [op for a in outcome.accepted for op in a.bridge_ops]
    out.print(f"light client: {'accepted' if outcome.ok else 'REFUSED'} {len(outcome.accepted)} proof(s) "
              f"in one batch check ({timings['light client']:.2f} s), height {client.height}, "
              f"root {_short(client.root)}; bridge saw {sum(op.NAME == 'deposit' for op in moves)} deposits "
              f"and {sum(op.NAME == 'withdraw' for op in moves)} withdrawals")
    replay = malleated_replay(vk, client, steps[-1])
    out.print(f"light client: a malleated copy of the last proof is refused: {replay}", markup=False)
    return client, outcome


def _replica(root: Path, params: Params, roots: tuple[int, int], n_batches: int, timings: dict[str, float]) -> bool:
    """Replay the prover's batch log on a fresh replica; True when it reaches both given roots."""
    from ...state.api import new_state, opened, replay_log

    t0 = time.perf_counter()
    replica = new_state(params)
    with opened(root / "state") as source:
        replay_log(replica, source)
    timings["replica"] = time.perf_counter() - t0
    agree = replica.root == roots[0] == roots[1]
    out.print(f"replica: replayed {n_batches} private batch(es), root {'agrees' if agree else 'DIFFERS'}")
    return agree


def _print_timings(timings: dict[str, float]) -> None:
    from rich.table import Table

    summary = Table(title="Timings")
    summary.add_column("step")
    summary.add_column("seconds", justify="right")
    for name, seconds in timings.items():
        summary.add_row(name, f"{seconds:.1f}")
    out.print(summary)


def malleated_replay(vk: VerifyingKey, client: ClientState, step: Step) -> str:
    """Feed the light client (-A, -B, C) of an applied proof; return its reason for refusing."""
    from ...state.lightclient import Step, advance
    from ...zk.curve import g1_neg, g2_neg
    from ...zk.groth16.data import Proof

    p = step.proof
    twin = Step(step.public, Proof(a=g1_neg(p.a), b=g2_neg(p.b), c=p.c), step.bridge_record)
    _, outcome = advance(client, vk, [twin])
    return outcome.reason or "NOT refused"
