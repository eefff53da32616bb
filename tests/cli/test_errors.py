"""One error boundary: exit codes from the error tree, internal errors named as such, every command registered."""

from __future__ import annotations

import pkgutil
from pathlib import Path
from types import SimpleNamespace

import pytest
from click.testing import CliRunner

from zkob.cli import commands
from zkob.cli.main import COMMANDS, INTERNAL, cli
from zkob.pipeline import prove as pipeline_prove
from zkob.state.api import create_state, opened
from zkob.state.batchfile import parse_batch
from zkob.state.params import Params
from zkob.zk.errors import EXIT_INTERNAL, InternalError, Refused, ZkobError
from zkob.zk.groth16.verify import Verdict

P = Params(accounts_depth=2, orders_depth=2, assets_depth=2, batch_size=1)


def test_every_command_module_is_registered():
    modules = {m.name for m in pkgutil.iter_modules(commands.__path__) if not m.name.startswith("_")}
    registered = {c.callback.__module__.rsplit(".", 1)[1] for c in COMMANDS}
    assert registered == modules
    assert len({c.name for c in COMMANDS}) == len(COMMANDS)


@pytest.mark.parametrize("error, code", [(ZkobError("bad"), 2), (Refused("no"), 1), (InternalError("bug"), 3)])
def test_a_zkob_error_ends_the_command_with_its_exit_code(monkeypatch, tmp_path, error, code):
    def boom(directory):
        raise error

    monkeypatch.setattr("zkob.state.store.read_params", boom)
    result = CliRunner().invoke(cli, ["circuit", "info", str(tmp_path)])
    assert result.exit_code == code and result.stderr == f"error: {error}\n"


def test_an_unexpected_exception_is_an_internal_error_not_bad_input(monkeypatch, tmp_path):
    def boom(directory):
        raise KeyError("surprise")

    monkeypatch.setattr("zkob.state.store.read_params", boom)
    monkeypatch.delenv("ZKOB_DEBUG", raising=False)
    result = CliRunner().invoke(cli, ["circuit", "info", str(tmp_path)])
    assert result.exit_code == EXIT_INTERNAL
    assert result.stderr.startswith(f"error: {INTERNAL}: KeyError") and "Traceback" not in result.output
    monkeypatch.setenv("ZKOB_DEBUG", "1")
    result = CliRunner().invoke(cli, ["circuit", "info", str(tmp_path)])
    assert isinstance(result.exception, KeyError)


def test_a_proof_failing_its_own_check_is_an_internal_error_and_changes_nothing(monkeypatch, tmp_path):
    state = create_state(tmp_path / "st", P)
    root = state.root
    fake = pipeline_prove.Prover(P, None, SimpleNamespace(n_constraints=1), None,  # type: ignore[arg-type]
                                 lambda public, proof: Verdict(False, "pairing check failed"))
    monkeypatch.setattr(pipeline_prove, "prove", lambda *args, **kw: object())
    batch = parse_batch({"ops": [{"op": "noop"}], "time": 1, "salt": "5"}, P)
    with pytest.raises(InternalError, match="does not verify"):
        pipeline_prove.prove_batch(state, batch, tmp_path / "keys", tmp_path / "out", prover=fake)
    assert state.root == root and state.height == 0 and not Path(tmp_path / "out").exists()
    state.source.close()  # type: ignore[union-attr]
    with opened(tmp_path / "st") as again:
        assert again.height == 0
