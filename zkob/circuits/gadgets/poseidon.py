"""Poseidon as constraints, matching ``zkob.zk.poseidon.poseidon`` (circomlib's parameters).

Only S-boxes allocate: x^5 costs 3 constraints (x2 = x*x, x4 = x2*x2,
y = x4*x). Round constants and the MDS mixing fold into linear
combinations, so H(x1..xn) costs 3 * (8t + R_P) constraints with t = n + 1,
minus 3 because the capacity element of the first round is a constant:
240 for two inputs (circomlib's Poseidon(2) has 240 too). Soundness: every
S-box output is pinned by its three constraints; everything else is linear.

Speed: the linear layers are folded once per width into a *template*, the
input of every S-box as an affine form over (inputs, earlier S-box
outputs); a hash then substitutes its inputs into the template instead of
mixing dense linear combinations round by round.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

from ...zk.field import R
from ...zk.poseidon import MAX_INPUTS, params
from ..cs import LC, ConstraintSystem, Operand, as_lc, linear_sum


@dataclass(frozen=True)
class _Template:
    """S-box inputs and the output as affine forms over symbols 0 = one, 1..n inputs, n+1.. S-box outputs."""

    sboxes: tuple[tuple[str, tuple[tuple[int, int], ...]], ...]
    output: tuple[tuple[int, int], ...]


@lru_cache(maxsize=None)
def _template(n: int) -> _Template:
    p = params(n + 1)
    t, C, M = p.t, p.C, p.M
    half = p.full_rounds // 2
    state = [LC(), *(LC({1 + i: 1}) for i in range(n))]
    sboxes: list[tuple[str, tuple[tuple[int, int], ...]]] = []

    def sbox(x: LC, name: str) -> LC:
        const = x.constant_value()
        if const is not None:
            return LC.const(pow(const, 5, R))
        sboxes.append((name, tuple(x.terms.items())))
        return LC({n + len(sboxes): 1})

    for rnd in range(p.full_rounds + p.partial_rounds):
        state = [s + C[rnd * t + i] for i, s in enumerate(state)]
        if rnd < half or rnd >= half + p.partial_rounds:
            state = [sbox(s, f"r{rnd}[{i}]") for i, s in enumerate(state)]
        else:
            state[0] = sbox(state[0], f"r{rnd}[0]")
        state = [linear_sum(list(zip(row, state))) for row in M]
    return _Template(tuple(sboxes), tuple(state[0].terms.items()))


def _substitute(form: tuple[tuple[int, int], ...], symbols: list[LC]) -> LC:
    return linear_sum([(coeff, symbols[sym]) for sym, coeff in form])


def poseidon(cs: ConstraintSystem, inputs: Sequence[Operand], name: str = "poseidon") -> LC:
    """H(inputs) for 1..16 inputs. Costs 3 * (8t + R_P) - 3 constraints (t = len + 1), fewer
    when some inputs are constants (an S-box of a constant is folded)."""
    n = len(inputs)
    if not 1 <= n <= MAX_INPUTS:
        raise ValueError(f"Poseidon takes 1..{MAX_INPUTS} inputs, got {n}")
    tpl = _template(n)
    symbols = [LC.const(1), *(as_lc(x) for x in inputs)]
    with cs.namespace(name, kind="poseidon"):
        for sname, form in tpl.sboxes:
            x = _substitute(form, symbols)
            const = x.constant_value()
            if const is not None:
                symbols.append(LC.const(pow(const, 5, R)))
                continue
            x2 = cs.mul(x, x, f"{sname}.x2")
            x4 = cs.mul(x2, x2, f"{sname}.x4")
            symbols.append(cs.mul(x4, x, f"{sname}.x5"))
    return _substitute(tpl.output, symbols)
