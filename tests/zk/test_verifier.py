"""The light verifier: completeness, soundness against tampering, rejections as verdicts, lightness."""

from __future__ import annotations

import dataclasses
import json
import subprocess
import sys

import pytest
from py_ecc import optimized_bn128 as bn
from zk_sample_circuits import keys_and_proof

from zkob.zk.curve import G1_GEN, G2_GEN, from_ecc_g1, g1_neg, g2_neg, to_ecc_g1, to_ecc_g2
from zkob.zk.field import R
from zkob.zk.formats.snarkjs_json import dumps, proof_to_json, public_to_json, vk_to_json
from zkob.zk.groth16.data import Proof
from zkob.zk.groth16.verify import pairing_product_is_one, public_combination
from zkob.zk.verifier import Verdict, verify, verify_json

pytestmark = pytest.mark.prove


@pytest.mark.parametrize("name", ["cubic", "chain", "several"])
def test_honest_proof_verifies_and_wrong_public_input_does_not(name):
    _, _, _, vk, proof, public = keys_and_proof(name)
    assert verify(vk, public, proof) == Verdict(True, "valid")
    wrong = list(public)
    wrong[-1] = (wrong[-1] + 1) % R
    verdict = verify(vk, wrong, proof)
    assert not verdict.ok and "pairing check failed" in verdict.reason


def test_tampered_proofs_fail():
    _, _, _, vk, proof, public = keys_and_proof("several")
    doubled_a = from_ecc_g1(bn.double(to_ecc_g1(proof.a)))
    for bad in [dataclasses.replace(proof, a=doubled_a), dataclasses.replace(proof, c=proof.a),
                dataclasses.replace(proof, b=G2_GEN), dataclasses.replace(proof, a=g1_neg(proof.a))]:
        verdict = verify(vk, public, bad)
        assert not verdict.ok and "pairing" in verdict.reason


def test_malleated_proof_still_verifies():
    """Groth16 is malleable: (-A, -B, C) is valid too (DESIGN section 6), so never dedupe on proof bytes."""
    _, _, _, vk, proof, public = keys_and_proof("cubic")
    mauled = Proof(a=g1_neg(proof.a), b=g2_neg(proof.b), c=proof.c)
    assert mauled != proof
    assert verify(vk, public, mauled).ok


def test_wrong_counts_and_noncanonical_inputs_are_verdicts():
    _, _, _, vk, proof, public = keys_and_proof("several")
    cases = {
        "expected 4 public inputs": public[:-1],
        "expected 4 public inputs ": public + [0],
        "not a canonical field element": public[:-1] + [public[-1] + R],
        "not a canonical field element ": public[:-1] + [-1],
        "not a canonical field element  ": public[:-1] + [True],
    }
    for needle, inputs in cases.items():
        verdict = verify(vk, inputs, proof)
        assert not verdict.ok and needle.strip() in verdict.reason


def test_identity_and_off_curve_points_are_verdicts():
    _, _, _, vk, proof, public = keys_and_proof("cubic")
    assert "identity" in verify(vk, public, dataclasses.replace(proof, a=None)).reason
    assert "not a point on the curve" in verify(vk, public, dataclasses.replace(proof, a=(1, 3))).reason
    off_twist = (G2_GEN[0], (G2_GEN[1][0], (G2_GEN[1][1] + 1)))
    assert "G2 subgroup" in verify(vk, public, dataclasses.replace(proof, b=off_twist)).reason


def test_junk_never_raises():
    _, _, _, vk, proof, public = keys_and_proof("cubic")
    for args in [(None, public, proof), (vk, None, proof), (vk, public, None), (vk, "12", proof),
                 (vk, public, Proof(a=("x", 1), b=proof.b, c=proof.c)), (vk, public, Proof(a=(1,), b=1, c=2))]:
        verdict = verify(*args)
        assert not verdict.ok and verdict.reason


def test_gamma_equal_delta_key_admits_forgery_so_it_is_refused():
    """With gamma == delta, A = alpha, B = beta, C = -IC(x) satisfies the equation for any x."""
    _, _, _, vk, _, public = keys_and_proof("cubic")
    weak = dataclasses.replace(vk, delta2=vk.gamma2)
    any_input = [12345]
    forged = Proof(a=vk.alpha1, b=vk.beta2, c=g1_neg(from_ecc_g1(public_combination(weak, any_input))))
    pairs = [(to_ecc_g1(g1_neg(forged.a)), to_ecc_g2(forged.b)), (to_ecc_g1(weak.alpha1), to_ecc_g2(weak.beta2)),
             (public_combination(weak, any_input), to_ecc_g2(weak.gamma2)), (to_ecc_g1(forged.c), to_ecc_g2(weak.delta2))]
    assert pairing_product_is_one(pairs)  # the equation alone would accept the forgery
    verdict = verify(weak, any_input, forged)
    assert not verdict.ok and "gamma equals delta" in verdict.reason
    gen_delta = dataclasses.replace(vk, delta2=G2_GEN)
    assert "G2 generator" in verify(gen_delta, public, forged).reason
    repeated = dataclasses.replace(vk, ic=(vk.ic[0], vk.ic[0]))
    assert "repeated IC" in verify(repeated, public, forged).reason


def test_verify_json_round_trip_and_malformed_text():
    _, _, _, vk, proof, public = keys_and_proof("cubic")
    vk_t, pub_t, proof_t = dumps(vk_to_json(vk)), dumps(public_to_json(public)), dumps(proof_to_json(proof))
    assert verify_json(vk_t, pub_t, proof_t).ok
    assert verify_json(vk_t, json.dumps([str(public[0] + 1)]), proof_t).reason.startswith("pairing")
    for bad_pub in ["[", "[1]", '["0x10"]', "[\"01\"]", "[1.0]", "{}", "[true]", "NaN"]:
        verdict = verify_json(vk_t, bad_pub, proof_t)
        assert not verdict.ok and verdict.reason.startswith("malformed input"), bad_pub
    assert verify_json(b"\xff\xfe", pub_t, proof_t).reason.startswith("malformed input")
    assert verify_json(vk_t, pub_t, proof_t.replace('"pi_a"', '"pi_a": [], "pi_a"', 1)).reason \
        .startswith("malformed input")


def test_importing_the_verifier_pulls_in_no_numpy_numba_or_galois():
    code = ("import sys, zkob.zk.verifier, zkob.zk.groth16.verify;"
            "print(','.join(m for m in ('numpy', 'numba', 'galois') if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == ""


def test_generators_are_the_standard_ones():
    assert G1_GEN == (1, 2)
    assert bn.eq(to_ecc_g1(G1_GEN), bn.G1)


@pytest.mark.slow
def test_fuzzed_json_never_raises_and_never_verifies():
    """Random single-character edits of the three files: always a verdict, never a false accept."""
    from hypothesis import HealthCheck, given, settings
    from hypothesis import strategies as st

    _, _, _, vk, proof, public = keys_and_proof("cubic")
    originals = [dumps(vk_to_json(vk)), dumps(public_to_json(public)), dumps(proof_to_json(proof))]

    @settings(max_examples=25, deadline=None, suppress_health_check=list(HealthCheck))
    @given(which=st.integers(0, 2), where=st.integers(0, 10**6), char=st.sampled_from('0123456789"[]{},:-.ex '))
    def run(which, where, char):
        texts = list(originals)
        text = texts[which]
        i = where % len(text)
        if text[i] == char:
            return
        texts[which] = text[:i] + char + text[i + 1:]
        verdict = verify_json(*texts)
        assert isinstance(verdict, Verdict) and verdict.reason
        if verdict.ok:  # only edits that do not change the statement may pass (e.g. JSON whitespace)
            assert [json.loads(t) for t in texts] == [json.loads(t) for t in originals]

    run()
