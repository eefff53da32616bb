"""Jacobian-coordinate arithmetic on BN254 G1 and G2 with plain Python ints.

A Jacobian point (X, Y, Z) stands for the affine (X/Z^2, Y/Z^3); Z = 0 is
infinity. G1 coordinates are ints mod q; G2 coordinates are Fq2 pairs
(c0, c1) with u^2 = -1. Formulas are the a = 0 ones of the Explicit-Formulas
Database (dbl-2009-l, add-2007-bl, madd-2007-bl): a doubling costs about
7 field multiplications, a mixed addition 11. This module is the oracle
backend's engine; py_ecc is its reference in tests.
"""

from __future__ import annotations

from collections.abc import Sequence

from ..field import Q, batch_inv

Fq2 = tuple[int, int]
Jac1 = tuple[int, int, int]
Jac2 = tuple[Fq2, Fq2, Fq2]

INF1: Jac1 = (1, 1, 0)
INF2: Jac2 = ((1, 0), (1, 0), (0, 0))
ZERO2: Fq2 = (0, 0)


# --- G1 ------------------------------------------------------------------------

def g1_double(p: tuple[int, int, int]) -> tuple[int, int, int]:
    x, y, z = p
    if z == 0 or y == 0:
        return INF1
    a = x * x % Q
    b = y * y % Q
    c = b * b % Q
    d = 2 * ((x + b) * (x + b) - a - c) % Q
    e = 3 * a % Q
    x3 = (e * e - 2 * d) % Q
    return (x3, (e * (d - x3) - 8 * c) % Q, 2 * y * z % Q)


def g1_add_affine(p: tuple[int, int, int], x2: int, y2: int) -> tuple[int, int, int]:
    """p + (x2, y2) with the second point affine and finite (mixed addition)."""
    x1, y1, z1 = p
    if z1 == 0:
        return (x2, y2, 1)
    z1z1 = z1 * z1 % Q
    h = (x2 * z1z1 - x1) % Q
    rr = 2 * (y2 * z1 * z1z1 - y1) % Q
    if h == 0:
        return g1_double(p) if rr == 0 else INF1
    hh = h * h % Q
    i = 4 * hh % Q
    j = h * i % Q
    v = x1 * i % Q
    x3 = (rr * rr - j - 2 * v) % Q
    y3 = (rr * (v - x3) - 2 * y1 * j) % Q
    return (x3, y3, ((z1 + h) * (z1 + h) - z1z1 - hh) % Q)


def g1_add(p: tuple[int, int, int], s: tuple[int, int, int]) -> tuple[int, int, int]:
    """p + s, both Jacobian."""
    x1, y1, z1 = p
    x2, y2, z2 = s
    if z1 == 0:
        return s
    if z2 == 0:
        return p
    z1z1, z2z2 = z1 * z1 % Q, z2 * z2 % Q
    u1, u2 = x1 * z2z2 % Q, x2 * z1z1 % Q
    s1, s2 = y1 * z2 * z2z2 % Q, y2 * z1 * z1z1 % Q
    h = (u2 - u1) % Q
    rr = 2 * (s2 - s1) % Q
    if h == 0:
        return g1_double(p) if rr == 0 else INF1
    i = 4 * h * h % Q
    j = h * i % Q
    v = u1 * i % Q
    x3 = (rr * rr - j - 2 * v) % Q
    y3 = (rr * (v - x3) - 2 * s1 * j) % Q
    return (x3, y3, ((z1 + z2) * (z1 + z2) - z1z1 - z2z2) * h % Q)


def g1_to_affine_many(points: Sequence[tuple[int, int, int]]) -> list[tuple[int, int] | None]:
    """Normalize many Jacobian points with one inversion."""
    invs = batch_inv([p[2] for p in points], Q)
    out: list[tuple[int, int] | None] = []
    for (x, y, z), zi in zip(points, invs):
        if z == 0:
            out.append(None)
            continue
        zi2 = zi * zi % Q
        out.append((x * zi2 % Q, y * zi2 * zi % Q))
    return out


# --- Fq2 and G2 ---------------------------------------------------------------------

def _m(a: Fq2, b: Fq2) -> Fq2:
    t0, t1 = a[0] * b[0], a[1] * b[1]
    return ((t0 - t1) % Q, ((a[0] + a[1]) * (b[0] + b[1]) - t0 - t1) % Q)


def _s(a: Fq2) -> Fq2:
    return ((a[0] + a[1]) * (a[0] - a[1]) % Q, 2 * a[0] * a[1] % Q)


def _sub(a: Fq2, b: Fq2) -> Fq2:
    return ((a[0] - b[0]) % Q, (a[1] - b[1]) % Q)


def _add(a: Fq2, b: Fq2) -> Fq2:
    return ((a[0] + b[0]) % Q, (a[1] + b[1]) % Q)


def _k(a: Fq2, k: int) -> Fq2:
    return (a[0] * k % Q, a[1] * k % Q)


def g2_double(p: Jac2) -> Jac2:
    x, y, z = p
    if z == ZERO2 or y == ZERO2:
        return INF2
    a = _s(x)
    b = _s(y)
    c = _s(b)
    d = _k(_sub(_sub(_s(_add(x, b)), a), c), 2)
    e = _k(a, 3)
    x3 = _sub(_s(e), _k(d, 2))
    return (x3, _sub(_m(e, _sub(d, x3)), _k(c, 8)), _k(_m(y, z), 2))


def g2_add_affine(p: Jac2, x2: Fq2, y2: Fq2) -> Jac2:
    """p + (x2, y2) with the second point affine and finite."""
    x1, y1, z1 = p
    if z1 == ZERO2:
        return (x2, y2, (1, 0))
    z1z1 = _s(z1)
    h = _sub(_m(x2, z1z1), x1)
    rr = _k(_sub(_m(y2, _m(z1, z1z1)), y1), 2)
    if h == ZERO2:
        return g2_double(p) if rr == ZERO2 else INF2
    hh = _s(h)
    i = _k(hh, 4)
    j = _m(h, i)
    v = _m(x1, i)
    x3 = _sub(_sub(_s(rr), j), _k(v, 2))
    y3 = _sub(_m(rr, _sub(v, x3)), _k(_m(y1, j), 2))
    return (x3, y3, _sub(_sub(_s(_add(z1, h)), z1z1), hh))


def g2_add(p: Jac2, s: Jac2) -> Jac2:
    """p + s, both Jacobian."""
    x1, y1, z1 = p
    x2, y2, z2 = s
    if z1 == ZERO2:
        return s
    if z2 == ZERO2:
        return p
    z1z1, z2z2 = _s(z1), _s(z2)
    u1, u2 = _m(x1, z2z2), _m(x2, z1z1)
    s1, s2 = _m(y1, _m(z2, z2z2)), _m(y2, _m(z1, z1z1))
    h = _sub(u2, u1)
    rr = _k(_sub(s2, s1), 2)
    if h == ZERO2:
        return g2_double(p) if rr == ZERO2 else INF2
    i = _k(_s(h), 4)
    j = _m(h, i)
    v = _m(u1, i)
    x3 = _sub(_sub(_s(rr), j), _k(v, 2))
    y3 = _sub(_m(rr, _sub(v, x3)), _k(_m(s1, j), 2))
    return (x3, y3, _m(_sub(_sub(_s(_add(z1, z2)), z1z1), z2z2), h))


def fq2_inv(a: Fq2) -> Fq2:
    n = (a[0] * a[0] + a[1] * a[1]) % Q
    ni = pow(n, -1, Q)
    return (a[0] * ni % Q, -a[1] * ni % Q)


def g2_to_affine(p: Jac2) -> tuple[Fq2, Fq2] | None:
    x, y, z = p
    if z == ZERO2:
        return None
    zi = fq2_inv(z)
    zi2 = _s(zi)
    return (_m(x, zi2), _m(y, _m(zi2, zi)))
