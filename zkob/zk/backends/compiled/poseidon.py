"""Compiled Poseidon permutation over Fr (numba), for widths t = 2..17.

Same function as ``zkob.zk.poseidon.permute`` (circomlib's parameters),
computed in Montgomery form on 4 x 64-bit limb tuples with the ``fr_*``
kernels of _arith.py. The round constants and MDS matrices of every width
are read once from ``zkob.zk.poseidon.params`` and stored, in Montgomery
form, in two module-level tables that numba freezes into the compiled code
(cache=True keeps the machine code on disk; the tables are a pure function
of the shipped data, so a cached build can never see other constants).

Cost of one width-3 permutation (hash2): about 10 us on the benchmark
machine versus about 190 us in pure Python. Each MDS row is t wide 4x4
products summed in 9 limbs and reduced once (lazy reduction), and width
3's partial rounds use the sparse-matrix form of ``sparse_partial_rounds``
(2t - 1 products per round instead of t^2). Other widths run the dense
rounds on a (t, 4) array.

Entry points, taking and returning canonical limbs (x = l0 + l1 2^64 + ...):

* ``hash2_limbs(a0..a3, b0..b3)`` -> H(a, b) as 4 limbs (scalar arguments,
  so a call from Python allocates no array; about 1 us of dispatch);
* ``poseidon_rows(x)``: x of shape (n, 4), 1 <= n <= 16 -> H(x_1..x_n).

Inputs must be below r (the caller, zkob.zk.poseidon_fast, reduces them).
"""

from __future__ import annotations

import numpy as np
from numba import njit

from ... import poseidon as ref
from ...field import R
from ...poseidon_sparse import sparse_partial_rounds
from ._arith import ZERO, fr_add, fr_mul, fr_R2
from .params import limbs_of
from .wide import adc, mac, mul_lo, sbb

WIDTHS = range(2, ref.MAX_INPUTS + 2)


def _mont(v: int) -> tuple[int, ...]:
    return limbs_of(v * (1 << 256) % R)


def _tables() -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(C, M, offsets): all widths' constants in Montgomery limbs; offsets[t] = (c_start, m_start, R_P)."""
    cs, ms, offs = [], [], np.zeros((ref.MAX_INPUTS + 2, 3), dtype=np.int64)
    for t in WIDTHS:
        p = ref.params(t)
        offs[t] = (len(cs), len(ms), p.partial_rounds)
        cs += [_mont(c) for c in p.C]
        ms += [_mont(m) for row in p.M for m in row]
    return np.array(cs, dtype=np.uint64), np.array(ms, dtype=np.uint64), offs


C_TAB, M_TAB, OFFSETS = _tables()


def _plan3() -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Width 3's sparse partial rounds in Montgomery limbs: c~ (R_P, 3, 4), row0 (R_P, 3, 4), v^ (R_P, 2, 4), T^ (2, 2, 4)."""
    rounds, tm = sparse_partial_rounds(3)
    arr = lambda rows: np.array([[_mont(v) for v in row] for row in rows], dtype=np.uint64)  # noqa: E731
    return (arr([r[0] for r in rounds]), arr([r[1] for r in rounds]), arr([r[2] for r in rounds]),
            arr([row[1:] for row in tm[1:]]))


P3_C, P3_ROW, P3_V, P3_T = _plan3()
FULL_ROUNDS = 8
N0_INV = np.uint64(0xc2e1f593efffffff)  # -r^-1 mod 2^64
P0, P1, P2, P3 = (np.uint64(v) for v in limbs_of(R))
ONE_CANON = (np.uint64(1), ZERO, ZERO, ZERO)


@njit(cache=True, inline="always")
def _sbox(x):
    x2 = fr_mul(x, x)
    return fr_mul(fr_mul(x2, x2), x)


@njit(cache=True, inline="always")
def _c(k):
    return (C_TAB[k, 0], C_TAB[k, 1], C_TAB[k, 2], C_TAB[k, 3])


@njit(cache=True, nogil=True)
def _mds_row(state, t, m0):
    """sum_j M[m0 + j] * state[j]: t wide products summed in 9 limbs (< 17 r^2), one reduction."""
    w = (ZERO, ZERO, ZERO, ZERO, ZERO, ZERO, ZERO, ZERO)
    top = ZERO
    for j in range(t):
        w, top = _add8(w, _wide(_m(m0 + j), (state[j, 0], state[j, 1], state[j, 2], state[j, 3])), top)
    return _redc(w[0], w[1], w[2], w[3], w[4], w[5], w[6], w[7], top)


@njit(cache=True, nogil=True)
def _permute(state, t):
    """The permutation of width t on ``state`` (t, 4) in Montgomery form, in place."""
    c0, m0, rp = OFFSETS[t, 0], OFFSETS[t, 1], OFFSETS[t, 2]
    half = FULL_ROUNDS // 2
    nxt = np.empty_like(state)
    for rnd in range(FULL_ROUNDS + rp):
        base = c0 + rnd * t
        full = rnd < half or rnd >= half + rp
        for i in range(t):
            x = fr_add((state[i, 0], state[i, 1], state[i, 2], state[i, 3]), _c(base + i))
            if full or i == 0:
                x = _sbox(x)
            state[i, 0], state[i, 1], state[i, 2], state[i, 3] = x
        for i in range(t):
            nxt[i, 0], nxt[i, 1], nxt[i, 2], nxt[i, 3] = _mds_row(state, t, m0 + i * t)
        state[:, :] = nxt


@njit(cache=True, nogil=True)
def poseidon_rows(x):
    """H(x_1..x_n) for canonical rows x of shape (n, 4); returns 4 canonical limbs."""
    n = x.shape[0]
    state = np.zeros((n + 1, 4), dtype=np.uint64)
    for i in range(n):
        state[i + 1, 0], state[i + 1, 1], state[i + 1, 2], state[i + 1, 3] = fr_mul(
            (x[i, 0], x[i, 1], x[i, 2], x[i, 3]), fr_R2)
    _permute(state, n + 1)
    return fr_mul((state[0, 0], state[0, 1], state[0, 2], state[0, 3]), ONE_CANON)


@njit(cache=True, inline="always")
def _m(k):
    return (M_TAB[k, 0], M_TAB[k, 1], M_TAB[k, 2], M_TAB[k, 3])


@njit(cache=True, inline="always")
def _below_r(a0, a1, a2, a3):
    if a3 != P3:
        return a3 < P3
    if a2 != P2:
        return a2 < P2
    if a1 != P1:
        return a1 < P1
    return a0 < P0


@njit(cache=True, inline="always")
def _redc_step(w0, w1, w2, w3, w4):
    """Add m r to (w0..w4), m chosen so the low limb vanishes; returns (w1..w4, carry out)."""
    m = mul_lo(w0, N0_INV)
    h, _ = mac(w0, m, P0, ZERO)
    h, x1 = mac(w1, m, P1, h)
    h, x2 = mac(w2, m, P2, h)
    h, x3 = mac(w3, m, P3, h)
    c, x4 = adc(w4, h, ZERO)
    return x1, x2, x3, x4, c


@njit(cache=True, inline="always")
def _redc(w0, w1, w2, w3, w4, w5, w6, w7, w8):
    """W / 2^256 mod r, fully reduced, for a 9-limb W < 17 r^2 (the quotient is then below 5r)."""
    w1, w2, w3, w4, c = _redc_step(w0, w1, w2, w3, w4)
    c, w5 = adc(w5, ZERO, c)
    c, w6 = adc(w6, ZERO, c)
    c, w7 = adc(w7, ZERO, c)
    w8 += c
    w2, w3, w4, w5, c = _redc_step(w1, w2, w3, w4, w5)
    c, w6 = adc(w6, ZERO, c)
    c, w7 = adc(w7, ZERO, c)
    w8 += c
    w3, w4, w5, w6, c = _redc_step(w2, w3, w4, w5, w6)
    c, w7 = adc(w7, ZERO, c)
    w8 += c
    w4, w5, w6, w7, c = _redc_step(w3, w4, w5, w6, w7)
    w8 += c
    while w8 != ZERO or not _below_r(w4, w5, w6, w7):  # at most once for W < 4 r^2, 4 times for 17 r^2
        b, w4 = sbb(w4, P0, ZERO)
        b, w5 = sbb(w5, P1, b)
        b, w6 = sbb(w6, P2, b)
        b, w7 = sbb(w7, P3, b)
        w8 -= b
    return (w4, w5, w6, w7)


@njit(cache=True, inline="always")
def _wide(a, b):
    """The 8-limb product a * b (schoolbook, 16 wide products, no reduction)."""
    a0, a1, a2, a3 = a
    b0, b1, b2, b3 = b
    h, w0 = mac(ZERO, a0, b0, ZERO)
    h, w1 = mac(ZERO, a1, b0, h)
    h, w2 = mac(ZERO, a2, b0, h)
    h, w3 = mac(ZERO, a3, b0, h)
    w4 = h
    h, w1 = mac(w1, a0, b1, ZERO)
    h, w2 = mac(w2, a1, b1, h)
    h, w3 = mac(w3, a2, b1, h)
    h, w4 = mac(w4, a3, b1, h)
    w5 = h
    h, w2 = mac(w2, a0, b2, ZERO)
    h, w3 = mac(w3, a1, b2, h)
    h, w4 = mac(w4, a2, b2, h)
    h, w5 = mac(w5, a3, b2, h)
    w6 = h
    h, w3 = mac(w3, a0, b3, ZERO)
    h, w4 = mac(w4, a1, b3, h)
    h, w5 = mac(w5, a2, b3, h)
    h, w6 = mac(w6, a3, b3, h)
    return w0, w1, w2, w3, w4, w5, w6, h


@njit(cache=True, inline="always")
def _add8(x, y, top):
    """x + y for 8-limb x, y: the 8 low limbs and top plus the carry out."""
    c, s0 = adc(x[0], y[0], ZERO)
    c, s1 = adc(x[1], y[1], c)
    c, s2 = adc(x[2], y[2], c)
    c, s3 = adc(x[3], y[3], c)
    c, s4 = adc(x[4], y[4], c)
    c, s5 = adc(x[5], y[5], c)
    c, s6 = adc(x[6], y[6], c)
    c, s7 = adc(x[7], y[7], c)
    return (s0, s1, s2, s3, s4, s5, s6, s7), top + c


@njit(cache=True, inline="always")
def _dot3(m0, m1, m2, a, b, c):
    """m0 a + m1 b + m2 c with one reduction: 3 x 16 + 20 wide products instead of 3 x 32."""
    w, top = _add8(_wide(m0, a), _wide(m1, b), ZERO)
    w, top = _add8(w, _wide(m2, c), top)
    return _redc(w[0], w[1], w[2], w[3], w[4], w[5], w[6], w[7], top)


@njit(cache=True, inline="always")
def _get(tab, i, j):
    return (tab[i, j, 0], tab[i, j, 1], tab[i, j, 2], tab[i, j, 3])


@njit(cache=True, inline="always")
def _full3(a, b, c, k, m00, m01, m02, m10, m11, m12, m20, m21, m22):
    a = _sbox(fr_add(a, _c(k)))
    b = _sbox(fr_add(b, _c(k + 1)))
    c = _sbox(fr_add(c, _c(k + 2)))
    return _dot3(m00, m01, m02, a, b, c), _dot3(m10, m11, m12, a, b, c), _dot3(m20, m21, m22, a, b, c)


@njit(cache=True, nogil=True)
def _permute3(a, b, c):
    """The width-3 permutation on Montgomery tuples (a, b, c); partial rounds in sparse form (P3_*)."""
    c0, m0, rp = OFFSETS[3, 0], OFFSETS[3, 1], OFFSETS[3, 2]
    m00, m01, m02 = _m(m0), _m(m0 + 1), _m(m0 + 2)
    m10, m11, m12 = _m(m0 + 3), _m(m0 + 4), _m(m0 + 5)
    m20, m21, m22 = _m(m0 + 6), _m(m0 + 7), _m(m0 + 8)
    half = FULL_ROUNDS // 2
    for rnd in range(half):
        a, b, c = _full3(a, b, c, c0 + 3 * rnd, m00, m01, m02, m10, m11, m12, m20, m21, m22)
    for i in range(rp):
        a = _sbox(fr_add(a, _get(P3_C, i, 0)))
        b = fr_add(b, _get(P3_C, i, 1))
        c = fr_add(c, _get(P3_C, i, 2))
        a, b, c = (_dot3(_get(P3_ROW, i, 0), _get(P3_ROW, i, 1), _get(P3_ROW, i, 2), a, b, c),
                   fr_add(b, fr_mul(_get(P3_V, i, 0), a)), fr_add(c, fr_mul(_get(P3_V, i, 1), a)))
    b, c = (fr_add(fr_mul(_get(P3_T, 0, 0), b), fr_mul(_get(P3_T, 0, 1), c)),
            fr_add(fr_mul(_get(P3_T, 1, 0), b), fr_mul(_get(P3_T, 1, 1), c)))
    for rnd in range(half + rp, FULL_ROUNDS + rp):
        a, b, c = _full3(a, b, c, c0 + 3 * rnd, m00, m01, m02, m10, m11, m12, m20, m21, m22)
    return a


_U = "uint64"
_HASH2_SIG = f"UniTuple({_U}, 4)({', '.join([_U] * 8)})"


@njit(_HASH2_SIG, cache=True)
def hash2_limbs(a0, a1, a2, a3, b0, b1, b2, b3):
    """H(a, b) for canonical limbs; returns 4 canonical limbs."""
    zero = (ZERO, ZERO, ZERO, ZERO)
    out = _permute3(zero, fr_mul((a0, a1, a2, a3), fr_R2), fr_mul((b0, b1, b2, b3), fr_R2))
    return fr_mul(out, ONE_CANON)
