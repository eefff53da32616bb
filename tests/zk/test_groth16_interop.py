"""Interop with snarkjs 0.7.6: each side verifies the other's proofs; where snarkjs is laxer, both verdicts."""

from __future__ import annotations

import json

import pytest
from zk_sample_circuits import keys_and_proof

from zkob.zk.field import Q, R
from zkob.zk.formats.iden3 import r1cs_to_bytes, wtns_to_bytes
from zkob.zk.formats.snarkjs_json import dumps, proof_to_json, public_to_json, vk_to_json
from zkob.zk.verifier import verify_json

pytestmark = [pytest.mark.interop, pytest.mark.prove]


def _snarkjs_ok(node, d, vk="vk.json", public="public.json", proof="proof.json") -> bool:
    res = node.snarkjs("groth16", "verify", str(d / vk), str(d / public), str(d / proof))
    return res.returncode == 0 and "OK!" in res.stdout


def _ok(node, *args):
    res = node.snarkjs(*args)
    assert res.returncode == 0, (args, res.stdout[-1000:], res.stderr[-1000:])


@pytest.fixture(scope="module")
def ours(tmp_path_factory):
    """Our key and proof for the circuit with a trailing zero public input, as snarkjs JSON files."""
    _, _, _, vk, proof, public = keys_and_proof("zero_tail")
    d = tmp_path_factory.mktemp("ours")
    (d / "vk.json").write_text(dumps(vk_to_json(vk)))
    (d / "public.json").write_text(dumps(public_to_json(public)))
    (d / "proof.json").write_text(dumps(proof_to_json(proof)))
    return d


@pytest.fixture(scope="module")
def theirs(node, tmp_path_factory):
    """snarkjs's own ceremony (tiny ptau it makes itself) and proof from our exported .r1cs/.wtns."""
    r1cs, w, *_ = keys_and_proof("several")
    d = tmp_path_factory.mktemp("theirs")
    (d / "c.r1cs").write_bytes(r1cs_to_bytes(r1cs))
    (d / "w.wtns").write_bytes(wtns_to_bytes(w))
    p = lambda name: str(d / name)  # noqa: E731
    _ok(node, "powersoftau", "new", "bn128", "4", p("p0.ptau"))
    _ok(node, "powersoftau", "contribute", p("p0.ptau"), p("p1.ptau"), "--name=zkob", "-e=zkob test entropy")
    _ok(node, "powersoftau", "prepare", "phase2", p("p1.ptau"), p("pf.ptau"))
    _ok(node, "groth16", "setup", p("c.r1cs"), p("pf.ptau"), p("c0.zkey"))
    _ok(node, "zkey", "contribute", p("c0.zkey"), p("c1.zkey"), "--name=zkob", "-e=more entropy")
    _ok(node, "zkey", "export", "verificationkey", p("c1.zkey"), p("vk.json"))
    _ok(node, "groth16", "prove", p("c1.zkey"), p("w.wtns"), p("proof.json"), p("public.json"))
    return d


def _texts(d, vk="vk.json", public="public.json", proof="proof.json"):
    return (d / vk).read_text(), (d / public).read_text(), (d / proof).read_text()


def test_snarkjs_verifies_our_proof_and_rejects_a_wrong_input(node, ours):
    assert _snarkjs_ok(node, ours)
    public = json.loads((ours / "public.json").read_text())
    public[0] = str(int(public[0]) + 1)
    (ours / "wrong.json").write_text(json.dumps(public))
    assert not _snarkjs_ok(node, ours, public="wrong.json")
    assert not verify_json(*_texts(ours, public="wrong.json")).ok


def test_we_verify_snarkjs_proof_of_our_circuit_and_reject_tampering(theirs):
    assert json.loads((theirs / "public.json").read_text()) == ["11", "13", "17", "160"]
    assert verify_json(*_texts(theirs)).ok
    vk_t, pub_t, proof_t = _texts(theirs)
    assert not verify_json(vk_t, json.dumps(["11", "13", "17", "161"]), proof_t).ok
    proof = json.loads(proof_t)
    proof["pi_a"], proof["pi_c"] = proof["pi_c"], proof["pi_a"]
    verdict = verify_json(vk_t, pub_t, json.dumps(proof))
    assert not verdict.ok and "pairing" in verdict.reason


def _variant(d, name, mutate):
    proof = json.loads((d / "proof.json").read_text())
    mutate(proof)
    (d / name).write_text(json.dumps(proof))
    return name


@pytest.mark.parametrize("case", ["x_plus_q", "hex", "z_not_one", "z_leading_zero"])
def test_snarkjs_accepts_noncanonical_points_we_refuse(node, ours, case):
    def mutate(proof):
        x, y = int(proof["pi_a"][0]), int(proof["pi_a"][1])
        proof["pi_a"] = {
            "x_plus_q": [str(x + Q), str(y), "1"],
            "hex": [hex(x), str(y), "1"],
            "z_not_one": [str(4 * x % Q), str(8 * y % Q), "2"],  # Jacobian (x z^2, y z^3, z), z = 2
            "z_leading_zero": [str(x), str(y), "01"],
        }[case]
    name = _variant(ours, f"proof_{case}.json", mutate)
    assert _snarkjs_ok(node, ours, proof=name)
    verdict = verify_json(*_texts(ours, proof=name))
    assert not verdict.ok and verdict.reason.startswith("malformed input")


def test_snarkjs_accepts_a_short_public_json_we_refuse(node, ours):
    public = json.loads((ours / "public.json").read_text())
    assert public[-1] == "0"
    (ours / "short.json").write_text(json.dumps(public[:-1]))
    assert _snarkjs_ok(node, ours, public="short.json")
    verdict = verify_json(*_texts(ours, public="short.json"))
    assert not verdict.ok and "expected 2 public inputs" in verdict.reason


def test_snarkjs_accepts_out_of_range_public_signal_as_reduced_we_refuse(node, ours):
    public = json.loads((ours / "public.json").read_text())
    public[0] = str(int(public[0]) + R)
    (ours / "big.json").write_text(json.dumps(public))
    snarkjs_says = _snarkjs_ok(node, ours, public="big.json")
    verdict = verify_json(*_texts(ours, public="big.json"))
    assert not verdict.ok and "below the field modulus" in verdict.reason
    assert snarkjs_says is False  # snarkjs checks this one too (FORMATS.md): both refuse


@pytest.mark.slow
def test_circom_written_circuit_round_trip(node, tmp_path):
    """A real circom circuit shipped with circom_runtime (1000 constraints, unsorted factors):
    we read its .r1cs and snarkjs's .wtns, the witness satisfies our R1CS, snarkjs's proof with
    its own zkey passes our verifier, and our proof for it passes snarkjs."""
    from zkob.zk.formats.iden3 import r1cs_from_bytes, wtns_from_bytes
    from zkob.zk.groth16.prove import prove, public_inputs
    from zkob.zk.groth16.setup import setup

    src = node.directory / "node_modules" / "circom_runtime" / "test" / "circuit"
    _ok(node, "wtns", "calculate", str(src / "circuit_js" / "circuit.wasm"), str(src / "input.json"),
        str(tmp_path / "w.wtns"))
    r1cs = r1cs_from_bytes((src / "circuit.r1cs").read_bytes())
    w = wtns_from_bytes((tmp_path / "w.wtns").read_bytes())
    assert (r1cs.n_wires, r1cs.n_public, r1cs.n_constraints) == (1004, 4, 1000)
    assert r1cs.first_failure(w) is None
    _ok(node, "groth16", "prove", str(src / "circuit.zkey"), str(tmp_path / "w.wtns"),
        str(tmp_path / "sproof.json"), str(tmp_path / "spublic.json"))
    assert json.loads((tmp_path / "spublic.json").read_text()) == [str(v) for v in w[1:5]]
    assert verify_json((src / "verification_key.json").read_text(), (tmp_path / "spublic.json").read_text(),
                       (tmp_path / "sproof.json").read_text()).ok
    pk, vk = setup(r1cs)
    (tmp_path / "vk.json").write_text(dumps(vk_to_json(vk)))
    (tmp_path / "public.json").write_text(dumps(public_to_json(public_inputs(r1cs, w))))
    (tmp_path / "proof.json").write_text(dumps(proof_to_json(prove(pk, r1cs, w))))
    assert _snarkjs_ok(node, tmp_path)
