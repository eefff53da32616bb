"""`zkob circuit info` and `zkob export r1cs|wtns`, through click's runner (and snarkjs for interop)."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from zkob.circuits.batch import build_circuit
from zkob.circuits.costs import cost_report
from zkob.cli.main import cli
from zkob.state.api import apply_batch, close_state, create_state, new_state, opened
from zkob.state.batchfile import Batch, parse_batch
from zkob.state.ops import Deposit
from zkob.state.protocol import OP_TABLE, OPS
from zkob.zk.formats.iden3 import r1cs_from_bytes, wtns_from_bytes

from .scenario import P, PK1, signed

UNSIGNED = {"ops": [{"op": "withdraw", "account": "1", "asset": "0", "amount": "30"},
                    {"op": "place", "order": 2, "account": 1, "base": 1, "quote": 0, "side": "buy",
                     "price": 4, "qty": 5}], "time": 20, "salt": "12345"}


def _signed_batch(data: dict) -> dict:
    """``data`` signed by account 1 for the state of ``state_dir`` (nonces from 0)."""
    state = new_state(P)
    apply_batch(state, Batch((Deposit(1, 0, 100, PK1),), 3))
    draft = parse_batch(data, P, require_sigs=False)
    return signed(state, *draft.ops, salt=draft.salt, time=draft.time).to_json()


BATCH = _signed_batch(UNSIGNED)


@pytest.fixture
def state_dir(tmp_path):
    directory = tmp_path / "st"
    state = create_state(directory, P)
    apply_batch(state, Batch((Deposit(1, 0, 100, PK1),), 3))
    close_state(state)
    return directory


def run(*args):
    return CliRunner().invoke(cli, [str(a) for a in args])


def test_circuit_info_counts(state_dir):
    r1cs, layout = build_circuit(P)
    result = run("circuit", "info", state_dir)
    assert result.exit_code == 0, result.output
    assert f"constraints  {r1cs.n_constraints}" in result.stdout
    assert f"digest       {r1cs.digest()}" in result.stdout
    data = json.loads(run("circuit", "info", state_dir, "--json").stdout)
    assert data["constraints"] == r1cs.n_constraints and data["wires"] == r1cs.n_wires
    assert sum(data["per_slot"]) + data["outside_slots"] == r1cs.n_constraints
    assert sum(data["by_kind"].values()) == r1cs.n_constraints
    assert sum(data["slot0_by_part"].values()) == data["per_slot"][0]


def test_circuit_info_parts_add_up_per_slot_kind_op_and_gadget(state_dir):
    """The breakdown of issue 14, from the labels of the built circuit: every part sums to its whole."""
    r1cs, layout = build_circuit(P)
    result = run("circuit", "info", state_dir, "--json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    kinds = {k["kind"]: k for k in data["slot_kinds"]}
    assert [kinds[k]["slots"] for k in ("spot", "full")] == [[0], [1]]  # P: K = 2, one full slot
    for k in kinds.values():
        assert k["constraints"] == [layout.slot_constraints[i] for i in k["slots"]]
        assert sum(k["parts"].values()) == k["constraints"][0]
    assert sum(data["outside_by_part"].values()) == data["outside_slots"]
    spot, full = kinds["spot"]["parts"], kinds["full"]["parts"]
    margin = {p: n for p, n in full.items() if p.startswith("margin_eval/")}
    assert set(margin) == {"margin_eval/acct[0]/after", "margin_eval/acct[1]/after", "margin_eval/acct[1]/before"}
    assert all(n > 0 for n in margin.values())
    assert not any(p.startswith(("margin_eval/", "instrument", "acct[0]/position")) for p in spot)

    ops = {o["op"]: o for o in data["ops"]}
    assert list(ops) == [s.name for s in OP_TABLE if s.name != "noop"]
    for name, o in ops.items():
        assert o["needs"] == ("full" if OPS[name].full_only else "spot")
        parts = kinds[o["needs"]]["parts"]
        assert o["measured_in_slot"] == kinds[o["needs"]]["slots"][0]
        assert o["rules"] == parts.get(f"rules:{name}", 0)
        assert all(parts[p] == n for p, n in o["updates"].items())
        assert o["rules"] <= o["only"] <= o["rules"] + sum(o["updates"].values())
    assert set(ops["dfill"]["updates"]) >= {"ord[1]", "acct[1]/position", "margin_eval/acct[1]/after", "instrument"}
    assert set(ops["deposit"]["updates"]) == {"acct[0]", "acct[0]/leg[0]"}
    # in a spot slot only a fill uses the second order and account updates; in a full slot dfill shares them
    assert ops["fill"]["only"] == ops["fill"]["rules"] + sum(spot[p] for p in ("ord[1]", "acct[1]", "acct[1]/leg[0]",
                                                                               "acct[0]/leg[1]"))
    assert ops["liquidate"]["only"] == ops["liquidate"]["rules"] + full["margin_eval/acct[1]/before"]

    gadgets = {g["gadget"]: g for g in data["gadgets"]}
    assert gadgets["margin evaluations"] == {**gadgets["margin evaluations"], "units": 1, "per_unit": sum(margin.values()),
                                             "total": sum(margin.values())}
    q, m = P.config.quorum, P.reports
    assert gadgets["report signer"]["units"] == q * m and gadgets["reports"]["units"] == m
    assert gadgets["reports"]["total"] == sum(n for p, n in data["outside_by_part"].items() if p.startswith("report["))
    assert gadgets["EdDSA"]["units"] == P.batch_size + q * m
    assert gadgets["EdDSA"]["total"] == gadgets["EdDSA"]["units"] * gadgets["EdDSA"]["per_unit"] > data["by_kind"]["eddsa"]
    tree_updates = {"spot": 2 * P.accounts_depth + 3 * P.assets_depth + 2 * P.orders_depth}
    tree_updates["full"] = tree_updates["spot"] + P.instruments_depth
    levels = sum(tree_updates[kind] for kind in P.slot_kinds) + m * P.instruments_depth  # + settlement reports' reads
    assert (gadgets["Merkle level"]["units"], gadgets["Merkle level"]["per_unit"]) == (levels, 482)
    assert 0 < gadgets["positions hash"]["total"] < full["acct[0]/positions"] + full["acct[1]/positions"] + \
        full["acct[0]/position"] + full["acct[1]/position"]
    assert gadgets["instruments access"]["units"] == 1 and gadgets["instruments access"]["per_unit"] >= full["instrument"]


def test_circuit_info_prints_the_tables(state_dir):
    result = CliRunner().invoke(cli, ["circuit", "info", str(state_dir)], terminal_width=200)
    assert result.exit_code == 0, result.output
    data = cost_report(P).to_dict()
    for title in ("a slot's parts, per slot kind", "op types", "gadgets", "outside the slots"):
        assert title in result.stdout
    full = next(k for k in data["slot_kinds"] if k["kind"] == "full")
    row = next(line for line in result.stdout.splitlines() if "margin_eval/acct[1]/before" in line)
    assert row.split()[-2] == str(full["parts"]["margin_eval/acct[1]/before"]) and row.split()[-4] == "-"
    liquidate = next(line for line in result.stdout.splitlines() if line.startswith("│ liquidate"))
    o = next(o for o in data["ops"] if o["op"] == "liquidate")
    cells = [c.strip() for c in liquidate.split("│")[3:6]]
    assert cells == [str(o["rules"]), str(sum(o["updates"].values())), str(o["only"])]


def test_circuit_info_refuses_a_non_state(tmp_path):
    result = run("circuit", "info", tmp_path / "nope")
    assert result.exit_code == 2
    assert "not a state directory" in result.stderr and "Traceback" not in result.output


def test_export_r1cs_round_trips(state_dir, tmp_path):
    out = tmp_path / "c.r1cs"
    result = run("export", "r1cs", state_dir, out)
    assert result.exit_code == 0, result.output
    assert r1cs_from_bytes(out.read_bytes()).digest() == build_circuit(P)[0].digest()


def test_export_wtns_is_a_satisfying_witness_and_leaves_the_state(state_dir, tmp_path):
    batch, out = tmp_path / "b.json", tmp_path / "w.wtns"
    batch.write_text(json.dumps(BATCH))
    with opened(state_dir) as state:
        root = state.root
    result = run("export", "wtns", state_dir, batch, out)
    assert result.exit_code == 0, result.output
    w = wtns_from_bytes(out.read_bytes())
    assert build_circuit(P)[0].first_failure(w) is None
    assert w[1] == root
    with opened(state_dir) as state:
        assert state.root == root


def test_export_wtns_draws_a_missing_salt_and_prints_it(state_dir, tmp_path):
    batch, out = tmp_path / "b.json", tmp_path / "w.wtns"
    batch.write_text(json.dumps({"ops": BATCH["ops"], "time": BATCH["time"]}))
    result = run("export", "wtns", state_dir, batch, out)
    assert result.exit_code == 0, result.output
    salt = int(result.stdout.split("salt ")[1].split()[0])
    w = wtns_from_bytes(out.read_bytes())
    assert build_circuit(P)[0].first_failure(w) is None
    assert salt in w


@pytest.mark.parametrize("change,message", [
    (_signed_batch({"ops": [dict(UNSIGNED["ops"][0], amount="101")], "time": 20, "salt": "1"}), "insufficient_balance"),
    ({"ops": [dict(BATCH["ops"][0], amount="101")]}, "signature_invalid"),  # the sig covers the amount
    ({"ops": [{"op": "withdraw", "account": "1", "asset": "0", "amount": "30"}]}, "must be signed"),
    ({"ops": [{k: v for k, v in BATCH["ops"][0].items() if k != "amount"}]}, "amount"),
    ({"ops": []}, "ops"),
])
def test_export_wtns_refuses_bad_batches(state_dir, tmp_path, change, message):
    data = {**BATCH, **change}
    batch, out = tmp_path / "b.json", tmp_path / "w.wtns"
    batch.write_text(json.dumps(data))
    result = run("export", "wtns", state_dir, batch, out)
    assert result.exit_code == 2
    assert message in result.stderr and len(result.stderr.strip().splitlines()) == 1
    assert not out.exists()


@pytest.mark.interop
def test_snarkjs_reads_the_r1cs_and_checks_the_witness(state_dir, tmp_path, node):
    batch, r1cs_file, wtns_file = tmp_path / "b.json", tmp_path / "c.r1cs", tmp_path / "w.wtns"
    batch.write_text(json.dumps(BATCH))
    assert run("export", "r1cs", state_dir, r1cs_file).exit_code == 0
    assert run("export", "wtns", state_dir, batch, wtns_file).exit_code == 0
    info = node.snarkjs("r1cs", "info", str(r1cs_file))
    assert info.returncode == 0, info.stderr
    assert f"# of Constraints: {build_circuit(P)[0].n_constraints}" in info.stdout
    assert "# of Public Inputs: 6" in info.stdout
    check = node.snarkjs("wtns", "check", str(r1cs_file), str(wtns_file))
    assert check.returncode == 0 and "WITNESS IS CORRECT" in check.stdout, check.stdout + check.stderr
    # a witness with one private value changed is refused by snarkjs too
    w = wtns_from_bytes(wtns_file.read_bytes())
    w[100] = (w[100] + 1)
    from zkob.zk.formats.iden3 import wtns_to_bytes
    wtns_file.write_bytes(wtns_to_bytes(w))
    bad = node.snarkjs("wtns", "check", str(r1cs_file), str(wtns_file))
    assert "WITNESS IS CORRECT" not in bad.stdout
