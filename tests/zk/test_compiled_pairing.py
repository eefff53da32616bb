"""Compiled Fq12 tower and optimal ate pairing against py_ecc's optimized_bn128.

py_ecc's FQ12 is Fq[w]/(w^12 - 18 w^6 + 82), the same field with u = w^6 - 9,
so values are compared exactly after the change of basis, and the
product-is-one verdicts are compared with zkob.zk.verifier's py_ecc path.
"""

from __future__ import annotations

import random

import numpy as np
import pytest
from numba import njit
from py_ecc import optimized_bn128 as bn

from zkob.zk.backends.compiled import pairing as pr
from zkob.zk.backends.compiled._arith import fq_rows_to_mont
from zkob.zk.backends.compiled.fq12 import (
    F12_ONE,
    f12_conj,
    f12_frob,
    f12_from_array,
    f12_inv,
    f12_is_one,
    f12_mul,
    f12_sqr,
    f12_to_array,
)
from zkob.zk.backends.compiled.params import ints_to_limbs
from zkob.zk.curve import B2, from_ecc_g1, from_ecc_g2, g1_neg, g2_neg, to_ecc_g1, to_ecc_g2
from zkob.zk.curve import g2_in_subgroup as py_ecc_g2_in_subgroup
from zkob.zk.field import Q, R
from zkob.zk.groth16.verify import pairing_product_is_one as py_ecc_product_is_one

RNG = random.Random("compiled-pairing")


def _bits(e: int) -> np.ndarray:
    return np.array([int(b) for b in bin(e)[2:]], dtype=np.uint8)


@njit(cache=True)
def _pow(x, bits):
    acc = F12_ONE
    for bit in bits:
        acc = f12_sqr(acc)
        if bit:
            acc = f12_mul(acc, x)
    return acc


@njit(cache=True)
def _ops(x, y):
    """x*y, x^2, 1/x, x^q, x^(q^6), x*x^-1 == 1 as (12, 4) arrays and a flag."""
    a, b = f12_from_array(x), f12_from_array(y)
    inv = f12_inv(a)
    outs = (f12_mul(a, b), f12_sqr(a), inv, f12_frob(a), f12_conj(a))
    res = np.empty((5, 12, 4), dtype=np.uint64)
    for k in range(5):
        res[k] = f12_to_array(outs[k])
    return res, f12_is_one(f12_mul(a, inv))


@njit(cache=True)
def _pairing_pow_is(g1, g2, bits, h1, h2):
    """pairing(g1, g2) ** bits == pairing(h1, h2), all through the compiled code."""
    lhs = _pow(pr.pairing_product(g1, g2), bits)
    rhs = pr.pairing_product(h1, h2)
    return f12_to_array(lhs), f12_to_array(rhs)


@njit(cache=True)
def _round_trip(x):
    return f12_to_array(f12_from_array(x))


def _arr(vals: list[int]) -> np.ndarray:
    return fq_rows_to_mont(ints_to_limbs(vals, Q))


def _ours(arr: np.ndarray) -> list[int]:
    f = tuple(tuple(tuple(tuple(arr[6 * i + 2 * j + k]) for k in range(2)) for j in range(3)) for i in range(2))
    return pr.to_py_ecc_coeffs(pr.from_mont_f12(f))


def _ref(vals: list[int]) -> bn.FQ12:
    return bn.FQ12(pr.to_py_ecc_coeffs(vals))


def _g1(k: int):
    return from_ecc_g1(bn.multiply(bn.G1, k))


def _g2(k: int):
    return from_ecc_g2(bn.multiply(bn.G2, k))


def _coeffs(x: bn.FQ12) -> list[int]:
    return [int(c) % Q for c in x.coeffs]


@pytest.mark.parametrize("seed", range(4))
def test_fq12_arithmetic_matches_py_ecc(seed):
    rng = random.Random(seed)
    xs = [rng.randrange(Q) for _ in range(12)]
    ys = [rng.randrange(Q) for _ in range(12)]
    if seed == 0:
        xs = [0] * 11 + [5]  # sparse, single coefficient
    res, inverse_ok = _ops(_arr(xs), _arr(ys))
    x, y = _ref(xs), _ref(ys)
    expected = [x * y, x * x, x.inv(), x ** Q, x ** (Q ** 6)]
    for k, want in enumerate(expected):
        assert _ours(res[k]) == _coeffs(want), k
    assert inverse_ok


def test_fq12_basis_change_is_a_ring_map():
    """Our w really is py_ecc's w: w * w^5 = w^6, which is 9 + u in our tower."""
    w = [0] * 12
    w[6] = 1  # c1.c0.re: the coefficient of w^1
    w5 = [0] * 12
    w5[10] = 1  # c1.c2.re: w^5
    res, _ = _ops(_arr(w), _arr(w5))
    assert _ours(res[0]) == _coeffs(_ref(w) * _ref(w5))
    assert _ours(res[0]) == [0] * 6 + [1] + [0] * 5
    raw = pr.from_mont_f12(f12_from_array(res[0]))
    assert raw == [9, 1] + [0] * 10


def test_pairing_value_equals_py_ecc():
    a, b = RNG.randrange(1, R), RNG.randrange(1, R)
    f = pr.pairing_product(pr.g1_array([_g1(a)]), pr.g2_array([_g2(b)]))
    want = bn.pairing(bn.multiply(bn.G2, b), bn.multiply(bn.G1, a))
    assert pr.to_py_ecc_coeffs(pr.from_mont_f12(f)) == _coeffs(want)


def test_bilinearity_and_order_through_compiled_code():
    a, b = RNG.randrange(2, 2**64), RNG.randrange(2, 2**64)
    g1, g2 = pr.g1_array([_g1(1)]), pr.g2_array([_g2(1)])
    lhs, rhs = _pairing_pow_is(g1, g2, _bits(a * b), pr.g1_array([_g1(a)]), pr.g2_array([_g2(b)]))
    assert np.array_equal(lhs, rhs)
    wrong, rhs = _pairing_pow_is(g1, g2, _bits(a * b + 1), pr.g1_array([_g1(a)]), pr.g2_array([_g2(b)]))
    assert not np.array_equal(wrong, rhs)
    assert not pr.pairing_product_is_one_kernel(g1, g2)  # non-degenerate
    order, _ = _pairing_pow_is(g1, g2, _bits(R), g1[:0], pr.g2_array([])[:0])
    assert _ours(order) == [1] + [0] * 11


def test_product_is_one_on_inverse_pairs_and_infinity():
    p, q = _g1(RNG.randrange(1, R)), _g2(RNG.randrange(1, R))
    assert pr.product_is_one([(p, q), (g1_neg(p), q)])
    assert pr.product_is_one([(p, q), (p, g2_neg(q))])
    assert pr.product_is_one([(p, q), (p, g2_neg(q)), (None, q), (p, None)])
    assert pr.product_is_one([])
    assert not pr.product_is_one([(p, q)])
    assert not pr.product_is_one([(p, q), (p, q)])
    assert not pr.product_is_one([(p, q), (None, g2_neg(q))])


def _groth16_like(valid: bool, rng: random.Random) -> list:
    """e(-aG, bH) e(cG, dH) e(eG, fH) e(gG, hH) with ab = cd + ef + gh when valid (else off by one)."""
    c, d, e, f, g, h, a = (rng.randrange(1, R) for _ in range(7))
    b = (c * d + e * f + g * h) * pow(a, -1, R) % R
    if not valid:
        h = (h + 1) % R
    return [(_g1(-a % R), _g2(b)), (_g1(c), _g2(d)), (_g1(e), _g2(f)), (_g1(g), _g2(h))]


@pytest.mark.slow
@pytest.mark.parametrize("seed", range(3))
def test_groth16_like_verdicts_match_py_ecc(seed):
    rng = random.Random(f"g16-{seed}")
    for valid in (True, False):
        pairs = _groth16_like(valid, rng)
        ours = pr.product_is_one(pairs)
        theirs = py_ecc_product_is_one([(to_ecc_g1(p), to_ecc_g2(q)) for p, q in pairs])
        assert ours == theirs == valid


def test_fq12_array_round_trip():
    vals = [RNG.randrange(Q) for _ in range(12)]
    arr = _arr(vals)
    assert np.array_equal(_round_trip(arr), arr)


def twist_point_outside_g2(rng: random.Random):
    """A random point on the twist y^2 = x^3 + b2; its order is a multiple of r only with negligible chance."""
    b2 = bn.FQ2(list(B2))
    while True:
        x = bn.FQ2([rng.randrange(Q), rng.randrange(Q)])
        rhs = x * x * x + b2
        a1 = rhs ** ((Q - 3) // 4)  # square root in Fq2 for q = 3 mod 4
        alpha = a1 * a1 * rhs
        y = bn.FQ2([0, 1]) * a1 * rhs if alpha == -bn.FQ2.one() else (alpha + bn.FQ2.one()) ** ((Q - 1) // 2) * a1 * rhs
        if y * y == rhs:
            return ((int(x.coeffs[0]) % Q, int(x.coeffs[1]) % Q), (int(y.coeffs[0]) % Q, int(y.coeffs[1]) % Q))


def test_compiled_g2_subgroup_check_matches_py_ecc():
    rng = random.Random("g2-subgroup")
    inside = [_g2(rng.randrange(1, R)) for _ in range(2)] + [_g2(1), _g2(R - 1)]
    outside = [twist_point_outside_g2(rng) for _ in range(3)]
    off_curve = [(inside[0][0], (inside[0][1][0], (inside[0][1][1] + 1) % Q)), ((0, 0), (0, 0))]
    for p, want in [(None, True)] + [(p, True) for p in inside] + [(p, False) for p in outside + off_curve]:
        assert pr.g2_in_subgroup(p) == py_ecc_g2_in_subgroup(p) == want
    flags = pr.g2_times_r_is_inf(pr.g2_array(inside + outside))
    assert flags.tolist() == [True] * len(inside) + [False] * len(outside)
