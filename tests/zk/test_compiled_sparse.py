"""Compiled R1CS products equal qap.row_evaluations and find the same first failing constraint."""

from __future__ import annotations

import random

import pytest
from zk_sample_circuits import mul_chain, several_public

from zkob.zk.backends.compiled import backend
from zkob.zk.field import R
from zkob.zk.qap import domain_size, row_evaluations
from zkob.zk.r1cs import R1CS, Constraint


def _wide_circuit() -> tuple[R1CS, list[int]]:
    """Rows with many terms, large and zero coefficients, a constant term, an empty C."""
    rng = random.Random(3)
    w = [1] + [rng.randrange(R) for _ in range(12)]
    cons = []
    for j in range(20):
        a = {i: rng.randrange(R) for i in rng.sample(range(13), 5)}
        a[0] = R - 1
        b = {rng.randrange(13): 1}
        prod = sum(k * w[i] for i, k in a.items()) * sum(k * w[i] for i, k in b.items()) % R
        c = {} if prod == 0 else {12: prod * pow(w[12], -1, R) % R}
        cons.append(Constraint(a, b, c, f"wide[{j}]"))
    return R1CS(n_wires=13, n_public=3, constraints=cons), w


@pytest.mark.parametrize("make", [lambda: mul_chain(9), several_public, _wide_circuit],
                         ids=["chain", "several", "wide"])
def test_rows_equal_python_row_evaluations(make):
    r1cs, w = make()
    be = backend()
    n = domain_size(r1cs)
    sp = be.sparse_r1cs(r1cs)
    got = be.r1cs_rows(sp, be.fr_vec(w), n)
    assert [be.fr_list(v) for v in got] == [list(v) for v in row_evaluations(r1cs, w, n)]
    assert be.r1cs_first_unsatisfied(sp, *got) == -1 == (r1cs.first_failure(w) or (-1,))[0]


def test_first_unsatisfied_names_the_same_constraint_as_r1cs_check():
    r1cs, w = mul_chain(9)
    be = backend()
    sp = be.sparse_r1cs(r1cs)
    for wire in (5, 9):
        bad = list(w)
        bad[wire] = (bad[wire] + 1) % R
        rows = be.r1cs_rows(sp, be.fr_vec(bad), domain_size(r1cs))
        assert be.r1cs_first_unsatisfied(sp, *rows) == r1cs.first_failure(bad)[0] >= 0


def test_rows_refuse_wrong_witness_length_or_small_domain():
    r1cs, w = several_public()
    be = backend()
    sp = be.sparse_r1cs(r1cs)
    with pytest.raises(ValueError):
        be.r1cs_rows(sp, be.fr_vec(w[:-1]), domain_size(r1cs))
    with pytest.raises(ValueError):
        be.r1cs_rows(sp, be.fr_vec(w), r1cs.n_constraints)
