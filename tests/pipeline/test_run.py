"""A run of batches (pipeline/cluster.py, cluster_outroot.py) without a cluster: order, stops, resume, refusals.

Most tests replay the reference run's proofs (RecordedProvers), so they
exercise the run's bookkeeping at the cost of tracing; the checks on
those proofs are real (KEYS's verification key).
"""

from __future__ import annotations

import json
import shutil

import pytest
from click.testing import CliRunner
from run_helpers import RUN_LENGTH, RecordedProvers, as_run, checker, written_publics
from run_batches import INIT_ARGS, PARAMS

from zkob.cli.main import cli
from zkob.pipeline.cluster import RunStopped, prove_run
from zkob.pipeline.cluster_outroot import step_dir, write_step
from zkob.pipeline.outputs import read_step
from zkob.state.api import close_state, create_state, new_state, opened, trace_batch
from zkob.state.pending import Pending
from zkob.zk.errors import EXIT_BAD_INPUT, EXIT_REFUSED, MalformedInput, Refused

pytestmark = [pytest.mark.prove, pytest.mark.slow]


@pytest.fixture
def state_dir(tmp_path):
    state = create_state(tmp_path / "st", PARAMS)
    close_state(state)
    return tmp_path / "st"


def run(state_dir, paths, outroot, provers, keys):
    with opened(state_dir) as state:
        return prove_run(state, as_run(paths), outroot, provers, checker(keys))


def test_the_reference_run_wrote_verified_steps_in_order(reference_run, run_keys):
    check = checker(run_keys)
    for number, public in enumerate(reference_run.public, start=1):
        step = read_step(step_dir(reference_run.outroot, number))
        assert step.public == public and check(public, step.proof).ok
    chained = [p[0] for p in reference_run.public[1:]] == [p[1] for p in reference_run.public[:-1]]
    assert chained and reference_run.public[-1][1] == reference_run.final_root


def test_traces_run_ahead_of_proofs_and_writes_stay_in_order(state_dir, tmp_path, batch_files, reference_run,
                                                             run_keys):
    provers = RecordedProvers(reference_run, slots=2)
    result = run(state_dir, batch_files, tmp_path / "out", provers, run_keys)
    assert provers.submitted == [1, 2, 3, 4] and provers.asked == [1, 2, 3, 4]
    assert [w.number for w in result.written] == [1, 2, 3, 4] and result.resumed == 0
    assert written_publics(tmp_path / "out") == list(reference_run.public)
    with opened(state_dir) as state:
        assert state.height == RUN_LENGTH and state.root == reference_run.final_root


def test_a_rejected_batch_in_the_middle_keeps_earlier_batches_and_touches_nothing_later(
        state_dir, tmp_path, batch_files, bad_batch, reference_run, run_keys):
    provers = RecordedProvers(reference_run, slots=2)
    paths = [batch_files[0], batch_files[1], bad_batch, batch_files[2]]
    with pytest.raises(RunStopped) as stopped:
        run(state_dir, paths, tmp_path / "out", provers, run_keys)
    message = str(stopped.value)
    assert stopped.value.exit_code == EXIT_BAD_INPUT and stopped.value.number == 3
    assert "stopped at batch 3" in message and str(bad_batch) in message and "insufficient_balance" in message
    assert "batches 1-2 written" in message and provers.submitted == [1, 2]  # nothing after it was even traced
    assert written_publics(tmp_path / "out") == list(reference_run.public[:2])
    assert not step_dir(tmp_path / "out", 3).exists()
    with opened(state_dir) as state:
        assert state.height == 2 and state.root == reference_run.public[1][1]


def test_a_proof_that_does_not_verify_is_not_written_and_stops_the_run(state_dir, tmp_path, batch_files,
                                                                        reference_run, run_keys):
    class SwappedProofs(RecordedProvers):
        def result(self, handle):
            number, public = handle
            if number == 2:  # batch 1's proof handed back for batch 2
                return self.steps[0].proof
            return super().result(handle)

    with pytest.raises(RunStopped) as stopped:
        run(state_dir, batch_files, tmp_path / "out", SwappedProofs(reference_run), run_keys)
    assert stopped.value.exit_code == EXIT_REFUSED and stopped.value.number == 2
    assert "does not verify" in str(stopped.value) and "batch 1 written" in str(stopped.value)
    assert written_publics(tmp_path / "out") == list(reference_run.public[:1])
    with opened(state_dir) as state:
        assert state.height == 1


def test_rerunning_resumes_after_the_last_batch_written(state_dir, tmp_path, batch_files, reference_run,
                                                        run_keys):
    class Interrupted(RecordedProvers):
        def result(self, handle):
            if handle[0] == 3:
                raise KeyboardInterrupt  # the operator stops the run while batch 3 is proving
            return super().result(handle)

    with pytest.raises(KeyboardInterrupt):
        run(state_dir, batch_files, tmp_path / "out", Interrupted(reference_run), run_keys)
    assert len(written_publics(tmp_path / "out")) == 2
    again = RecordedProvers(reference_run)
    result = run(state_dir, batch_files, tmp_path / "out", again, run_keys)
    assert result.resumed == 2 and again.submitted == [3, 4]
    assert written_publics(tmp_path / "out") == list(reference_run.public)
    finished = RecordedProvers(reference_run)
    assert run(state_dir, batch_files, tmp_path / "out", finished, run_keys).written == ()  # nothing left
    assert finished.submitted == []


def test_a_batch_written_but_not_committed_is_replayed_from_its_files(state_dir, tmp_path, batch_files,
                                                                      reference_run, run_keys, monkeypatch):
    real_commit = Pending.commit_oldest

    def crash_on_batch_2(self):
        if self.state.height == 1:
            raise KeyboardInterrupt  # the process dies between writing 000002/ and committing it
        return real_commit(self)

    monkeypatch.setattr(Pending, "commit_oldest", crash_on_batch_2)
    with pytest.raises(KeyboardInterrupt):
        run(state_dir, batch_files, tmp_path / "out", RecordedProvers(reference_run), run_keys)
    monkeypatch.undo()
    with opened(state_dir) as state:
        assert state.height == 1
    assert len(written_publics(tmp_path / "out")) == 2
    again = RecordedProvers(reference_run)
    result = run(state_dir, batch_files, tmp_path / "out", again, run_keys)
    assert result.resumed == 2 and again.submitted == [3, 4]  # batch 2 was replayed, not proved again
    with opened(state_dir) as state:
        assert state.height == RUN_LENGTH and state.root == reference_run.final_root


def test_outputs_of_another_state_are_refused_and_nothing_changes(tmp_path, batch_files, reference_run,
                                                                   run_keys):
    other = create_state(tmp_path / "other", PARAMS)  # an empty state: not where the reference's batch 4 ends
    close_state(other)
    out = tmp_path / "out"
    shutil.copytree(reference_run.outroot, out)
    with pytest.raises(Refused, match="not this state's"):
        run(tmp_path / "other", batch_files, out, RecordedProvers(reference_run), run_keys)
    with opened(tmp_path / "other") as state:
        assert state.height == 0
    assert written_publics(out) == list(reference_run.public)


def test_other_batches_than_the_written_ones_are_refused(state_dir, tmp_path, batch_files, reference_run,
                                                         run_keys):
    out = tmp_path / "out"
    shutil.copytree(reference_run.outroot, out)
    swapped = [batch_files[1], batch_files[0], *batch_files[2:]]
    with pytest.raises(Refused, match="is not the batch written in"):
        run(state_dir, swapped, out, RecordedProvers(reference_run), run_keys)
    with pytest.raises(Refused, match="holds 4 written batches, but the command names 3"):
        run(state_dir, batch_files[:3], out, RecordedProvers(reference_run), run_keys)


def test_a_gap_in_outroot_is_refused(state_dir, tmp_path, batch_files, reference_run, run_keys):
    out = tmp_path / "out"
    shutil.copytree(reference_run.outroot, out)
    shutil.rmtree(step_dir(out, 2))
    with pytest.raises(MalformedInput, match="without a gap"):
        run(state_dir, batch_files, out, RecordedProvers(reference_run), run_keys)


def test_a_step_directory_appears_whole_or_not_at_all(tmp_path, reference_run, monkeypatch):
    from zkob.pipeline import cluster_outroot

    step = read_step(step_dir(reference_run.outroot, 1))
    batch = as_run([step_dir(reference_run.outroot, 1) / "batch.json"])[0].batch
    trace = trace_batch(new_state(PARAMS), batch)  # batch 1 runs on a fresh state
    assert trace.public_inputs == tuple(step.public)

    def fail_midway(directory, proof, trace, batch):
        (directory).mkdir(parents=True)
        (directory / "proof.json").write_text("{}")
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(cluster_outroot, "write_outputs", fail_midway)
    with pytest.raises(OSError):
        write_step(tmp_path / "out", 1, step.proof, trace, batch)
    assert not step_dir(tmp_path / "out", 1).exists()
    monkeypatch.undo()
    write_step(tmp_path / "out", 1, step.proof, trace, batch)  # a rerun clears the partial directory
    assert read_step(step_dir(tmp_path / "out", 1)).public == step.public
    with pytest.raises(MalformedInput, match="never rewrites"):
        write_step(tmp_path / "out", 1, step.proof, trace, batch)


def test_cli_proves_several_batches_locally_into_outroot(tmp_path, batch_files, run_keys, reference_run):
    runner = CliRunner()
    assert runner.invoke(cli, ["init", str(tmp_path / "st"), *INIT_ARGS]).exit_code == 0
    args = ["prove", str(tmp_path / "st"), *map(str, batch_files[:2]), "--keys", str(run_keys),
            "-o", str(tmp_path / "out"), "--json"]
    result = runner.invoke(cli, args)
    assert result.exit_code == 0, result.output
    record = json.loads(result.output)
    assert [b["batch"] for b in record["batches"]] == [1, 2] and record["resumed"] == 0
    assert [b["new_root"] for b in record["batches"]] == [str(p[1]) for p in reference_run.public[:2]]
    again = runner.invoke(cli, args[:-1])
    assert again.exit_code == 0 and "batches 1-2 were already written" in again.output


def test_keys_name_their_parameters_and_a_key_id_that_tells_ceremonies_apart(run_keys):
    from dataclasses import replace

    from zkob.pipeline.keyfiles import key_id, keys_identity, load_vk, read_key_header

    params, circuit = read_key_header(run_keys)
    identity = keys_identity(run_keys, PARAMS)
    assert params == PARAMS and identity.circuit == circuit and len(identity.key_id) == 16
    vk = load_vk(run_keys / "verification_key.json")
    assert identity.key_id == key_id(circuit, vk)
    assert key_id(circuit, replace(vk, alpha1=vk.ic[0])) != identity.key_id  # another ceremony, same circuit
    assert key_id("00" * 32, vk) != identity.key_id
    with pytest.raises(MalformedInput, match="keys were made for parameters"):
        keys_identity(run_keys, replace(PARAMS, batch_size=2))
