"""Batch verification of many Groth16 proofs under one key.

With random weights rho_k (128 bits from ``secrets``, unknown to the
prover when the proofs were made), all k proofs hold iff, except with
probability about 2^-128,

    prod_k e(-rho_k A_k, B_k) * e(sum rho_k alpha, beta)
      * e(sum rho_k IC(x_k), gamma) * e(sum rho_k C_k, delta) == 1

which costs k + 3 Miller loops and one final exponentiation instead of 4k
and k. When the batch fails, every proof is checked alone to say which
ones are bad (the batch is rejected as a whole either way).

A failure no single proof explains (an unsafe or malformed key, items
that are not pairs, an internal error, or the equation failing while
each proof verifies alone) is reported with index ``NOT_ATTRIBUTED``
(-1). Callers must treat it as "nothing here was verified", never as an
index: a light client that kept ``steps[:index]`` would keep unchecked
steps.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from py_ecc import optimized_bn128 as bn

from ..curve import g1_neg, to_ecc_g1, to_ecc_g2
from .data import Proof, VerifyingKey, vk_problem
from .verify import (Verdict, shape_problem, pairing_product_is_one, proof_points_problem, public_combination,
                        verify, vk_points_problem)

WEIGHT_BITS = 128
NOT_ATTRIBUTED = -1  # the index of a failure that names no proof (see the module docstring)


@dataclass(frozen=True)
class BatchVerdict:
    """``ok`` when every proof verifies; otherwise ``failed`` lists (index, reason) of every bad one.

    The index is NOT_ATTRIBUTED (-1) when the failure names no proof.
    """

    ok: bool
    failed: tuple[tuple[int, str], ...] = ()

    @property
    def reason(self) -> str:
        if self.ok:
            return "valid"
        return "; ".join(f"proof {i}: {why}" for i, why in self.failed)


def verify_batch(vk: VerifyingKey, items: Sequence[tuple[Sequence[int], Proof]],
                 weight: Callable[[], int] | None = None) -> BatchVerdict:
    """Verify ``items`` = [(public, proof), ...] under ``vk`` with one final exponentiation.

    ``weight`` draws a non-zero weight (default: 128 random bits from
    secrets). Never raises for bad input.
    """
    draw = weight or (lambda: secrets.randbits(WEIGHT_BITS) | 1)
    try:
        return _verify_batch(vk, items, draw)
    except Exception as exc:  # a verdict, never a crash
        return BatchVerdict(False, ((NOT_ATTRIBUTED, f"could not verify: {type(exc).__name__}: {exc}"),))


def _verify_batch(vk: VerifyingKey, items: Sequence[tuple[Sequence[int], Proof]],
                  draw: Callable[[], int]) -> BatchVerdict:
    if not isinstance(vk, VerifyingKey) or vk_problem(vk) or vk_points_problem(vk):
        return BatchVerdict(False, ((NOT_ATTRIBUTED, "not a safe VerifyingKey"),))
    if isinstance(items, (str, bytes)) or not isinstance(items, Sequence) \
            or not all(isinstance(it, tuple) and len(it) == 2 for it in items):
        return BatchVerdict(False, ((NOT_ATTRIBUTED, "items must be a sequence of (public, proof) pairs"),))
    if not items:
        return BatchVerdict(True)
    bad = []
    for k, (public, proof) in enumerate(items):
        problem = shape_problem(vk, public, proof) or proof_points_problem(proof)
        if problem:
            bad.append((k, problem))
    if bad:  # the batch fails: check the well-formed proofs alone too, so that every bad one is named
        named = dict(bad)
        for k, (public, proof) in enumerate(items):
            verdict = Verdict(True) if k in named else verify(vk, public, proof)
            if not verdict.ok:
                named[k] = verdict.reason
        return BatchVerdict(False, tuple(sorted(named.items())))
    pairs = []
    alpha_w = ic_acc = c_acc = bn.Z1
    for public, proof in items:
        rho = draw()
        pairs.append((bn.multiply(to_ecc_g1(g1_neg(proof.a)), rho), to_ecc_g2(proof.b)))
        alpha_w = bn.add(alpha_w, bn.multiply(to_ecc_g1(vk.alpha1), rho))
        ic_acc = bn.add(ic_acc, bn.multiply(public_combination(vk, public), rho))
        c_acc = bn.add(c_acc, bn.multiply(to_ecc_g1(proof.c), rho))
    pairs += [(alpha_w, to_ecc_g2(vk.beta2)), (ic_acc, to_ecc_g2(vk.gamma2)), (c_acc, to_ecc_g2(vk.delta2))]
    if pairing_product_is_one(pairs):
        return BatchVerdict(True)
    singles: list[tuple[int, Verdict]] = [(k, verify(vk, pub, pr)) for k, (pub, pr) in enumerate(items)]
    failed = tuple((k, v.reason) for k, v in singles if not v.ok)
    unexplained = ((NOT_ATTRIBUTED, "batch equation failed although each proof verifies alone"),)
    return BatchVerdict(False, failed or unexplained)
