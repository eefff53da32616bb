"""The pure backend against naive evaluation, py_ecc and galois; the QAP against its definition."""

from __future__ import annotations

import random

import pytest
from py_ecc import optimized_bn128 as bn
from zk_sample_circuits import cubic, several_public

from zkob.zk.backends.pure import PureBackend, g1_fixed_base_many, g2_fixed_base_many
from zkob.zk.field import root_of_unity
from zkob.zk.curve import G1_GEN, G2_GEN, from_ecc_g1, from_ecc_g2, to_ecc_g1, to_ecc_g2
from zkob.zk.field import R
from zkob.zk.qap import COSET_SHIFT, domain_size, h_coefficients, lagrange_at, row_evaluations

BE = PureBackend()


def _eval(coeffs, x):
    acc = 0
    for c in reversed(coeffs):
        acc = (acc * x + c) % R
    return acc


@pytest.mark.parametrize("n", [1, 2, 8, 32])
@pytest.mark.parametrize("shift", [1, COSET_SHIFT])
def test_ntt_matches_naive_evaluation_and_inverts(n, shift):
    rng = random.Random(n * 7 + shift)
    coeffs = [rng.randrange(R) for _ in range(n)]
    omega = root_of_unity(n)
    evals = BE.ntt(BE.fr_vec(coeffs), shift=shift)
    assert evals == [_eval(coeffs, shift * pow(omega, i, R) % R) for i in range(n)]
    assert BE.ntt(evals, inverse=True, shift=shift) == coeffs


def test_root_of_unity_is_primitive_and_refuses_bad_sizes():
    for k in (1, 5, 28):
        w = root_of_unity(1 << k)
        assert pow(w, 1 << k, R) == 1 and pow(w, 1 << (k - 1), R) == R - 1
    for bad in (3, 1 << 29):
        with pytest.raises(ValueError):
            root_of_unity(bad)


def test_ntt_matches_galois_polynomial_evaluation():
    """galois evaluates the same polynomial at its own 8th root of unity 5^((r-1)/8) and the coset.

    (galois.ntt(modulus=r) itself spends minutes searching r's primitive
    root; the field built with primitive_element=5 is the same field.)
    """
    import galois

    gf = galois.GF(R, primitive_element=5, verify=False)
    rng = random.Random(3)
    coeffs = [rng.randrange(R) for _ in range(8)]
    omega = gf(5) ** ((R - 1) // 8)
    assert int(omega) == root_of_unity(8)
    poly = galois.Poly(coeffs[::-1], field=gf)
    points = gf([int(omega ** i) for i in range(8)])
    assert [int(v) for v in poly(points)] == BE.ntt(coeffs)
    coset = gf([COSET_SHIFT * int(omega ** i) % R for i in range(8)])
    assert [int(v) for v in poly(coset)] == BE.ntt(coeffs, shift=COSET_SHIFT)


def test_msm_g1_and_g2_match_py_ecc():
    rng = random.Random(5)
    ks = [rng.randrange(R) for _ in range(40)]
    ss = [rng.randrange(R) for _ in range(40)]
    ss[3] = 0
    pts = g1_fixed_base_many(G1_GEN, ks)
    assert pts[:3] == [from_ecc_g1(bn.multiply(bn.G1, k)) for k in ks[:3]]
    pts[7] = None  # infinity in a table is skipped
    expected = bn.Z1
    for p, s in zip(pts, ss):
        if p is not None:
            expected = bn.add(expected, bn.multiply(to_ecc_g1(p), s))
    assert BE.msm_g1(BE.g1_table(pts), BE.fr_vec(ss)) == from_ecc_g1(expected)
    pts2 = g2_fixed_base_many(G2_GEN, ks[:6])
    assert pts2[:2] == [from_ecc_g2(bn.multiply(bn.G2, k)) for k in ks[:2]]
    expected2 = bn.Z2
    for p, s in zip(pts2, ss[:6]):
        expected2 = bn.add(expected2, bn.multiply(to_ecc_g2(p), s))
    assert BE.msm_g2(BE.g2_table(pts2), BE.fr_vec(ss[:6])) == from_ecc_g2(expected2)


def test_msm_edge_cases():
    p = g1_fixed_base_many(G1_GEN, [9])[0]
    assert BE.msm_g1([p, p], [1, R - 1]) is None  # cancellation
    assert BE.msm_g1([p, p], [1, 1]) == from_ecc_g1(bn.multiply(bn.G1, 18))  # doubling inside a bucket
    assert BE.msm_g1([], []) is None
    with pytest.raises(ValueError):
        BE.msm_g1([p], [1, 2])


def test_lagrange_basis_interpolates_at_tau():
    n, tau = 8, 123456789
    lag = lagrange_at(tau, n)
    assert sum(lag) % R == 1  # interpolating the constant 1
    omega = root_of_unity(n)
    assert sum(l * pow(omega, i, R) for i, l in enumerate(lag)) % R == tau  # interpolating X
    with pytest.raises(ValueError):
        lagrange_at(omega, n)


def test_domain_size_follows_snarkjs():
    r1cs, _ = cubic()
    assert domain_size(r1cs) == 8  # 3 constraints + 1 public + 1 -> 5 -> 8
    r1cs, _ = several_public()
    assert domain_size(r1cs) == 8  # 3 + 4 + 1 = 8


def test_quotient_divides_exactly_for_honest_witness_only():
    r1cs, w = several_public()
    n = domain_size(r1cs)
    a, b, c = row_evaluations(r1cs, w, n)
    h = h_coefficients(BE, a, b, c)
    assert h[-1] == 0
    ca, cb, cc = (BE.ntt(v, inverse=True) for v in (a, b, c))
    x = 987654321
    assert (_eval(ca, x) * _eval(cb, x) - _eval(cc, x)) % R == _eval(h, x) * (pow(x, n, R) - 1) % R
    w_bad = list(w)
    w_bad[5] += 1
    a, b, c = row_evaluations(r1cs, w_bad, n)
    h = h_coefficients(BE, a, b, c)
    ca, cb, cc = (BE.ntt(v, inverse=True) for v in (a, b, c))
    assert (_eval(ca, x) * _eval(cb, x) - _eval(cc, x)) % R != _eval(h, x) * (pow(x, n, R) - 1) % R


def test_tables_from_key_bytes_equal_tables_from_points():
    from zkob.zk.groth16.keys import g1_bytes, g2_bytes

    g1s = g1_fixed_base_many(G1_GEN, [3, 5]) + [None]
    g2s = g2_fixed_base_many(G2_GEN, [7]) + [None]
    assert BE.g1_table_bytes(g1_bytes(g1s)) == BE.g1_table(g1s)
    assert BE.g2_table_bytes(g2_bytes(g2s)) == BE.g2_table(g2s)
    with pytest.raises(ValueError):
        BE.g1_table_bytes(b"\x00" * 63)


def test_mul_many_matches_fixed_base_points():
    from zkob.zk.groth16.keys import g1_bytes, g2_bytes

    scalars = [0, 1, 5, R - 1]
    assert BE.g1_mul_many(G1_GEN, scalars) == g1_bytes(g1_fixed_base_many(G1_GEN, scalars))
    assert BE.g2_mul_many(G2_GEN, scalars[:3]) == g2_bytes(g2_fixed_base_many(G2_GEN, scalars[:3]))
    assert BE.g1_mul_many(G1_GEN, [0]) == bytes(64)
