"""Fq2 = Fq[u]/(u^2 + 1) on pairs of limb tuples (c0, c1), Montgomery form.

Karatsuba multiplication: 3 Fq multiplications; squaring: 2. These feed the
G2 formulas in curve.py through the generic dispatch of ops.py.
"""

from __future__ import annotations

from numba import njit

from ._arith import fq_add, fq_dbl, fq_eq, fq_inv, fq_is_zero, fq_mul, fq_neg, fq_sub


@njit(cache=True, nogil=True)
def f2_mul(a, b):
    """(a0 + a1 u)(b0 + b1 u) with u^2 = -1; 3 Fq multiplications."""
    v0 = fq_mul(a[0], b[0])
    v1 = fq_mul(a[1], b[1])
    s = fq_mul(fq_add(a[0], a[1]), fq_add(b[0], b[1]))
    return (fq_sub(v0, v1), fq_sub(fq_sub(s, v0), v1))


@njit(cache=True, nogil=True)
def f2_sqr(a):
    """(a0 + a1 u)^2 = (a0 + a1)(a0 - a1) + 2 a0 a1 u; 2 Fq multiplications."""
    c0 = fq_mul(fq_add(a[0], a[1]), fq_sub(a[0], a[1]))
    return (c0, fq_dbl(fq_mul(a[0], a[1])))


@njit(cache=True, nogil=True)
def f2_add(a, b):
    return (fq_add(a[0], b[0]), fq_add(a[1], b[1]))


@njit(cache=True, nogil=True)
def f2_sub(a, b):
    return (fq_sub(a[0], b[0]), fq_sub(a[1], b[1]))


@njit(cache=True, nogil=True)
def f2_dbl(a):
    return (fq_dbl(a[0]), fq_dbl(a[1]))


@njit(cache=True, nogil=True)
def f2_neg(a):
    return (fq_neg(a[0]), fq_neg(a[1]))


@njit(cache=True, nogil=True)
def f2_is_zero(a):
    return fq_is_zero(a[0]) and fq_is_zero(a[1])


@njit(cache=True, nogil=True)
def f2_eq(a, b):
    return fq_eq(a[0], b[0]) and fq_eq(a[1], b[1])


@njit(cache=True, nogil=True)
def f2_inv(a):
    """1/(a0 + a1 u) = (a0 - a1 u)/(a0^2 + a1^2); 0 maps to 0."""
    t = fq_inv(fq_add(fq_mul(a[0], a[0]), fq_mul(a[1], a[1])))
    return (fq_mul(a[0], t), fq_neg(fq_mul(a[1], t)))
