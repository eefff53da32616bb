"""``zkob demo``: an options venue, every batch proven and followed by a light client.

The venue's life is scripted in pipeline/demo_venue.py (three users, a
future, calls and puts on two underlyings, a 2-of-3 oracle committee,
trading through the price-time engine, a price move and a liquidation,
expiry and settlement). This command runs it: development keys for the
demo's small circuit, then each batch proven into DIR/batchNN/ (the state
advances only after its proof checks), a table of the accounts after each
one, then a light client that follows every proof from genesis with the
committee's published feed, and a summary. Everything happens in a
temporary directory unless ``--keep DIR`` is given; a kept DIR/state opens
with ``zkob show``. Each step below is one function, in the order the demo
runs them.
"""

from __future__ import annotations

import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar

import click
from rich.text import Text

from ..console import err, out

if TYPE_CHECKING:
    from ...pipeline.demo_venue import Chapter
    from ...pipeline.prove import Prover
    from ...state.feed import FeedReport
    from ...state.params import Params
    from ...state.state import State
    from ..demo_view import Summary

T = TypeVar("T")


@click.command("demo")
@click.option("--keep", "keep", type=click.Path(file_okay=False, path_type=Path),
              help="Keep the state, keys and proofs in this (new or empty) directory.")
@click.option("--batch-size", default=5, show_default=True, type=click.IntRange(3, 16), help="K, op slots per batch.")
@click.option("--derivatives-slots", default=None, type=click.IntRange(1, 16),
              help="R, full slots per batch (default: all K).")
@click.option("--reports", default=2, show_default=True, type=click.IntRange(1, 4), help="M, report slots per batch.")
@click.option("--keys", "keys", type=click.Path(file_okay=False, path_type=Path),
              help="Development keys: reused from this directory when a run made them there, else made there.")
@click.option("--backend", type=click.Choice(["auto", "compiled", "pure"]), default="auto", show_default=True)
def command(keep: Path | None, batch_size: int, derivatives_slots: int | None, reports: int, keys: Path | None,
            backend: str) -> None:
    """Run an options venue: list, trade, liquidate, expire and settle, every batch proven and followed."""
    from ...pipeline.demo_venue import venue_params
    from ...zk.errors import ZkobError

    r = batch_size if derivatives_slots is None else derivatives_slots
    if r > batch_size:
        raise ZkobError(f"--derivatives-slots {r} is more than --batch-size {batch_size}")
    params = venue_params(batch_size, r, reports)
    if keep is not None:
        if keep.exists() and (not keep.is_dir() or any(keep.iterdir())):
            raise ZkobError(f"{keep} exists and is not an empty directory")
        keep.mkdir(parents=True, exist_ok=True)
        _run(keep, params, keys or keep / "keys", backend)
        out.print(f"kept everything in {keep}: zkob show {keep / 'state'}", markup=False)
    else:
        with tempfile.TemporaryDirectory(prefix="zkob-demo-") as tmp:
            _run(Path(tmp), params, keys or Path(tmp) / "keys", backend)


def _run(root: Path, params: Params, keys_dir: Path, backend: str) -> None:
    from rich.rule import Rule

    from ...state.api import create_state
    from ...zk.errors import Refused
    from ..demo_view import Summary, summary_panel, venue_panel

    summary = Summary()
    start, cpu = time.perf_counter(), time.process_time()
    out.print(Rule("[bold]zkob demo[/]: an options venue, every batch proven", align="left"))
    chapters, feed = _timed(summary, "script", lambda: _script(params))
    out.print(venue_panel(params), soft_wrap=False)
    prover = _timed(summary, "keys", lambda: _keys(keys_dir, params, backend, summary))
    state = create_state(root / "state", params)
    summary.genesis = state.root
    _timed(summary, "batches", lambda: _prove_all(root, keys_dir, state, chapters, prover, summary))
    ok = _timed(summary, "light client", lambda: _follow(root, keys_dir, feed, summary))
    agree = _timed(summary, "replica", lambda: _replica(root, params, summary))
    summary.timings["total"] = time.perf_counter() - start
    summary.cpu_timings["total"] = time.process_time() - cpu
    out.print(summary_panel(summary), soft_wrap=False)
    if not ok or summary.client_root != summary.final_root:
        raise Refused("the light client did not follow every proof to the state's root")
    if not agree:
        raise Refused("the replica did not reach the prover's root")


def _timed(summary: Summary, name: str, step: Callable[[], T]) -> T:
    """Run one step, adding its wall time (and CPU time: the machine may be shared) to the summary."""
    t0, cpu = time.perf_counter(), time.process_time()
    try:
        return step()
    finally:
        summary.timings[name] = time.perf_counter() - t0
        summary.cpu_timings[name] = time.process_time() - cpu


def _script(params: Params) -> tuple[list[Chapter], tuple[FeedReport, ...]]:
    """The users' signed ops and the committee's signed reports, from the engine."""
    from ...pipeline.demo_venue import script

    with err.status("the engine writes the story (users and committee sign)"):
        return script(params)


def _keys(keys_dir: Path, params: Params, backend: str, summary: Summary) -> Prover:
    """Kernels (a first run on a machine compiles them), development keys (made or reused), the prover loaded once."""
    from rich.markup import escape

    from ...circuits.batch import build_circuit
    from ...pipeline.keyfiles import PK_FILE, VK_FILE
    from ...pipeline.prove import load_prover
    from ...pipeline.setup import make_keys
    from ...zk.backends import warm_up
    from ...zk.groth16.setup import DEV_CEREMONY_WARNING
    from ..console import Phases

    reuse = (keys_dir / PK_FILE).is_file() and (keys_dir / VK_FILE).is_file()
    err.print(f"[bold red]warning:[/] {escape(DEV_CEREMONY_WARNING)}")
    with Phases() as report:
        report("loading (on a new machine: compiling) the numba kernels")
        t0 = time.perf_counter()
        warm_up(backend)
        summary.timings["kernels"] = time.perf_counter() - t0
        if not reuse:
            make_keys(params, keys_dir, report=report, backend=backend)
        prover = load_prover(params, keys_dir, backend, report)  # refuses keys made for other parameters
        r1cs, _ = build_circuit(params)  # cached: the one setup or the prover built
    summary.constraints = r1cs.n_constraints
    out.print(Text.assemble(f"circuit: {r1cs.n_constraints:,} constraints, {r1cs.n_wires:,} wires "
                            f"({params.batch_size} op slots, {params.reports} report slots); development keys ",
                            "reused from " if reuse else "made in ", str(keys_dir)))
    return prover


def _prove_all(root: Path, keys_dir: Path, state: State, chapters: list[Chapter], prover: Prover,
               summary: Summary) -> None:
    """Prove every chapter into root/batchNN/, printing it and the accounts after it; closes the state."""
    import random

    from ...pipeline.demo_venue import account_figures
    from ...pipeline.prove import prove_batch
    from ...state.api import close_state
    from ...state.batchfile import parse_batch
    from ..demo_view import BatchRow, batch_body, scene_header

    rng = random.Random(2026)  # the salts: fixed so a run is reproducible
    try:
        for i, chapter in enumerate(chapters, start=1):
            out.print()
            if chapter.caption:
                out.print(scene_header(chapter), soft_wrap=False)
            batch = parse_batch(chapter.batch_json(rng.randrange(1 << 250)), state.params)
            old_root, t0 = state.root, time.perf_counter()
            with err.status(f"proving batch {i}") as status:
                result = prove_batch(state, batch, keys_dir, root / f"batch{i:02d}", prover=prover,
                                     report=lambda phase: status.update(f"batch {i}: {phase}"))
            row = BatchRow(i, chapter, time.perf_counter() - t0, old_root, result.public[1])
            summary.rows.append(row)
            out.print(batch_body(row, len(chapters), account_figures(state)), soft_wrap=False)
    finally:
        summary.final_root = state.root
        close_state(state)


def _follow(root: Path, keys_dir: Path, feed: tuple[FeedReport, ...], summary: Summary) -> bool:
    """A light client follows every proof from genesis with the committee's feed; a malleated replay is refused."""
    from ...pipeline.keyfiles import VK_FILE, load_vk
    from ...pipeline.outputs import read_step
    from ...state.lightclient import ClientState, Step, advance
    from ...zk.curve import g1_neg, g2_neg
    from ...zk.groth16.data import Proof
    from ..demo_view import when

    vk = load_vk(keys_dir / VK_FILE)
    steps = [read_step(root / f"batch{r.index:02d}") for r in summary.rows]
    with err.status(f"light client: following {len(steps)} proofs"):
        client, outcome = advance(ClientState.start(vk, summary.genesis), vk, steps, feed=feed)
        last = steps[-1].proof
        twin = Step(steps[-1].public, Proof(a=g1_neg(last.a), b=g2_neg(last.b), c=last.c),
                    steps[-1].bridge_record, steps[-1].market_record)
        _, replay = advance(client, vk, [twin], feed=feed)
    summary.client_root = client.root
    flags = [f for a in outcome.accepted for f in a.flags]
    moved = [op for a in outcome.accepted for op in a.bridge_ops]
    summary.client_checks = [
        f"{'accepted' if outcome.ok else 'REFUSED: ' + outcome.reason} {len(outcome.accepted)} of {len(steps)} "
        f"proofs from genesis, in one batch verification (height {client.height})",
        "each batch's old root is the root it reached, and time never went backwards "
        f"(last batch at {when(client.time)})",
        f"bridge records match their digests ({sum(op.NAME == 'deposit' for op in moved)} deposits, "
        f"{sum(op.NAME == 'withdraw' for op in moved)} withdrawals)",
        f"market records match their digests, and all {sum(len(s.market_record.reports) for s in steps if s.market_record)}"
        f" reports are in the committee's published feed ({len(feed)} reports)"
        + (f"; flags: {'; '.join(flags)}" if flags else "; no newer index price was skipped"),
        f"a malleated copy of the last proof (-A, -B, C) is refused: {replay.reason or 'NOT refused'}",
    ]
    return outcome.ok and not replay.ok


def _replica(root: Path, params: Params, summary: Summary) -> bool:
    """Replay the prover's private batch log on a fresh replica; True when it reaches the same root."""
    from ...state.api import new_state, opened, replay_log

    replica = new_state(params)
    with err.status("replica: replaying the private batches"), opened(root / "state") as source:
        replayed = replay_log(replica, source)
    agree = replica.root == summary.final_root
    summary.replica = (f"replayed the {len(replayed)} private batches (every op and signature) to the "
                       + ("same root" if agree else "[red]A DIFFERENT ROOT[/]"))
    return agree
