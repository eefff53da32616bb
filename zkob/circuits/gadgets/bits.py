"""Booleans and bit decompositions.

``to_bits(cs, x, n)`` is the canonical decomposition: n boolean wires whose
weighted sum is x. For n <= 253 the bits are unique because 2^n < r. For
the full width n = 254 two decompositions exist for small x (x and x + r
both fit in 254 bits), so ``to_bits`` then also asserts the bits, read as
an integer, are at most r - 1 (STYLE.md rule 6).
"""

from __future__ import annotations

from ...zk.field import R
from ..cs import LC, ConstraintSystem, Operand, as_lc, linear_sum

FULL_WIDTH = R.bit_length()  # 254


def assert_bool(cs: ConstraintSystem, x: Operand, label: str = "bool") -> None:
    """x in {0, 1}. Costs 1 constraint: x * (1 - x) = 0."""
    cs.enforce(x, 1 - as_lc(x), 0, label)


def from_bits(bits: list[LC]) -> LC:
    """sum 2^i bits[i] (least significant first). Free: a linear combination."""
    return linear_sum([(1 << i, b) for i, b in enumerate(bits)])


def to_bits(cs: ConstraintSystem, x: Operand, n: int, name: str = "bits") -> list[LC]:
    """The n bits of x, least significant first; unsatisfiable when x >= 2^n.

    Costs n + 1 constraints (n booleanity, one sum), plus at most 254 for the
    canonicity check when n = 254. Sound: booleans with sum x and 2^n <= r
    (or the explicit <= r - 1 check) leave one assignment.
    """
    if not 1 <= n <= FULL_WIDTH:
        raise ValueError(f"bit width must be in 1..{FULL_WIDTH}")
    with cs.namespace(name, kind="bits"):
        bits: list[LC] = []
        for i in range(n):
            b = cs.alloc(f"bit[{i}]", lambda i=i: (cs.value(x) >> i) & 1)
            assert_bool(cs, b, f"bit[{i}]")
            bits.append(b)
        cs.enforce(from_bits(bits), 1, x, "sum")
        if n == FULL_WIDTH:
            assert_bits_le_const(cs, bits, R - 1)
    return bits


def range_check(cs: ConstraintSystem, x: Operand, n: int, name: str = "range") -> None:
    """Assert 0 <= x < 2^n (n <= 253). Costs n + 1 constraints."""
    if n > FULL_WIDTH - 1:
        raise ValueError("a range check must be narrower than the field")
    to_bits(cs, x, n, name)


def assert_bits_le_const(cs: ConstraintSystem, bits: list[LC], c: int, name: str = "le_const") -> None:
    """The integer with these (boolean) bits is <= the constant c.

    Scans from the most significant bit keeping ``eq`` = "the prefix so far
    equals c's prefix" (the AND of the bits where c has a 1; where c has a 0
    the bit is forced to 0 while eq holds). Costs at most len(bits)
    constraints. Precondition: bits are boolean; c < 2^len(bits).
    """
    with cs.namespace(name, kind="bits"):
        eq: LC | None = None
        run: list[LC] = []
        for i in range(len(bits) - 1, -1, -1):
            if (c >> i) & 1:
                run.append(bits[i])
                continue
            if run:
                acc = run[0] if eq is None else eq
                rest = run[1:] if eq is None else run
                for j, b in enumerate(rest):
                    acc = cs.mul(acc, b, f"eq[{i}]_{j}")
                eq, run = acc, []
            if eq is not None:
                cs.enforce(eq, bits[i], 0, f"zero[{i}]")
