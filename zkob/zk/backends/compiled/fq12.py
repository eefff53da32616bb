"""Fq6 and Fq12 for the BN254 pairing, on nested tuples of Montgomery Fq limbs.

Tower (the usual one for BN254, and the one py_ecc's FQ12 polynomial
w^12 - 18 w^6 + 82 encodes): Fq2 = Fq[u]/(u^2 + 1), Fq6 = Fq2[v]/(v^3 - xi)
with xi = 9 + u, Fq12 = Fq6[w]/(w^2 - v). An Fq6 element is a triple of Fq2
(c0 + c1 v + c2 v^2), an Fq12 a pair of Fq6 (c0 + c1 w). So the Fq2
coefficient at w^j is c0[j/2] for even j and c1[(j-1)/2] for odd j.

Costs (Fq multiplications): Fq6 mul 18 (Karatsuba over Fq2), Fq12 mul 54,
Fq12 squaring 36 (complex method), Fq12 inverse one Fq inversion plus ~100.
Frobenius x -> x^q multiplies the conjugated Fq2 coefficient at w^j by
xi^(j(q-1)/6); the six constants are computed here from Q at import.
"""

from __future__ import annotations

import numpy as np
from numba import njit

from ...field import Q
from ._arith import fq_add, fq_dbl, fq_neg, fq_ONE, fq_sub
from .fq2 import f2_add, f2_inv, f2_mul, f2_neg, f2_sqr, f2_sub
from .params import limbs_of

_Z = np.uint64(0)
FQ_ZERO = (_Z, _Z, _Z, _Z)
F2_ZERO = (FQ_ZERO, FQ_ZERO)
F2_ONE = (fq_ONE, FQ_ZERO)
F6_ZERO = (F2_ZERO, F2_ZERO, F2_ZERO)
F6_ONE = (F2_ONE, F2_ZERO, F2_ZERO)
F12_ONE = (F6_ONE, F6_ZERO)


def mont(x: int) -> tuple[int, ...]:
    """An int in [0, q) as Montgomery Fq limbs (a numba-friendly tuple of np.uint64)."""
    return tuple(np.uint64(v) for v in limbs_of(x * (1 << 256) % Q))


def _f2_int_mul(a: tuple[int, int], b: tuple[int, int]) -> tuple[int, int]:
    return ((a[0] * b[0] - a[1] * b[1]) % Q, (a[0] * b[1] + a[1] * b[0]) % Q)


def f2_int_pow(a: tuple[int, int], e: int) -> tuple[int, int]:
    """Plain-int Fq2 power (import-time constants only)."""
    acc = (1, 0)
    while e:
        if e & 1:
            acc = _f2_int_mul(acc, a)
        a = _f2_int_mul(a, a)
        e >>= 1
    return acc


def mont2(a: tuple[int, int]) -> tuple[tuple[int, ...], ...]:
    return (mont(a[0]), mont(a[1]))


XI = (9, 1)
FROB = tuple(mont2(f2_int_pow(XI, j * (Q - 1) // 6)) for j in range(6))  # xi^(j(q-1)/6)


@njit(cache=True, nogil=True)
def f2_conj(a):
    return (a[0], fq_neg(a[1]))


@njit(cache=True, nogil=True)
def f2_mul_xi(a):
    """(x + y u)(9 + u) = (9x - y) + (x + 9y) u; additions only."""
    x, y = a
    x9 = fq_add(fq_dbl(fq_dbl(fq_dbl(x))), x)
    y9 = fq_add(fq_dbl(fq_dbl(fq_dbl(y))), y)
    return (fq_sub(x9, y), fq_add(x, y9))


@njit(cache=True, nogil=True)
def f6_add(a, b):
    return (f2_add(a[0], b[0]), f2_add(a[1], b[1]), f2_add(a[2], b[2]))


@njit(cache=True, nogil=True)
def f6_sub(a, b):
    return (f2_sub(a[0], b[0]), f2_sub(a[1], b[1]), f2_sub(a[2], b[2]))


@njit(cache=True, nogil=True)
def f6_neg(a):
    return (f2_neg(a[0]), f2_neg(a[1]), f2_neg(a[2]))


@njit(cache=True, nogil=True)
def f6_mul_v(a):
    """(a0 + a1 v + a2 v^2) v = xi a2 + a0 v + a1 v^2."""
    return (f2_mul_xi(a[2]), a[0], a[1])


@njit(cache=True, nogil=True)
def f6_mul(a, b):
    """Karatsuba over Fq2: 6 Fq2 multiplications (18 Fq)."""
    t0 = f2_mul(a[0], b[0])
    t1 = f2_mul(a[1], b[1])
    t2 = f2_mul(a[2], b[2])
    m12 = f2_mul(f2_add(a[1], a[2]), f2_add(b[1], b[2]))
    m01 = f2_mul(f2_add(a[0], a[1]), f2_add(b[0], b[1]))
    m02 = f2_mul(f2_add(a[0], a[2]), f2_add(b[0], b[2]))
    c0 = f2_add(t0, f2_mul_xi(f2_sub(f2_sub(m12, t1), t2)))
    c1 = f2_add(f2_sub(f2_sub(m01, t0), t1), f2_mul_xi(t2))
    c2 = f2_add(f2_sub(f2_sub(m02, t0), t2), t1)
    return (c0, c1, c2)


@njit(cache=True, nogil=True)
def f6_inv(a):
    """1/a via the adjugate: one Fq2 inversion; 0 maps to 0."""
    a0, a1, a2 = a
    c0 = f2_sub(f2_sqr(a0), f2_mul_xi(f2_mul(a1, a2)))
    c1 = f2_sub(f2_mul_xi(f2_sqr(a2)), f2_mul(a0, a1))
    c2 = f2_sub(f2_sqr(a1), f2_mul(a0, a2))
    t = f2_add(f2_mul(a0, c0), f2_mul_xi(f2_add(f2_mul(a2, c1), f2_mul(a1, c2))))
    ti = f2_inv(t)
    return (f2_mul(c0, ti), f2_mul(c1, ti), f2_mul(c2, ti))


@njit(cache=True, nogil=True)
def f12_mul(a, b):
    """Karatsuba over Fq6 with w^2 = v: 3 Fq6 multiplications (54 Fq)."""
    t0 = f6_mul(a[0], b[0])
    t1 = f6_mul(a[1], b[1])
    m = f6_mul(f6_add(a[0], a[1]), f6_add(b[0], b[1]))
    return (f6_add(t0, f6_mul_v(t1)), f6_sub(f6_sub(m, t0), t1))


@njit(cache=True, nogil=True)
def f12_sqr(a):
    """Complex squaring: c0 = (a0 + a1)(a0 + v a1) - t - v t, c1 = 2t with t = a0 a1 (36 Fq)."""
    a0, a1 = a
    t = f6_mul(a0, a1)
    m = f6_mul(f6_add(a0, a1), f6_add(a0, f6_mul_v(a1)))
    c0 = f6_sub(f6_sub(m, t), f6_mul_v(t))
    return (c0, f6_add(t, t))


@njit(cache=True, nogil=True)
def f12_conj(a):
    """a^(q^6): c0 - c1 w."""
    return (a[0], f6_neg(a[1]))


@njit(cache=True, nogil=True)
def f12_inv(a):
    """(c0 - c1 w)/(c0^2 - v c1^2); 0 maps to 0."""
    a0, a1 = a
    d = f6_sub(f6_mul(a0, a0), f6_mul_v(f6_mul(a1, a1)))
    di = f6_inv(d)
    return (f6_mul(a0, di), f6_neg(f6_mul(a1, di)))


@njit(cache=True, nogil=True)
def f12_frob(a):
    """a^q: conjugate each Fq2 coefficient and scale the one at w^j by xi^(j(q-1)/6)."""
    c0, c1 = a
    return ((f2_mul(f2_conj(c0[0]), FROB[0]), f2_mul(f2_conj(c0[1]), FROB[2]), f2_mul(f2_conj(c0[2]), FROB[4])),
            (f2_mul(f2_conj(c1[0]), FROB[1]), f2_mul(f2_conj(c1[1]), FROB[3]), f2_mul(f2_conj(c1[2]), FROB[5])))


@njit(cache=True, nogil=True)
def f12_eq(a, b):
    for i in range(2):
        for j in range(3):
            for k in range(2):
                for m in range(4):
                    if a[i][j][k][m] != b[i][j][k][m]:
                        return False
    return True


@njit(cache=True, nogil=True)
def f12_is_one(a):
    return f12_eq(a, F12_ONE)


@njit(cache=True, nogil=True)
def f12_from_array(x):
    """A (12, 4) uint64 Montgomery array, rows ordered (c0.c0.re, c0.c0.im, c0.c1.re, ...), as a tuple."""
    e = [(x[i, 0], x[i, 1], x[i, 2], x[i, 3]) for i in range(12)]
    return (((e[0], e[1]), (e[2], e[3]), (e[4], e[5])), ((e[6], e[7]), (e[8], e[9]), (e[10], e[11])))


@njit(cache=True, nogil=True)
def f12_to_array(a):
    """Inverse of f12_from_array."""
    out = np.empty((12, 4), dtype=np.uint64)
    for i in range(2):
        for j in range(3):
            for k in range(2):
                for m in range(4):
                    out[6 * i + 2 * j + k, m] = a[i][j][k][m]
    return out
