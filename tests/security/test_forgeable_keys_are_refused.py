"""Item 3 of issue 12: keys that anyone can forge proofs with are refused at setup and at load.

gamma = delta was refused, but gamma = -delta forges as well (A = alpha,
B = beta, C = IC(x) satisfies the equation for every x), and opposite IC
points (IC_i = -IC_j) let one proof of x serve x + t (e_i + e_j) for any t,
as equal ones let it serve x + t (e_i - e_j). Each test first shows the
forgery with the bare Groth16 equation (or the verifier as it was), then
that the key is refused: by verify, by the snarkjs and zkpk loaders and by
setup, which redraws gamma = -delta instead of making such a key.
"""

from __future__ import annotations

import dataclasses
import random

import pytest
from py_ecc import optimized_bn128 as bn

from zkob.zk.curve import from_ecc_g1, from_ecc_g2, g1_neg, g2_neg, to_ecc_g1, to_ecc_g2
from zkob.zk.errors import SetupRefused
from zkob.zk.field import R
from zkob.zk.formats.snarkjs_json import parse_vk, vk_to_json
from zkob.zk.groth16.data import Proof, VerifyingKey, vk_problem
from zkob.zk.groth16.keys import pk_from_bytes, pk_to_bytes
from zkob.zk.groth16.setup import setup
from zkob.zk.groth16.verify import pairing_product_is_one, public_combination
from zkob.zk.verifier import verify

from .conftest import statement_circuit

ANY_INPUT = [123, 456, 789, 0, 0, 0]  # a statement nobody proved


def _equation_holds(vk: VerifyingKey, public, proof: Proof) -> bool:
    """The bare Groth16 equation, without any of the verifier's key checks."""
    return pairing_product_is_one([
        (to_ecc_g1(g1_neg(proof.a)), to_ecc_g2(proof.b)), (to_ecc_g1(vk.alpha1), to_ecc_g2(vk.beta2)),
        (public_combination(vk, public), to_ecc_g2(vk.gamma2)), (to_ecc_g1(proof.c), to_ecc_g2(vk.delta2)),
    ])


def _refused_everywhere(vk: VerifyingKey, proof: Proof, public, keys, needle: str) -> None:
    assert needle in (vk_problem(vk) or "")
    verdict = verify(vk, public, proof)
    assert not verdict.ok and needle in verdict.reason
    with pytest.raises(SetupRefused, match=needle):
        parse_vk(vk_to_json(vk))
    with pytest.raises(SetupRefused, match=needle):
        pk_from_bytes(pk_to_bytes(dataclasses.replace(keys.pk, vk=vk)))


def test_gamma_minus_delta_forges_any_statement_and_is_refused(keys):
    vk = dataclasses.replace(keys.vk, gamma2=g2_neg(keys.vk.delta2))
    forged = Proof(a=vk.alpha1, b=vk.beta2, c=from_ecc_g1(public_combination(vk, ANY_INPUT)))
    assert _equation_holds(vk, ANY_INPUT, forged)
    _refused_everywhere(vk, forged, ANY_INPUT, keys, "gamma is minus delta")


def _key_with_ic_scalars(ic_scalars: list[int], rng: random.Random) -> tuple[VerifyingKey, dict]:
    """A key whose trapdoor we know, with IC_i = ic_scalars[i] * G1."""
    secret = {name: rng.randrange(1, R) for name in ("alpha", "beta", "gamma", "delta")}
    vk = VerifyingKey(
        alpha1=from_ecc_g1(bn.multiply(bn.G1, secret["alpha"])),
        beta2=from_ecc_g2(bn.multiply(bn.G2, secret["beta"])),
        gamma2=from_ecc_g2(bn.multiply(bn.G2, secret["gamma"])),
        delta2=from_ecc_g2(bn.multiply(bn.G2, secret["delta"])),
        ic=tuple(from_ecc_g1(bn.multiply(bn.G1, s)) for s in ic_scalars),
    )
    return vk, secret


def _honest_proof(vk_secret: dict, ic_scalars: list[int], public: list[int], rng: random.Random) -> Proof:
    """What the key's author proves for ``public``: A B = alpha beta + IC(x) gamma + C delta (scalars)."""
    a, b = rng.randrange(1, R), rng.randrange(1, R)
    ic = (ic_scalars[0] + sum(x * s for x, s in zip(public, ic_scalars[1:]))) % R
    c = (a * b - vk_secret["alpha"] * vk_secret["beta"] - ic * vk_secret["gamma"]) * pow(vk_secret["delta"], -1, R)
    return Proof(a=from_ecc_g1(bn.multiply(bn.G1, a)), b=from_ecc_g2(bn.multiply(bn.G2, b)),
                 c=from_ecc_g1(bn.multiply(bn.G1, c % R)))


@pytest.mark.parametrize("sign, needle", [(-1, "opposite IC points"), (1, "repeated IC points")])
def test_opposite_or_equal_ic_points_let_one_proof_serve_other_inputs(keys, sign, needle):
    rng = random.Random(5)
    ic_scalars = [rng.randrange(1, R) for _ in range(7)]
    ic_scalars[2] = sign * ic_scalars[1] % R           # IC_2 = -IC_1 (or IC_2 = IC_1)
    vk, secret = _key_with_ic_scalars(ic_scalars, rng)
    proven = [10, 11, 7, 0, 0, 0]
    proof = _honest_proof(secret, ic_scalars, proven, rng)
    assert _equation_holds(vk, proven, proof)
    shifted = list(proven)
    shifted[0] = (proven[0] + 1000) % R                # anyone can move x_1 and x_2 together
    shifted[1] = (proven[1] - sign * 1000) % R
    assert _equation_holds(vk, shifted, proof)         # a statement the author never proved
    _refused_everywhere(vk, proof, shifted, keys, needle)


class _Scripted:
    """An rng that replays given draws (tau, alpha, beta, gamma, delta per attempt)."""

    def __init__(self, values):
        self.values = list(values)

    def randrange(self, start, stop):
        return self.values.pop(0)


def test_setup_redraws_gamma_minus_delta():
    rng = _Scripted([11, 2, 3, 7, R - 7,    # gamma = -delta: redrawn, never used
                     11, 2, 3, 7, 8])
    _, vk = setup(statement_circuit(), rng)
    assert rng.values == [] and vk.gamma2 != g2_neg(vk.delta2)
