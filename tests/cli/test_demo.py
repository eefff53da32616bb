"""`zkob demo` runs the whole pipeline and keeps its files when asked."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from zkob.cli.main import cli

SMALL = ["--accounts", "2", "--batches", "2", "--batch-size", "2",
         "--accounts-depth", "2", "--orders-depth", "2", "--assets-depth", "2"]


@pytest.mark.prove
@pytest.mark.slow
def test_demo_runs_end_to_end_and_keeps_its_files(tmp_path):
    keep = tmp_path / "demo"
    result = CliRunner().invoke(cli, ["demo", "--keep", str(keep), *SMALL])
    assert result.exit_code == 0, result.output
    assert "light client: accepted 2 proof(s)" in result.output
    assert "root agrees" in result.output and "refused: replay" in result.output
    assert (keep / "keys" / "verification_key.json").is_file()
    public = json.loads((keep / "batch2" / "public.json").read_text())
    state_root = CliRunner().invoke(cli, ["root", str(keep / "state")]).output.strip()
    assert public[1] == state_root


def test_demo_refuses_a_non_empty_keep_directory(tmp_path):
    (tmp_path / "x").write_text("mine")
    result = CliRunner().invoke(cli, ["demo", "--keep", str(tmp_path), *SMALL])
    assert result.exit_code == 2 and "not an empty directory" in result.output
    assert (tmp_path / "x").read_text() == "mine"


def test_demo_refuses_more_accounts_than_the_tree_holds():
    result = CliRunner().invoke(cli, ["demo", "--accounts", "9", "--accounts-depth", "3"])
    assert result.exit_code == 2 and "does not fit" in result.output
