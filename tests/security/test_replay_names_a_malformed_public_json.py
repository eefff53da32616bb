"""Item 6 of issue 12: `zkob replay` with a public.json of the wrong length says so and keeps nothing.

A public.json with extra (or missing) entries used to reach a comparison
that only looked at the common prefix, and the command died with
``StopIteration:``. It must name the file and say what is wrong, exit 2,
and leave the replica untouched.
"""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from zkob.cli.main import cli
from zkob.state.api import apply_batch, new_state, opened
from zkob.state.params import Params

from .conftest import TINY_ARGS, deposit_batch, TINY


@pytest.mark.parametrize("shape", ["one extra", "one missing"])
def test_a_wrong_count_is_named_and_nothing_is_applied(tmp_path, shape):
    batch = deposit_batch(5)
    trace = apply_batch(new_state(TINY), batch)
    public = [str(v) for v in trace.public_inputs]
    public = public + ["0"] if shape == "one extra" else public[:-1]
    out = tmp_path / "out"
    out.mkdir()
    (out / "batch.json").write_text(json.dumps(batch.to_json()))
    (out / "public.json").write_text(json.dumps(public))
    runner = CliRunner()
    assert runner.invoke(cli, ["init", str(tmp_path / "replica"), *TINY_ARGS]).exit_code == 0
    result = runner.invoke(cli, ["replay", str(tmp_path / "replica"), str(out / "batch.json")])
    assert result.exit_code == 2, result.output
    assert "StopIteration" not in result.output
    assert str(out / "public.json") in result.output and f"got {len(public)}" in result.output
    assert "expected 6 public inputs" in result.output
    with opened(tmp_path / "replica") as replica:
        assert replica.height == 0
