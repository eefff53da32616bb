"""Fq and Fr kernels against Python int arithmetic, including the edge values 0, 1, p-1."""

from __future__ import annotations

import random

import numpy as np
import pytest
from numba import njit

from zkob.zk.backends.compiled import _arith as A
from zkob.zk.backends.compiled.params import ints_to_limbs, limbs_to_ints
from zkob.zk.field import Q, R


@njit(cache=True)
def _fq_all(x, y):
    out = np.empty((5,) + x.shape, np.uint64)
    for i in range(x.shape[0]):
        a = A.fq_load(x, i)
        b = A.fq_load(y, i)
        A.fq_store(out[0], i, A.fq_mul(a, b))
        A.fq_store(out[1], i, A.fq_add(a, b))
        A.fq_store(out[2], i, A.fq_sub(a, b))
        A.fq_store(out[3], i, A.fq_neg(a))
        A.fq_store(out[4], i, A.fq_inv(a))
    return out


@njit(cache=True)
def _fr_all(x, y):
    out = np.empty((5,) + x.shape, np.uint64)
    for i in range(x.shape[0]):
        a = A.fr_load(x, i)
        b = A.fr_load(y, i)
        A.fr_store(out[0], i, A.fr_mul(a, b))
        A.fr_store(out[1], i, A.fr_add(a, b))
        A.fr_store(out[2], i, A.fr_sub(a, b))
        A.fr_store(out[3], i, A.fr_neg(a))
        A.fr_store(out[4], i, A.fr_inv(a))
    return out


FIELDS = {
    "fq": (Q, A.fq_rows_to_mont, A.fq_rows_from_mont, A.fq_rows_batch_inv, _fq_all),
    "fr": (R, A.fr_rows_to_mont, A.fr_rows_from_mont, A.fr_rows_batch_inv, _fr_all),
}


def _inputs(p: int) -> tuple[list[int], list[int]]:
    rng = random.Random(p & 0xFFFF)
    edge = [0, 1, 2, p - 1, p - 2, (p - 1) // 2, 2**253, 2**64 - 1, 2**128 + 2**64 - 1]
    xs = edge + edge + [rng.randrange(p) for _ in range(200)]
    ys = edge + edge[::-1] + [rng.randrange(p) for _ in range(200)]
    return xs, ys


@pytest.mark.parametrize("name", sorted(FIELDS))
def test_field_ops_match_ints(name):
    p, to_mont, from_mont, _, kernel = FIELDS[name]
    xs, ys = _inputs(p)
    out = kernel(to_mont(ints_to_limbs(xs, p)), to_mont(ints_to_limbs(ys, p)))
    got = [limbs_to_ints(from_mont(np.ascontiguousarray(o))) for o in out]
    assert got[0] == [a * b % p for a, b in zip(xs, ys)]
    assert got[1] == [(a + b) % p for a, b in zip(xs, ys)]
    assert got[2] == [(a - b) % p for a, b in zip(xs, ys)]
    assert got[3] == [(-a) % p for a in xs]
    assert got[4] == [pow(a, -1, p) if a else 0 for a in xs]


@pytest.mark.parametrize("name", sorted(FIELDS))
def test_montgomery_round_trip_and_canonical_output(name):
    p, to_mont, from_mont, _, _ = FIELDS[name]
    xs, _ = _inputs(p)
    mont = to_mont(ints_to_limbs(xs, p))
    assert limbs_to_ints(mont) == [x * 2**256 % p for x in xs]
    assert limbs_to_ints(from_mont(mont)) == xs


@pytest.mark.parametrize("name", sorted(FIELDS))
def test_batch_inverse_skips_zeros(name):
    p, to_mont, from_mont, batch_inv, _ = FIELDS[name]
    xs = [5, 0, p - 1, 0, 123456789, 1]
    got = limbs_to_ints(from_mont(batch_inv(to_mont(ints_to_limbs(xs, p)))))
    assert got == [pow(x, -1, p) if x else 0 for x in xs]
    assert got[2] == p - 1 and got[1] == 0
