"""fast_verify against the light verifier on real Groth16 proofs: identical verdicts (ok and reason) everywhere."""

from __future__ import annotations

import dataclasses
import random
import subprocess
import sys

import pytest
from py_ecc import optimized_bn128 as bn
from test_compiled_pairing import twist_point_outside_g2
from zk_sample_circuits import keys_and_proof

from zkob.zk import fast_verify
from zkob.zk.groth16 import verify as verifier
from zkob.zk.backends.compiled.pairing import product_is_one
from zkob.zk.curve import G1_GEN, G2_GEN, from_ecc_g1, from_ecc_g2, g1_neg, g2_neg, to_ecc_g1, to_ecc_g2
from zkob.zk.field import R
from zkob.zk.groth16.data import Proof

pytestmark = pytest.mark.prove


def _same(vk, public, proof) -> verifier.Verdict:
    """Assert both fast paths agree with the light verifier exactly; return the verdict."""
    want = verifier.verify(vk, public, proof)
    assert fast_verify.verify(vk, public, proof) == want
    assert fast_verify.verify_prepared(fast_verify.prepare(vk), public, proof) == want
    return want


def _double(p):
    return from_ecc_g1(bn.double(to_ecc_g1(p)))


@pytest.mark.parametrize("name", ["cubic", "chain", "several", "zero_tail"])
def test_honest_and_malleated_proofs_verify_on_both_paths(name):
    _, _, _, vk, proof, public = keys_and_proof(name)
    assert _same(vk, public, proof) == verifier.Verdict(True, "valid")
    mauled = Proof(a=g1_neg(proof.a), b=g2_neg(proof.b), c=proof.c)
    assert _same(vk, public, mauled).ok


def test_wrong_public_inputs_fail_identically():
    _, _, _, vk, proof, public = keys_and_proof("several")
    for i in range(len(public)):
        wrong = list(public)
        wrong[i] = (wrong[i] + 1) % R
        verdict = _same(vk, wrong, proof)
        assert not verdict.ok and verdict.reason.startswith("pairing check failed")
    verdict = _same(vk, [0] * len(public), proof)
    assert not verdict.ok


def test_tampered_proofs_fail_identically():
    _, _, _, vk, proof, public = keys_and_proof("cubic")
    b2 = from_ecc_g2(bn.double(to_ecc_g2(proof.b)))
    for bad in [dataclasses.replace(proof, a=_double(proof.a)), dataclasses.replace(proof, c=proof.a),
                dataclasses.replace(proof, b=G2_GEN), dataclasses.replace(proof, b=b2),
                dataclasses.replace(proof, a=g1_neg(proof.a)), dataclasses.replace(proof, b=g2_neg(proof.b)),
                dataclasses.replace(proof, c=g1_neg(proof.c)), Proof(a=proof.c, b=proof.b, c=proof.a)]:
        verdict = _same(vk, public, bad)
        assert not verdict.ok and verdict.reason.startswith("pairing check failed")


def test_malformed_inputs_give_the_same_reasons():
    _, _, _, vk, proof, public = keys_and_proof("several")
    off_twist = (G2_GEN[0], (G2_GEN[1][0], G2_GEN[1][1] + 1))
    outside = twist_point_outside_g2(random.Random("outside-g2"))
    cases = [
        (vk, public, dataclasses.replace(proof, b=outside)), (dataclasses.replace(vk, delta2=outside), public, proof),
        (vk, public, dataclasses.replace(proof, b=(proof.b[0], (proof.b[1][0], proof.b[1][1] + 2**256)))),
        (vk, public[:-1], proof), (vk, public + [0], proof), (vk, public[:-1] + [public[-1] + R], proof),
        (vk, public[:-1] + [-1], proof), (vk, public[:-1] + [True], proof), (vk, "1234", proof),
        (vk, None, proof), (None, public, proof), (vk, public, None),
        (vk, public, dataclasses.replace(proof, a=None)), (vk, public, dataclasses.replace(proof, a=(1, 3))),
        (vk, public, dataclasses.replace(proof, c=(1, 2 + 1))), (vk, public, dataclasses.replace(proof, b=off_twist)),
        (vk, public, Proof(a=("x", 1), b=proof.b, c=proof.c)), (vk, public, Proof(a=(1,), b=1, c=2)),
        (dataclasses.replace(vk, beta2=off_twist), public, proof),
        (dataclasses.replace(vk, ic=(vk.ic[0], (1, 3)) + vk.ic[2:]), public, proof),
        (dataclasses.replace(vk, delta2=vk.gamma2), public, proof),
        (dataclasses.replace(vk, delta2=G2_GEN), public, proof),
    ]
    reasons = set()
    for args in cases:
        verdict = _same(*args)
        assert not verdict.ok and verdict.reason != "valid"
        reasons.add(verdict.reason)
        if isinstance(args[2], Proof):
            assert fast_verify.proof_points_problem(args[2]) == verifier.proof_points_problem(args[2])
    assert len(reasons) >= 10  # the cases really exercise different checks


def test_gamma_delta_forgery_passes_the_compiled_equation_but_not_the_key_check():
    """The key check, not the pairing, refuses this forgery; the compiled product agrees with py_ecc's."""
    _, _, _, vk, _, _ = keys_and_proof("cubic")
    weak = dataclasses.replace(vk, delta2=vk.gamma2)
    ic = from_ecc_g1(verifier.public_combination(weak, [12345]))
    forged = Proof(a=vk.alpha1, b=vk.beta2, c=g1_neg(ic))
    assert product_is_one([(g1_neg(forged.a), forged.b), (weak.alpha1, weak.beta2), (ic, weak.gamma2),
                           (forged.c, weak.delta2)])
    assert "gamma equals delta" in _same(weak, [12345], forged).reason


def test_public_combination_at_infinity_is_skipped_like_py_ecc():
    """IC_1 = -IC_0 and x = 1 make IC(x) the identity; both paths drop that pair and then agree."""
    _, _, _, vk, proof, _ = keys_and_proof("cubic")
    odd = dataclasses.replace(vk, ic=(vk.ic[0], g1_neg(vk.ic[0])))
    assert verifier.public_combination(odd, [1]) is not None and bn.is_inf(verifier.public_combination(odd, [1]))
    verdict = _same(odd, [1], proof)
    assert not verdict.ok
    forged = Proof(a=vk.alpha1, b=vk.beta2, c=G1_GEN)  # only e(C, delta) left besides the alpha/beta pair
    _same(odd, [1], forged)


def test_warm_up_reports_seconds_and_importing_fast_verify_leaves_the_light_verifier_light():
    assert fast_verify.warm_up() >= 0.0
    code = ("import sys, zkob.zk.verifier;"
            "print(','.join(m for m in ('numpy', 'numba') if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == ""
