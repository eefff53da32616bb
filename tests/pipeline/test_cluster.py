"""Proving a run on Dask (issue 17): a 2-worker LocalCluster, a worker killed mid-proof, `zkob worker`, refusals.

Small parameters (3/3/2, K = 4: a proof takes a few seconds); every run
is compared with the reference run proved in this process, one batch
after another: same public inputs, same final root, every proof verified
(proofs themselves differ: fresh randomness).
"""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import threading
import time

import pytest
from click.testing import CliRunner
from run_batches import INIT_ARGS, PARAMS
from run_helpers import RUN_LENGTH, as_run, checker, written_publics

from zkob.cli.main import cli
from zkob.pipeline.cluster import RunStopped, prove_run
from zkob.pipeline.cluster_outroot import step_dir
from zkob.pipeline.keyfiles import KeyIdentity, keys_identity
from zkob.pipeline.outputs import read_step
from zkob.state.api import close_state, create_state, opened
from zkob.zk.errors import EXIT_BAD_INPUT

distributed = pytest.importorskip("distributed", reason="the cluster extra: pip install 'zkob[cluster]'")
from zkob.pipeline.cluster_client import (  # noqa: E402  (needs distributed)
    ClusterError, DaskProvers, dask_provers, wait_for_provers,
)
from zkob.pipeline.cluster_worker import ProverPlugin, WorkerFailed, prove_on_worker  # noqa: E402

pytestmark = [pytest.mark.prove, pytest.mark.slow]


def assert_same_as_reference(outroot, reference, keys, count=RUN_LENGTH):
    """OUTROOT holds the reference's first ``count`` statements, each with a proof that verifies."""
    check = checker(keys)
    assert written_publics(outroot) == list(reference.public[:count])
    for number in range(1, count + 1):
        step = read_step(step_dir(outroot, number))
        assert check(step.public, step.proof).ok


@pytest.fixture(scope="module")
def local_cluster(run_keys):
    """Two worker processes (under nannies) holding the run's keys through ProverPlugin."""
    cluster = distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                                       dashboard_address=":0", silence_logs=50)
    client = distributed.Client(cluster)
    client.register_plugin(ProverPlugin(str(run_keys)))
    identity = keys_identity(run_keys, PARAMS)
    wait_for_provers(client, identity, 2, 180, lambda _: None)
    yield client, identity
    client.close()
    cluster.close()


def test_cli_run_on_two_local_workers_matches_sequential_proving(tmp_path, batch_files, run_keys, reference_run):
    runner = CliRunner()
    assert runner.invoke(cli, ["init", str(tmp_path / "st"), *INIT_ARGS]).exit_code == 0
    result = runner.invoke(cli, ["prove", str(tmp_path / "st"), *map(str, batch_files[:2]), "--keys",
                                 str(run_keys), "-o", str(tmp_path / "out"), "--cluster", "local:2", "--json"])
    assert result.exit_code == 0, result.output
    assert [b["batch"] for b in json.loads(result.output)["batches"]] == [1, 2]
    assert_same_as_reference(tmp_path / "out", reference_run, run_keys, count=2)
    with opened(tmp_path / "st") as state:
        assert state.height == 2 and state.root == reference_run.public[1][1]


def test_a_worker_refuses_a_batch_for_another_circuit_by_digest(local_cluster, batch_files):
    client, identity = local_cluster
    from zkob.state.api import new_state, trace_batch

    trace = trace_batch(new_state(PARAMS), as_run(batch_files[:1])[0].batch)
    other = "ab" * 32
    future = client.submit(prove_on_worker, trace, other, identity.key_id, pure=False)
    with pytest.raises(WorkerFailed, match=f"refused the batch: it holds keys for circuit {identity.circuit[:16]}"):
        future.result()
    future = client.submit(prove_on_worker, trace, identity.circuit, "0" * 16, pure=False)
    with pytest.raises(WorkerFailed, match="holds key .* the run checks proofs with key 0000000000000000"):
        future.result()


def test_a_run_whose_keys_no_worker_holds_is_refused_naming_what_they_hold(local_cluster):
    client, identity = local_cluster
    stranger = KeyIdentity(PARAMS, "cd" * 32, "feedfeedfeedfeed")
    with pytest.raises(ClusterError) as refused:
        wait_for_provers(client, stranger, 1, 1.0, lambda _: None)
    message = str(refused.value)
    assert "no worker holds this run's keys" in message and "feedfeedfeedfeed" in message
    assert message.count(identity.circuit[:16]) == 2  # each worker named with the circuit it holds


def test_a_worker_killed_mid_proof_has_its_batch_proved_elsewhere(tmp_path, local_cluster, batch_files, run_keys,
                                                                  reference_run):
    client, identity = local_cluster
    pids = client.run(os.getpid)
    killed: list[int] = []

    def kill_the_first_busy_worker() -> None:
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            busy = [addr for addr, tasks in client.processing().items() if tasks]
            if busy:
                time.sleep(1.0)  # well inside a proof (a few seconds)
                killed.append(pids[busy[0]])
                os.kill(pids[busy[0]], signal.SIGKILL)
                return
            time.sleep(0.05)

    killer = threading.Thread(target=kill_the_first_busy_worker)
    state = create_state(tmp_path / "st", PARAMS)
    try:
        killer.start()
        result = prove_run(state, as_run(batch_files), tmp_path / "out", DaskProvers(client, identity),
                           checker(run_keys))
        killer.join()
        assert killed and [w.number for w in result.written] == [1, 2, 3, 4]
        assert state.root == reference_run.final_root
    finally:
        close_state(state)
    assert_same_as_reference(tmp_path / "out", reference_run, run_keys)
    with pytest.raises(ProcessLookupError):
        os.kill(killed[0], 0)  # that process is gone: the run finished without it


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_an_unreachable_scheduler_is_one_line_and_leaves_the_state_alone(tmp_path, batch_files, run_keys):
    runner = CliRunner()
    assert runner.invoke(cli, ["init", str(tmp_path / "st"), *INIT_ARGS]).exit_code == 0
    address = f"tcp://127.0.0.1:{_free_port()}"
    result = runner.invoke(cli, ["prove", str(tmp_path / "st"), *map(str, batch_files[:2]), "--keys", str(run_keys),
                                 "-o", str(tmp_path / "out"), "--cluster", address, "--quiet"])
    assert result.exit_code == EXIT_BAD_INPUT
    assert result.output.strip().splitlines() == [result.output.strip()]
    assert result.output.startswith(f"error: cannot reach the Dask scheduler at {address}")
    with opened(tmp_path / "st") as state:
        assert state.height == 0
    assert not (tmp_path / "out").exists()


def test_zkob_worker_serves_a_scheduler_and_a_rejected_batch_stops_the_cluster_run(tmp_path, batch_files, bad_batch,
                                                                                  run_keys, reference_run):
    """The README's way: a scheduler, `zkob worker` processes, `zkob prove --cluster tcp://...`."""
    port = _free_port()
    address = f"tcp://127.0.0.1:{port}"
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(sys.path))
    scheduler = subprocess.Popen([sys.executable, "-m", "distributed.cli.dask_scheduler", "--host", "127.0.0.1",
                                  "--port", str(port), "--no-dashboard"], env=env,
                                 stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    worker = subprocess.Popen([sys.executable, "-m", "zkob.cli.main", "worker", address, "--keys", str(run_keys),
                               "--quiet"], env=env, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    try:
        assert "serving proofs for" in _line_with(worker, "serving proofs for")
        assert CliRunner().invoke(cli, ["init", str(tmp_path / "st"), *INIT_ARGS]).exit_code == 0
        paths = [batch_files[0], batch_files[1], bad_batch, batch_files[2]]
        result = CliRunner().invoke(cli, ["prove", str(tmp_path / "st"), *map(str, paths), "--keys", str(run_keys),
                                          "-o", str(tmp_path / "out"), "--cluster", address, "--quiet"])
        assert result.exit_code == EXIT_BAD_INPUT, result.output
        assert "stopped at batch 3" in result.output and "insufficient_balance" in result.output
        assert written_publics(tmp_path / "out") == list(reference_run.public[:2])
        with opened(tmp_path / "st") as state:
            assert state.height == 2
    finally:
        for process in (worker, scheduler):
            process.send_signal(signal.SIGTERM)
        for process in (worker, scheduler):
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()
    assert worker.returncode == 0  # SIGTERM closes the worker cleanly


def _line_with(process: subprocess.Popen, text: str, timeout: float = 180) -> str:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        line = process.stdout.readline()
        if text in line:
            return line
        if not line and process.poll() is not None:
            break
    return ""


def test_cluster_spec_is_parsed_strictly():
    from zkob.pipeline.cluster_client import parse_cluster, parse_scheduler
    from zkob.zk.errors import MalformedInput

    assert parse_cluster("local:2") == 2 and parse_cluster("tcp://10.0.0.1:8786") == "tcp://10.0.0.1:8786"
    for bad in ("local:0", "local:", "local:two", "tcp://host", "http://h:1", "h:1"):
        with pytest.raises(MalformedInput, match="--cluster"):
            parse_cluster(bad)
    with pytest.raises(MalformedInput, match="SCHEDULER"):
        parse_scheduler("local:2")


def test_dask_provers_refuses_a_malformed_spec_before_starting_anything(run_keys):
    from zkob.zk.errors import MalformedInput

    with pytest.raises(MalformedInput):
        with dask_provers("local:x", run_keys, keys_identity(run_keys, PARAMS)):
            pass


def test_run_stopped_carries_its_cause(tmp_path):
    from zkob.pipeline.cluster import RunBatch
    from zkob.state.batchfile import parse_batch

    item = RunBatch(1, "b.json", parse_batch({"ops": [{"op": "noop"}], "time": 1}, PARAMS))
    stopped = RunStopped(item, WorkerFailed("worker x: boom", 3), tmp_path)
    assert stopped.exit_code == 3 and "no batch written" in str(stopped)
    assert json.dumps(str(stopped))
