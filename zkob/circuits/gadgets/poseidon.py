"""Poseidon as constraints, matching ``zkob.zk.poseidon.poseidon`` (circomlib's parameters).

Only S-boxes allocate: x^5 costs 3 constraints (x2 = x*x, x4 = x2*x2,
y = x4*x). Round constants and the MDS mixing fold into linear
combinations, so H(x1..xn) costs 3 * (8t + R_P) constraints with t = n + 1,
minus 3 because the capacity element of the first round is a constant:
240 for two inputs (circomlib's Poseidon(2) has 240 too). Soundness: every
S-box output is pinned by its three constraints; everything else is linear.
"""

from __future__ import annotations

from ...zk.field import R
from ...zk.poseidon import MAX_INPUTS, params
from ..cs import LC, ConstraintSystem, Operand, as_lc, linear_sum


def _sbox(cs: ConstraintSystem, x: LC, name: str) -> LC:
    const = x.constant_value()
    if const is not None:
        return LC.const(pow(const, 5, R))
    x2 = cs.mul(x, x, f"{name}.x2")
    x4 = cs.mul(x2, x2, f"{name}.x4")
    return cs.mul(x4, x, f"{name}.x5")


def poseidon(cs: ConstraintSystem, inputs: list[Operand], name: str = "poseidon") -> LC:
    """H(inputs) for 1..16 inputs. Costs 3 * (8t + R_P) - 3 constraints (t = len + 1)."""
    n = len(inputs)
    if not 1 <= n <= MAX_INPUTS:
        raise ValueError(f"Poseidon takes 1..{MAX_INPUTS} inputs, got {n}")
    p = params(n + 1)
    t, C, M = p.t, p.C, p.M
    half = p.full_rounds // 2
    rounds = p.full_rounds + p.partial_rounds
    state = [LC(), *(as_lc(x) for x in inputs)]
    with cs.namespace(name, kind="poseidon"):
        for rnd in range(rounds):
            state = [s + C[rnd * t + i] for i, s in enumerate(state)]
            if rnd < half or rnd >= half + p.partial_rounds:
                state = [_sbox(cs, s, f"r{rnd}[{i}]") for i, s in enumerate(state)]
            else:
                state[0] = _sbox(cs, state[0], f"r{rnd}[0]")
            state = [linear_sum(list(zip(row, state))) for row in M]
    return state[0]

