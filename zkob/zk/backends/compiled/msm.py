"""Pippenger multi-scalar multiplication on G1 and G2 (one code, two types).

Scalars are cut into ``nwin`` signed windows of c bits (digits in
[-2^(c-1), 2^(c-1)], so 2^(c-1) buckets per window and negation is free:
y -> -y). Each window sums its buckets with mixed Jacobian additions
(n additions), then reduces them with a running sum (2^c full additions);
windows run in parallel (prange) and are combined by Horner's rule
(c doublings per window). Cost about nwin/cores * (n madd + 2^c add).
"""

from __future__ import annotations

import numpy as np
from numba import njit, prange

from .curve import coord_at, jac_add, jac_add_affine, jac_double, jac_infinity, jac_to_affine, load_jac, \
    store_jac, coord_put
from .ops import fneg

SCALAR_BITS = 254
MADD_COST = 11.0  # field multiplications per mixed addition
ADD_COST = 16.0  # per full Jacobian addition


def window_bits(n: int, cores: int = 2) -> int:
    """The window size c minimising ceil(nwin/cores) * (n*madd + 2^c*add) for n scalars."""
    best, best_cost = 1, float("inf")
    for c in range(1, 21):
        nwin = SCALAR_BITS // c + 1
        rounds = -(-nwin // cores)
        cost = rounds * (n * MADD_COST + (1 << c) * ADD_COST) + nwin * c * 8.0
        if cost < best_cost:
            best, best_cost = c, cost
    return best


@njit(cache=True, parallel=True)
def signed_digits(s, c, nwin):
    """(nwin, n) int32 signed base-2^c digits of canonical scalars s (n, 4); sum d_w 2^(cw) = s."""
    n = s.shape[0]
    out = np.zeros((nwin, n), np.int32)
    half = 1 << (c - 1)
    full = 1 << c
    mask = np.uint64(full - 1)
    for i in prange(n):
        carry = 0
        for w in range(nwin):
            bit = w * c
            limb = bit // 64
            off = np.uint64(bit % 64)
            v = np.uint64(0)
            if limb < 4:
                v = s[i, limb] >> off
                if limb + 1 < 4 and bit % 64 + c > 64:
                    v = v | (s[i, limb + 1] << (np.uint64(64) - off))
            raw = np.int64(v & mask) + carry
            if raw > half:
                raw -= full
                carry = 1
            else:
                carry = 0
            out[w, i] = raw
    return out


@njit(cache=True)
def window_sum(table, digits, w, nb):
    """sum_d d * (sum of bases whose digit in window w is d), as a Jacobian point."""
    n = table.shape[0]
    buckets = np.zeros((nb, 3) + table.shape[2:], np.uint64)  # all-zero = infinity (Z = 0)
    for i in range(n):
        d = digits[w, i]
        if d == 0:
            continue
        x = coord_at(table, i, 0)
        y = coord_at(table, i, 1)
        if d < 0:
            y = fneg(y)
            d = -d
        store_jac(buckets, d - 1, jac_add_affine(load_jac(buckets, d - 1), x, y))
    running = jac_infinity(coord_at(table, 0, 0))
    total = running
    for k in range(nb - 1, -1, -1):
        running = jac_add(running, load_jac(buckets, k))
        total = jac_add(total, running)
    return total


@njit(cache=True, parallel=True)
def window_sums(table, digits, nb, out):
    """Fill out[w] with window w's sum, windows in parallel."""
    for w in prange(digits.shape[0]):
        store_jac(out, w, window_sum(table, digits, w, nb))


@njit(cache=True)
def combine_windows(sums, c, result):
    """Horner over windows; writes the affine sum into result[0] and returns True for infinity."""
    nwin = sums.shape[0]
    acc = load_jac(sums, nwin - 1)
    for w in range(nwin - 2, -1, -1):
        for _ in range(c):
            acc = jac_double(acc)
        acc = jac_add(acc, load_jac(sums, w))
    x, y, inf = jac_to_affine(acc)
    coord_put(result, 0, 0, x)
    coord_put(result, 0, 1, y)
    return inf


def msm(table: np.ndarray, scalars: np.ndarray, cores: int = 2) -> tuple[np.ndarray, bool]:
    """sum scalars[i] * table[i] for an affine Montgomery table and canonical scalar limbs.

    Rows of ``table`` that stand for infinity must have zero scalars (the
    caller zeroes them). Returns (affine Montgomery coordinates (1, 2, ...),
    is_infinity).
    """
    n = table.shape[0]
    result = np.zeros((1, 2) + table.shape[2:], np.uint64)
    if n == 0:
        return result, True
    c = window_bits(n, cores)
    nwin = SCALAR_BITS // c + 1
    digits = signed_digits(scalars, c, nwin)
    sums = np.zeros((nwin, 3) + table.shape[2:], np.uint64)
    window_sums(table, digits, 1 << (c - 1), sums)
    inf = combine_windows(sums, c, result)
    return result, bool(inf)
