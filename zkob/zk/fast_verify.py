"""Groth16 verification with the pairing product on the compiled (numba) path.

Same contract as zkob.zk.verifier: the same input checks in the same order
with the same reasons (it calls ``input_problem`` and
``public_combination`` there), the same equation

    e(-A, B) * e(alpha, beta) * e(IC_0 + sum x_i IC_i, gamma) * e(C, delta) == 1,

and a Verdict that never raises. Only the pairing product differs: four
Miller loops and one final exponentiation in
zkob.zk.backends.compiled.pairing (about 6 ms warm instead of ~0.5 s).
Importing this module imports numba; the light-client verifier stays
py_ecc-only.

Cost after ``warm_up()``: ``verify`` is dominated by the py_ecc input
checks (four G2 subgroup checks at ~25 ms each). ``prepare(vk)`` runs the
key's three once; ``verify_prepared`` then checks proof.pi_b with the
multiplication by r compiled (pairing.g2_in_subgroup, same predicate as
zkob.zk.curve.g2_in_subgroup) and costs about the pairing alone.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from py_ecc import optimized_bn128 as bn

from .backends.compiled.pairing import g2_in_subgroup, product_is_one
from .curve import G1_GEN, G2_GEN, from_ecc_g1, g1_neg
from .groth16.data import Proof, VerifyingKey
from .groth16.verify import (Verdict, input_problem, is_g1, is_g2, public_combination, shape_problem,
                             vk_points_problem)

FAILED = "pairing check failed: the proof does not match these public inputs and key"


def _pairing_verdict(vk: VerifyingKey, public: Sequence[int], proof: Proof) -> Verdict:
    pairs = [
        (g1_neg(proof.a), proof.b),
        (vk.alpha1, vk.beta2),
        (from_ecc_g1(public_combination(vk, public)), vk.gamma2),
        (proof.c, vk.delta2),
    ]
    if product_is_one(pairs):
        return Verdict(True, "valid")
    return Verdict(False, FAILED)


def _check(vk: VerifyingKey, public: Sequence[int], proof: Proof) -> Verdict:
    problem = input_problem(vk, public, proof)
    if problem:
        return Verdict(False, problem)
    return _pairing_verdict(vk, public, proof)


def verify(vk: VerifyingKey, public: Sequence[int], proof: Proof) -> Verdict:
    """Check a Groth16 proof like zkob.zk.verifier.verify (same verdicts), compiled pairing; never raises."""
    try:
        return _check(vk, public, proof)
    except Exception as exc:  # a verdict, never a crash, whatever the caller hands us
        return Verdict(False, f"could not verify: {type(exc).__name__}: {exc}")


@dataclass(frozen=True)
class PreparedKey:
    """A verifying key with its point checks (curve, G2 subgroup) done once: ``points_problem`` or None."""

    vk: Any
    points_problem: str | None


def prepare(vk: VerifyingKey) -> PreparedKey:
    """Run the key's point checks once (~75 ms: three G2 subgroup checks) for many ``verify_prepared`` calls."""
    try:
        problem = vk_points_problem(vk) if isinstance(vk, VerifyingKey) else None
    except Exception as exc:
        problem = f"could not verify: {type(exc).__name__}: {exc}"
    return PreparedKey(vk, problem)


def proof_points_problem(proof: Proof) -> str | None:
    """zkob.zk.verifier.proof_points_problem (same checks, order, reasons) with a compiled G2 subgroup check."""
    for name, p in (("proof.pi_a", proof.a), ("proof.pi_c", proof.c)):
        if not is_g1(p):
            return f"{name} is not a point on the curve"
    if not is_g2(proof.b) or not g2_in_subgroup(proof.b):
        return "proof.pi_b is not a point of the G2 subgroup"
    return None


def verify_prepared(key: PreparedKey, public: Sequence[int], proof: Proof) -> Verdict:
    """``verify(key.vk, public, proof)`` with the key's point checks reused; same checks, order and reasons."""
    try:
        vk = key.vk
        problem = shape_problem(vk, public, proof) or proof_points_problem(proof) or key.points_problem
        if problem:
            return Verdict(False, problem)
        return _pairing_verdict(vk, public, proof)
    except Exception as exc:
        return Verdict(False, f"could not verify: {type(exc).__name__}: {exc}")


def warm_up() -> float:
    """Compile (first run on a machine) or load from numba's disk cache the pairing kernels; returns seconds."""
    start = time.perf_counter()
    two = from_ecc_g1(bn.double(bn.G1))
    if not product_is_one([(G1_GEN, G2_GEN), (g1_neg(G1_GEN), G2_GEN), (two, None)]) or not g2_in_subgroup(G2_GEN):
        raise RuntimeError("compiled kernels failed their self-check: e(P, Q) e(-P, Q) == 1, r * G2 == O")
    return time.perf_counter() - start
