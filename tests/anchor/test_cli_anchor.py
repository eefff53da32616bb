"""zkob export solidity and zkob export calldata (no EVM needed)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from zkob.anchor.abi import call_data
from zkob.anchor.calldata import SUBMIT_SIGNATURE, submit_args
from zkob.anchor.record import TAG_DEPOSIT, TAG_REFUSE, TAG_WITHDRAW
from zkob.anchor.statement import prove_statement, statement_keys
from zkob.cli.main import cli
from zkob.state.digest import bridge_record_json, record_digest
from zkob.state.ops import Deposit, Withdraw
from zkob.state.signing import sign_op
from zkob.zk.eddsa import private_to_public
from zkob.zk.formats.snarkjs_json import dumps, proof_to_json, vk_to_json

VECTORS = Path(__file__).resolve().parents[2] / "vectors" / "groth16.json"
KEY = bytes([7]) * 32
OPS = [Deposit(1, 1, 100, tuple(private_to_public(KEY))), sign_op(Withdraw(1, 1, 40), KEY, 0, 5)]  # as bridge.json holds them


def run(*args):
    return CliRunner().invoke(cli, [str(a) for a in args])


@pytest.fixture(scope="module")
def proven(tmp_path_factory):
    """An OUT_DIR as `zkob prove` writes it, for a statement of the toy circuit."""
    root = tmp_path_factory.mktemp("anchor-cli")
    pk, vk = statement_keys(6, seed=4)
    public = [11, 12, 13, record_digest(OPS), 14, 15]  # old_root, new_root, commitment, bridge, market, time
    proof = prove_statement(pk, public)
    (root / "keys").mkdir()
    (root / "keys" / "verification_key.json").write_text(dumps(vk_to_json(vk)))
    out = root / "out"
    out.mkdir()
    (out / "proof.json").write_text(dumps(proof_to_json(proof)))
    (out / "public.json").write_text(json.dumps([str(v) for v in public]))
    (out / "bridge.json").write_text(json.dumps(bridge_record_json(OPS)))
    return root, proof, public


def test_export_solidity_from_keys_dir_and_from_the_file(proven, tmp_path):
    root, _, _ = proven
    for source in (root / "keys", root / "keys" / "verification_key.json"):
        target = tmp_path / f"{source.name}.sol"
        result = run("export", "solidity", source, "-o", target)
        assert result.exit_code == 0, result.stderr
        text = target.read_text()
        assert "function verifyProof(" in text and "uint256[6] calldata _pubSignals" in text


def test_export_solidity_with_the_rollup_sources(proven, tmp_path):
    root, _, _ = proven
    result = run("export", "solidity", root / "keys", "-o", tmp_path / "v.sol", "--rollup", tmp_path / "rollup")
    assert result.exit_code == 0, result.stderr
    names = sorted(p.name for p in (tmp_path / "rollup").iterdir())
    assert "ZkobRollup.sol" in names and "poseidonT9_0.hex" in names and "PoseidonT3.sol" in names


def test_export_solidity_refuses_bad_keys_without_writing(tmp_path):
    vectors = json.loads(VECTORS.read_text())["testGroups"][0]["verificationKey"]
    forged = dict(vectors, vk_delta_2=vectors["vk_gamma_2"])
    (tmp_path / "bad.json").write_text(json.dumps(forged))
    result = run("export", "solidity", tmp_path / "bad.json", "-o", tmp_path / "v.sol")
    assert result.exit_code == 2 and "gamma equals delta" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1 and not (tmp_path / "v.sol").exists()
    (tmp_path / "one.json").write_text(json.dumps(vectors))
    result = run("export", "solidity", tmp_path / "one.json", "-o", tmp_path / "v.sol", "--rollup", tmp_path / "r")
    assert result.exit_code == 2 and "ZkobRollup takes 6" in result.stderr
    assert not (tmp_path / "v.sol").exists() and not (tmp_path / "r").exists()


def test_export_calldata_prints_submit_batch_arguments(proven):
    root, proof, public = proven
    result = run("export", "calldata", root / "out")
    assert result.exit_code == 0, result.stderr
    args = json.loads("[" + result.stdout + "]")
    record = [TAG_DEPOSIT, TAG_WITHDRAW, 1, 1, 40]
    expected = submit_args(proof, public, record)
    assert [[int(w, 16) for w in arg] for arg in args] == expected
    data = run("export", "calldata", root / "out", "--data").stdout.strip()
    assert data == "0x" + call_data(SUBMIT_SIGNATURE.format(n=6), expected).hex()


def test_export_calldata_for_the_verifier_is_snarkjs_shaped(proven):
    from zkob.anchor.calldata import VERIFY_SIGNATURE, verify_args

    root, proof, public = proven
    result = run("export", "calldata", root / "out", "--verifier")
    assert result.exit_code == 0, result.stderr
    a, b, c, inputs = json.loads("[" + result.stdout + "]")
    hexed = lambda v: [hexed(x) for x in v] if isinstance(v, list) else int(v, 16)  # noqa: E731
    assert [hexed(a), hexed(b), hexed(c), hexed(inputs)] == verify_args(proof, public)
    assert hexed(b)[0] == [proof.b[0][1], proof.b[0][0]]     # (c1, c0)
    data = run("export", "calldata", root / "out", "--verifier", "--data").stdout.strip()
    assert data == "0x" + call_data(VERIFY_SIGNATURE.format(n=6), verify_args(proof, public)).hex()


@pytest.mark.interop
def test_export_calldata_for_the_verifier_prints_what_snarkjs_prints(node, proven):
    root, _, _ = proven
    theirs = node.snarkjs("zkey", "export", "soliditycalldata", str(root / "out" / "public.json"),
                          str(root / "out" / "proof.json"))
    assert theirs.returncode == 0, theirs.stderr
    ours = run("export", "calldata", root / "out", "--verifier")
    assert ours.stdout.strip() == theirs.stdout.strip()


def test_export_calldata_places_refusals(proven):
    root, _, _ = proven
    result = run("export", "calldata", root / "out", "--refuse", 7, "--refuse", 9, "--queue-head", 7)
    assert result.exit_code == 0, result.stderr
    record = [int(w, 16) for w in json.loads("[" + result.stdout + "]")[2]]
    assert record == [TAG_REFUSE, TAG_DEPOSIT, TAG_WITHDRAW, 1, 1, 40, TAG_REFUSE]


@pytest.mark.parametrize("damage, message", [
    (lambda out: (out / "bridge.json").write_text(json.dumps(bridge_record_json(OPS[:1]))), "bridge"),
    (lambda out: (out / "public.json").write_text('["011", "12", "13", "14", "15", "16"]'), "public.json[0]"),
    (lambda out: (out / "proof.json").unlink(), "proof.json"),
])
def test_export_calldata_refuses_bad_outputs_in_one_line(proven, tmp_path, damage, message):
    import shutil

    root, _, _ = proven
    out = tmp_path / "out"
    shutil.copytree(root / "out", out)
    damage(out)
    result = run("export", "calldata", out)
    assert result.exit_code == 2 and message in result.stderr and result.stdout == ""
    assert len(result.stderr.strip().splitlines()) == 1


def test_anchor_demo_refuses_a_non_empty_keep_directory(tmp_path):
    (tmp_path / "something").write_text("x")
    result = run("anchor", "demo", "--keep", tmp_path)
    assert result.exit_code == 2 and "not an empty directory" in result.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == ["something"]
