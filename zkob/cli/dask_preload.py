"""zkob's prover in a worker started by Dask's own CLI:

    dask worker tcp://HOST:PORT --nthreads 1 --preload zkob.cli.dask_preload --zkob-keys KEYS

Dask imports this module in the worker process and calls ``dask_setup``
before the worker registers; it adds the same ProverPlugin as ``zkob
worker`` (the key is read from this machine's KEYS, once per process).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click


@click.command()
@click.option("--zkob-keys", "keys_dir", type=click.Path(file_okay=False, path_type=Path), required=True,
              help="Keys made by `zkob setup`, on this machine.")
@click.option("--zkob-backend", "backend", type=click.Choice(["auto", "compiled", "pure"]), default="auto")
async def dask_setup(worker: Any, keys_dir: Path, backend: str) -> None:
    from ..pipeline.cluster_worker import ProverPlugin

    await worker.plugin_add(ProverPlugin(str(keys_dir), backend), catch_errors=False)
