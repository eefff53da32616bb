"""Equality, zero tests and comparisons of range-checked values.

Comparisons take inputs already known to be below 2^n (n <= 252): then
b - a lies in (-2^n, 2^n) and "b - a fits in n bits" is exactly a <= b,
because a negative difference wraps to r - d, far above 2^n.
"""

from __future__ import annotations

from ...zk.field import inv as field_inv
from ..cs import LC, ConstraintSystem, Operand, as_lc
from .bits import range_check, to_bits


def assert_equal(cs: ConstraintSystem, a: Operand, b: Operand, label: str = "equal") -> None:
    """a == b. Costs 1 constraint."""
    cs.enforce(as_lc(a) - as_lc(b), 1, 0, label)


def assert_equal_if(cs: ConstraintSystem, cond: Operand, a: Operand, b: Operand, label: str) -> None:
    """cond * (a - b) == 0: a == b whenever cond is 1 (cond boolean). Costs 1 constraint."""
    cs.enforce(cond, as_lc(a) - as_lc(b), 0, label)


def is_zero(cs: ConstraintSystem, x: Operand, name: str = "is_zero") -> LC:
    """1 if x == 0 else 0. Costs 3 constraints.

    x * inv = 1 - out and x * out = 0 fix out; out * inv = 0 also pins inv
    when x = 0 (otherwise it would be a free wire a prover could vary).
    """
    with cs.namespace(name, kind="compare"):
        out = cs.alloc("out", lambda: int(cs.value(x) == 0))
        inv = cs.alloc("inv", lambda: 0 if cs.value(x) == 0 else field_inv(cs.value(x)))
        cs.enforce(x, inv, 1 - out, "inv")
        cs.enforce(x, out, 0, "out")
        cs.enforce(out, inv, 0, "pin")
    return out


def is_equal(cs: ConstraintSystem, a: Operand, b: Operand, name: str = "is_equal") -> LC:
    """1 if a == b else 0. Costs 3 constraints."""
    return is_zero(cs, as_lc(a) - as_lc(b), name)


def assert_nonzero_if(cs: ConstraintSystem, cond: Operand, x: Operand, name: str = "nonzero") -> None:
    """x != 0 whenever cond is 1 (cond boolean). Costs 2 constraints.

    x * inv = cond needs an inverse when cond = 1; (1 - cond) * inv = 0
    pins inv to 0 otherwise.
    """
    with cs.namespace(name, kind="compare"):
        inv = cs.alloc("inv", lambda: field_inv(cs.value(x)) if cs.value(cond) and cs.value(x) else 0)
        cs.enforce(x, inv, cond, "inv")
        cs.enforce(1 - as_lc(cond), inv, 0, "pin")


def assert_le(cs: ConstraintSystem, a: Operand, b: Operand, n: int, name: str = "le") -> None:
    """a <= b for a, b already range-checked to n bits. Costs n + 1 constraints."""
    range_check(cs, as_lc(b) - as_lc(a), n, name)


def assert_lt(cs: ConstraintSystem, a: Operand, b: Operand, n: int, name: str = "lt") -> None:
    """a < b for a, b already range-checked to n bits. Costs n + 1 constraints."""
    range_check(cs, as_lc(b) - as_lc(a) - 1, n, name)


def assert_le_if(cs: ConstraintSystem, cond: Operand, a: Operand, b: Operand, n: int, name: str = "le") -> None:
    """a <= b whenever cond is 1 (cond boolean; a, b range-checked to n bits). Costs n + 2.

    The gated difference d = cond * (b - a) is 0 when cond = 0 and must fit n bits otherwise.
    """
    with cs.namespace(name, kind="compare"):
        d = cs.mul(cond, as_lc(b) - as_lc(a), "diff")
        range_check(cs, d, n, "range")


def less_than(cs: ConstraintSystem, a: Operand, b: Operand, n: int, name: str = "less_than") -> LC:
    """1 if a < b else 0, for a, b range-checked to n bits (n <= 252). Costs n + 2 constraints.

    a - b + 2^n lies in [1, 2^(n+1)); its bit n is 1 exactly when a >= b.
    """
    with cs.namespace(name, kind="compare"):
        bits = to_bits(cs, as_lc(a) - as_lc(b) + (1 << n), n + 1, "bits")
    return 1 - bits[n]
