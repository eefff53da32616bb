"""``zkob worker SCHEDULER --keys KEYS``: a Dask worker that proves batches with the keys on this machine."""

from __future__ import annotations

from pathlib import Path

import click

from ..console import Phases, out


@click.command("worker")
@click.argument("scheduler", metavar="SCHEDULER")
@click.option("--keys", "keys_dir", type=click.Path(file_okay=False, path_type=Path), required=True,
              help="Keys made by `zkob setup` (this machine's copy); the worker proves for their parameters only.")
@click.option("--name", help="The worker's name in the cluster (default: Dask's).")
@click.option("--backend", type=click.Choice(["auto", "compiled", "pure"]), default="auto", show_default=True,
              help="Prover arithmetic: numba kernels or the pure-Python reference.")
@click.option("--connect-timeout", type=click.FloatRange(min=1), default=60.0, show_default=True,
              help="Seconds to wait for SCHEDULER before giving up.")
@click.option("--check", is_flag=True,
              help="Load the keys, kernels and circuit, print what the worker would serve, and exit without "
                   "connecting.")
@click.option("--quiet", is_flag=True, help="No progress output.")
def command(scheduler: str, keys_dir: Path, name: str | None, backend: str, connect_timeout: float, check: bool,
            quiet: bool) -> None:
    """Serve proofs for the Dask scheduler at SCHEDULER (tcp://HOST:PORT) until stopped.

    Loads the proving key, kernels and prepared circuit once, then
    advertises the resources PROVER=1 (one proof at a time) and
    zkob-key-<id>=1 (the keys it holds), so `zkob prove --cluster
    SCHEDULER` sends it only batches of runs with the same keys. The key
    stays on this machine.
    """
    from ...pipeline.cluster_client import parse_scheduler
    from ...pipeline.cluster_worker import load_worker_prover, run_worker

    parse_scheduler(scheduler)
    with Phases(quiet) as report:
        loaded = load_worker_prover(keys_dir, backend, report)
    out.print(f"keys {keys_dir}: {loaded.identity.describe()}", markup=False)
    if check:
        return
    out.print(f"serving proofs for {scheduler} (Ctrl-C stops)", markup=False)
    run_worker(scheduler, keys_dir, loaded, name, connect_timeout)
