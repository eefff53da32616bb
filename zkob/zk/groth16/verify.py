"""Groth16 verification: the checks of docs/protocol.md section 7, then one pairing product.

py_ecc and the standard library only (zk/verifier.py, the light client's
entry point, re-exports this module). Symbols (Groth16 paper -> code): [alpha]_1 ``vk.alpha1``, [beta]_2
``vk.beta2``, [gamma]_2 ``vk.gamma2``, [delta]_2 ``vk.delta2``,
[IC_i]_1 = [(beta u_i(tau) + alpha v_i(tau) + w_i(tau)) / gamma]_1
``vk.ic[i]``, proof (A, B, C) ``proof.a/b/c``, public inputs x_1..x_n
``public``. The check is

    e(-A, B) * e(alpha, beta) * e(IC_0 + sum x_i IC_i, gamma) * e(C, delta) == 1

as one product of four Miller loops and a single final exponentiation
(about 0.5 s in py_ecc), after re-validating every input (docs/protocol.md
section 7). ``verify`` and ``verify_json`` return a Verdict and never raise
for bad input. Groth16 proofs are malleable: (-A, -B, C) verifies too, so
anything that refuses replays must key on the public inputs, not on proof
bytes.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from py_ecc import optimized_bn128 as bn

from ..curve import g1_neg, g1_on_curve, g2_in_subgroup, to_ecc_g1, to_ecc_g2
from ..errors import ZkError
from ..field import R
from ..formats.snarkjs_json import parse_proof, parse_public, parse_vk
from ..strict_json import load_json
from .data import Proof, VerifyingKey, vk_problem


@dataclass(frozen=True)
class Verdict:
    """Outcome of a verification: ``ok`` and, when not ok, the reason in one line."""

    ok: bool
    reason: str = "valid"

    def __bool__(self) -> bool:
        return self.ok


def shape_problem(vk: Any, public: Any, proof: Any) -> str | None:
    """Why the three inputs cannot be checked at all, or None (cheap checks first)."""
    if not isinstance(vk, VerifyingKey) or not isinstance(proof, Proof):
        return "expected a VerifyingKey and a Proof"
    if isinstance(public, (str, bytes)) or not isinstance(public, Sequence):
        return "public inputs must be a sequence of integers"
    if len(public) != vk.n_public:
        return f"expected {vk.n_public} public inputs (nPublic = len(IC) - 1), got {len(public)}"
    for i, x in enumerate(public):
        if isinstance(x, bool) or not isinstance(x, int) or not 0 <= x < R:
            return f"public input {i} is not a canonical field element in [0, r)"
    problem = vk_problem(vk)
    if problem:
        return f"unsafe verification key: {problem}"
    if proof.a is None or proof.b is None or proof.c is None:
        return "identity point in the proof"
    return None


def _points_problem(g1s: list[tuple[str, Any]], g2s: list[tuple[str, Any]]) -> str | None:
    """Curve membership of the G1 points, curve and subgroup membership of the G2 points (~25 ms each)."""
    for name, p in g1s:
        if not is_g1(p):
            return f"{name} is not a point on the curve"
    for name, p in g2s:
        if not is_g2(p) or not g2_in_subgroup(p):
            return f"{name} is not a point of the G2 subgroup"
    return None


def vk_points_problem(vk: VerifyingKey) -> str | None:
    """Every key point on its curve, G2 points in the subgroup (three subgroup checks)."""
    return _points_problem([("vk.alpha", vk.alpha1)] + [(f"vk.IC[{i}]", p) for i, p in enumerate(vk.ic)],
                           [("vk.beta", vk.beta2), ("vk.gamma", vk.gamma2), ("vk.delta", vk.delta2)])


def proof_points_problem(proof: Proof) -> str | None:
    """A and C on the curve, B in the G2 subgroup (one subgroup check)."""
    return _points_problem([("proof.pi_a", proof.a), ("proof.pi_c", proof.c)], [("proof.pi_b", proof.b)])


def is_g1(p: Any) -> bool:
    return p is not None and isinstance(p, tuple) and len(p) == 2 and all(type(c) is int for c in p) and g1_on_curve(p)


def is_g2(p: Any) -> bool:
    return (p is not None and isinstance(p, tuple) and len(p) == 2
            and all(isinstance(c, tuple) and len(c) == 2 and all(type(x) is int for x in c) for c in p))


def input_problem(vk: Any, public: Any, proof: Any) -> str | None:
    """Why (vk, public, proof) cannot be a valid statement before any pairing, or None."""
    return shape_problem(vk, public, proof) or proof_points_problem(proof) or vk_points_problem(vk)


def public_combination(vk: VerifyingKey, public: Sequence[int]) -> Any:
    """IC_0 + sum x_i IC_i as a py_ecc projective point."""
    acc = to_ecc_g1(vk.ic[0])
    for x, p in zip(public, vk.ic[1:]):
        if x:
            acc = bn.add(acc, bn.multiply(to_ecc_g1(p), x))
    return acc


def pairing_product_is_one(pairs: Sequence[tuple[Any, Any]]) -> bool:
    """prod e(P_i, Q_i) == 1 for py_ecc (G1, G2) projective pairs: Miller loops, one final exponentiation."""
    acc = bn.FQ12.one()
    for p, q in pairs:
        if bn.is_inf(p) or bn.is_inf(q):
            continue
        acc = acc * bn.pairing(q, p, final_exponentiate=False)
    return bn.final_exponentiate(acc) == bn.FQ12.one()


def _check(vk: VerifyingKey, public: Sequence[int], proof: Proof) -> Verdict:
    problem = input_problem(vk, public, proof)
    if problem:
        return Verdict(False, problem)
    pairs = [
        (to_ecc_g1(g1_neg(proof.a)), to_ecc_g2(proof.b)),
        (to_ecc_g1(vk.alpha1), to_ecc_g2(vk.beta2)),
        (public_combination(vk, public), to_ecc_g2(vk.gamma2)),
        (to_ecc_g1(proof.c), to_ecc_g2(vk.delta2)),
    ]
    if pairing_product_is_one(pairs):
        return Verdict(True, "valid")
    return Verdict(False, "pairing check failed: the proof does not match these public inputs and key")


def verify(vk: VerifyingKey, public: Sequence[int], proof: Proof) -> Verdict:
    """Check a Groth16 proof; returns Verdict(ok, reason) and never raises for bad input."""
    try:
        return _check(vk, public, proof)
    except Exception as exc:  # a verdict, never a crash, whatever the caller hands us
        return Verdict(False, f"could not verify: {type(exc).__name__}: {exc}")


def parse_all(vk_text: str | bytes, public_text: str | bytes, proof_text: str | bytes
              ) -> tuple[VerifyingKey, list[int], Proof]:
    """Strictly parse the three snarkjs JSON files; raises MalformedInput or SetupRefused."""
    vk = parse_vk(load_json(vk_text, "verification_key"))
    public = parse_public(load_json(public_text, "public"))
    proof = parse_proof(load_json(proof_text, "proof"))
    return vk, public, proof


def verify_json(vk_text: str | bytes, public_text: str | bytes, proof_text: str | bytes) -> Verdict:
    """Verify from the contents of verification_key.json, public.json and proof.json."""
    try:
        vk, public, proof = parse_all(vk_text, public_text, proof_text)
    except ZkError as exc:
        return Verdict(False, f"malformed input: {exc}")
    except Exception as exc:
        return Verdict(False, f"malformed input: {type(exc).__name__}: {exc}")
    return verify(vk, public, proof)
