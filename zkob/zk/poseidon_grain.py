"""Regenerate circomlib's Poseidon constants by the published procedure.

The Poseidon paper's reference script (generate_parameters_grain) seeds an
80-bit Grain LFSR with the instance description (field = 1 for a prime
field, S-box = 0 for x^alpha, n = 254, t, R_F = 8, R_P) and draws from it
first the round constants (254-bit samples, rejected when >= r) and then a
Cauchy MDS matrix M[i][j] = 1 / (x_i + y_j) from 2t further samples reduced
mod r. This module reproduces that draw; it is slow in pure Python (about a
second for all widths) and only the data-regeneration test and
``python -m zkob.zk.poseidon_grain`` run it. ``poseidon_constants.json``
holds its output.
"""

from __future__ import annotations

from typing import Any

import hashlib
import json
from collections.abc import Iterator
from pathlib import Path

from .field import R

FULL_ROUNDS = 8
#: Partial rounds for t = 2..17 (circomlib's N_ROUNDS_P).
PARTIAL_ROUNDS = (56, 57, 56, 60, 60, 63, 64, 63, 60, 66, 60, 65, 70, 60, 64, 68)
WIDTHS = range(2, 18)
FIELD_BITS = 254

DATA_PATH = Path(__file__).with_name("data") / "poseidon_constants.json"


def partial_rounds(t: int) -> int:
    """R_P for state width ``t`` (inputs + 1)."""
    return PARTIAL_ROUNDS[t - 2]


def _bits(value: int, width: int) -> list[int]:
    return [(value >> (width - 1 - i)) & 1 for i in range(width)]


def grain_bits(t: int, r_f: int, r_p: int) -> Iterator[int]:
    """The self-shrinking Grain LFSR of the reference script, seeded for one instance."""
    state = (
        _bits(1, 2) + _bits(0, 4) + _bits(FIELD_BITS, 12) + _bits(t, 12)
        + _bits(r_f, 10) + _bits(r_p, 10) + [1] * 30
    )

    def step() -> int:
        bit = state[62] ^ state[51] ^ state[38] ^ state[23] ^ state[13] ^ state[0]
        state.pop(0)
        state.append(bit)
        return bit

    for _ in range(160):
        step()
    while True:
        first = step()
        while first == 0:  # self-shrinking: pairs (0, x) are dropped
            step()
            first = step()
        yield step()


def _sample(gen: Iterator[int], n: int) -> int:
    value = 0
    for _ in range(n):
        value = (value << 1) | next(gen)
    return value


def generate(t: int) -> tuple[list[int], list[list[int]]]:
    """Round constants (flattened, (R_F + R_P) * t of them) and the MDS matrix for width t."""
    r_p = partial_rounds(t)
    gen = grain_bits(t, FULL_ROUNDS, r_p)
    constants: list[int] = []
    while len(constants) < (FULL_ROUNDS + r_p) * t:
        value = _sample(gen, FIELD_BITS)
        if value < R:
            constants.append(value)
    while True:
        draws = [_sample(gen, FIELD_BITS) % R for _ in range(2 * t)]
        while len(set(draws)) != len(draws):
            draws = [_sample(gen, FIELD_BITS) % R for _ in range(2 * t)]
        xs, ys = draws[:t], draws[t:]
        if all((x + y) % R for x in xs for y in ys):
            break
    mds = [[pow(x + y, -1, R) for y in ys] for x in xs]
    return constants, mds


def generate_all() -> dict[str, Any]:
    """The whole table as JSON-ready data: {"t": {"C": [...], "M": [[...]]}} for t = 2..17."""
    table: dict[str, dict[str, Any]] = {}
    for t in WIDTHS:
        constants, mds = generate(t)
        table[str(t)] = {
            "C": [str(c) for c in constants],
            "M": [[str(m) for m in row] for row in mds],
        }
    return {"field": str(R), "full_rounds": FULL_ROUNDS, "partial_rounds": list(PARTIAL_ROUNDS), "widths": table}


def serialize(table: dict[str, Any]) -> bytes:
    """Canonical bytes of the table (what DATA_PATH holds)."""
    return (json.dumps(table, indent=1, sort_keys=True) + "\n").encode()


def digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


if __name__ == "__main__":  # regenerate the shipped data
    DATA_PATH.write_bytes(serialize(generate_all()))
    print(DATA_PATH, digest(DATA_PATH.read_bytes()))
