"""Signed values as field elements: range, sign, absolute value, max(0, x), one-hot selection.

A signed integer x lives in a wire as x mod r (state/signed.py). "|x| <
2^n" is checked by decomposing y = x + 2^n into n + 1 bits and refusing y
= 0: the bits prove y in [0, 2^(n+1)), i.e. x in [-2^n, 2^n), and y != 0
removes -2^n. The top bit of y is then 1 exactly when x >= 0. Because
2^(n+1) < r (n <= 252), no x outside the range has such a decomposition:
this is what keeps a "negative" value from passing as a huge positive one
(nothing wraps mod r).

Costs (n = the bound's exponent):

    assert_signed_range   n + 3    |x| < 2^n
    is_nonnegative        n + 3    1 if x >= 0, and |x| < 2^n
    abs_value             n + 4    (|x|, x >= 0), and |x| < 2^n
    max0                  n + 4    max(0, x), and |x| < 2^n
    assert_signed_range_if n + 4   |x| < 2^n whenever cond is 1
    shrinks_toward_zero   3n + 13  1 if |new| < |old| with no change of sign (0 counts)
    onehot                count + 2 the selector e_index (all 0 when disabled)
"""

from __future__ import annotations

from collections.abc import Callable

from ...zk.field import inv as field_inv
from ..cs import LC, ConstraintSystem, Operand, as_lc
from .bits import assert_bool, to_bits

MAX_SIGNED_BITS = 252


def is_nonnegative(cs: ConstraintSystem, x: Operand, n: int, name: str = "sign") -> LC:
    """1 if x >= 0 else 0; unsatisfiable unless |x| < 2^n. Costs n + 3 constraints.

    Labels ``name/bits/...`` (the range) and ``name/not_min`` (x != -2^n).
    """
    if not 1 <= n <= MAX_SIGNED_BITS:
        raise ValueError(f"signed bound 2^n needs 1 <= n <= {MAX_SIGNED_BITS}")
    shifted = as_lc(x) + (1 << n)
    with cs.namespace(name, kind="signed"):
        bits = to_bits(cs, shifted, n + 1, "bits")
        inv = cs.alloc("inv", lambda: field_inv(cs.value(shifted)) if cs.value(shifted) else 0)
        cs.enforce(shifted, inv, 1, "not_min")
    return bits[n]


def assert_signed_range(cs: ConstraintSystem, x: Operand, n: int, name: str = "signed_range") -> None:
    """|x| < 2^n. Costs n + 3 constraints."""
    is_nonnegative(cs, x, n, name)


def assert_signed_range_if(cs: ConstraintSystem, cond: Operand, x: Operand, n: int,
                           name: str = "signed_range") -> None:
    """|x| < 2^n whenever cond (boolean) is 1. Costs n + 4: the gated value cond * x is checked."""
    with cs.namespace(name, kind="signed"):
        gated = cs.mul(cond, x, "gated")
        is_nonnegative(cs, gated, n, "check")


def abs_value(cs: ConstraintSystem, x: Operand, n: int, name: str = "abs") -> tuple[LC, LC]:
    """(|x|, 1 if x >= 0); unsatisfiable unless |x| < 2^n. Costs n + 4 constraints."""
    nonneg = is_nonnegative(cs, x, n, name)
    with cs.namespace(name, kind="signed"):
        magnitude = cs.mul(2 * nonneg - 1, x, "value")
    return magnitude, nonneg


def max0(cs: ConstraintSystem, x: Operand, n: int, name: str = "max0") -> LC:
    """max(0, x); unsatisfiable unless |x| < 2^n. Costs n + 4 constraints."""
    nonneg = is_nonnegative(cs, x, n, name)
    with cs.namespace(name, kind="signed"):
        return cs.mul(nonneg, x, "value")


def shrinks_toward_zero(cs: ConstraintSystem, old: Operand, new: Operand, n: int,
                        name: str = "shrinks") -> LC:
    """1 if |new| < |old| and new is 0 or has old's sign, else 0 (state.positions twin).

    With s = sign(old), y = s * new: the condition is 0 <= y < |old|, i.e.
    y >= 0 and |old| - y - 1 >= 0. Both |old|, |new| < 2^n are required
    (checked), so |old| - y - 1 lies in (-2^(n+1), 2^n). Costs 3n + 13.
    """
    with cs.namespace(name, kind="signed"):
        magnitude, old_nonneg = abs_value(cs, old, n, "old")
        y = cs.mul(2 * old_nonneg - 1, new, "toward")
        y_nonneg = is_nonnegative(cs, y, n, "same_side")
        smaller = is_nonnegative(cs, magnitude - y - 1, n + 1, "smaller")
        return cs.mul(y_nonneg, smaller, "out")


def onehot(cs: ConstraintSystem, index: Operand, count: int, name: str = "onehot",
           enabled: Operand | None = None) -> list[LC]:
    """Booleans sel[0..count-1] with sel[index] = 1 and the rest 0; unsatisfiable unless index < count.

    With ``enabled`` (a boolean the caller constrains) the selector sums to
    ``enabled``: all zero, and index forced to 0, when it is 0. Labels
    ``name/bit[k]``, ``name/sum`` (exactly one, or index out of range),
    ``name/index``. Costs count + 2 constraints.
    """
    total = LC.const(1) if enabled is None else as_lc(enabled)

    def picks(k: int) -> Callable[[], int]:
        return lambda: int(cs.value(index) == k and cs.value(total) == 1)

    with cs.namespace(name, kind="select"):
        sel = []
        for k in range(count):
            s = cs.alloc(f"sel[{k}]", picks(k))
            assert_bool(cs, s, f"bit[{k}]")
            sel.append(s)
        ones, weighted = LC(), LC()
        for k, s in enumerate(sel):
            ones, weighted = ones + s, weighted + s * k
        cs.enforce(ones, 1, total, "sum")
        cs.enforce(weighted, 1, index, "index")
    return sel
