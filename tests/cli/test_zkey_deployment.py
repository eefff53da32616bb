"""A deployment keyed by a .zkey: setup --ptau, prove with --keys and --zkey, and keys for other circuits refused.

The smallest order-book circuit (depths 1/1/1, K = 1: 13,853 constraints)
needs a ptau of power 14, which snarkjs prepares in about 14 minutes on
this machine, so the ptau here is the known-secret one of
tests/zk/known_ptau.py (tests only; DESIGN section 7).
"""

from __future__ import annotations

import json
import shutil
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "zk"))
from known_ptau import write_known_ptau  # noqa: E402

from zkob.cli.main import cli  # noqa: E402
from zkob.zk.eddsa import private_to_public, public_key_to_json  # noqa: E402

pytestmark = [pytest.mark.prove, pytest.mark.slow]

SMALLEST = ["--accounts-depth", "1", "--orders-depth", "1", "--assets-depth", "1", "--batch-size", "1"]
DEPOSIT = {"op": "deposit", "account": 1, "asset": 1, "amount": 50,
           "pubkey": public_key_to_json(private_to_public(bytes(range(32))))}


def run(*args):
    return CliRunner().invoke(cli, [str(a) for a in args], catch_exceptions=False)


def ok(*args):
    result = run(*args)
    assert result.exit_code == 0, result.output
    return result


@pytest.fixture(scope="module")
def deployment(tmp_path_factory):
    d = tmp_path_factory.mktemp("zkeydeploy")
    write_known_ptau(d / "p14.ptau", 14, blocks={14, 15})
    ok("init", d / "st", *SMALLEST)
    result = ok("setup", d / "st", "-o", d / "keys", "--ptau", d / "p14.ptau", "--quiet")
    assert "ONE phase-2 contribution" in result.stderr
    (d / "b.json").write_text(json.dumps({"ops": [DEPOSIT], "salt": "5"}))
    return d


@pytest.fixture
def fresh(deployment, tmp_path):
    shutil.copytree(deployment / "st", tmp_path / "st")
    shutil.copytree(deployment / "keys", tmp_path / "keys")
    return tmp_path


def root_of(directory):
    return ok("root", directory).stdout.strip()


def test_setup_writes_a_snarkjs_key_its_vk_and_the_binding(deployment):
    from zkob.zk.formats.zkey import read_zkey

    names = sorted(p.name for p in (deployment / "keys").iterdir())
    assert names == ["circuit.json", "circuit_final.zkey", "verification_key.json"]
    key = read_zkey(deployment / "keys" / "circuit_final.zkey")  # (zkey verify is tested on small circuits)
    assert [c.name for c in key.contributions] == ["zkob setup"]
    binding = json.loads((deployment / "keys" / "circuit.json").read_text())
    assert binding["csHash"] == key.cs_hash.hex() and binding["domainSize"] == 1 << 14
    assert binding["zkob_params"]["batch_size"] == 1


@pytest.mark.interop
def test_prove_with_keys_and_with_zkey_both_verify_with_zkob_and_snarkjs(fresh, deployment, node):
    ok("prove", fresh / "st", deployment / "b.json", "--keys", fresh / "keys", "-o", fresh / "o1", "--quiet")
    vk = fresh / "keys" / "verification_key.json"
    assert ok("verify", vk, fresh / "o1" / "public.json", fresh / "o1" / "proof.json").stdout.strip() == "valid"
    res = node.snarkjs("groth16", "verify", str(vk), str(fresh / "o1" / "public.json"), str(fresh / "o1" / "proof.json"))
    assert "OK!" in res.stdout
    shutil.rmtree(fresh / "st")
    shutil.copytree(deployment / "st", fresh / "st")
    ok("prove", fresh / "st", deployment / "b.json", "--zkey", fresh / "keys" / "circuit_final.zkey",
       "-o", fresh / "o2", "--quiet")
    assert json.loads((fresh / "o2" / "public.json").read_text()) == json.loads((fresh / "o1" / "public.json")
                                                                                 .read_text())
    assert ok("verify", vk, fresh / "o2" / "public.json", fresh / "o2" / "proof.json").stdout.strip() == "valid"


def refused(fresh, deployment, *key_args) -> str:
    before = root_of(fresh / "st")
    result = run("prove", fresh / "st", deployment / "b.json", *key_args, "-o", fresh / "out", "--quiet")
    assert result.exit_code == 2, result.output
    assert root_of(fresh / "st") == before and not (fresh / "out").exists()
    return result.stderr


def test_a_key_whose_circuit_hash_is_not_the_recorded_one_is_refused(fresh, deployment):
    binding = json.loads((fresh / "keys" / "circuit.json").read_text())
    binding["csHash"] = "00" * 64
    (fresh / "keys" / "circuit.json").write_text(json.dumps(binding))
    assert "circuit hash" in refused(fresh, deployment, "--keys", fresh / "keys")


def test_keys_for_other_parameters_are_refused_before_building_the_circuit(fresh, deployment):
    binding = json.loads((fresh / "keys" / "circuit.json").read_text())
    binding["zkob_params"]["batch_size"] = 2
    (fresh / "keys" / "circuit.json").write_text(json.dumps(binding))
    assert "keys were made for parameters" in refused(fresh, deployment, "--keys", fresh / "keys")


def test_a_zkey_for_another_circuit_is_refused(fresh, deployment, tmp_path):
    from zk_sample_circuits import mul_chain

    from zkob.zk.formats.iden3 import r1cs_to_bytes

    (tmp_path / "c.r1cs").write_bytes(r1cs_to_bytes(mul_chain(20)[0]))
    ok("zkey", "new", tmp_path / "c.r1cs", deployment / "p14.ptau", "-o", tmp_path / "c0.zkey")
    ok("zkey", "contribute", tmp_path / "c0.zkey", tmp_path / "c1.zkey")
    assert "this key is for another circuit" in refused(fresh, deployment, "--zkey", tmp_path / "c1.zkey")


def test_setup_installs_a_ceremony_key_only_after_verifying_it(deployment, tmp_path):
    from zkob.zk.formats.zkey import read_zkey, zkey_bytes

    ok("zkey", "contribute", deployment / "keys" / "circuit_final.zkey", tmp_path / "c2.zkey", "--name", "second")
    key = read_zkey(tmp_path / "c2.zkey")
    forged = bytearray(zkey_bytes(key))
    at = forged.find(key.contributions[1].transcript)
    forged[at] ^= 1
    (tmp_path / "forged.zkey").write_bytes(bytes(forged))
    result = run("setup", deployment / "st", "-o", tmp_path / "bad", "--ptau", deployment / "p14.ptau",
                 "--zkey", tmp_path / "forged.zkey", "--quiet")
    assert result.exit_code == 1 and "contribution #2 (second): inconsistent transcript" in result.stderr
    assert not (tmp_path / "bad").exists()
    result = ok("setup", deployment / "st", "-o", tmp_path / "keys", "--ptau", deployment / "p14.ptau",
                "--zkey", tmp_path / "c2.zkey", "--quiet")
    assert "ONE phase-2 contribution" not in result.stderr
    installed = read_zkey(tmp_path / "keys" / "circuit_final.zkey")
    assert [c.name for c in installed.contributions] == ["zkob setup", "second"]
    binding = json.loads((tmp_path / "keys" / "circuit.json").read_text())
    assert binding["csHash"] == installed.cs_hash.hex()
    no_ptau = run("setup", deployment / "st", "-o", tmp_path / "k3", "--zkey", tmp_path / "c2.zkey")
    assert no_ptau.exit_code == 2 and "--zkey needs --ptau" in no_ptau.stderr
