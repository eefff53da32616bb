"""The folded sparse plan (what the EVM code is generated from) computes circomlib's Poseidon."""

from __future__ import annotations

import random

import pytest

from zkob.zk.field import R
from zkob.zk.poseidon import params, permute
from zkob.zk.poseidon_sparse import permute_sparse, sparse_plan


@pytest.mark.parametrize("t", list(range(2, 18)))
def test_sparse_plan_equals_the_dense_permutation(t):
    rng = random.Random(t)
    plan = sparse_plan(t)
    assert len(plan.partial) == params(t).partial_rounds
    for state in ([0] * t, [rng.randrange(R) for _ in range(t)]):
        assert permute_sparse(state, plan) == permute(state, params(t))


def test_dropping_the_carried_constants_breaks_it():
    """The lane 1..t-1 constants of the partial rounds land in full_after[0]; without them the hash differs."""
    from dataclasses import replace

    plan = sparse_plan(3)
    stripped = replace(plan, full_after=(tuple(params(3).C[(4 + 57) * 3:(4 + 57) * 3 + 3]), *plan.full_after[1:]))
    assert stripped.full_after[0] != plan.full_after[0]
    assert permute_sparse([0, 1, 2], stripped) != permute([0, 1, 2], params(3))
