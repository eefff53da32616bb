"""Point tables straight from key bytes: numpy.frombuffer, then compiled checks.

Proving keys keep their queries as raw little-endian coordinates (keys.py:
x||y per G1 point, x0||x1||y0||y1 per G2 point, all zeros = infinity). This
turns them into Montgomery tables without creating a Python int per
coordinate, and refuses a coordinate >= q or a point off its curve, since
the MSM would otherwise return garbage silently. Cost: one Montgomery
conversion per coordinate and about 4 multiplications per point.
"""

from __future__ import annotations

import numpy as np
from numba import njit

from ...errors import MalformedInput
from . import _arith
from .params import FQ, LIMBS, limbs_of
from .curve import coord_at
from .ops import fadd, feq, fis_zero, fmul, fsqr

_Q_LIMBS = np.array(limbs_of(FQ.modulus), dtype=np.uint64)


def _mont_tuple(value: int) -> tuple[int, ...]:
    return tuple(np.uint64(v) for v in limbs_of(value * FQ.r_mod % FQ.modulus))


G1_B = _mont_tuple(3)
# twist b' = 3 / (9 + u) = 3 (9 - u) / 82 in Fq2
_INV82 = pow(82, -1, FQ.modulus)
G2_B = (_mont_tuple(27 * _INV82 % FQ.modulus), _mont_tuple((-3 * _INV82) % FQ.modulus))


@njit(cache=True, nogil=True)
def rows_below(x, bound):
    """Index of the first row of x (n, limbs) that is >= bound, or -1."""
    for i in range(x.shape[0]):
        for k in range(x.shape[1] - 1, -1, -1):
            if x[i, k] != bound[k]:
                if x[i, k] > bound[k]:
                    return i
                break
        else:
            return i
    return -1


@njit(cache=True, nogil=True)
def check_curve(table, b, infinity):
    """Mark infinity (all-zero) rows; return 1 + index of the first row off the curve, or 0."""
    n = table.shape[0]
    first = 0
    for i in range(n):
        x = coord_at(table, i, 0)
        y = coord_at(table, i, 1)
        if fis_zero(x) and fis_zero(y):
            infinity[i] = True
        elif first == 0 and not feq(fsqr(y), fadd(fmul(fsqr(x), x), b)):
            first = i + 1
    return first


def table_from_bytes(raw: bytes, coords: int, what: str):
    """(Montgomery table, infinity mask) from key bytes with ``coords`` Fq coordinates per point."""
    width = 32 * coords
    if len(raw) % width:
        raise MalformedInput(what, "length is not a whole number of points")
    n = len(raw) // width
    flat = np.frombuffer(raw, dtype="<u8").astype(np.uint64).reshape(n * coords, LIMBS)
    first = rows_below(flat, _Q_LIMBS)
    if first >= 0:
        raise MalformedInput(f"{what}[{first // coords}]", "coordinate is not below q")
    shape = (n, 2, LIMBS) if coords == 2 else (n, 2, 2, LIMBS)
    mont = _arith.fq_rows_to_mont(flat).reshape(shape)
    infinity = np.zeros(n, dtype=np.bool_)
    if n:
        off = check_curve(mont, G1_B if coords == 2 else G2_B, infinity)
        if off:
            raise MalformedInput(f"{what}[{off - 1}]", "point is not on the curve")
    return mont, infinity
