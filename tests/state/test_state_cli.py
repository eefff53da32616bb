"""zkob init / apply / root / show through click's CliRunner: exit codes and output."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner
from state_helpers import TINY, batch, deposit, fill, pk, place, signed_history, withdraw

from zkob.cli.main import cli
from zkob.state.api import apply_batch, new_state, opened


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner()


def init(runner, directory, *extra):
    return runner.invoke(cli, ["init", str(directory), "--accounts-depth", "3", "--orders-depth", "3",
                               "--assets-depth", "2", "--batch-size", "4", *extra])


def write(tmp_path, name, data) -> str:
    path = tmp_path / name
    path.write_text(data if isinstance(data, str) else json.dumps(data))
    return str(path)


OPS1, OPS2 = (b.to_json()["ops"] for b in signed_history(
    [deposit(1, 1, 500, pk(1)), deposit(2, 2, 60, pk(2)), place(1, 1, 2, 1, "buy", 10, 5)],
    [place(2, 2, 2, 1, "sell", 9, 4), fill(2, 1, 3)]))


def test_init_apply_root_show_round_trip(runner, tmp_path):
    d = tmp_path / "s"
    result = init(runner, d)
    assert result.exit_code == 0, result.output
    expected = new_state(TINY)
    assert runner.invoke(cli, ["root", str(d)]).output == f"{expected.root}\n"

    b1 = write(tmp_path, "b1.json", {"ops": OPS1, "salt": "3"})
    result = runner.invoke(cli, ["apply", str(d), b1, "--json"])
    assert result.exit_code == 0, result.output
    out = json.loads(result.stdout)
    trace = apply_batch(expected, batch(*OPS1, salt=3, state=expected))
    assert out == {"old_root": str(trace.old_root), "new_root": str(trace.new_root),
                   "commitment": str(trace.commitment), "bridge": str(trace.bridge)}
    assert result.stdout.count("\n") == 1

    b2 = write(tmp_path, "b2.json", {"ops": OPS2})  # no salt: drawn and reported
    result = runner.invoke(cli, ["apply", str(d), b2])
    assert result.exit_code == 0 and "salt" in result.stdout and "new_root" in result.stdout
    with opened(d) as state:
        assert state.height == 2
        salt = state.log()[1].salt
    apply_batch(expected, batch(*OPS2, salt=salt, state=expected))
    assert runner.invoke(cli, ["root", str(d)]).stdout.strip() == str(expected.root)

    shown = runner.invoke(cli, ["show", str(d)])
    assert shown.exit_code == 0
    for text in ("Accounts (2)", "Balances", "Open orders (2)", "sell", "buy", str(expected.root)):
        assert text in shown.stdout
    limited = runner.invoke(cli, ["show", str(d), "--limit", "1"])
    assert limited.exit_code == 0 and "more not shown" in limited.stdout


def test_rejected_batch_exits_2_with_one_line_and_changes_nothing(runner, tmp_path):
    d = tmp_path / "s"
    init(runner, d)
    runner.invoke(cli, ["apply", str(d), write(tmp_path, "b1.json", {"ops": OPS1})])
    root = runner.invoke(cli, ["root", str(d)]).stdout
    with opened(d) as state:
        ops = batch(deposit(1, 1, 1), withdraw(1, 1, 10**6), state=state).to_json()["ops"]
    bad = write(tmp_path, "bad.json", {"ops": ops})
    result = runner.invoke(cli, ["apply", str(d), bad, "--json"])
    assert result.exit_code == 2
    assert result.stdout == ""
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and "op 1 (withdraw)" in lines[0] and "insufficient_balance" in lines[0]
    assert runner.invoke(cli, ["root", str(d)]).stdout == root


@pytest.mark.parametrize("content, needle", [
    ("{not json", "not valid JSON"),
    (json.dumps({"ops": [{"op": "fly"}]}), "ops[0].op"),
    (json.dumps({"ops": [dict(place(1, 1, 2, 1, "buy", 1, 1), price=1.5, sig=OPS1[2]["sig"])]}),
     "ops[0] (place).price"),
    (json.dumps({"ops": [place(1, 1, 2, 1, "buy", 1, 1)]}), "ops[0] (place).sig: a place must be signed"),
    (json.dumps({"ops": [deposit(1, 1, 1, pk(1))] * 5}), "1..4"),
])
def test_malformed_batch_files_exit_2_with_one_line(runner, tmp_path, content, needle):
    d = tmp_path / "s"
    init(runner, d)
    result = runner.invoke(cli, ["apply", str(d), write(tmp_path, "x.json", content)])
    assert result.exit_code == 2 and needle in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


def test_missing_directory_or_file_exit_2(runner, tmp_path):
    d = tmp_path / "s"
    init(runner, d)
    for args in (["root", str(tmp_path / "nope")], ["show", str(tmp_path / "nope")],
                 ["apply", str(tmp_path / "nope"), "x.json"], ["apply", str(d), str(tmp_path / "missing.json")],
                 ["root", str(tmp_path)]):
        result = runner.invoke(cli, args)
        assert result.exit_code == 2, args
        assert len(result.stderr.strip().splitlines()) == 1 and result.stderr.startswith("error:")


def test_init_refuses_non_empty_dirs_and_nonsense_parameters(runner, tmp_path):
    d = tmp_path / "s"
    assert init(runner, d).exit_code == 0
    again = init(runner, d)
    assert again.exit_code == 2 and "not empty" in again.stderr
    for extra in (["--accounts-depth", "0"], ["--orders-depth", "33"], ["--assets-depth", "-1"],
                  ["--batch-size", "0"]):
        result = runner.invoke(cli, ["init", str(tmp_path / "n"), *extra])
        assert result.exit_code == 2 and "error:" in result.stderr, extra
        assert not (tmp_path / "n").exists()
    result = runner.invoke(cli, ["init", str(tmp_path / "defaults")])
    assert result.exit_code == 0
    with opened(tmp_path / "defaults") as state:
        assert (state.params.accounts_depth, state.params.orders_depth, state.params.assets_depth,
                state.params.batch_size) == (20, 20, 8, 4)
