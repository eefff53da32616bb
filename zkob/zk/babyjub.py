"""Baby Jubjub, circomlib's twisted Edwards curve over the BN254 scalar field.

    a*x^2 + y^2 = 1 + d*x^2*y^2   over Fr,  a = 168700, d = 168696.

Facts (circomlibjs 0.1.7 src/babyjub.js, EIP-2494): the group has order
8*l with l prime; ``GENERATOR`` generates the whole group, ``B8 = 8 *
GENERATOR`` the subgroup of prime order ``L``. Because a is a square and d
is not, the addition law is complete: one formula serves doubling, the
identity (0, 1) and points of small order, with no exceptional cases.

Points are affine tuples ``(x, y)`` of ints in [0, r). Scalar
multiplication runs in projective coordinates (one inversion at the end):
about 1.5 ms for a 254-bit scalar in pure Python. Standard library only.
"""

from __future__ import annotations

from .field import R

Point = tuple[int, int]

A = 168700
D = 168696
IDENTITY: Point = (0, 1)
GENERATOR: Point = (
    995203441582195749578291179787384436505546430278305826713579947235728471134,
    5472060717959818805561601436314318772137091100104008585924551046643952123905,
)
B8: Point = (
    5299619240641551281634865583518297030282874472190772894086521144482721001553,
    16950150798460657717958625567821834550301663161624707787222815936182638968203,
)
ORDER = 21888242871839275222246405745257275088614511777268538073601725287587578984328
COFACTOR = 8
L = ORDER // COFACTOR  # 2736030358979909402780800718157159386076813972158567259200215660948447373041


def is_point(obj: object) -> bool:
    """True when ``obj`` is a pair of field elements (ints in [0, r), not bools)."""
    return (isinstance(obj, tuple) and len(obj) == 2
            and all(isinstance(c, int) and not isinstance(c, bool) and 0 <= c < R for c in obj))


def on_curve(p: Point) -> bool:
    """True when ``p`` is a pair of field elements satisfying the curve equation."""
    if not is_point(p):
        return False
    x2, y2 = p[0] * p[0] % R, p[1] * p[1] % R
    return (A * x2 + y2) % R == (1 + D * x2 % R * y2) % R


def neg(p: Point) -> Point:
    """-(x, y) = (-x, y)."""
    return ((-p[0]) % R, p[1])


def add(p: Point, q: Point) -> Point:
    """p + q with the complete twisted Edwards law (two inversions)."""
    x1, y1 = p
    x2, y2 = q
    dxy = D * x1 % R * x2 % R * y1 % R * y2 % R
    x3 = (x1 * y2 + y1 * x2) * pow(1 + dxy, -1, R) % R
    y3 = (y1 * y2 - A * x1 * x2) * pow(1 - dxy, -1, R) % R
    return (x3, y3)


def _padd(p: tuple[int, int, int], q: tuple[int, int, int]) -> tuple[int, int, int]:
    """Projective addition (X:Y:Z) with x = X/Z, y = Y/Z; complete on this curve."""
    x1, y1, z1 = p
    x2, y2, z2 = q
    a = z1 * z2 % R
    b = a * a % R
    c = x1 * x2 % R
    d = y1 * y2 % R
    e = D * c % R * d % R
    f = (b - e) % R
    g = (b + e) % R
    x3 = a * f % R * ((x1 + y1) * (x2 + y2) - c - d) % R
    y3 = a * g % R * (d - A * c) % R
    return (x3, y3, f * g % R)


def mul(p: Point, k: int) -> Point:
    """k * p for any integer k >= 0 (not reduced mod L: p may lie outside the subgroup)."""
    if k < 0:
        raise ValueError("scalar must be non-negative")
    acc = (0, 1, 1)
    base = (p[0], p[1], 1)
    while k:
        if k & 1:
            acc = _padd(acc, base)
        base = _padd(base, base)
        k >>= 1
    zinv = pow(acc[2], -1, R)
    return (acc[0] * zinv % R, acc[1] * zinv % R)


def in_subgroup(p: Point) -> bool:
    """True when ``p`` is on the curve and L * p is the identity (the prime-order subgroup).

    The identity itself passes; callers that need a usable key also refuse it.
    """
    return on_curve(p) and mul(p, L) == IDENTITY


def public_key_problem(p: object) -> str | None:
    """Why ``p`` cannot be a public key (docs/protocol.md section 4), or None when it can.

    A key must be on the curve, in the prime-order subgroup and not the
    identity: with a low-order key, R8 = S*B8 verifies for any message.
    """
    if not is_point(p):
        return "public key is not a pair of field elements"
    assert isinstance(p, tuple)
    if not on_curve(p):
        return "public key is not on Baby Jubjub"
    if p == IDENTITY:
        return "public key is the identity"
    if mul(p, L) != IDENTITY:
        return "public key is not in the prime-order subgroup"
    return None
