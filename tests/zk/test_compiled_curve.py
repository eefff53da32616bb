"""Jacobian G1/G2 kernels against py_ecc, including the exceptional cases of addition."""

from __future__ import annotations

import numpy as np
import pytest
from numba import njit

from test_compiled_support import add, g1, g2, neg1, neg2
from zkob.zk.backends.compiled.engine import CompiledBackend, _fq_ints
from zkob.zk.backends.compiled.curve import (coord_at, coord_put, jac_add, jac_add_affine, jac_double, jac_eq,
                                             jac_infinity, jac_to_affine)
from zkob.zk.backends.compiled.ops import fmul, fsqr
from zkob.zk.backends.compiled.params import FQ, LIMBS, limbs_of

Z_SCALE = tuple(np.uint64(v) for v in limbs_of(FQ.r2_mod))  # some non-trivial Z (Montgomery 2^256)


@njit(cache=True)
def _lift(table, inf, i, z):
    """Row i as a Jacobian point with Z = z (not 1), so formulas see general inputs."""
    x = coord_at(table, i, 0)
    if inf[i]:
        return jac_infinity(x)
    zz = fsqr(z)
    return (fmul(x, zz), fmul(coord_at(table, i, 1), fmul(zz, z)), z)


@njit(cache=True)
def _ops(ta, ia, tb, ib, z, out, out_inf):
    """out[k, i]: k=0 a+b (full), 1 a+b (mixed), 2 2a; also checks add is symmetric."""
    for i in range(ta.shape[0]):
        a = _lift(ta, ia, i, z)
        b = _lift(tb, ib, i, fsqr(z))
        s = jac_add(a, b)
        if not jac_eq(s, jac_add(b, a)):
            out_inf[3, i] = True
        m = s if ib[i] else jac_add_affine(a, coord_at(tb, i, 0), coord_at(tb, i, 1))
        for k, p in enumerate((s, m, jac_double(a))):
            x, y, inf = jac_to_affine(p)
            coord_put(out[k], i, 0, x)
            coord_put(out[k], i, 1, y)
            out_inf[k, i] = inf


def _read(arr, inf, group):
    res = []
    for i in range(arr.shape[0]):
        if inf[i]:
            res.append(None)
            continue
        vals = _fq_ints(arr[i])
        res.append(tuple(vals) if group == 1 else ((vals[0], vals[1]), (vals[2], vals[3])))
    return res


CASES = [(3, 5), (7, 7), (11, -11), (0, 13), (17, 0), (0, 0), (2**200 + 1, 99), (1, 1)]


@pytest.mark.parametrize("group", [1, 2])
def test_add_madd_double_match_py_ecc(group):
    be = CompiledBackend()
    mk, neg = (g1, neg1) if group == 1 else (g2, neg2)
    a = [mk(i) if i else None for i, _ in CASES]
    b = [(neg(mk(-j)) if j < 0 else mk(j)) if j else None for _, j in CASES]
    table = be.g1_table if group == 1 else be.g2_table
    ta, tb = table(a), table(b)
    out = np.zeros((3,) + ta.points.shape, np.uint64)
    out_inf = np.zeros((4, len(a)), bool)
    zero = (np.uint64(0),) * LIMBS
    z = Z_SCALE if group == 1 else (Z_SCALE, zero)
    _ops(ta.points, ta.infinity, tb.points, tb.infinity, z, out, out_inf)
    assert not out_inf[3].any()  # a + b == b + a everywhere
    sums = [add(p, q, group) for p, q in zip(a, b)]
    assert sums[2] is None and sums[5] is None  # P + (-P) and inf + inf really are infinity
    assert _read(out[0], out_inf[0], group) == sums
    mixed = [add(p, q, group) if q is not None else p for p, q in zip(a, b)]
    assert _read(out[1], out_inf[1], group) == mixed
    assert _read(out[2], out_inf[2], group) == [add(p, p, group) for p in a]
