"""The committed vectors/ are exactly what `zkob vectors` regenerates, and they are right."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from zkob.cli.commands.vectors import TOPICS, render
from zkob.zk.errors import MalformedInput
from zkob.zk.poseidon import poseidon

VECTORS = Path(__file__).resolve().parent.parent / "vectors"


@pytest.mark.parametrize("topic", sorted(TOPICS))
def test_regeneration_is_byte_identical(topic):
    assert render(topic) == (VECTORS / f"{topic}.json").read_bytes()


def _poseidon_cases():
    data = json.loads((VECTORS / "poseidon.json").read_text())
    return [t for g in data["testGroups"] for t in g["tests"]]


def test_poseidon_vectors_have_verdicts_our_hash_agrees_with():
    for case in _poseidon_cases():
        inputs = [int(x) for x in case["inputs"]]
        if case["result"] == "valid":
            assert str(poseidon(inputs)) == case["output"]
        else:
            with pytest.raises(MalformedInput):
                poseidon(inputs)


@pytest.mark.interop
def test_poseidon_vectors_agree_with_circomlibjs(node):
    valid = [c for c in _poseidon_cases() if c["result"] == "valid"]
    script = """
    import { buildPoseidon } from "circomlibjs";
    const p = await buildPoseidon();
    const cases = JSON.parse(process.argv[2]);
    console.log(JSON.stringify(cases.map(c => p.F.toString(p(c.map(BigInt))))));
    """
    got = node.json(script, json.dumps([c["inputs"] for c in valid]))
    assert got == [c["output"] for c in valid]


def _groth16_group():
    return json.loads((VECTORS / "groth16.json").read_text())["testGroups"][0]


def test_groth16_vectors_get_their_verdicts_from_both_verifiers():
    from zkob.zk import fast_verify
    from zkob.zk.verifier import parse_all, verify_json

    group = _groth16_group()
    vk_text = json.dumps(group["verificationKey"])
    flags = set()
    for case in group["tests"]:
        public, proof = json.dumps(case["public"]), json.dumps(case["proof"])
        light = verify_json(vk_text, public, proof)
        assert light.ok == (case["result"] == "valid"), (case["tcId"], light.reason)
        if light.ok or "pairing" in light.reason:  # parsable: the compiled pairing must agree
            vk, pub, prf = parse_all(vk_text, public, proof)
            assert fast_verify.verify_prepared(fast_verify.prepare(vk), pub, prf).ok == light.ok
        flags.update(case["flags"])
    assert flags == set(json.loads((VECTORS / "groth16.json").read_text())["notes"])


@pytest.mark.interop
def test_groth16_vectors_snarkjs_agrees_where_it_checks(node, tmp_path):
    """snarkjs accepts the valid cases and refuses the pairing failures (it is laxer on encodings)."""
    group = _groth16_group()
    (tmp_path / "vk.json").write_text(json.dumps(group["verificationKey"]))
    for case in group["tests"]:
        if case["result"] == "invalid" and not {"WrongPublicInput", "PairingFails"} & set(case["flags"]):
            continue
        (tmp_path / "public.json").write_text(json.dumps(case["public"]))
        (tmp_path / "proof.json").write_text(json.dumps(case["proof"]))
        proc = node.snarkjs("groth16", "verify", str(tmp_path / "vk.json"), str(tmp_path / "public.json"),
                            str(tmp_path / "proof.json"))
        accepted = proc.returncode == 0 and "OK" in proc.stdout
        assert accepted == (case["result"] == "valid"), case["tcId"]
