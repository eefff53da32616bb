"""BN254 points: strict decode/encode in snarkjs JSON shapes, curve and subgroup checks.

Points are plain ints so every layer shares one representation (the one of
backends/base.py): G1 is an affine pair ``(x, y)``, G2 is
``((x0, x1), (y0, y1))`` with Fq2 as c0 + c1*u, and ``None`` is the point at
infinity. Curves: y^2 = x^3 + 3 over Fq (G1, cofactor 1) and
y^2 = x^3 + 3/(9 + u) over Fq2 (G2, whose r-torsion subgroup is a tiny
fraction of the twist: membership needs a scalar multiplication by r,
about 25 ms in py_ecc). Imports only py_ecc and the standard library.
"""

from __future__ import annotations

from typing import Any

from py_ecc import optimized_bn128 as bn

from .errors import MalformedInput
from .field import Q, R, parse_decimal

G1 = tuple[int, int] | None
G2 = tuple[tuple[int, int], tuple[int, int]] | None



def _pair(c: Any) -> tuple[int, int]:
    """An optimized py_ecc FQ2 as a pair of ints (its coeffs are plain ints)."""
    return (int(c.coeffs[0]) % Q, int(c.coeffs[1]) % Q)


G1_GEN: G1 = (1, 2)
G2_GEN: G2 = tuple(_pair(c) for c in bn.normalize(bn.G2))  # type: ignore[assignment]
B2 = _pair(bn.b2)


# --- Fq2 on int pairs ------------------------------------------------------

def fq2_mul(a: tuple[int, int], b: tuple[int, int]) -> tuple[int, int]:
    """(a0 + a1 u)(b0 + b1 u) with u^2 = -1 (Karatsuba, 3 multiplications)."""
    t0, t1 = a[0] * b[0], a[1] * b[1]
    return ((t0 - t1) % Q, ((a[0] + a[1]) * (b[0] + b[1]) - t0 - t1) % Q)


def fq2_add(a: tuple[int, int], b: tuple[int, int]) -> tuple[int, int]:
    return ((a[0] + b[0]) % Q, (a[1] + b[1]) % Q)


# --- membership ------------------------------------------------------------

def g1_on_curve(p: G1) -> bool:
    """Affine point with coordinates in [0, q) on y^2 = x^3 + 3 (infinity counts as on the curve)."""
    if p is None:
        return True
    x, y = p
    return 0 <= x < Q and 0 <= y < Q and (y * y - x * x * x - 3) % Q == 0


def g2_on_curve(p: G2) -> bool:
    """Affine point with coordinates in [0, q) on the twist (infinity counts as on the curve)."""
    if p is None:
        return True
    x, y = p
    if not all(0 <= c < Q for c in (*x, *y)):
        return False
    lhs = fq2_mul(y, y)
    rhs = fq2_add(fq2_mul(fq2_mul(x, x), x), B2)
    return lhs == rhs


def g2_in_subgroup(p: G2) -> bool:
    """On the twist and of order dividing r (checked as r * p == infinity)."""
    if p is None:
        return True
    return g2_on_curve(p) and bn.is_inf(bn.multiply(to_ecc_g2(p), R))


def g1_neg(p: G1) -> G1:
    return None if p is None else (p[0], (Q - p[1]) % Q)


def g2_neg(p: G2) -> G2:
    return None if p is None else (p[0], ((Q - p[1][0]) % Q, (Q - p[1][1]) % Q))


# --- conversion to and from py_ecc's optimized (projective) points ------------

def to_ecc_g1(p: G1) -> Any:
    if p is None:
        return bn.Z1
    return (bn.FQ(p[0]), bn.FQ(p[1]), bn.FQ.one())


def to_ecc_g2(p: G2) -> Any:
    if p is None:
        return bn.Z2
    return (bn.FQ2(list(p[0])), bn.FQ2(list(p[1])), bn.FQ2.one())


def from_ecc_g1(p: Any) -> G1:
    if bn.is_inf(p):
        return None
    x, y = bn.normalize(p)
    return (int(x) % Q, int(y) % Q)


def from_ecc_g2(p: Any) -> G2:
    if bn.is_inf(p):
        return None
    x, y = bn.normalize(p)
    return (_pair(x), _pair(y))


# --- snarkjs JSON shapes ------------------------------------------------------

def _coordinate(value: object, field: str) -> int:
    return parse_decimal(value, field, Q)


def _array(value: object, length: int, field: str) -> list[Any]:
    if not isinstance(value, list) or len(value) != length:
        raise MalformedInput(field, f"expected an array of {length}")
    return value


def parse_g1(value: object, field: str, allow_infinity: bool = False) -> G1:
    """Decode ``[x, y, "1"]`` (or ``["0", "1", "0"]`` when infinity is allowed); checks the curve."""
    x_s, y_s, z_s = _array(value, 3, field)
    x, y = _coordinate(x_s, f"{field}[0]"), _coordinate(y_s, f"{field}[1]")
    z = _coordinate(z_s, f"{field}[2]")
    if z == 0:
        if not allow_infinity:
            raise MalformedInput(field, "point at infinity is not allowed here")
        if (x, y) != (0, 1):
            raise MalformedInput(field, 'infinity must be encoded as ["0", "1", "0"]')
        return None
    if z != 1:
        raise MalformedInput(f"{field}[2]", 'z must be exactly "1"')
    if not g1_on_curve((x, y)):
        raise MalformedInput(field, "point is not on the curve")
    return (x, y)


def _fq2(value: object, field: str) -> tuple[int, int]:
    c0, c1 = _array(value, 2, field)
    return (_coordinate(c0, f"{field}[0]"), _coordinate(c1, f"{field}[1]"))


def parse_g2(value: object, field: str, allow_infinity: bool = False) -> G2:
    """Decode ``[[x0, x1], [y0, y1], ["1", "0"]]``; checks the curve and the r-torsion subgroup."""
    xs, ys, zs = _array(value, 3, field)
    x, y, z = _fq2(xs, f"{field}[0]"), _fq2(ys, f"{field}[1]"), _fq2(zs, f"{field}[2]")
    if z == (0, 0):
        if not allow_infinity:
            raise MalformedInput(field, "point at infinity is not allowed here")
        if (x, y) != ((0, 0), (1, 0)):
            raise MalformedInput(field, 'infinity must be encoded as [["0","0"],["1","0"],["0","0"]]')
        return None
    if z != (1, 0):
        raise MalformedInput(f"{field}[2]", 'z must be exactly ["1", "0"]')
    if not g2_on_curve((x, y)):
        raise MalformedInput(field, "point is not on the curve")
    if not g2_in_subgroup((x, y)):
        raise MalformedInput(field, "point is not in the r-torsion subgroup")
    return (x, y)


def g1_json(p: G1) -> list[str]:
    """snarkjs shape of a G1 point."""
    if p is None:
        return ["0", "1", "0"]
    return [str(p[0]), str(p[1]), "1"]


def g2_json(p: G2) -> list[list[str]]:
    """snarkjs shape of a G2 point."""
    if p is None:
        return [["0", "0"], ["1", "0"], ["0", "0"]]
    return [[str(p[0][0]), str(p[0][1])], [str(p[1][0]), str(p[1][1])], ["1", "0"]]
