"""`zkob sign KEY.json DIR BATCH.json -o SIGNED.json`: each holder signs their own ops, in turn."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from zkob.cli.main import cli
from zkob.state.api import apply_batch, close_state, create_state, opened
from zkob.state.batchfile import load_batch, parse_batch
from zkob.state.ops import signing_message
from zkob.state.params import Params
from zkob.zk.eddsa import key_file_to_json, private_to_public, public_key_to_json, verify_poseidon

P = Params(accounts_depth=2, orders_depth=2, assets_depth=2, batch_size=4)
PRV = {a: bytes([a, 0x77]) * 16 for a in (1, 2, 3)}
PUB = {a: private_to_public(k) for a, k in PRV.items()}


def deposit(account, asset, amount, key=False):
    op = {"op": "deposit", "account": account, "asset": asset, "amount": amount}
    return dict(op, pubkey=public_key_to_json(PUB[account])) if key else op


def place(order, account, side, price, qty):
    return {"op": "place", "order": order, "account": account, "base": 1, "quote": 0, "side": side,
            "price": price, "qty": qty}


@pytest.fixture
def env(tmp_path):
    """A state where accounts 1 and 2 hold assets 0 and 1 (one signed place each done); key files."""
    state = create_state(tmp_path / "st", P)
    apply_batch(state, parse_batch({"ops": [deposit(1, 0, 500, True), deposit(2, 1, 50, True),
                                            deposit(1, 1, 5)], "salt": "1", "time": 0}, P))
    close_state(state)
    for a, k in PRV.items():
        (tmp_path / f"k{a}.json").write_text(json.dumps(key_file_to_json(k)))
    return tmp_path


def run(*args):
    return CliRunner().invoke(cli, ["sign", *map(str, args)])


def write(path, data):
    if isinstance(data, dict) and "ops" in data:
        data = {"time": 0, **data}  # a v2 batch names its time
    path.write_text(data if isinstance(data, str) else json.dumps(data))
    return path


def test_two_holders_sign_in_turn_and_the_batch_applies(env):
    ops = [place(1, 1, "buy", 10, 5), place(2, 2, "sell", 9, 4), deposit(3, 0, 7, True),
           {"op": "withdraw", "account": 1, "asset": 0, "amount": 3}]
    draft = write(env / "b.json", {"ops": ops, "salt": "42"})
    first = run(env / "k1.json", env / "st", draft, "-o", env / "half.json")
    assert first.exit_code == 0, first.output
    assert "ops[0] (place) of account 1 at nonce 0" in first.stdout
    assert "ops[3] (withdraw) of account 1 at nonce 1" in first.stdout
    assert "1 op(s) of other accounts" in first.stdout
    half = json.loads((env / "half.json").read_text())
    assert "sig" in half["ops"][0] and "sig" in half["ops"][3] and "sig" not in half["ops"][1]
    assert half["salt"] == "42" and "sig" not in half["ops"][2]
    with opened(env / "st") as state:
        with pytest.raises(Exception, match="ops\\[1\\] \\(place\\).sig"):
            load_batch(env / "half.json", P)  # account 2 has not signed yet
        second = run(env / "k2.json", env / "st", env / "half.json", "-o", env / "half.json")
        assert second.exit_code == 0, second.output
        assert "other accounts" not in second.stdout
        signed = load_batch(env / "half.json", P)
        both = json.loads((env / "half.json").read_text())
        assert both["ops"][0]["sig"] == half["ops"][0]["sig"]  # account 1's signatures are kept as they were
        message = signing_message(signed.ops[3], 1, P.config.venue_id)
        assert verify_poseidon(message, signed.ops[3].sig, PUB[1])
        trace = apply_batch(state, signed)
        assert [t.auth.nonce if t.auth else None for t in trace.ops] == [0, 0, None, 1]
        assert state.account(1).nonce == 2 and state.account(2).nonce == 1


def test_signing_uses_the_states_nonces_and_is_deterministic(env):
    draft = write(env / "b.json", {"ops": [place(1, 1, "buy", 10, 5)]})
    assert run(env / "k1.json", env / "st", draft, "-o", env / "s1.json").exit_code == 0
    with opened(env / "st") as state:
        apply_batch(state, load_batch(env / "s1.json", P))
    again = write(env / "c.json", {"ops": [{"op": "cancel", "order": 1, "account": 1}]})
    result = run(env / "k1.json", env / "st", again, "-o", env / "s2.json")
    assert result.exit_code == 0 and "at nonce 1" in result.stdout
    assert "salt" not in json.loads((env / "s2.json").read_text())  # a missing salt stays missing
    assert run(env / "k1.json", env / "st", env / "s2.json", "-o", env / "s3.json").exit_code == 0
    assert (env / "s3.json").read_text() == (env / "s2.json").read_text()  # re-signing changes nothing


def test_a_key_can_sign_for_an_account_its_deposit_creates(env):
    ops = [deposit(3, 0, 10, True), {"op": "withdraw", "account": 3, "asset": 0, "amount": 4}]
    result = run(env / "k3.json", env / "st", write(env / "b.json", {"ops": ops}), "-o", env / "s.json")
    assert result.exit_code == 0 and "account 3 at nonce 0" in result.stdout
    with opened(env / "st") as state:
        apply_batch(state, load_batch(env / "s.json", P))
        assert state.balance(3, 0) == 6


@pytest.mark.parametrize("case, needle", [
    ("no_account", "no account"),
    ("nothing_to_sign", "no withdraw, place, cancel, margin, dplace or liquidate of account(s) 1"),
    ("bad_key_json", "not a zkob key file"),
    ("wrong_public_key", "does not match the private key"),
    ("missing_key", "nope.json: No such file or directory"),
    ("bad_batch", "ops[0].op"),
    ("sig_on_deposit", "carries no signature"),
    ("no_state", "not a state directory"),
])
def test_errors_exit_2_with_one_line_and_write_nothing(env, case, needle):
    key, state_dir = env / "k1.json", env / "st"
    batch = write(env / "b.json", {"ops": [place(1, 1, "buy", 10, 5)]})
    if case == "no_account":
        key = env / "k3.json"
    elif case == "nothing_to_sign":
        write(batch, {"ops": [deposit(1, 0, 1)]})
    elif case == "bad_key_json":
        key = write(env / "kx.json", "{not json")
    elif case == "wrong_public_key":
        doc = key_file_to_json(PRV[1])
        key = write(env / "kx.json", dict(doc, public_key=public_key_to_json(PUB[2])))
    elif case == "missing_key":
        key = env / "nope.json"
    elif case == "bad_batch":
        write(batch, {"ops": [{"op": "fly"}]})
    elif case == "sig_on_deposit":
        signed = run(key, state_dir, batch, "-o", env / "ok.json")
        assert signed.exit_code == 0
        sig = json.loads((env / "ok.json").read_text())["ops"][0]["sig"]
        write(batch, {"ops": [dict(deposit(1, 0, 1), sig=sig)]})
    elif case == "no_state":
        state_dir = env / "nothing"
    result = run(key, state_dir, batch, "-o", env / "out.json")
    assert result.exit_code == 2, result.output
    assert needle in result.stderr and len(result.stderr.strip().splitlines()) == 1
    assert "Traceback" not in result.output and not (env / "out.json").exists()
