"""The Groth16 objects a verifier needs: the verifying key, the proof, and the key-safety rule.

Symbols (Groth16 paper -> code): [alpha]_1 ``alpha1``, [beta]_2 ``beta2``,
[gamma]_2 ``gamma2``, [delta]_2 ``delta2``, [IC_i]_1 =
[(beta u_i(tau) + alpha v_i(tau) + w_i(tau)) / gamma]_1 ``ic[i]``; a proof
is (A, B, C) = ``a``, ``b``, ``c``. Points are the plain-int affine tuples
of zk/curve.py (None is infinity). The proving key lives with its file
format in keys.py; snarkjs JSON for both lives in zk/formats.

``vk_problem`` is the key-safety check of docs/protocol.md section 7: a key that
would let anyone forge proofs is refused by setup, by every loader and by
the verifier. Imports only zk/curve.py (py_ecc), so light clients can
vendor it.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..curve import G1, G2, G2_GEN, g1_neg, g2_neg


@dataclass(frozen=True)
class VerifyingKey:
    """Groth16 verifying key: [alpha]_1, [beta]_2, [gamma]_2, [delta]_2 and IC_0..IC_n in G1."""

    alpha1: G1
    beta2: G2
    gamma2: G2
    delta2: G2
    ic: tuple[G1, ...]

    @property
    def n_public(self) -> int:
        return len(self.ic) - 1


@dataclass(frozen=True)
class Proof:
    """A Groth16 proof (A in G1, B in G2, C in G1)."""

    a: G1
    b: G2
    c: G1


def vk_problem(vk: VerifyingKey) -> str | None:
    """Why anyone could forge proofs under this key, or None. Cheap: negations only, O(len(IC)).

    gamma = k * delta with a k the forger knows lets A = alpha, B = beta,
    C = -k IC(x) verify for every x: k = 1 and k = -1 are refused here.
    Equal (opposite) points IC_i, IC_j let a proof of x serve x + t (e_i -
    e_j) (x + t (e_i + e_j)) for any t. delta = the G2 generator is the
    unfinished snarkjs phase-2 key. These checks catch keys that anyone can
    forge with; they cannot catch a dishonest ceremony: whoever knows the
    trapdoor (tau, alpha, beta, gamma, delta) forges under a key that passes
    every check here. Only a multi-party ceremony with a verified transcript
    addresses that.
    """
    if vk.gamma2 == vk.delta2:
        return "gamma equals delta (anyone could forge proofs)"
    if vk.delta2 == G2_GEN:
        return "delta is the G2 generator (anyone could forge proofs)"
    if vk.gamma2 is None or vk.delta2 is None or vk.beta2 is None or vk.alpha1 is None:
        return "identity point in alpha, beta, gamma or delta"
    if vk.gamma2 == g2_neg(vk.delta2):
        return "gamma is minus delta (anyone could forge proofs)"
    if any(p is None for p in vk.ic):
        return "identity point in IC"
    seen: set[G1] = set()
    for p in vk.ic:
        if p in seen:
            return "repeated IC points (a proof would serve other public inputs)"
        if g1_neg(p) in seen:
            return "opposite IC points, IC_i = -IC_j (a proof would serve other public inputs)"
        seen.add(p)
    return None
