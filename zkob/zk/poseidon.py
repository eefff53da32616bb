"""Poseidon hash with circomlib's parameters (DESIGN.md section 2).

``poseidon([x1, ..., xn])`` for 1 <= n <= 16 reproduces circomlibjs's
``poseidon``: state [0, x1..xn], 8 full rounds split 4/4 around R_P partial
rounds, S-box x^5, round constants and Cauchy MDS matrices from the Grain
LFSR procedure (poseidon_grain.py regenerates the shipped data).

Cost in pure Python: about (8t + R_P) S-boxes and (8 + R_P) t^2
multiplications mod r, roughly 0.1 ms for two inputs.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

from .errors import MalformedInput
from .field import R
from .poseidon_grain import DATA_PATH, FULL_ROUNDS, partial_rounds

MAX_INPUTS = 16


@dataclass(frozen=True)
class PoseidonParams:
    """Constants of one width t: ``C`` has (R_F + R_P) * t entries, ``M`` is t x t."""

    t: int
    full_rounds: int
    partial_rounds: int
    C: tuple[int, ...]
    M: tuple[tuple[int, ...], ...]


@lru_cache(maxsize=None)
def _table() -> dict:
    return json.loads(DATA_PATH.read_text())["widths"]


@lru_cache(maxsize=None)
def params(t: int) -> PoseidonParams:
    """Parameters for state width ``t`` = inputs + 1 (2..17), read once from the data file."""
    if not 2 <= t <= MAX_INPUTS + 1:
        raise ValueError(f"Poseidon width must be in 2..{MAX_INPUTS + 1}, got {t}")
    entry = _table()[str(t)]
    return PoseidonParams(
        t=t,
        full_rounds=FULL_ROUNDS,
        partial_rounds=partial_rounds(t),
        C=tuple(int(c) for c in entry["C"]),
        M=tuple(tuple(int(m) for m in row) for row in entry["M"]),
    )


def permute(state: Sequence[int], p: PoseidonParams) -> list[int]:
    """The Poseidon permutation on a full state of width p.t (no input checks)."""
    t = p.t
    s = list(state)
    C, M = p.C, p.M
    half = p.full_rounds // 2
    rounds = p.full_rounds + p.partial_rounds
    for rnd in range(rounds):
        base = rnd * t
        s = [(s[i] + C[base + i]) % R for i in range(t)]
        if rnd < half or rnd >= half + p.partial_rounds:
            s = [pow(x, 5, R) for x in s]
        else:
            s[0] = pow(s[0], 5, R)
        s = [sum(row[j] * s[j] for j in range(t)) % R for row in M]
    return s


def poseidon(inputs: Sequence[int]) -> int:
    """H(x1..xn) of DESIGN.md section 2; inputs must be field elements, 1 <= n <= 16."""
    n = len(inputs)
    if not 1 <= n <= MAX_INPUTS:
        raise MalformedInput("poseidon.inputs", f"expected 1..{MAX_INPUTS} inputs, got {n}")
    for i, x in enumerate(inputs):
        if isinstance(x, bool) or not isinstance(x, int) or not 0 <= x < R:
            raise MalformedInput(f"poseidon.inputs[{i}]", "not a field element in [0, r)")
    return permute([0, *inputs], params(n + 1))[0]


def hash2(left: int, right: int) -> int:
    """H(left, right) without input validation, for Merkle trees on trusted field elements."""
    return permute([0, left, right], params(3))[0]
