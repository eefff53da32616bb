"""Sparse sums of points for .zkey setup, point scaling for phase 2, tables from LEM bytes.

snarkjs's files hold points as affine Montgomery coordinates, little
endian ("LEM"), which is exactly this engine's table layout: a section of
a .ptau or .zkey becomes an (n, 2, 4) or (n, 2, 2, 4) array with
``numpy.frombuffer`` and no conversion; results go back the same way.

``sparse_sums``: out_k = sum_e s_e * base[b_e] over output k's entries
(CSR: ptr, base index, scalar id). That is what ``zkey new`` computes for
every wire (A_i = sum_j A_ij L_j(tau) G and so on): millions of entries,
most with full-size coefficients (Poseidon's MDS constants), a handful of
entries per output. Coefficients repeat (a few thousand distinct values),
so each distinct scalar's signed 4-bit digits are computed once (a scalar
above r/2 is written as -(r - s), so -1 costs one addition), and each base
gets a table of its multiples 1..8 in affine form once. Every output then
runs Straus's interleaving: one chain of doublings, and per window one
mixed addition per entry with a non-zero digit. Outputs run in parallel.
Cost: about 60 mixed additions per full-size entry, 4 doublings per
window per output, and 8 table points per base (one shared inversion).

``scale``: every point times one scalar (a contribution multiplies the C
and H sections by 1/delta): per point a window table and 64 windows.
"""

from __future__ import annotations

import numpy as np
from numba import njit, prange

from ...errors import MalformedInput
from ...field import R
from .curve import coord_at, jac_add, jac_add_affine, jac_double, jac_infinity, load_jac, store_jac
from .affine_straus import add_affine_results, light_order, straus_affine
from .fixed_base import batch_to_affine
from .msm import SCALAR_BITS, signed_digits
from .ops import fneg
from .params import LIMBS, ints_to_limbs
from .tables import G1_B, G2_B, _Q_LIMBS, check_curve, rows_below

WINDOW = 4  # scale_points's window
HALF = 1 << (WINDOW - 1)
# sparse sums' window by coordinate count (G1, G2). 5 and 6 were measured too (order-book circuit at
# batch size 1, 2^16 rows): no gain beyond noise, while the table of multiples per base doubles each step.
SUM_WINDOW = {2: 4, 4: 4}
LIGHT_LIMIT = 64  # outputs with at most this many entries take the batch-affine path (affine_straus.py)


def lem_array(raw: bytes | memoryview, coords: int, what: str) -> tuple[np.ndarray, np.ndarray]:
    """(affine Montgomery array, infinity mask) of LEM points; MalformedInput when one is off its curve."""
    width = 32 * coords
    if len(raw) % width:
        raise MalformedInput(what, "length is not a whole number of points")
    n = len(raw) // width
    flat = np.frombuffer(raw, dtype="<u8").astype(np.uint64).reshape(n * coords, LIMBS)
    first = rows_below(flat, _Q_LIMBS)
    if first >= 0:
        raise MalformedInput(f"{what}[{first // coords}]", "coordinate is not below q")
    pts = flat.reshape((n, 2, LIMBS) if coords == 2 else (n, 2, 2, LIMBS))
    infinity = np.zeros(n, dtype=np.bool_)
    if n:
        off = check_curve(pts, G1_B if coords == 2 else G2_B, infinity)
        if off:
            raise MalformedInput(f"{what}[{off - 1}]", "point is not on the curve")
    return pts, infinity


def signed_scalar_digits(values: list[int], window: int = WINDOW) -> tuple[np.ndarray, np.ndarray]:
    """(digits (len, nwin) int8, top window per value) with s > r/2 written as -(r - s)."""
    nwin = SCALAR_BITS // window + 1
    if not values:
        return np.zeros((0, nwin), np.int8), np.zeros(0, np.int64)
    small = [v if v <= R // 2 else R - v for v in values]
    digits = signed_digits(ints_to_limbs(small, R), window, nwin).T.astype(np.int8)
    negative = np.array([v > R // 2 for v in values], dtype=np.bool_)
    digits[negative] = -digits[negative]
    nonzero = digits != 0
    top = np.where(nonzero.any(axis=1), nwin - 1 - np.argmax(nonzero[:, ::-1], axis=1), -1)
    return np.ascontiguousarray(digits), top.astype(np.int64)


@njit(cache=True, parallel=True)
def multiples(bases, infinity, half, jac):
    """jac[i * half + d - 1] = d * bases[i] (Jacobian) for d = 1..half; infinity stays all-zero."""
    for i in prange(bases.shape[0]):
        if infinity[i]:
            continue
        x = coord_at(bases, i, 0)
        y = coord_at(bases, i, 1)
        acc = jac_infinity(x)
        for d in range(half):
            acc = jac_add_affine(acc, x, y)
            store_jac(jac, i * half + d, acc)


@njit(cache=True, parallel=True)
def straus(table, table_inf, ptr, base_idx, vids, digits, tops, half, window, order, out):
    """out[k] += sum over k's entries of scalar * base for k in ``order``, interleaved signed windows."""
    for i in prange(order.shape[0]):
        k = order[i]
        lo = ptr[k]
        hi = ptr[k + 1]
        if lo == hi:
            continue
        top = -1
        for e in range(lo, hi):
            if tops[vids[e]] > top:
                top = tops[vids[e]]
        part = jac_infinity(coord_at(table, 0, 0))
        for w in range(top, -1, -1):
            if w != top:
                for _ in range(window):
                    part = jac_double(part)
            for e in range(lo, hi):
                d = digits[vids[e], w]
                if d == 0:
                    continue
                t = base_idx[e] * half + (d if d > 0 else -d) - 1
                if table_inf[t]:
                    continue
                y = coord_at(table, t, 1)
                part = jac_add_affine(part, coord_at(table, t, 0), y if d > 0 else fneg(y))
        store_jac(out, k, jac_add(load_jac(out, k), part))


def _multiples_table(pts: np.ndarray, inf: np.ndarray, half: int) -> tuple[np.ndarray, np.ndarray]:
    tail = pts.shape[2:]
    jac = np.zeros((pts.shape[0] * half, 3) + tail, np.uint64)
    if pts.shape[0]:
        multiples(pts, inf, half, jac)
    table = np.zeros((pts.shape[0] * half, 2) + tail, np.uint64)
    table_inf = np.zeros(pts.shape[0] * half, np.bool_)
    if pts.shape[0]:
        batch_to_affine(jac, table, table_inf)
    return table, table_inf


def new_accumulator(n_out: int, coords: int) -> np.ndarray:
    """Jacobian accumulators, all at infinity (Z = 0), for sparse_sums_into."""
    return np.zeros((n_out, 3) + ((LIMBS,) if coords == 2 else (2, LIMBS)), np.uint64)


def sparse_sums_into(acc: np.ndarray, bases: bytes | memoryview, coords: int, ptr: np.ndarray,
                     base_idx: np.ndarray, vids: np.ndarray, values: list[int], what: str) -> None:
    """acc[k] += sum_e values[vids[e]] * bases[base_idx[e]] for e in ptr[k]..ptr[k+1]-1 (bases LEM)."""
    window = SUM_WINDOW[coords]
    half = 1 << (window - 1)
    pts, inf = lem_array(bases, coords, what)
    table, table_inf = _multiples_table(pts, inf, half)
    digits, tops = signed_scalar_digits(values, window)
    if len(base_idx) and (base_idx.min() < 0 or base_idx.max() >= pts.shape[0]):
        raise ValueError("base index out of range")
    ptr, base_idx, vids = (np.ascontiguousarray(a, np.int64) for a in (ptr, base_idx, vids))
    light, heavy = light_order(ptr, LIGHT_LIMIT)
    if heavy.size:
        straus(table, table_inf, ptr, base_idx, vids, digits, tops, half, window, heavy, acc)
    if light.size:
        res = np.zeros((acc.shape[0], 2) + acc.shape[2:], np.uint64)
        res_inf = np.ones(acc.shape[0], np.bool_)
        straus_affine(table, table_inf, ptr, base_idx, vids, digits, tops, light, half, window, res, res_inf)
        add_affine_results(acc, res, res_inf, light)


def affine_lem(acc: np.ndarray) -> bytes:
    """LEM bytes of Jacobian accumulators (infinity as zeros), one shared inversion."""
    n = acc.shape[0]
    out = np.zeros((n, 2) + acc.shape[2:], np.uint64)
    if n:
        batch_to_affine(acc, out, np.zeros(n, np.bool_))
    return out.astype("<u8").tobytes()


@njit(cache=True, parallel=True)
def scale_points(pts, infinity, digits, top, out):
    """out[i] = s * pts[i] (Jacobian) with s given by its signed digits; infinity stays zero."""
    for i in prange(pts.shape[0]):
        if infinity[i]:
            continue
        x = coord_at(pts, i, 0)
        y = coord_at(pts, i, 1)
        mult = np.zeros((HALF, 3) + pts.shape[2:], np.uint64)
        acc = jac_infinity(x)
        for d in range(HALF):
            acc = jac_add_affine(acc, x, y)
            store_jac(mult, d, acc)
        acc = jac_infinity(x)
        for w in range(top, -1, -1):
            if w != top:
                for _ in range(WINDOW):
                    acc = jac_double(acc)
            d = digits[w]
            if d > 0:
                acc = jac_add(acc, load_jac(mult, d - 1))
            elif d < 0:
                m = load_jac(mult, -d - 1)
                acc = jac_add(acc, (m[0], fneg(m[1]), m[2]))
        store_jac(out, i, acc)


def scale_lem(raw: bytes | memoryview, coords: int, scalar: int, what: str) -> bytes:
    """Every LEM point of ``raw`` times ``scalar``, as LEM bytes (checks the input points)."""
    pts, inf = lem_array(raw, coords, what)
    digits, tops = signed_scalar_digits([scalar % R])
    acc = np.zeros((pts.shape[0], 3) + pts.shape[2:], np.uint64)
    if pts.shape[0] and tops[0] >= 0:
        scale_points(pts, inf, digits[0].astype(np.int64), int(tops[0]), acc)
    return affine_lem(acc)
