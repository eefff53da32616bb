"""Item 4 of issue 12: a replica compares a replayed batch with its log before it commits.

``replay_log`` used to apply a logged batch, then compare the roots with
the log, so on a mismatch it raised while the replica kept the batch. Every
path that re-executes a batch now compares first and commits only a match:
``replay_log``, ``zkob replay``, and the prover, which re-applies the batch
it traced and proved.
"""

from __future__ import annotations

import dataclasses
import json

import pytest
from click.testing import CliRunner

from zkob.cli.main import cli
from zkob.state.api import apply_batch, close_state, create_state, new_state, open_state, replay_log
from zkob.state.errors import StoreError
from zkob.state.params import Params

from .conftest import TINY_ARGS, deposit_batch, TINY

PARAMS = TINY


def _source_log():
    source = new_state(PARAMS)
    apply_batch(source, deposit_batch(5))
    apply_batch(source, deposit_batch(6, salt=4))
    return source.log()


@pytest.mark.parametrize("field", ["new_root", "commitment", "bridge"])
def test_replay_log_keeps_nothing_the_log_contradicts(tmp_path, field):
    log = _source_log()
    lie = dataclasses.replace(log[1], **{field: (getattr(log[1], field) + 1)})
    replica = create_state(tmp_path / "replica", PARAMS)
    try:
        with pytest.raises(StoreError, match="batch 2"):
            replay_log(replica, [log[0], lie])
        assert replica.height == 1 and replica.root == log[0].new_root
    finally:
        close_state(replica)
    reopened = open_state(tmp_path / "replica")  # on disk too, not only in the handle
    try:
        assert reopened.height == 1 and reopened.log() == [log[0]]
        assert replay_log(reopened, log) == [log[1]] and reopened.root == log[1].new_root
    finally:
        close_state(reopened)


def test_zkob_replay_keeps_nothing_public_json_contradicts(tmp_path):
    source = new_state(PARAMS)
    trace = apply_batch(source, deposit_batch(5))
    out = tmp_path / "out"
    out.mkdir()
    (out / "batch.json").write_text(json.dumps(deposit_batch(5).to_json()))
    public = [str(v) for v in (trace.old_root, trace.new_root + 1, *trace.public_inputs[2:])]
    (out / "public.json").write_text(json.dumps(public))
    runner = CliRunner()
    assert runner.invoke(cli, ["init", str(tmp_path / "replica"), *TINY_ARGS]).exit_code == 0
    result = runner.invoke(cli, ["replay", str(tmp_path / "replica"), str(out / "batch.json")])
    assert result.exit_code == 1 and "new_root differs" in result.output
    replica = open_state(tmp_path / "replica")
    try:
        assert replica.height == 0
    finally:
        close_state(replica)


def test_the_prover_commits_nothing_when_the_state_moved_while_it_proved(tmp_path, monkeypatch):
    """Another writer applies a batch while the proof is made: the proven batch must not be committed.

    Proving is replaced by a stub (the real prover is tested elsewhere); the
    stub lets another handle advance the state, as a second process would.
    """
    from zkob.pipeline import prove as pipeline
    from zkob.state.api import trace_batch
    from zkob.zk.groth16.data import Proof
    from zkob.zk.verifier import Verdict

    state = create_state(tmp_path / "st", PARAMS)
    other = open_state(tmp_path / "st")
    mine = deposit_batch(5)

    def prove_while_another_writer_commits(pk, circuit, witness, backend=None):
        apply_batch(other, deposit_batch(9, salt=8))
        return Proof(a=None, b=None, c=None)

    class Circuit:
        n_constraints = 0

    monkeypatch.setattr(pipeline, "prove", prove_while_another_writer_commits)
    monkeypatch.setattr(pipeline, "witness_for", lambda params, trace: [])
    prover = pipeline.Prover(PARAMS, None, Circuit(), None, lambda public, proof: Verdict(True))
    try:
        expected = trace_batch(state, mine)
        with pytest.raises(Exception, match="state changed"):
            pipeline.prove_batch(state, mine, tmp_path / "keys", tmp_path / "out", prover=prover)
        assert state.height == 1 and state.log()[0].new_root != expected.new_root  # only the other batch
    finally:
        close_state(state)
        close_state(other)
