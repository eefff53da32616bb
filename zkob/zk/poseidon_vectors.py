"""Poseidon test vectors for other implementations (Wycheproof layout, STYLE.md rule 14).

``build()`` is deterministic (a fixed seed), so ``zkob vectors`` regenerates
vectors/poseidon.json byte for byte and a test fails on any change. Valid
cases cover every width 1..16 with small, random and extreme (r - 1)
inputs; invalid cases are inputs a strict implementation must refuse
rather than reduce: values >= r and arities outside 1..16.
"""

from __future__ import annotations

from typing import Any

import random

from .field import R
from .poseidon import MAX_INPUTS, poseidon

SEED = 20261125


def build() -> dict[str, Any]:
    rng = random.Random(SEED)
    groups = []
    tc = 0
    for n in range(1, MAX_INPUTS + 1):
        tests = []
        cases = [
            ("small consecutive integers", list(range(1, n + 1))),
            ("all zero", [0] * n),
            ("all r - 1", [R - 1] * n),
            ("random field elements", [rng.randrange(R) for _ in range(n)]),
            ("random field elements", [rng.randrange(R) for _ in range(n)]),
        ]
        for comment, inputs in cases:
            tc += 1
            tests.append({
                "tcId": tc, "comment": comment, "inputs": [str(x) for x in inputs],
                "output": str(poseidon(inputs)), "result": "valid", "flags": [],
            })
        groups.append({"type": "PoseidonHash", "nInputs": n, "tests": tests})
    invalid = []
    for comment, inputs, flag in [
        ("input equal to r", [R, 1], "NonCanonicalInput"),
        ("input r + 1 (would alias 1 if reduced)", [R + 1, 2], "NonCanonicalInput"),
        ("input 2^256 - 1", [(1 << 256) - 1], "NonCanonicalInput"),
        ("no inputs", [], "BadArity"),
        ("17 inputs", list(range(1, 18)), "BadArity"),
    ]:
        tc += 1
        invalid.append({
            "tcId": tc, "comment": comment, "inputs": [str(x) for x in inputs],
            "output": None, "result": "invalid", "flags": [flag],
        })
    groups.append({"type": "PoseidonHash", "nInputs": None, "tests": invalid})
    return {
        "algorithm": "Poseidon (circomlib parameters, BN254 scalar field)",
        "generator": "zkob.zk.poseidon_vectors",
        "numberOfTests": tc,
        "notes": {
            "NonCanonicalInput": "an input is not below r; reducing it mod r would give a collision, so it must be refused",
            "BadArity": "circomlib's Poseidon is defined for 1..16 inputs",
        },
        "testGroups": groups,
    }
