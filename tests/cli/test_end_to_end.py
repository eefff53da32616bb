"""init -> keygen -> setup -> sign -> prove -> verify -> follow -> replay through the CLI, on a tiny deployment."""

from __future__ import annotations

import json
import shutil

import pytest
from click.testing import CliRunner

from zkob.cli.main import cli
from zkob.state.ops import Withdraw, to_json
from zkob.state.signing import sign_op
from zkob.zk.eddsa import key_file_to_json, private_to_public, public_key_to_json

pytestmark = [pytest.mark.prove, pytest.mark.slow]

# v2's simplest form: two spot slots, one underlying, one report slot, a fixed venue so replicas match
TINY_CONFIG = {"accounts_depth": 1, "orders_depth": 1, "assets_depth": 1, "batch_size": 2, "underlyings": 1,
               "instruments_depth": 1, "positions": 1, "reports": 1, "derivatives_slots": 0, "venue_id": 77}
PRV = bytes(range(32))  # account 1's key in the tests that do not run keygen
DEPOSIT = {"op": "deposit", "account": 1, "asset": 1, "amount": 50,
           "pubkey": public_key_to_json(private_to_public(PRV))}
PLACE = {"op": "place", "order": 1, "account": 1, "base": 1, "quote": 0, "side": "sell", "price": 3, "qty": 10}


def init(directory, **changes):
    """``zkob init DIRECTORY --config`` with TINY_CONFIG (and ``changes``)."""
    config = directory.parent / f"{directory.name}-config.json"
    config.write_text(json.dumps({**TINY_CONFIG, **changes}))
    return run("init", directory, "--config", config)


def run(*args, ok=True):
    result = CliRunner().invoke(cli, [str(a) for a in args], catch_exceptions=False)
    if ok:
        assert result.exit_code == 0, result.output
    return result


@pytest.fixture(scope="module")
def deployment(tmp_path_factory):
    """A tiny state with keys (made once for the module; tests copy the state)."""
    root = tmp_path_factory.mktemp("e2e")
    init(root / "st")
    run("setup", root / "st", "-o", root / "keys", "--quiet")
    return root


@pytest.fixture
def fresh(deployment, tmp_path):
    shutil.copytree(deployment / "st", tmp_path / "st")
    shutil.copytree(deployment / "keys", tmp_path / "keys")
    return tmp_path


def write_batch(path, ops, salt=None, time=1):
    body = {"ops": ops, "time": time} if salt is None else {"ops": ops, "time": time, "salt": str(salt)}
    path.write_text(json.dumps(body))
    return path


def root_of(directory):
    return run("root", directory).output.strip()


def signed_batch(fresh, ops, name="b.json", salt=None):
    """Write ops and sign them with PRV (as account 1's holder would, with zkob sign)."""
    (fresh / "key.json").write_text(json.dumps(key_file_to_json(PRV)))
    draft = write_batch(fresh / f"draft-{name}", ops, salt)
    run("sign", fresh / "key.json", fresh / "st", draft, "-o", fresh / name)
    return fresh / name


def test_prove_verify_follow_replay(fresh):
    genesis = root_of(fresh / "st")
    pubkey = json.loads(run("keygen", "-o", fresh / "user.json").stdout)
    b1 = write_batch(fresh / "b1.json", [dict(DEPOSIT, pubkey=pubkey), PLACE])
    b2 = write_batch(fresh / "b2.json", [{"op": "cancel", "order": 1, "account": 1}], salt=99, time=5)
    unsigned = run("prove", fresh / "st", b1, "--keys", fresh / "keys", "-o", fresh / "o1", ok=False)
    assert unsigned.exit_code == 2 and "ops[1] (place).sig" in unsigned.output and "zkob sign" in unsigned.output
    signed = run("sign", fresh / "user.json", fresh / "st", b1, "-o", b1)  # the new account's key, in place
    assert "signed ops[1] (place) of account 1 at nonce 0" in signed.stdout
    run("prove", fresh / "st", b1, "--keys", fresh / "keys", "-o", fresh / "o1", "--quiet")
    run("sign", fresh / "user.json", fresh / "st", b2, "-o", b2)
    assert json.loads(b2.read_text())["ops"][0]["sig"]
    result = run("prove", fresh / "st", b2, "--keys", fresh / "keys", "-o", fresh / "o2", "--json")
    record = json.loads(result.stdout)
    assert record["new_root"] == root_of(fresh / "st") and record["old_root"] != genesis

    public1 = json.loads((fresh / "o1" / "public.json").read_text())
    assert public1[0] == genesis and public1[1] == record["old_root"]
    bridge1 = json.loads((fresh / "o1" / "bridge.json").read_text())
    assert [op["op"] for op in bridge1["ops"]] == ["deposit"] and bridge1["bridge"] == public1[3]
    kept = json.loads((fresh / "o2" / "batch.json").read_text())
    assert kept["salt"] == "99" and kept == json.loads(b2.read_text())  # replicas get the signatures

    vk = fresh / "keys" / "verification_key.json"
    assert run("verify", vk, fresh / "o1" / "public.json", fresh / "o1" / "proof.json").output.strip() == "valid"
    assert run("verify", "--fast", vk, fresh / "o1" / "public.json", fresh / "o1" / "proof.json").output == "valid\n"
    crossed = run("verify", "--fast", vk, fresh / "o2" / "public.json", fresh / "o1" / "proof.json", ok=False)
    assert crossed.exit_code == 1 and "pairing check failed" in crossed.output
    follow = run("follow", vk, genesis, fresh / "o1", fresh / "o2", "--state", fresh / "lc.json")
    assert follow.stdout.strip() == record["new_root"]
    again = run("follow", vk, genesis, fresh / "o1", "--state", fresh / "lc.json", ok=False)
    assert again.exit_code == 1 and "replay" in again.output

    init(fresh / "replica")
    replay = run("replay", fresh / "replica", fresh / "o1" / "batch.json", fresh / "o2" / "batch.json")
    assert replay.stdout.strip() == record["new_root"] == root_of(fresh / "replica")


def test_rejected_batch_leaves_state_and_outputs_untouched(fresh):
    before = root_of(fresh / "st")
    bad = write_batch(fresh / "bad.json", [to_json(sign_op(Withdraw(1, 1, 5), PRV, 0, TINY_CONFIG["venue_id"]))])  # no account 1 yet
    result = run("prove", fresh / "st", bad, "--keys", fresh / "keys", "-o", fresh / "out", ok=False)
    assert result.exit_code == 2 and "op 0 (withdraw)" in result.output and "account_exists" in result.output
    assert "Traceback" not in result.output
    assert root_of(fresh / "st") == before and not (fresh / "out").exists()


def test_keys_for_other_parameters_are_refused(fresh, tmp_path):
    init(tmp_path / "other", accounts_depth=2)
    b = write_batch(tmp_path / "b.json", [DEPOSIT])
    result = run("prove", tmp_path / "other", b, "--keys", fresh / "keys", "-o", tmp_path / "o", ok=False)
    assert result.exit_code == 2 and "keys were made for parameters" in result.output


def test_follow_refuses_a_tampered_statement_and_replay_a_wrong_root(fresh):
    genesis = root_of(fresh / "st")
    run("prove", fresh / "st", write_batch(fresh / "b.json", [DEPOSIT]), "--keys", fresh / "keys",
        "-o", fresh / "o1", "--quiet")
    public = json.loads((fresh / "o1" / "public.json").read_text())
    public[1] = str(int(public[1]) ^ 1)
    (fresh / "o1" / "public.json").write_text(json.dumps(public))
    vk = fresh / "keys" / "verification_key.json"
    result = run("follow", vk, genesis, fresh / "o1", ok=False)
    assert result.exit_code == 1 and "invalid proof" in result.output
    assert result.stdout.strip() == genesis  # where it was
    init(fresh / "replica")
    replay = run("replay", fresh / "replica", fresh / "o1" / "batch.json", ok=False)
    assert replay.exit_code == 1 and "new_root differs" in replay.output
    assert root_of(fresh / "replica") == genesis


def test_setup_refuses_to_overwrite_keys(fresh):
    result = run("setup", fresh / "st", "-o", fresh / "keys", ok=False)
    assert result.exit_code == 2 and "already exists" in result.output


@pytest.mark.interop
def test_snarkjs_verifies_an_order_book_proof(fresh, node):
    run("prove", fresh / "st", signed_batch(fresh, [DEPOSIT, PLACE]), "--keys", fresh / "keys",
        "-o", fresh / "o1", "--quiet")
    proc = node.snarkjs("groth16", "verify", str(fresh / "keys" / "verification_key.json"),
                        str(fresh / "o1" / "public.json"), str(fresh / "o1" / "proof.json"))
    assert proc.returncode == 0 and "OK" in proc.stdout, proc.stdout + proc.stderr
