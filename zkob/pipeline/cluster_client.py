"""The run's side of a Dask cluster: connect (or start local workers), find the provers, submit, collect.

``--cluster local:N`` starts a LocalCluster of N worker processes (one
thread each) and registers ProverPlugin, so each worker process loads
KEYS itself; ``--cluster tcp://HOST:PORT`` connects to a running
scheduler whose workers were started with ``zkob worker`` and hold their
own keys. Either way the run waits until a worker advertises its keys'
resource (cluster_worker.key_resource), names the workers that hold
other keys, and submits one task per batch asking for PROVER=1 and that
resource. A worker lost mid-proof is Dask's to handle: its task is
rescheduled on another worker holding the keys.

Failures reach the run as ZkobErrors with one line: ``ClusterError`` (a
scheduler that cannot be reached or is lost, a task Dask gave up on) or
the worker's own ``WorkerFailed``.
"""

from __future__ import annotations

import logging
import re
import time
import uuid
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from distributed import Client, Future, LocalCluster

from ..state.trace import BatchTrace
from ..zk.errors import MalformedInput, ZkobError
from ..zk.groth16.data import Proof
from . import Report, quiet
from .cluster_worker import PROVER, ProverPlugin, WorkerFailed, describe_worker, key_resource, prove_on_worker
from .keyfiles import KeyIdentity

LOCAL = re.compile(r"local:([1-9][0-9]{0,2})")
ADDRESS = re.compile(r"(tcp|tls)://[^\s/]+:[0-9]{1,5}")
WAIT_FOR_PROVERS = 120.0  # seconds: local workers start and load their keys; remote ones may be starting too


class ClusterError(ZkobError):
    """The cluster failed the run: unreachable or lost scheduler, no worker with the keys, a task given up on."""


def parse_cluster(spec: str) -> int | str:
    """``local:N`` -> N (1..999); ``tcp://HOST:PORT`` -> the address; anything else is MalformedInput."""
    local = LOCAL.fullmatch(spec)
    if local:
        return int(local.group(1))
    if ADDRESS.fullmatch(spec):
        return spec
    raise MalformedInput("--cluster", f"expected local:N or tcp://HOST:PORT, got {spec!r}")


def parse_scheduler(address: str) -> str:
    """A scheduler's address, ``tcp://HOST:PORT`` (or tls://); anything else is MalformedInput."""
    if ADDRESS.fullmatch(address):
        return address
    raise MalformedInput("SCHEDULER", f"expected tcp://HOST:PORT, got {address!r}")


class DaskProvers:
    """Provers on a Dask cluster: one task per batch, asking for PROVER=1 and the run's keys."""

    def __init__(self, client: Client, identity: KeyIdentity):
        self.client, self.identity = client, identity
        self.resources = {PROVER: 1, key_resource(identity): 1}
        self.run = uuid.uuid4().hex[:8]
        self._slots, self._counted = 1, float("-inf")

    @property
    def slots(self) -> int:
        """Workers holding the run's keys, recounted at most every 2 s (workers come and go)."""
        if time.monotonic() - self._counted > 2.0:
            try:
                self._slots = max(1, len(provers_holding(self.client, self.identity)))
            except Exception:  # a lost scheduler shows up in the next result(); keep the last count
                pass
            self._counted = time.monotonic()
        return self._slots

    def submit(self, number: int, trace: BatchTrace) -> Future:
        return self.client.submit(prove_on_worker, trace, self.identity.circuit, self.identity.key_id,
                                  key=f"zkob-batch-{self.run}-{number:06d}", resources=self.resources, pure=False)

    def result(self, handle: Future) -> Proof:
        try:
            proof = handle.result()
        except ZkobError:
            raise
        except Exception as exc:  # distributed's: a lost scheduler, KilledWorker, a cancelled future
            raise ClusterError(f"the cluster failed the proving task ({type(exc).__name__}: {exc})") from None
        if not isinstance(proof, Proof):
            raise ClusterError(f"a worker returned {type(proof).__name__}, not a proof")
        return proof

    def cancel(self, handles: Sequence[Future]) -> None:
        try:
            self.client.cancel(list(handles))
        except Exception:  # the cluster may be gone already; nothing of ours depends on this
            pass


def provers_holding(client: Client, identity: KeyIdentity) -> list[str]:
    """Addresses of the workers that advertise the run's keys."""
    wanted = key_resource(identity)
    workers = client.scheduler_info(n_workers=-1)["workers"]
    return sorted(addr for addr, info in workers.items() if info.get("resources", {}).get(wanted, 0) >= 1)


def wait_for_provers(client: Client, identity: KeyIdentity, at_least: int, timeout: float, report: Report) -> int:
    """Wait until ``at_least`` workers hold the run's keys; ClusterError naming what the workers hold if not."""
    deadline = time.monotonic() + timeout
    report(f"waiting for workers holding key {identity.key_id}")
    while True:
        holding = provers_holding(client, identity)
        if len(holding) >= at_least:
            for addr, what in _holdings(client).items():
                if addr not in holding:
                    report(f"not using {addr}: it holds other keys ({what})")
            return len(holding)
        if time.monotonic() > deadline:
            break
        time.sleep(0.25)
    others = "; ".join(f"{addr}: {what}" for addr, what in sorted(_holdings(client).items()))
    raise ClusterError(f"no worker holds this run's keys ({identity.describe()}) after {timeout:.0f} s; "
                       f"workers: {others or 'none'}")


def _holdings(client: Client) -> dict[str, str]:
    """What each worker holds, for messages ({} if the workers cannot be asked)."""
    try:
        return dict(client.run(describe_worker))
    except Exception:
        return {}


@contextmanager
def dask_provers(spec: str, keys_dir: Path, identity: KeyIdentity, report: Report = quiet,
                 timeout: float = WAIT_FOR_PROVERS) -> Iterator[DaskProvers]:
    """A connected DaskProvers for the run, closed (and local workers stopped) afterwards."""
    target = parse_cluster(spec)
    logging.getLogger("distributed").setLevel(logging.CRITICAL)  # its warnings are not the run's messages
    cluster: Any = None
    try:
        if isinstance(target, int):
            report(f"starting {target} local workers")
            cluster = LocalCluster(n_workers=target, threads_per_worker=1, processes=True,
                                   dashboard_address=":0", silence_logs=logging.CRITICAL)
            client = Client(cluster)
            client.register_plugin(ProverPlugin(str(keys_dir.resolve())))
        else:
            report(f"connecting to {target}")
            try:
                client = Client(target, timeout=10)
            except (OSError, TimeoutError) as exc:
                raise ClusterError(f"cannot reach the Dask scheduler at {target}: {exc}") from None
    except ZkobError:
        if cluster is not None:
            cluster.close()
        raise
    try:
        wait_for_provers(client, identity, target if isinstance(target, int) else 1, timeout, report)
        yield DaskProvers(client, identity)
    finally:
        client.close()
        if cluster is not None:
            cluster.close()


__all__ = ["ClusterError", "DaskProvers", "WorkerFailed", "dask_provers", "parse_cluster"]
