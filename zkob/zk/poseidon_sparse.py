"""Poseidon's partial rounds in sparse form (the Poseidon paper's appendix B), as plain ints.

A partial round applies the S-box to lane 0 only, so its dense t x t MDS
mix can be factored into a sparse matrix per round (first row, first
column and the identity elsewhere) and one dense matrix applied once after
the last partial round. A round then costs 2t - 1 products instead of t^2.
``sparse_partial_rounds`` gives that factorization with a full constant
vector per round (the compiled backend uses it); ``sparse_plan`` folds the
constants further so that a partial round adds one constant, to lane 0:
the constants of lanes 1..t-1 are carried through the linear maps and land
in the first full round after the partial rounds. The EVM code generator
(zkob.anchor.poseidon_evm) emits ``sparse_plan``; ``permute_sparse``
runs it in Python so a test can hold it equal to ``zkob.zk.poseidon.permute``.

Cost: building a plan inverts one (t-1) x (t-1) matrix per partial round,
about 0.15 s for t = 9 (done once per width, cached).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

from . import poseidon as ref
from .field import R

Matrix = list[list[int]]


def _matmul(a: Matrix, b: Matrix) -> Matrix:
    return [[sum(a[i][k] * b[k][j] for k in range(len(b))) % R for j in range(len(b[0]))] for i in range(len(a))]


def _inverse(a: Matrix) -> Matrix:
    """Inverse of a square matrix mod r (Gauss-Jordan; the blocks inverted here are never singular)."""
    n = len(a)
    m = [list(row) + [int(i == j) for j in range(n)] for i, row in enumerate(a)]
    for col in range(n):
        piv = next(r for r in range(col, n) if m[r][col])
        m[col], m[piv] = m[piv], m[col]
        f = pow(m[col][col], -1, R)
        m[col] = [x * f % R for x in m[col]]
        for r in range(n):
            if r != col and m[r][col]:
                g = m[r][col]
                m[r] = [(x - g * y) % R for x, y in zip(m[r], m[col])]
    return [row[n:] for row in m]


def sparse_partial_rounds(t: int) -> tuple[list[tuple[list[int], list[int], list[int]]], Matrix]:
    """The partial rounds of width t rewritten with sparse matrices: ([(c~, row0, v^)] per round, T).

    With the true state x = T s (T = diag(1, T^), identity at first) a
    partial round x -> M S(x + c) equals s -> A'' S(s + T^-1 c), T -> A',
    where A = M T = A' A'', A' = diag(1, A^) and A'' has first row A[0],
    first column below it v^ = A^^-1 A[1:, 0], and the identity elsewhere:
    S touches lane 0 only, which A' and T leave alone, so they commute. A
    round then costs 2t - 1 products instead of t^2; after the last one the
    state is multiplied by the final T once (the Poseidon paper's appendix B
    optimisation). A^ = M^ T^ stays invertible: M^ is a Cauchy submatrix.
    """
    p = ref.params(t)
    half = p.full_rounds // 2
    tm = [[int(i == j) for j in range(t)] for i in range(t)]
    rounds = []
    for rnd in range(half, half + p.partial_rounds):
        c = p.C[rnd * t:(rnd + 1) * t]
        c_new = [sum(x * y for x, y in zip(row, c)) % R for row in _inverse(tm)]
        a = _matmul([list(row) for row in p.M], tm)
        a_hat = [row[1:] for row in a[1:]]
        v_hat = [sum(x * a[k + 1][0] for k, x in enumerate(row)) % R for row in _inverse(a_hat)]
        rounds.append((c_new, a[0], v_hat))
        tm = [[1] + [0] * (t - 1)] + [[0, *row] for row in a_hat]
    return rounds, tm


@dataclass(frozen=True)
class PartialRound:
    """s0 <- (s0 + constant)^5; then s0' = sum_j row0[j] s_j and s_i' = s_i + v_hat[i-1] s0 (i >= 1)."""

    constant: int
    row0: tuple[int, ...]
    v_hat: tuple[int, ...]


@dataclass(frozen=True)
class SparsePlan:
    """Poseidon of width t as: 4 full rounds, sparse partial rounds, x = T s, 4 full rounds.

    A full round adds its constants, applies the S-box to every lane and
    mixes with ``mds``. ``full_after[0]`` already holds the constants the
    partial rounds carried forward.
    """

    t: int
    mds: tuple[tuple[int, ...], ...]
    full_before: tuple[tuple[int, ...], ...]
    partial: tuple[PartialRound, ...]
    t_hat: tuple[tuple[int, ...], ...]
    full_after: tuple[tuple[int, ...], ...]


@lru_cache(maxsize=None)
def sparse_plan(t: int) -> SparsePlan:
    """The folded sparse form of width t (2..17): one lane-0 constant per partial round."""
    p = ref.params(t)
    half = p.full_rounds // 2
    consts = [tuple(p.C[k * t:(k + 1) * t]) for k in range(p.full_rounds + p.partial_rounds)]
    rounds, tm = sparse_partial_rounds(t)
    carry = [0] * t
    partial = []
    for c_new, row0, v_hat in rounds:
        e = [(c + d) % R for c, d in zip(c_new, carry)]
        # the lane-0 constant is added here; the others are pushed through this round's sparse mix
        rest = [0, *e[1:]]
        carry = [sum(a * b for a, b in zip(row0, rest)) % R] + [
            (rest[i] + v_hat[i - 1] * rest[0]) % R for i in range(1, t)]
        partial.append(PartialRound(e[0], tuple(row0), tuple(v_hat)))
    shifted = [sum(a * b for a, b in zip(row, carry)) % R for row in tm]
    first_after = tuple((c + s) % R for c, s in zip(consts[half + p.partial_rounds], shifted))
    return SparsePlan(
        t=t, mds=p.M, full_before=tuple(consts[:half]), partial=tuple(partial),
        t_hat=tuple(tuple(row[1:]) for row in tm[1:]),
        full_after=(first_after, *consts[half + p.partial_rounds + 1:]),
    )


def _full_round(s: list[int], constants: Sequence[int], mds: Sequence[Sequence[int]]) -> list[int]:
    y = [pow(x + c, 5, R) for x, c in zip(s, constants)]
    return [sum(m * v for m, v in zip(row, y)) % R for row in mds]


def permute_sparse(state: Sequence[int], plan: SparsePlan) -> list[int]:
    """The permutation computed from ``plan``: equal to ``poseidon.permute`` (a test checks it)."""
    s = list(state)
    for constants in plan.full_before:
        s = _full_round(s, constants, plan.mds)
    for rnd in plan.partial:
        s0 = pow(s[0] + rnd.constant, 5, R)
        s = [sum(a * b for a, b in zip(rnd.row0, [s0, *s[1:]])) % R] + [
            (s[i] + rnd.v_hat[i - 1] * s0) % R for i in range(1, plan.t)]
    s = [s[0]] + [sum(a * b for a, b in zip(row, s[1:])) % R for row in plan.t_hat]
    for constants in plan.full_after:
        s = _full_round(s, constants, plan.mds)
    return s
