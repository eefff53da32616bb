"""Jacobian point arithmetic for y^2 = x^3 + b (a = 0), generic over Fq and Fq2.

A point is (X, Y, Z) with affine (X/Z^2, Y/Z^3); Z = 0 is infinity. Affine
bases come from tables where infinity is stored as (0, 0) (not on either
curve, since b != 0). Formulas (EFD, a = 0): dbl-2009-l (2M + 5S),
madd-2007-bl (7M + 4S), add-2007-bl (11M + 5S). Each addition checks the
exceptional cases: an operand at infinity, P + P (falls back to doubling)
and P + (-P) (infinity). Layout helpers read and write points in numpy
arrays: G1 affine tables (n, 2, 4), G2 (n, 2, 2, 4); Jacobian arrays
(n, 3, 4) and (n, 3, 2, 4).
"""

from __future__ import annotations

from numba import njit
from numba.extending import overload

from .ops import fadd, fdbl, feq, finv, fis_zero, fmul, fone, fsqr, fsub, fzero


@njit(cache=True, nogil=True)
def jac_infinity(like):
    """The point at infinity with coordinates of the same field as ``like``."""
    return (fone(like), fone(like), fzero(like))


@njit(cache=True, nogil=True)
def jac_is_inf(p):
    return fis_zero(p[2])


@njit(cache=True, nogil=True)
def jac_double(p):
    """2P (dbl-2009-l); infinity and points with Y = 0 give infinity."""
    x, y, z = p
    if fis_zero(z) or fis_zero(y):
        return jac_infinity(x)
    a = fsqr(x)
    b = fsqr(y)
    c = fsqr(b)
    d = fdbl(fsub(fsub(fsqr(fadd(x, b)), a), c))
    e = fadd(fdbl(a), a)
    f = fsqr(e)
    x3 = fsub(f, fdbl(d))
    c8 = fdbl(fdbl(fdbl(c)))
    y3 = fsub(fmul(e, fsub(d, x3)), c8)
    z3 = fdbl(fmul(y, z))
    return (x3, y3, z3)


@njit(cache=True, nogil=True)
def jac_add_affine(p, x2, y2):
    """P + (x2, y2) with an affine, finite second operand (madd-2007-bl)."""
    x1, y1, z1 = p
    if fis_zero(z1):
        return (x2, y2, fone(x2))
    z1z1 = fsqr(z1)
    u2 = fmul(x2, z1z1)
    s2 = fmul(y2, fmul(z1, z1z1))
    h = fsub(u2, x1)
    r = fdbl(fsub(s2, y1))
    if fis_zero(h):
        if fis_zero(r):
            return jac_double(p)
        return jac_infinity(x1)
    hh = fsqr(h)
    i = fdbl(fdbl(hh))
    j = fmul(h, i)
    v = fmul(x1, i)
    x3 = fsub(fsub(fsqr(r), j), fdbl(v))
    y3 = fsub(fmul(r, fsub(v, x3)), fdbl(fmul(y1, j)))
    z3 = fsub(fsub(fsqr(fadd(z1, h)), z1z1), hh)
    return (x3, y3, z3)


@njit(cache=True, nogil=True)
def jac_add(p, q):
    """P + Q for Jacobian operands (add-2007-bl)."""
    x1, y1, z1 = p
    x2, y2, z2 = q
    if fis_zero(z1):
        return q
    if fis_zero(z2):
        return p
    z1z1 = fsqr(z1)
    z2z2 = fsqr(z2)
    u1 = fmul(x1, z2z2)
    u2 = fmul(x2, z1z1)
    s1 = fmul(y1, fmul(z2, z2z2))
    s2 = fmul(y2, fmul(z1, z1z1))
    h = fsub(u2, u1)
    r = fdbl(fsub(s2, s1))
    if fis_zero(h):
        if fis_zero(r):
            return jac_double(p)
        return jac_infinity(x1)
    i = fsqr(fdbl(h))
    j = fmul(h, i)
    v = fmul(u1, i)
    x3 = fsub(fsub(fsqr(r), j), fdbl(v))
    y3 = fsub(fmul(r, fsub(v, x3)), fdbl(fmul(s1, j)))
    z3 = fmul(fsub(fsub(fsqr(fadd(z1, z2)), z1z1), z2z2), h)
    return (x3, y3, z3)


@njit(cache=True, nogil=True)
def jac_to_affine(p):
    """(x, y, is_infinity) with one field inversion; (0, 0, True) for infinity."""
    x, y, z = p
    if fis_zero(z):
        return (fzero(x), fzero(x), True)
    zi = finv(z)
    zi2 = fsqr(zi)
    return (fmul(x, zi2), fmul(y, fmul(zi, zi2)), False)


@njit(cache=True, nogil=True)
def jac_eq(p, q):
    """Projective equality (both infinity, or equal affine coordinates)."""
    if fis_zero(p[2]) or fis_zero(q[2]):
        return fis_zero(p[2]) and fis_zero(q[2])
    z1z1 = fsqr(p[2])
    z2z2 = fsqr(q[2])
    if not feq(fmul(p[0], z2z2), fmul(q[0], z1z1)):
        return False
    return feq(fmul(p[1], fmul(q[2], z2z2)), fmul(q[1], fmul(p[2], z1z1)))


# ------------------------------------------------------------------ layout
@njit(cache=True, nogil=True)
def _fq_at(a, i, j):
    return (a[i, j, 0], a[i, j, 1], a[i, j, 2], a[i, j, 3])


@njit(cache=True, nogil=True)
def _fq2_at(a, i, j):
    return ((a[i, j, 0, 0], a[i, j, 0, 1], a[i, j, 0, 2], a[i, j, 0, 3]),
            (a[i, j, 1, 0], a[i, j, 1, 1], a[i, j, 1, 2], a[i, j, 1, 3]))


@njit(cache=True, nogil=True)
def _fq_put(a, i, j, v):
    a[i, j, 0], a[i, j, 1], a[i, j, 2], a[i, j, 3] = v


@njit(cache=True, nogil=True)
def _fq2_put(a, i, j, v):
    a[i, j, 0, 0], a[i, j, 0, 1], a[i, j, 0, 2], a[i, j, 0, 3] = v[0]
    a[i, j, 1, 0], a[i, j, 1, 1], a[i, j, 1, 2], a[i, j, 1, 3] = v[1]


def coord_at(a, i, j):  # pragma: no cover - compiled only
    """Field element at a[i, j] (Fq for 3-d arrays, Fq2 for 4-d)."""
    raise NotImplementedError


def coord_put(a, i, j, v):  # pragma: no cover - compiled only
    raise NotImplementedError


@overload(coord_at)
def _coord_at(a, i, j):
    if a.ndim == 3:
        return lambda a, i, j: _fq_at(a, i, j)
    if a.ndim == 4:
        return lambda a, i, j: _fq2_at(a, i, j)
    return None


@overload(coord_put)
def _coord_put(a, i, j, v):
    if a.ndim == 3:
        return lambda a, i, j, v: _fq_put(a, i, j, v)
    if a.ndim == 4:
        return lambda a, i, j, v: _fq2_put(a, i, j, v)
    return None


@njit(cache=True, nogil=True)
def load_jac(a, i):
    return (coord_at(a, i, 0), coord_at(a, i, 1), coord_at(a, i, 2))


@njit(cache=True, nogil=True)
def store_jac(a, i, p):
    coord_put(a, i, 0, p[0])
    coord_put(a, i, 1, p[1])
    coord_put(a, i, 2, p[2])
