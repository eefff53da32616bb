"""Item 7 of issue 12: files honour the umask, and private ones are 0600 whatever the umask.

``write_atomic`` used to give every file mode 0644, so batch.json (every op
and the salt), signed batches and witnesses were world-readable even under
umask 077, and a user asking for 002 did not get group write. Now a file
gets what the umask gives any new file, and private outputs are 0600: key
files, signed batches, batch.json, witnesses (.wtns) and the state
database, which holds every account and order.
"""

from __future__ import annotations

import json
import os
import stat
from contextlib import contextmanager

import pytest
from click.testing import CliRunner

from zkob.cli.main import cli
from zkob.zk.files import write_atomic

from .conftest import TINY_ARGS, Keys, TINY


@contextmanager
def umask(value: int):
    old = os.umask(value)
    try:
        yield
    finally:
        os.umask(old)


def mode(path) -> int:
    return stat.S_IMODE(os.stat(path).st_mode)


@pytest.mark.parametrize("mask", [0o077, 0o022, 0o002, 0o000])
def test_write_atomic_honours_the_umask_and_private_means_0600(tmp_path, mask):
    with umask(mask):
        write_atomic(tmp_path / "public.json", "[]")
        write_atomic(tmp_path / "batch.json", "{}", mode=0o600)
        write_atomic(tmp_path / "batch.json", "{}", mode=0o600)  # replacing keeps it private
    assert mode(tmp_path / "public.json") == 0o666 & ~mask
    assert mode(tmp_path / "batch.json") == 0o600


def _run(*args):
    result = CliRunner().invoke(cli, [str(a) for a in args])
    assert result.exit_code == 0, result.output
    return result


def test_commands_write_private_outputs_0600_under_a_permissive_umask(tmp_path):
    st = tmp_path / "st"
    with umask(0o000):
        _run("init", st, *TINY_ARGS)
        _run("keygen", "-o", tmp_path / "key.json")
        public_key = json.loads((tmp_path / "key.json").read_text())["public_key"]
        deposit = {"op": "deposit", "account": 1, "asset": 1, "amount": 9, "pubkey": public_key}
        (tmp_path / "d.json").write_text(json.dumps({"ops": [deposit], "time": 1}))
        _run("apply", st, tmp_path / "d.json")
        (tmp_path / "w.json").write_text(json.dumps({"ops": [{"op": "withdraw", "account": 1, "asset": 1,
                                                              "amount": 4}], "time": 2}))
        _run("sign", tmp_path / "key.json", st, tmp_path / "w.json", "-o", tmp_path / "signed.json")
        _run("export", "wtns", st, tmp_path / "signed.json", tmp_path / "w.wtns")
    for private in ("key.json", "signed.json", "w.wtns", "st/state.sqlite"):
        assert mode(tmp_path / private) == 0o600, private
    assert mode(tmp_path / "st" / "params.json") == 0o666  # public: what the umask gives


def test_prove_writes_batch_json_0600_and_the_public_files_by_the_umask(tmp_path, monkeypatch, keys: Keys):
    """The prover's outputs, with proving stubbed (the real prover is tested elsewhere)."""
    from zkob.pipeline import prove as pipeline
    from zkob.state.api import close_state, create_state
    from zkob.state.params import Params
    from zkob.zk.verifier import Verdict

    from .conftest import deposit_batch

    class Circuit:
        n_constraints = 0

    monkeypatch.setattr(pipeline, "prove", lambda *args, **kwargs: keys.proof((1, 2, 3, 4, 5, 6)))
    monkeypatch.setattr(pipeline, "witness_for", lambda params, trace: [])
    params = TINY
    prover = pipeline.Prover(params, None, Circuit(), None, lambda public, proof: Verdict(True))
    state = create_state(tmp_path / "st", params)
    try:
        with umask(0o002):
            pipeline.prove_batch(state, deposit_batch(5), tmp_path / "keys", tmp_path / "out", prover=prover)
    finally:
        close_state(state)
    out = tmp_path / "out"
    assert mode(out / "batch.json") == 0o600
    assert {mode(out / name) for name in ("proof.json", "public.json", "bridge.json")} == {0o664}
