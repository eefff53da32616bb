"""Many scalar multiples of one fixed point ([s_i] G for setup and test keys), plus batch normalisation.

A table holds d * 2^(c w) * G for every window w and 1 <= d <= 2^(c-1)
(signed digits halve it); each scalar then costs at most nwin mixed
additions and no doublings, and scalars run in parallel. Results leave
Jacobian form with one shared inversion (Montgomery's trick over the Z's).
Cost: about 2^(c-1) * nwin additions for the table, 254/c madds per scalar.
"""

from __future__ import annotations

import numpy as np
from numba import njit, prange

from .curve import coord_at, coord_put, jac_add_affine, jac_double, jac_infinity, jac_to_affine, store_jac
from .msm import SCALAR_BITS, signed_digits
from .ops import finv, fis_zero, fmul, fneg, fone, fsqr, fzero

WINDOW = 8


@njit(cache=True, nogil=True)
def batch_to_affine(jac, out, infinity):
    """Affine (x, y) of every Jacobian row of ``jac`` into ``out``; marks infinity. One inversion in all."""
    n = jac.shape[0]
    prefix = np.empty_like(jac)  # prefix[i, 2] = product of the non-zero Z's before row i
    acc = fone(coord_at(jac, 0, 2))
    for i in range(n):
        coord_put(prefix, i, 2, acc)
        z = coord_at(jac, i, 2)
        if not fis_zero(z):
            acc = fmul(acc, z)
    inv = finv(acc)
    for i in range(n - 1, -1, -1):
        z = coord_at(jac, i, 2)
        if fis_zero(z):
            infinity[i] = True
            coord_put(out, i, 0, fzero(z))
            coord_put(out, i, 1, fzero(z))
            continue
        zi = fmul(coord_at(prefix, i, 2), inv)
        inv = fmul(inv, z)
        zi2 = fsqr(zi)
        coord_put(out, i, 0, fmul(coord_at(jac, i, 0), zi2))
        coord_put(out, i, 1, fmul(coord_at(jac, i, 1), fmul(zi2, zi)))


@njit(cache=True, nogil=True)
def window_table(base, c, nwin, jac):
    """jac[w * half + d - 1] = d * 2^(c w) * base (Jacobian) for 1 <= d <= half = 2^(c-1)."""
    half = 1 << (c - 1)
    x = coord_at(base, 0, 0)
    y = coord_at(base, 0, 1)
    for w in range(nwin):
        acc = jac_infinity(x)
        for d in range(1, half + 1):
            acc = jac_add_affine(acc, x, y)
            store_jac(jac, w * half + d - 1, acc)
        x, y, _inf = jac_to_affine(jac_double(acc))  # 2^c * (this window's base)


@njit(cache=True, nogil=True, parallel=True)
def mul_many(table, digits, half, out):
    """out[i] = sum_w digits[w, i] * table entry (Jacobian), scalars in parallel."""
    nwin = digits.shape[0]
    for i in prange(digits.shape[1]):
        acc = jac_infinity(coord_at(table, 0, 0))  # (built inside: prange cannot share nested tuples)
        for w in range(nwin):
            d = digits[w, i]
            if d == 0:
                continue
            k = w * half + (d if d > 0 else -d) - 1
            y = coord_at(table, k, 1)
            acc = jac_add_affine(acc, coord_at(table, k, 0), y if d > 0 else fneg(y))
        store_jac(out, i, acc)


def fixed_base_many(base: np.ndarray, scalars: np.ndarray, c: int = WINDOW) -> tuple[np.ndarray, np.ndarray]:
    """[s_i] base for canonical scalar limbs (n, 4) and an affine Montgomery base (1, 2, ...).

    Returns (affine Montgomery array (n, 2, ...), infinity mask). The base must be finite.
    """
    n = scalars.shape[0]
    tail = base.shape[2:]
    nwin = SCALAR_BITS // c + 1
    half = 1 << (c - 1)
    jac = np.zeros((nwin * half, 3) + tail, np.uint64)
    window_table(base, c, nwin, jac)
    table = np.zeros((nwin * half, 2) + tail, np.uint64)
    batch_to_affine(jac, table, np.zeros(nwin * half, np.bool_))
    out_jac = np.zeros((n, 3) + tail, np.uint64)
    if n:
        mul_many(table, signed_digits(scalars, c, nwin), half, out_jac)
    out = np.zeros((n, 2) + tail, np.uint64)
    infinity = np.zeros(n, np.bool_)
    if n:
        batch_to_affine(out_jac, out, infinity)
    return out, infinity
