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
    """TINY: the depth options on the command line, the other sizes and the config in a --config file."""
    rest = {k: v for k, v in TINY.sizes().items() if k not in ("accounts_depth", "orders_depth", "assets_depth",
                                                                 "batch_size")}
    config = directory.parent / f"{directory.name}.config.json"
    config.write_text(json.dumps({**rest, **TINY.config.to_json()}))
    return runner.invoke(cli, ["init", str(directory), "--accounts-depth", "3", "--orders-depth", "3",
                               "--assets-depth", "2", "--batch-size", "4", "--config", str(config), *extra])


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

    b1 = write(tmp_path, "b1.json", {"ops": OPS1, "salt": "3", "time": 0})
    result = runner.invoke(cli, ["apply", str(d), b1, "--json"])
    assert result.exit_code == 0, result.output
    out = json.loads(result.stdout)
    trace = apply_batch(expected, batch(*OPS1, salt=3, state=expected))
    assert out == {"old_root": str(trace.old_root), "new_root": str(trace.new_root),
                   "commitment": str(trace.commitment), "bridge": str(trace.bridge), "market": "0", "time": "0"}
    assert result.stdout.count("\n") == 1
    assert "names its salt" in result.stderr  # a salt in a batch file is for tests: the CLI says so

    b2 = write(tmp_path, "b2.json", {"ops": OPS2, "time": 0})  # no salt: drawn and reported
    result = runner.invoke(cli, ["apply", str(d), b2])
    assert result.exit_code == 0 and "salt" in result.stdout and "new_root" in result.stdout
    assert "warning" not in result.stderr
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
    runner.invoke(cli, ["apply", str(d), write(tmp_path, "b1.json", {"ops": OPS1, "time": 0})])
    root = runner.invoke(cli, ["root", str(d)]).stdout
    with opened(d) as state:
        ops = batch(deposit(1, 1, 1), withdraw(1, 1, 10**6), state=state).to_json()["ops"]
    bad = write(tmp_path, "bad.json", {"ops": ops, "time": 0})
    result = runner.invoke(cli, ["apply", str(d), bad, "--json"])
    assert result.exit_code == 2
    assert result.stdout == ""
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and "op 1 (withdraw)" in lines[0] and "insufficient_balance" in lines[0]
    assert runner.invoke(cli, ["root", str(d)]).stdout == root


@pytest.mark.parametrize("content, needle", [
    ("{not json", "not valid JSON"),
    (json.dumps({"ops": [{"op": "fly"}], "time": 0}), "ops[0].op"),
    (json.dumps({"ops": [dict(place(1, 1, 2, 1, "buy", 1, 1), price=1.5, sig=OPS1[2]["sig"])], "time": 0}),
     "ops[0] (place).price"),
    (json.dumps({"ops": [place(1, 1, 2, 1, "buy", 1, 1)], "time": 0}), "ops[0] (place).sig: a place must be signed"),
    (json.dumps({"ops": [deposit(1, 1, 1, pk(1))] * 5, "time": 0}), "1..4"),
    (json.dumps({"ops": [deposit(1, 1, 1, pk(1))]}), "time: missing"),
    (json.dumps({"ops": [deposit(1, 1, 1, pk(1))], "time": 0, "reports": [{}] * 3}), "at most 2 reports"),
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
        assert state.params.sizes() == {"accounts_depth": 20, "orders_depth": 20, "assets_depth": 8, "batch_size": 4,
                                        "underlyings": 4, "instruments_depth": 8, "positions": 4, "reports": 2,
                                        "derivatives_slots": 2}
        assert state.params.config.oracle_keys == () and state.params.config.quorum == 1
        venue = state.params.config.venue_id
    assert runner.invoke(cli, ["init", str(tmp_path / "other")]).exit_code == 0
    with opened(tmp_path / "other") as state:
        assert state.params.config.venue_id != venue  # drawn at random: two venues never share one by accident


@pytest.mark.parametrize("config, needle", [
    ({"quorom": 2}, "quorom: unknown name"),
    ({"underlyings": 9}, "underlyings: must be an integer in 1..8"),
    ({"positions": "2"}, "positions: must be an integer"),
    ({"derivatives_slots": 5}, "derivatives_slots: must be an integer in 0..4"),
    ({"reports": 0}, "reports"),
    ({"quorum": 2}, "config.quorum"),                       # no oracle keys: quorum at most 1
    ({"im_future": 100_001}, "config.im_future"),
    ({"collateral": 4}, "config.collateral"),               # outside the balances tree of depth 2
    ({"oracle_keys": [["5", "6"]]}, "config.oracle_keys[0]"),
    ({"max_age": -1}, "config.max_age"),
    ({"accounts_depth": 3}, "given both"),
    ([], "JSON object"),
])
def test_init_config_files_are_parsed_strictly(runner, tmp_path, config, needle):
    path = write(tmp_path, "c.json", config)
    result = runner.invoke(cli, ["init", str(tmp_path / "n"), "--config", path, "--accounts-depth", "3",
                                 "--assets-depth", "2"])
    assert result.exit_code == 2 and needle in result.stderr, result.stderr
    assert len(result.stderr.strip().splitlines()) == 1 and not (tmp_path / "n").exists()


def test_init_takes_any_name_from_the_config_file(runner, tmp_path):
    path = write(tmp_path, "c.json", {"underlyings": 2, "positions": 3, "batch_size": 6, "derivatives_slots": 3,
                                      "opt_mm": 800, "venue_id": "99", "max_age": 120})
    result = runner.invoke(cli, ["init", str(tmp_path / "v"), "--config", path])
    assert result.exit_code == 0, result.stderr
    with opened(tmp_path / "v") as state:
        p = state.params
        assert (p.underlyings, p.positions, p.batch_size, p.derivatives_slots) == (2, 3, 6, 3)
        assert (p.config.opt_mm, p.config.venue_id, p.config.max_age, p.accounts_depth) == (800, 99, 120, 20)
        assert p.slot_kinds == ("spot", "full", "spot", "full", "spot", "full")
