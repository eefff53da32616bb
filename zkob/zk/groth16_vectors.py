"""Groth16 verification vectors (Wycheproof layout, STYLE.md rule 14): a key, proofs, verdicts.

One small circuit, x^3 + x + 5 = y with y public (wires: 1 y, 2 x, 3 x^2,
4 x^3), keys from a seeded development setup and proofs with seeded r, s,
so ``build()`` is deterministic and ``zkob vectors`` regenerates
vectors/groth16.json byte for byte. Every case is snarkjs JSON (the
verification key once, then public.json and proof.json per case) with the
verdict a strict verifier must reach (docs/protocol.md section 7). The expected
results are fixed by construction, not by asking our verifier; a test
checks our verifier agrees and snarkjs agrees on the cases it checks.
"""

from __future__ import annotations

from typing import Any

import copy
import random

from .backends.pure import PureBackend
from .curve import g1_neg, g2_neg
from .field import Q, R
from .formats.snarkjs_json import proof_to_json, public_to_json, vk_to_json
from .groth16.data import Proof
from .groth16.prove import prove
from .groth16.setup import setup
from .r1cs import R1CS, Constraint

SEED = 20261125


def cubic() -> R1CS:
    """x^3 + x + 5 = y, y public."""
    return R1CS(n_wires=5, n_public=1, constraints=[
        Constraint({2: 1}, {2: 1}, {3: 1}, "x_squared"),
        Constraint({3: 1}, {2: 1}, {4: 1}, "x_cubed"),
        Constraint({4: 1, 2: 1, 0: 5}, {0: 1}, {1: 1}, "sum_is_y"),
    ])


def witness(x: int) -> list[int]:
    x2, x3 = x * x % R, x * x * x % R
    return [1, (x3 + x + 5) % R, x, x2, x3]


def build() -> dict[str, Any]:
    backend = PureBackend()
    r1cs = cubic()
    pk, vk = setup(r1cs, random.Random(SEED), backend=backend)
    w3, w4 = witness(3), witness(4)
    proof = prove(pk, r1cs, w3, random.Random(SEED + 1), backend=backend)
    again = prove(pk, r1cs, w3, random.Random(SEED + 2), backend=backend)
    other = prove(pk, r1cs, w4, random.Random(SEED + 3), backend=backend)
    y = w3[1]
    good = proof_to_json(proof)

    def edit(path: tuple[str | int, ...], value: object) -> dict[str, Any]:
        out = copy.deepcopy(good)
        target: Any = out
        for key in path[:-1]:
            target = target[key]
        target[path[-1]] = value
        return out

    assert proof.a is not None
    ax, ay = proof.a
    cases: list[tuple[str, list[Any], dict[str, Any], str, list[str]]] = [
        ("honest proof", [y], good, "valid", []),
        ("another honest proof of the same statement (fresh r, s)", [y], proof_to_json(again), "valid", []),
        ("malleated (-A, -B, C): still valid; replays must key on public inputs",
         [y], proof_to_json(Proof(a=g1_neg(proof.a), b=g2_neg(proof.b), c=proof.c)), "valid", ["Malleable"]),
        ("public input y + 1", [y + 1], good, "invalid", ["WrongPublicInput"]),
        ("proof of another statement (x = 4)", [y], proof_to_json(other), "invalid", ["WrongPublicInput"]),
        ("C replaced by A", [y], edit(("pi_c",), good["pi_a"]), "invalid", ["PairingFails"]),
        ("public input y + r (equal to y mod r)", [y + R], good, "invalid", ["NonCanonicalPublic"]),
        ("public input in hex", [hex(y)], good, "invalid", ["NonCanonicalPublic"]),
        ("public input with a leading zero", ["0" + str(y)], good, "invalid", ["NonCanonicalPublic"]),
        ("two public inputs for nPublic = 1", [y, 0], good, "invalid", ["WrongPublicCount"]),
        ("no public inputs for nPublic = 1", [], good, "invalid", ["WrongPublicCount"]),
        ("pi_a.x + q (equal to x mod q)", [y], edit(("pi_a", 0), str(ax + Q)), "invalid", ["NonCanonicalCoordinate"]),
        ("pi_a with z = 2 and x, y scaled to stay the same point", [y],
         edit(("pi_a",), [str(ax * 4 % Q), str(ay * 8 % Q), "2"]), "invalid", ["NonCanonicalCoordinate"]),
        ("pi_a off the curve (y + 1)", [y], edit(("pi_a", 1), str((ay + 1) % Q)), "invalid", ["PointNotOnCurve"]),
        ("pi_a is the point at infinity", [y], edit(("pi_a",), ["0", "1", "0"]), "invalid", ["IdentityPoint"]),
        ("pi_b in EVM order (c1, c0 swapped)", [y],
         edit(("pi_b",), [list(reversed(good["pi_b"][0])), list(reversed(good["pi_b"][1])), ["1", "0"]]),
         "invalid", ["PointNotOnCurve"]),
    ]
    tests = []
    for tc, (comment, public, proof_json, result, flags) in enumerate(cases, start=1):
        public_json = [p if isinstance(p, str) else str(p) for p in public]
        tests.append({"tcId": tc, "comment": comment, "public": public_json, "proof": proof_json,
                      "result": result, "flags": flags})
    return {
        "algorithm": "Groth16 verification, BN254 (snarkjs JSON, bn128)",
        "generator": "zkob.zk.groth16_vectors",
        "numberOfTests": len(tests),
        "notes": {
            "Malleable": "Groth16 proofs are malleable; a valid proof of an applied statement must be refused "
                         "as a replay by the statement, not by proof bytes",
            "WrongPublicInput": "the pairing equation fails for these public inputs",
            "PairingFails": "a tampered proof point; the pairing equation fails",
            "NonCanonicalPublic": "public inputs are canonical decimal strings below r (snarkjs accepts some of these)",
            "WrongPublicCount": "the number of public inputs must equal nPublic (snarkjs does not check it)",
            "NonCanonicalCoordinate": "coordinates are canonical decimals below q and z is exactly \"1\" "
                                      "(snarkjs reduces x + q and accepts other z)",
            "PointNotOnCurve": "a proof point off its curve (or G2 point outside the r-torsion subgroup)",
            "IdentityPoint": "the point at infinity is refused in proofs",
        },
        "circuit": "x^3 + x + 5 = y with y public; wires [1, y, x, x^2, x^3]",
        "testGroups": [{
            "type": "Groth16Verify",
            "verificationKey": vk_to_json(vk),
            "tests": tests,
        }],
    }
