"""The optimal ate pairing on BN254 (numba): a product of Miller loops and one final exponentiation.

Same definition as py_ecc's ``pairing(Q, P)``: loop over the bits of
6u + 2 (u = 4965661367192848881, most significant first, plain binary,
no NAF), then the two Frobenius-twisted additions T + pi(Q) and
T - pi^2(Q), then f^((q^12 - 1)/r). Lines are evaluated in affine twisted
coordinates: for T = (x, y) on the twist y^2 = x^3 + 3/xi and slope
lambda, the untwisted line at P = (xP, yP) is
yP - lambda xP w + (lambda x - y) w^3 (sparse: Fq2 coefficients at w^0,
w^1, w^3). Vertical lines lie in Fq6, which the (q^6 - 1) part of the
final exponentiation sends to 1, so they are skipped. Every line factor
differs from py_ecc's by an element of a proper subfield, so the final
exponentiated values are equal, not just the verdicts.

Precondition: G2 inputs are of order r (the verifier checks subgroup
membership first); otherwise the result is well defined but meaningless.
Cost: per loop bit one Fq12 squaring plus, per pair, an affine step with
one Fq inversion and one dense Fq12 multiplication; the hard part is
plain square-and-multiply over a 761-bit exponent (a few ms in all).
"""

from __future__ import annotations

from typing import Any

from collections.abc import Sequence

import numpy as np
from numba import njit

from ...curve import g2_on_curve
from ...field import Q, R
from ._arith import fq_mul, fq_rows_to_mont
from .curve import jac_add_affine, jac_double, jac_infinity, jac_is_inf
from .fq2 import f2_add, f2_dbl, f2_eq, f2_inv, f2_mul, f2_neg, f2_sqr, f2_sub
from .fq12 import (
    F2_ZERO,
    F12_ONE,
    FROB,
    f2_conj,
    f12_conj,
    f12_frob,
    f12_inv,
    f12_is_one,
    f12_mul,
    f12_sqr,
)
from .params import LIMBS, ints_to_limbs

ATE_U = 4965661367192848881
LOOP_BITS = np.array([int(b) for b in bin(6 * ATE_U + 2)[3:]], dtype=np.uint8)  # top bit: T starts at Q
R_BITS = np.array([int(b) for b in bin(R)[2:]], dtype=np.uint8)
HARD_BITS = np.array([int(b) for b in bin((Q**4 - Q**2 + 1) // R)[2:]], dtype=np.uint8)


@njit(cache=True, nogil=True)
def _line(lam, x, y, p):
    """The untwisted line of slope lam through the twisted point (x, y), evaluated at P."""
    xp, yp = p
    c1 = f2_neg((fq_mul(lam[0], xp), fq_mul(lam[1], xp)))
    c3 = f2_sub(f2_mul(lam, x), y)
    return (((yp, F2_ZERO[0]), F2_ZERO, F2_ZERO), (c1, c3, F2_ZERO))


@njit(cache=True, nogil=True)
def _chord(x1, y1, lam, x2):
    """(x3, y3) of the line of slope lam through (x1, y1) and its second point with x = x2."""
    x3 = f2_sub(f2_sub(f2_sqr(lam), x1), x2)
    return (x3, f2_sub(f2_mul(lam, f2_sub(x1, x3)), y1))


@njit(cache=True, nogil=True)
def _double_step(t, p):
    """(2T, line tangent at T evaluated at P); None-free: caller ensures y != 0."""
    x, y = t
    x2 = f2_sqr(x)
    lam = f2_mul(f2_add(f2_dbl(x2), x2), f2_inv(f2_dbl(y)))
    return _chord(x, y, lam, x), _line(lam, x, y, p)


@njit(cache=True, nogil=True)
def _add_step(t, q, p):
    """(T + Q, line through T and Q at P, kind): kind 0 chord, 1 tangent (T == Q), 2 vertical (T == -Q)."""
    if f2_eq(t[0], q[0]):
        if f2_eq(t[1], q[1]):
            s, line = _double_step(t, p)
            return s, line, 1
        return t, F12_ONE, 2
    lam = f2_mul(f2_sub(q[1], t[1]), f2_inv(f2_sub(q[0], t[0])))
    return _chord(t[0], t[1], lam, q[0]), _line(lam, t[0], t[1], p), 0


@njit(cache=True, nogil=True)
def _load_g1(g1, i):
    return ((g1[i, 0, 0], g1[i, 0, 1], g1[i, 0, 2], g1[i, 0, 3]), (g1[i, 1, 0], g1[i, 1, 1], g1[i, 1, 2], g1[i, 1, 3]))


@njit(cache=True, nogil=True)
def _load_f2(g2, i, c):
    return ((g2[i, c, 0, 0], g2[i, c, 0, 1], g2[i, c, 0, 2], g2[i, c, 0, 3]),
            (g2[i, c, 1, 0], g2[i, c, 1, 1], g2[i, c, 1, 2], g2[i, c, 1, 3]))


@njit(cache=True, nogil=True)
def _twist_frob(q):
    """pi(Q) on the twist: (conj(x) xi^((q-1)/3), conj(y) xi^((q-1)/2))."""
    return (f2_mul(f2_conj(q[0]), FROB[2]), f2_mul(f2_conj(q[1]), FROB[3]))


@njit(cache=True, nogil=True)
def miller_loop(g1, g2):
    """prod_i f_{6u+2, Q_i}(P_i) times the two final lines, one shared squaring chain.

    g1: (n, 2, 4) and g2: (n, 2, 2, 4) uint64 Montgomery affine points, all finite.
    A pair whose T reaches infinity (only possible off the r-torsion) stops contributing lines.
    """
    n = g1.shape[0]
    ps = [_load_g1(g1, i) for i in range(n)]
    qs = [(_load_f2(g2, i, 0), _load_f2(g2, i, 1)) for i in range(n)]
    ts = [qs[i] for i in range(n)]
    live = [True for _ in range(n)]
    f = F12_ONE
    for bit in LOOP_BITS:
        f = f12_sqr(f)
        for i in range(n):
            if live[i]:
                t, line = _double_step(ts[i], ps[i])
                ts[i] = t
                f = f12_mul(f, line)
        if bit:
            for i in range(n):
                if live[i]:
                    t, line, kind = _add_step(ts[i], qs[i], ps[i])
                    ts[i] = t
                    f = f12_mul(f, line)
                    live[i] = kind != 2
    for i in range(n):
        if live[i]:
            q1 = _twist_frob(qs[i])
            q2 = _twist_frob(q1)
            t, line, kind = _add_step(ts[i], q1, ps[i])
            f = f12_mul(f, line)
            if kind != 2:
                _, line, _ = _add_step(t, (q2[0], f2_neg(q2[1])), ps[i])
                f = f12_mul(f, line)
    return f


@njit(cache=True, nogil=True)
def final_exp(f):
    """f^((q^12 - 1)/r): easy part (q^6 - 1)(q^2 + 1) by conjugation, inversion and Frobenius; hard part by bits."""
    f = f12_mul(f12_conj(f), f12_inv(f))
    f = f12_mul(f12_frob(f12_frob(f)), f)
    acc = F12_ONE
    for bit in HARD_BITS:
        acc = f12_sqr(acc)
        if bit:
            acc = f12_mul(acc, f)
    return acc


@njit(cache=True, nogil=True)
def pairing_product(g1, g2):
    """prod e(P_i, Q_i) as an Fq12 tuple (Montgomery limbs)."""
    return final_exp(miller_loop(g1, g2))


@njit(cache=True, nogil=True)
def pairing_product_is_one_kernel(g1, g2):
    return f12_is_one(final_exp(miller_loop(g1, g2)))


@njit(cache=True, nogil=True)
def g2_times_r_is_inf(g2):
    """Per finite affine point of a (n, 2, 2, 4) array, whether r * Q is infinity (double-and-add, Jacobian).

    Meaningful only for points on the twist; with that checked first it is G2 membership, the pairing's
    precondition (~256 doublings, well under a millisecond, vs ~25 ms in py_ecc).
    """
    out = np.empty(g2.shape[0], dtype=np.bool_)
    for i in range(g2.shape[0]):
        x, y = _load_f2(g2, i, 0), _load_f2(g2, i, 1)
        acc = jac_infinity(x)
        for bit in R_BITS:
            acc = jac_double(acc)
            if bit:
                acc = jac_add_affine(acc, x, y)
        out[i] = jac_is_inf(acc)
    return out


def g2_in_subgroup(p) -> bool:
    """zkob.zk.curve.g2_in_subgroup with the multiplication by r compiled: None, or on the twist and r * p = O."""
    if p is None:
        return True
    return g2_on_curve(p) and bool(g2_times_r_is_inf(g2_array([p]))[0])


def g1_array(points: Sequence[tuple[int, int]]) -> np.ndarray:
    """Finite affine G1 int points as a (n, 2, 4) Montgomery array."""
    flat = [c for p in points for c in p]
    return fq_rows_to_mont(ints_to_limbs(flat, Q)).reshape(len(points), 2, LIMBS) if flat else \
        np.zeros((0, 2, LIMBS), np.uint64)


def g2_array(points: Sequence[tuple[tuple[int, int], tuple[int, int]]]) -> np.ndarray:
    """Finite affine G2 int points ((x0, x1), (y0, y1)) as a (n, 2, 2, 4) Montgomery array."""
    flat = [c for p in points for xy in p for c in xy]
    return fq_rows_to_mont(ints_to_limbs(flat, Q)).reshape(len(points), 2, 2, LIMBS) if flat else \
        np.zeros((0, 2, 2, LIMBS), np.uint64)


def product_is_one(pairs: Sequence[tuple[tuple[int, int] | None, tuple[Any, ...] | None]]) -> bool:
    """prod e(P_i, Q_i) == 1 for affine int pairs (G1, G2) in zkob.zk.curve's shapes; None (infinity) pairs
    contribute 1 and are skipped, as in zkob.zk.groth16.verify.pairing_product_is_one. G2 points must be in G2."""
    finite = [(p, q) for p, q in pairs if p is not None and q is not None]
    return bool(pairing_product_is_one_kernel(g1_array([p for p, _ in finite]), g2_array([q for _, q in finite])))


def from_mont_f12(f) -> list[int]:
    """An Fq12 tuple as 12 canonical ints in tuple order (c0.c0.re, c0.c0.im, c0.c1.re, ..., c1.c2.im)."""
    r_inv = pow(1 << 256, -1, Q)
    out = []
    for c6 in f:
        for c2 in c6:
            for c in c2:
                out.append(sum(int(limb) << (64 * k) for k, limb in enumerate(c)) * r_inv % Q)
    return out


def to_py_ecc_coeffs(vals: Sequence[int]) -> list[int]:
    """Our basis (Fq2 coefficient at w^j, u = w^6 - 9) -> py_ecc FQ12 coefficients of w^0..w^11."""
    coeffs = [0] * 12
    for half in range(2):
        for k in range(3):
            j = 2 * k + half
            re, im = vals[6 * half + 2 * k], vals[6 * half + 2 * k + 1]
            coeffs[j] = (coeffs[j] + re - 9 * im) % Q
            coeffs[j + 6] = (coeffs[j + 6] + im) % Q
    return coeffs
