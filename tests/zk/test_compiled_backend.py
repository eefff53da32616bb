"""The compiled backend agrees with py_ecc, naive ints and the pure backend (the oracle).

One parametrized set runs on both backends; edge cases: zero scalars, r-1,
points at infinity, repeated points, P and -P, lengths 0 and 1, coset NTTs.
"""

from __future__ import annotations

import random

import numpy as np
import pytest

from test_compiled_support import g1, g2, naive_msm, neg1, neg2
from zkob.zk.backends.compiled import backend as compiled_backend
from zkob.zk.backends.compiled.msm import SCALAR_BITS, signed_digits, window_bits
from zkob.zk.field import root_of_unity
from zkob.zk.backends.compiled.params import ints_to_limbs
from zkob.zk.backends.pure import PureBackend
from zkob.zk.field import R

BACKENDS = {"compiled": compiled_backend, "pure": PureBackend}


@pytest.fixture(params=sorted(BACKENDS), scope="module")
def be(request):
    return BACKENDS[request.param]()


def _edge_msm_inputs(group: int):
    mk, neg = (g1, neg1) if group == 1 else (g2, neg2)
    pts = [mk(k) for k in (3, 5, 5, 9, 12, 2**100 + 7)]
    pts += [None, neg(pts[3]), pts[0]]
    scalars = [R - 1, 2, 2, 0, 1, random.Random(group).randrange(R), 77, 4, R - 1]
    return pts, scalars


@pytest.mark.parametrize("group", [1, 2])
def test_msm_edge_cases_match_py_ecc(be, group):
    table, msm = (be.g1_table, be.msm_g1) if group == 1 else (be.g2_table, be.msm_g2)
    pts, sc = _edge_msm_inputs(group)
    assert msm(table(pts), be.fr_vec(sc)) == naive_msm(pts, sc, group)
    assert msm(table([]), be.fr_vec([])) is None
    assert msm(table(pts[:1]), be.fr_vec([R - 1])) == naive_msm(pts[:1], [R - 1], group)
    assert msm(table(pts[:1]), be.fr_vec([0])) is None
    assert msm(table([None]), be.fr_vec([5])) is None
    # P*(r-1) + P*1 and P*2 + (-P)*2 cancel exactly
    p = pts[0]
    assert msm(table([p, p]), be.fr_vec([R - 1, 1])) is None
    neg = neg1 if group == 1 else neg2
    assert msm(table([p, neg(p)]), be.fr_vec([2, 2])) is None


def test_msm_length_mismatch_is_refused(be):
    with pytest.raises(ValueError):
        be.msm_g1(be.g1_table([g1(1), g1(2)]), be.fr_vec([1]))


def test_ntt_matches_naive_dft_and_inverts(be):
    rng = random.Random(4)
    for n in (1, 2, 16):
        xs = [rng.randrange(R) for _ in range(n)]
        xs[0] = R - 1
        w = root_of_unity(n)
        for shift in (1, 7):
            want = [sum(c * pow(shift * pow(w, i, R), j, R) for j, c in enumerate(xs)) % R for i in range(n)]
            ev = be.ntt(be.fr_vec(xs), False, shift)
            assert be.fr_list(ev) == want
            assert be.fr_list(be.ntt(ev, True, shift)) == xs


def test_pointwise_ops_refuse_length_mismatch(be):
    x, y = be.fr_vec([1, 2, 3]), be.fr_vec([1, 2])
    for op in (be.fr_mul, be.fr_sub):
        with pytest.raises(ValueError):
            op(x, y)


def test_ntt_refuses_non_power_of_two(be):
    with pytest.raises(ValueError):
        be.ntt(be.fr_vec([1, 2, 3]))


def test_pointwise_ops(be):
    rng = random.Random(5)
    a = [0, 1, R - 1] + [rng.randrange(R) for _ in range(40)]
    b = [R - 1, R - 1, R - 1] + [rng.randrange(R) for _ in range(40)]
    x, y = be.fr_vec(a), be.fr_vec(b)
    assert be.fr_list(x) == a
    assert be.fr_list(be.fr_mul(x, y)) == [u * v % R for u, v in zip(a, b)]
    assert be.fr_list(be.fr_sub(x, y)) == [(u - v) % R for u, v in zip(a, b)]
    assert be.fr_list(be.fr_scale(x, R - 2)) == [u * (R - 2) % R for u in a]


def test_root_of_unity_has_exact_order():
    w = root_of_unity(1 << 28)
    assert pow(w, 1 << 28, R) == 1 and pow(w, 1 << 27, R) == R - 1
    assert root_of_unity(4) == pow(w, 1 << 26, R)


def test_compiled_agrees_with_pure_on_random_inputs():
    """Larger random MSMs (several windows and buckets) and NTTs: both engines, same answers."""
    comp, pure = compiled_backend(), PureBackend()
    rng = random.Random(6)
    base = [g1(k) for k in range(1, 9)]
    pts = [base[rng.randrange(8)] for _ in range(300)]
    sc = [rng.randrange(R) for _ in range(300)]
    sc[::17] = [0] * len(sc[::17])
    assert comp.msm_g1(comp.g1_table(pts), comp.fr_vec(sc)) == pure.msm_g1(pure.g1_table(pts), pure.fr_vec(sc))
    pts2 = [g2(k) for k in (1, 2, 3)] * 10
    sc2 = sc[:30]
    assert comp.msm_g2(comp.g2_table(pts2), comp.fr_vec(sc2)) == pure.msm_g2(pure.g2_table(pts2), pure.fr_vec(sc2))
    xs = [rng.randrange(R) for _ in range(256)]
    for inverse in (False, True):
        got = comp.fr_list(comp.ntt(comp.fr_vec(xs), inverse, 5))
        assert got == pure.fr_list(pure.ntt(pure.fr_vec(xs), inverse, 5))


@pytest.mark.parametrize("c", [1, 3, 8, 13, 16, 17])
def test_signed_digits_reconstruct_scalar(c):
    rng = random.Random(c)
    values = [0, 1, R - 1, 2**253, 2**254 - 1, (1 << (c - 1)) - 1] + [rng.randrange(R) for _ in range(20)]
    nwin = SCALAR_BITS // c + 1
    digits = signed_digits(ints_to_limbs(values, 1 << 256), c, nwin)
    assert np.abs(digits).max() <= 1 << (c - 1)
    for i, v in enumerate(values):
        assert sum(int(digits[w, i]) << (c * w) for w in range(nwin)) == v


def test_window_bits_grow_with_size():
    sizes = [window_bits(1 << k) for k in (0, 4, 8, 12, 16, 20)]
    assert sizes == sorted(sizes) and sizes[0] < sizes[-1]


def test_tables_from_key_bytes_match_tables_from_points():
    from zkob.zk.groth16.keys import g1_bytes, g2_bytes

    comp = compiled_backend()
    p1 = [g1(3), None, g1(5), g1(3)]
    p2 = [g2(3), None, g2(5)]
    t1, t2 = comp.g1_table_bytes(g1_bytes(p1)), comp.g2_table_bytes(g2_bytes(p2))
    assert (t1.points == comp.g1_table(p1).points).all() and list(t1.infinity) == [False, True, False, False]
    assert (t2.points == comp.g2_table(p2).points).all() and list(t2.infinity) == [False, True, False]
    sc = [R - 1, 9, 2, 3]
    assert comp.msm_g1(t1, comp.fr_vec(sc)) == naive_msm(p1, sc, 1)
    assert comp.msm_g2(t2, comp.fr_vec(sc[:3])) == naive_msm(p2, sc[:3], 2)
    assert len(comp.g1_table_bytes(b"")) == 0


def test_tables_from_key_bytes_refuse_bad_points():
    from zkob.zk.errors import MalformedInput
    from zkob.zk.field import Q
    from zkob.zk.groth16.keys import g1_bytes, g2_bytes

    comp = compiled_backend()
    good = g1_bytes([g1(3), g1(4), g1(5)])
    off_curve = bytearray(good)
    off_curve[64 + 5] ^= 1
    with pytest.raises(MalformedInput, match=r"H\[1\]: point is not on the curve"):
        comp.g1_table_bytes(bytes(off_curve), "H")
    too_big = good[:128] + Q.to_bytes(32, "little") + good[160:]
    with pytest.raises(MalformedInput, match=r"A\[2\]: coordinate is not below q"):
        comp.g1_table_bytes(too_big, "A")
    with pytest.raises(MalformedInput, match="whole number"):
        comp.g1_table_bytes(good[:-1], "A")
    g2_good = bytearray(g2_bytes([g2(7), g2(8)]))
    g2_good[128 + 100] ^= 4
    with pytest.raises(MalformedInput, match=r"B2\[1\]"):
        comp.g2_table_bytes(bytes(g2_good), "B2")
    # a G1 point is not a G2 point: the twist equation catches it
    with pytest.raises(MalformedInput):
        comp.g2_table_bytes(good[:128], "B2")


@pytest.mark.parametrize("group", [1, 2])
def test_fixed_base_many_matches_pure(group):
    from zkob.zk.backends.pure import g1_fixed_base_many, g2_fixed_base_many

    comp = compiled_backend()
    sc = [0, 1, 2, R - 1, R - 2, 2**253 + 3, 2**128] + [random.Random(group).randrange(R) for _ in range(5)]
    if group == 1:
        got, want = comp.g1_fixed_base_many(g1(11), sc), g1_fixed_base_many(g1(11), sc)
    else:
        got, want = comp.g2_fixed_base_many(g2(11), sc), g2_fixed_base_many(g2(11), sc)
    assert got == want
    assert got[0] is None and got[3] == (neg1 if group == 1 else neg2)(got[1])
    fixed = comp.g1_fixed_base_many if group == 1 else comp.g2_fixed_base_many
    assert fixed(None, [1, 2]) == [None, None] and fixed((g1 if group == 1 else g2)(3), []) == []


@pytest.mark.parametrize("group", [1, 2])
@pytest.mark.parametrize("batch", [0, 1, 2, 16])
def test_batch_affine_and_jacobian_filling_agree_on_edge_cases(group, batch):
    """Repeated points (doubling in a batch), P and -P in one bucket (infinity), overflow buckets."""
    from zkob.zk.backends.compiled import _arith, msm
    from zkob.zk.backends.compiled.engine import _fq_ints

    comp = compiled_backend()
    mk, neg = (g1, neg1) if group == 1 else (g2, neg2)
    base = [mk(k) for k in (3, 5, 7)]
    pts = [base[0]] * 6 + [neg(base[0])] * 3 + [base[1], neg(base[1]), None, base[2], base[2]]
    sc = [5, 5, 5, 5, 5, 5, 5, 5, 5, 9, 9, 3, R - 1, R - 1]
    table = comp.g1_table(pts) if group == 1 else comp.g2_table(pts)
    s = _arith.fr_rows_from_mont(comp.fr_vec(sc))
    s[table.infinity] = 0
    res, inf = msm.msm(table.points, s, 2, batch)
    want = naive_msm(pts, sc, group)
    flat = None if want is None else (list(want) if group == 1 else [*want[0], *want[1]])
    assert (None if inf else _fq_ints(res)) == flat


def test_large_msm_uses_batch_affine_and_matches_pure():
    from zkob.zk.backends.compiled.msm import BATCH_AFFINE_MIN, affine_batch, window_bits

    n = BATCH_AFFINE_MIN + 37
    assert affine_batch(n, 1 << (window_bits(n) - 1)) > 0
    comp, pure = compiled_backend(), PureBackend()
    rng = random.Random(8)
    base = comp.g1_fixed_base_many(g1(1), range(1, 65))
    pts = [base[rng.randrange(64)] for _ in range(n)]
    sc = [rng.randrange(R) if i % 5 else rng.randrange(4) for i in range(n)]
    assert comp.msm_g1(comp.g1_table(pts), comp.fr_vec(sc)) == pure.msm_g1(pure.g1_table(pts), pure.fr_vec(sc))


@pytest.mark.parametrize("group", [1, 2])
def test_mul_many_bytes_match_pure(group):
    """Setup's g1_mul_many/g2_mul_many: same key bytes as the pure engine, infinity as zeros."""
    comp, pure = compiled_backend(), PureBackend()
    sc = [0, 1, R - 1, 2**200 + 9] + [random.Random(9).randrange(R) for _ in range(6)]
    base = g1(13) if group == 1 else g2(13)
    name = "g1_mul_many" if group == 1 else "g2_mul_many"
    got = getattr(comp, name)(base, comp.fr_vec(sc))
    assert got == getattr(pure, name)(base, pure.fr_vec(sc))
    width = 64 if group == 1 else 128
    assert len(got) == width * len(sc) and got[:width] == bytes(width)
    assert getattr(comp, name)(base, comp.fr_vec([])) == b""
    assert getattr(comp, name)(None, comp.fr_vec([4, 5])) == bytes(2 * width)
