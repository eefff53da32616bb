"""Selection: choose between values by a boolean, or by a one-hot vector."""

from __future__ import annotations

from ..cs import LC, ConstraintSystem, Operand, as_lc


def select(cs: ConstraintSystem, cond: Operand, a: Operand, b: Operand, name: str = "select") -> LC:
    """cond ? a : b, for a boolean cond. Costs 1 constraint: cond * (a - b) = out - b.

    Precondition: cond is constrained boolean elsewhere (otherwise out is an
    arbitrary affine combination of a and b).
    """
    a, b = as_lc(a), as_lc(b)
    const = as_lc(cond).constant_value()
    if const is not None:  # a constant condition needs no constraint
        return a if const == 1 else b
    out = cs.alloc(name, lambda: cs.value(b) + cs.value(cond) * (cs.value(a) - cs.value(b)))
    cs.enforce(cond, a - b, out - b, name)
    return out


def swap(cs: ConstraintSystem, cond: Operand, a: Operand, b: Operand, name: str = "swap") -> tuple[LC, LC]:
    """(b, a) when cond is 1, else (a, b); cond boolean. Costs 1 constraint (the other is linear)."""
    first = select(cs, cond, b, a, name)
    return first, as_lc(a) + as_lc(b) - first


def mux_onehot(cs: ConstraintSystem, sels: list[Operand], values: list[Operand], name: str = "mux") -> LC:
    """sum sels[i] * values[i]: the value picked by a one-hot selector vector.

    Costs one constraint per non-constant value (constant values are free).
    Precondition: sels is constrained one-hot elsewhere.
    """
    total = LC()
    with cs.namespace(name, kind="select"):
        for i, (s, v) in enumerate(zip(sels, values)):
            v = as_lc(v)
            const = v.constant_value()
            total = total + (as_lc(s) * const if const is not None else cs.mul(s, v, f"term[{i}]"))
    return total
