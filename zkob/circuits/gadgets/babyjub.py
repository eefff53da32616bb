"""Baby Jubjub gadgets: on-curve, complete addition, doubling, scalar multiplication.

Points are pairs ``(x, y)`` of LCs in twisted Edwards form (zk/babyjub.py).
All formulas are the complete Edwards laws: for points on the curve the
denominators 1 +- d*x1*x2*y1*y2 never vanish (a is a square, d is not), so
there are no exceptional cases (identity, doubling, small-order points) a
prover could steer into. Every input point must be on the curve (checked
by ``assert_on_curve`` or constant); every output of these gadgets then is.

Costs: on-curve 3, add 6, double 5, fixed-base multiplication about 3.3 per
scalar bit (3-bit windows of constant points), variable-base about 11 per bit
(2-bit windows).
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import lru_cache
from itertools import combinations

from ...zk import babyjub as bj
from ...zk.field import R
from ..cs import LC, ConstraintSystem, Operand, as_lc

PointLC = tuple[LC, LC]
Term = tuple[tuple[int, ...], int, int]  # (bit subset, x coefficient, y coefficient)
WINDOW = 3


def _inv0(x: int) -> int:
    """Inverse, or 0 for 0 (a tampered witness then fails a constraint instead of raising)."""
    return pow(x, -1, R) if x % R else 0


def constant_point(p: bj.Point) -> PointLC:
    return (LC.const(p[0]), LC.const(p[1]))


def assert_on_curve(cs: ConstraintSystem, p: tuple[Operand, Operand]) -> None:
    """a*x^2 + y^2 = 1 + d*x^2*y^2. Costs 3 constraints."""
    x, y = as_lc(p[0]), as_lc(p[1])
    with cs.namespace("on_curve"):
        xx = cs.mul(x, x, "xx")
        yy = cs.mul(y, y, "yy")
        cs.enforce(bj.D * xx, yy, bj.A * xx + yy - 1, "equation")


def add(cs: ConstraintSystem, p: PointLC, q: PointLC) -> PointLC:
    """p + q for points on the curve. Costs 6 constraints.

    beta = x1*y2, gamma = y1*x2, delta = (y1 - a*x1)*(x2 + y2), tau = beta*gamma;
    x3*(1 + d*tau) = beta + gamma;  y3*(1 - d*tau) = delta + a*beta - gamma.
    """
    x1, y1 = p
    x2, y2 = q
    beta = cs.mul(x1, y2, "beta")
    gamma = cs.mul(y1, x2, "gamma")
    delta = cs.mul(y1 - bj.A * x1, x2 + y2, "delta")
    tau = cs.mul(beta, gamma, "tau")
    x3 = cs.alloc("x", lambda: cs.value(beta + gamma) * _inv0(cs.value(1 + bj.D * tau)))
    y3 = cs.alloc("y", lambda: cs.value(delta + bj.A * beta - gamma) * _inv0(cs.value(1 - bj.D * tau)))
    cs.enforce(x3, 1 + bj.D * tau, beta + gamma, "x")
    cs.enforce(y3, 1 - bj.D * tau, delta + bj.A * beta - gamma, "y")
    return (x3, y3)


def double(cs: ConstraintSystem, p: PointLC) -> PointLC:
    """2p for a point on the curve. Costs 5 constraints.

    x3*(a*x^2 + y^2) = 2xy;  y3*(2 - a*x^2 - y^2) = y^2 - a*x^2 (the
    denominators equal 1 +- d*x^2*y^2 on the curve, never zero).
    """
    x, y = p
    xx = cs.mul(x, x, "xx")
    yy = cs.mul(y, y, "yy")
    xy = cs.mul(x, y, "xy")
    den_x = bj.A * xx + yy
    den_y = 2 - bj.A * xx - yy
    x3 = cs.alloc("x", lambda: 2 * cs.value(xy) * _inv0(cs.value(den_x)))
    y3 = cs.alloc("y", lambda: cs.value(yy - bj.A * xx) * _inv0(cs.value(den_y)))
    cs.enforce(x3, den_x, 2 * xy, "x")
    cs.enforce(y3, den_y, yy - bj.A * xx, "y")
    return (x3, y3)


@lru_cache(maxsize=None)
def _fixed_windows(base: bj.Point, n: int) -> tuple[tuple[Term, ...], ...]:
    """Per 3-bit window of an n-bit scalar: (bit subset, x coeff, y coeff) of the lookup polynomial.

    Window j selects k * 8^j * base for k = its bits; the polynomial in the
    bits that takes those values is found by Moebius inversion. Computed
    once per (base, n): about 8 * n / 3 small scalar multiplications.
    """
    windows = []
    window_base = base
    for start in range(0, n, WINDOW):
        m = min(WINDOW, n - start)
        table = [bj.mul(window_base, k) for k in range(1 << m)]
        terms = []
        for size in range(m + 1):
            for subset in combinations(range(m), size):
                cx = cy = 0
                for k in range(size + 1):
                    for sub in combinations(subset, k):
                        sign = -1 if (size - k) % 2 else 1
                        point = table[sum(1 << i for i in sub)]
                        cx, cy = cx + sign * point[0], cy + sign * point[1]
                terms.append((subset, cx % R, cy % R))
        windows.append(tuple(terms))
        window_base = bj.mul(window_base, 1 << WINDOW)
    return tuple(windows)


def _window_lookup(cs: ConstraintSystem, bits: Sequence[LC], terms: Sequence[Term]) -> PointLC:
    """The constant point a window's bits select, as a polynomial in the bits.

    Costs one constraint per product of two or more bits (4 for 3 bits);
    x and y share the products.
    """
    monomials: dict[tuple[int, ...], LC] = {(): LC.const(1)}
    x, y = LC(), LC()
    for subset, cx, cy in terms:
        if len(subset) == 1:
            monomials[subset] = bits[subset[0]]
        elif len(subset) > 1:
            monomials[subset] = cs.mul(monomials[subset[:-1]], bits[subset[-1]],
                                       "b" + "".join(map(str, subset)))
        mono = monomials[subset]
        x, y = x + mono * cx, y + mono * cy
    return (x, y)


def mul_fixed(cs: ConstraintSystem, bits: Sequence[LC], base: bj.Point) -> PointLC:
    """sum(b_i 2^i) * base for a constant ``base``; ``bits`` (LSB first) must be boolean-constrained.

    3-bit windows: per window a lookup of 8 constant multiples (4
    constraints) and one addition (6); the first window needs no addition.
    Costs about 10 * ceil(n/3) - 6 constraints (831 for 251 bits).
    """
    acc: PointLC | None = None
    for j, terms in enumerate(_fixed_windows(base, len(bits))):
        chunk = list(bits[WINDOW * j:WINDOW * (j + 1)])
        with cs.namespace(f"w[{j}]"):
            point = _window_lookup(cs, chunk, terms)
            acc = point if acc is None else add(cs, acc, point)
    return acc if acc is not None else constant_point(bj.IDENTITY)


def _mux2(cs: ConstraintSystem, b_lo: LC, b_hi: LC, table: Sequence[PointLC]) -> PointLC:
    """table[b_lo + 2 b_hi] for a table whose entry 0 is the identity. Costs 6 constraints.

    Per coordinate: v = b_lo ? t1 : t0, u = b_lo ? t3 : t2, out = b_hi ? u : v.
    """
    out = []
    for c, t0 in enumerate((0, 1)):
        t1, t2, t3 = (table[k][c] for k in (1, 2, 3))
        v = cs.mul(b_lo, t1 - t0, f"lo{c}") + t0
        u = cs.mul(b_lo, t3 - t2, f"hi{c}") + t2
        out.append(cs.mul(b_hi, u - v, f"sel{c}") + v)
    return (out[0], out[1])


def mul_var(cs: ConstraintSystem, bits: Sequence[LC], base: PointLC) -> PointLC:
    """sum(b_i 2^i) * base; ``base`` on the curve, ``bits`` (LSB first) boolean-constrained.

    2-bit windows from the most significant end: a table {O, P, 2P, 3P}
    (11 constraints), then per window two doublings of the accumulator (10),
    a selection (6) and an addition (6); the top window needs no doubling
    or addition. Costs about 11 per bit (2,789 for 254 bits). The complete
    addition law makes identity and equal operands harmless.
    """
    n = len(bits)
    if n == 0:
        return constant_point(bj.IDENTITY)
    with cs.namespace("table"):
        with cs.namespace("p2"):
            p2 = double(cs, base)
        with cs.namespace("p3"):
            p3 = add(cs, base, p2)
    table = [constant_point(bj.IDENTITY), base, p2, p3]
    acc: PointLC | None = None
    for j in range((n + 1) // 2 - 1, -1, -1):
        with cs.namespace(f"w[{j}]"):
            if acc is not None:
                with cs.namespace("dbl0"):
                    acc = double(cs, acc)
                with cs.namespace("dbl1"):
                    acc = double(cs, acc)
            b_lo = bits[2 * j]
            if 2 * j + 1 < n:
                point = _mux2(cs, b_lo, bits[2 * j + 1], table)
            else:
                point = (cs.mul(b_lo, base[0], "sel0"), cs.mul(b_lo, base[1] - 1, "sel1") + 1)
            if acc is None:
                acc = point
            else:
                with cs.namespace("add"):
                    acc = add(cs, acc, point)
    assert acc is not None, "a scalar has at least one window"
    return acc
