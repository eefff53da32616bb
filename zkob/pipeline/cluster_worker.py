"""The Dask worker's side of a cluster run: the prover loaded once per worker process, and the proving task.

A worker loads the kernels, its own KEYS/proving_key.zkpk and the prepared
circuit once (``load_worker_prover``), through ``ProverPlugin``: given to
the Worker by ``zkob worker`` (or a ``dask worker --preload
zkob.cli.dask_preload``), or registered by ``zkob prove --cluster local:N``
for its own workers. The plugin carries only the keys' *path*: each
worker reads the key from its own disk, and the key never crosses the
scheduler. Once loaded, the worker advertises two resources:

    PROVER=1                  one proof at a time per worker process
    zkob-key-<key id>=1       the keys it holds (keyfiles.KeyIdentity)

and a run's tasks ask for both, so Dask sends a batch only to a worker
holding that run's keys; a worker with keys for other parameters is never
chosen, and if a task reaches one anyway the task refuses it by circuit
digest (``prove_on_worker``).

What crosses the wire per batch: the pickled trace to the worker (about
7 KB at depths 3/3/2 and 25 KB at 20/20/8 with K = 4: bench/results/cluster.md) and a
proof back (about 0.5 KB); the worker computes the witness itself.
"""

from __future__ import annotations

import asyncio
import signal
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from distributed import Worker, WorkerPlugin, get_worker
from distributed.core import Status

from ..state.trace import BatchTrace
from ..zk.errors import MalformedInput, ZkobError
from ..zk.groth16.data import Proof
from . import Report, quiet
from .keyfiles import PK_FILE, KeyIdentity, key_id, read_key_header
from .prove import Prover, load_prover, prove_trace

PLUGIN = "zkob-prover"
PROVER = "PROVER"


def key_resource(identity: KeyIdentity) -> str:
    """The resource a worker holding these keys advertises, and a run's tasks ask for."""
    return f"zkob-key-{identity.key_id}"


class WorkerFailed(ZkobError):
    """An error on a worker, carried back to the run as one line with its exit code (picklable)."""

    def __init__(self, message: str, exit_code: int = 2):
        super().__init__(message, exit_code)
        self.exit_code = exit_code

    def __str__(self) -> str:
        return str(self.args[0])


@dataclass(frozen=True)
class LoadedProver:
    prover: Prover
    identity: KeyIdentity


def load_worker_prover(keys_dir: Path, backend: str = "auto", report: Report = quiet) -> LoadedProver:
    """Kernels, the proving key of ``keys_dir`` (for the parameters written in it) and its circuit.

    Refuses a key whose circuit digest is not the circuit its parameters
    build here (keys from another zkob version). Cost: load_prover's.
    """
    params, circuit = read_key_header(keys_dir)
    prover = load_prover(params, keys_dir, backend, report)
    if prover.circuit.digest != circuit:
        raise MalformedInput(str(keys_dir / PK_FILE), f"was made for circuit {circuit[:16]}..., but its parameters "
                             f"build circuit {prover.circuit.digest[:16]}... here")
    return LoadedProver(prover, KeyIdentity(params, circuit, key_id(circuit, prover.pk.vk)))


class ProverPlugin(WorkerPlugin):
    """Loads the prover when a worker starts (unless given loaded), then advertises PROVER and its keys.

    Pickled (registered from a client) it carries the keys directory's
    path and the backend name only.
    """

    name = PLUGIN

    def __init__(self, keys_dir: str, backend: str = "auto", loaded: LoadedProver | None = None):
        self.keys_dir, self.backend, self.loaded = keys_dir, backend, loaded

    def __getstate__(self) -> dict[str, Any]:
        return {"keys_dir": self.keys_dir, "backend": self.backend, "loaded": None}

    async def setup(self, worker: Worker) -> None:
        if self.loaded is None:  # off the event loop, so the worker keeps its heartbeats while loading
            self.loaded = await asyncio.get_running_loop().run_in_executor(
                None, load_worker_prover, Path(self.keys_dir), self.backend)
        resources = {PROVER: 1, key_resource(self.loaded.identity): 1}
        if worker.status == Status.running:  # registered: tell the scheduler now
            await worker.set_resources(**resources)
        else:  # starting (given to Worker(), or a preload): the registration carries them
            worker.state.total_resources.update(resources)
            worker.state.available_resources.update(resources)


def describe_worker(dask_worker: Worker) -> str:
    """What this worker holds (``client.run`` calls it on each worker, passing the worker, for messages)."""
    loaded = getattr(dask_worker.plugins.get(PLUGIN), "loaded", None)
    return "no zkob prover loaded" if loaded is None else loaded.identity.describe()


def prove_on_worker(trace: BatchTrace, circuit: str, key: str) -> Proof:
    """The task: prove ``trace`` with this worker's prover, after checking it holds the run's keys.

    Refuses (WorkerFailed) a run for another circuit digest or another
    ceremony's keys; any zkob error comes back as WorkerFailed with its
    message and exit code.
    """
    worker = get_worker()
    loaded: LoadedProver | None = getattr(worker.plugins.get(PLUGIN), "loaded", None)
    if loaded is None:
        raise WorkerFailed(f"worker {worker.address} has no zkob prover loaded (start it with `zkob worker`)")
    if loaded.identity.circuit != circuit:
        raise WorkerFailed(f"worker {worker.address} refused the batch: it holds keys for circuit "
                           f"{loaded.identity.circuit[:16]}... ({loaded.identity.describe()}), "
                           f"the run's circuit is {circuit[:16]}...")
    if loaded.identity.key_id != key:
        raise WorkerFailed(f"worker {worker.address} refused the batch: it holds key {loaded.identity.key_id} "
                           f"for this circuit, the run checks proofs with key {key}")
    try:
        return prove_trace(loaded.prover, trace)
    except ZkobError as exc:
        raise WorkerFailed(f"worker {worker.address}: {exc}", exc.exit_code) from None


def run_worker(scheduler: str, keys_dir: Path, loaded: LoadedProver, name: str | None = None,
               connect_timeout: float = 60.0) -> None:
    """Serve proofs for ``scheduler`` until the worker is closed (SIGINT, SIGTERM or the scheduler).

    Raises WorkerFailed when the scheduler cannot be reached within
    ``connect_timeout`` seconds.
    """

    async def serve() -> None:
        worker = Worker(scheduler, nthreads=1, name=name, death_timeout=connect_timeout, dashboard=False,
                        plugins=(ProverPlugin(str(keys_dir), loaded.prover.backend.name, loaded),))
        try:
            await worker
        except (OSError, asyncio.TimeoutError) as exc:
            raise WorkerFailed(f"cannot reach the scheduler at {scheduler}: {exc}") from None
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGINT, signal.SIGTERM):
            loop.add_signal_handler(sig, lambda: asyncio.ensure_future(worker.close()))
        await worker.finished()

    asyncio.run(serve())
