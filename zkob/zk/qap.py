"""R1CS -> QAP on a radix-2 domain, with snarkjs's row convention.

Rows 0..m-1 are the R1CS constraints; rows m..m+n_public add one A-only row
per public wire including wire 0 (A = w_i, B = C = 0, trivially satisfied),
so the IC polynomials of the public wires are linearly independent (without
them a public wire used only in B or C could share its IC point with
another and the statement would not bind it). Domain size is
2^ceil(log2(m + n_public + 1)), as snarkjs computes it, over the standard
roots of unity (field.root_of_unity). The quotient h is computed on
the coset COSET_SHIFT * <omega>, where the vanishing polynomial
Z(X) = X^n - 1 is the constant shift^n - 1.

Symbols: u_i, v_i, w_i (paper) = the A, B, C column polynomials of wire i;
L_j = Lagrange basis on the domain; t(X) = Z(X).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from .backends.base import Backend, FrVec
from .field import R, batch_inv, root_of_unity
from .r1cs import R1CS

COSET_SHIFT = 5  # a generator of Fr^*, so the coset is disjoint from every 2-power domain


def domain_size(r1cs: R1CS) -> int:
    """2^ceil(log2(n_constraints + n_public + 1))."""
    rows = r1cs.n_constraints + r1cs.n_public + 1
    return 1 << max(0, (rows - 1).bit_length())


def lagrange_at(tau: int, n: int) -> list[int]:
    """L_j(tau) for j in 0..n-1: (tau^n - 1)/n * omega^j / (tau - omega^j). tau must be off the domain."""
    omega = root_of_unity(n)
    z = (pow(tau, n, R) - 1) % R
    if z == 0:
        raise ValueError("tau lies on the evaluation domain")
    points, w = [], 1
    for _ in range(n):
        points.append(w)
        w = w * omega % R
    inv_diffs = batch_inv([(tau - p) % R for p in points])
    scale = z * pow(n, -1, R) % R
    return [scale * p % R * d % R for p, d in zip(points, inv_diffs)]


@dataclass(frozen=True)
class ColumnsAtTau:
    """A_i(tau), B_i(tau), C_i(tau) for every wire i (the paper's u_i, v_i, w_i at tau)."""

    a: list[int]
    b: list[int]
    c: list[int]


def columns_at(r1cs: R1CS, tau: int, n: int) -> ColumnsAtTau:
    """Evaluate every wire's column polynomials at tau. Costs n inversions (batched) + nnz multiplications."""
    lag = lagrange_at(tau, n)
    a, b, c = [0] * r1cs.n_wires, [0] * r1cs.n_wires, [0] * r1cs.n_wires
    for j, con in enumerate(r1cs.constraints):
        lj = lag[j]
        for target, row in ((a, con.a), (b, con.b), (c, con.c)):
            for wire, coeff in row.items():
                target[wire] = (target[wire] + coeff * lj) % R
    m = r1cs.n_constraints
    for i in range(r1cs.n_public + 1):
        a[i] = (a[i] + lag[m + i]) % R
    return ColumnsAtTau(a, b, c)


def row_evaluations(r1cs: R1CS, w: Sequence[int], n: int) -> tuple[list[int], list[int], list[int]]:
    """<A_j, w>, <B_j, w>, <C_j, w> for every row j of the domain (zero-padded). Costs nnz multiplications."""
    a, b, c = [0] * n, [0] * n, [0] * n
    for j, con in enumerate(r1cs.constraints):
        a[j] = sum(coeff * w[wire] for wire, coeff in con.a.items()) % R
        b[j] = sum(coeff * w[wire] for wire, coeff in con.b.items()) % R
        c[j] = sum(coeff * w[wire] for wire, coeff in con.c.items()) % R
    m = r1cs.n_constraints
    for i in range(r1cs.n_public + 1):
        a[m + i] = w[i] % R
    return a, b, c


def h_coefficients(backend: Backend, a: Sequence[int], b: Sequence[int], c: Sequence[int]) -> FrVec:
    """Coefficients of h = (A*B - C)/Z, as a backend vector of length n (the last entry is 0).

    Three inverse NTTs, three coset NTTs, one inverse coset NTT: 7 NTTs of size n.
    """
    return h_from_rows(backend, *(backend.fr_vec(v) for v in (a, b, c)))


def h_from_rows(backend: Backend, a: FrVec, b: FrVec, c: FrVec) -> FrVec:
    """h_coefficients on rows that are already backend vectors (FrVecs of the domain size)."""
    n = len(a)
    vecs = [backend.ntt(v, inverse=True) for v in (a, b, c)]
    ea, eb, ec = (backend.ntt(v, shift=COSET_SHIFT) for v in vecs)
    z_inv = pow((pow(COSET_SHIFT, n, R) - 1) % R, -1, R)
    quotient = backend.fr_scale(backend.fr_sub(backend.fr_mul(ea, eb), ec), z_inv)
    return backend.ntt(quotient, inverse=True, shift=COSET_SHIFT)


def odd_values_from_rows(backend: Backend, a: FrVec, b: FrVec, c: FrVec) -> FrVec:
    """A*B - C on the odd points w_2n^(2i+1) of the 2n-point domain (the H path of a snarkjs .zkey).

    A*B - C has degree at most 2n - 2 and vanishes on the n-point domain
    (the even points), so sum_i L_{2i+1}(tau) (A*B - C)(w_2n^(2i+1)) is
    h(tau) t(tau): a .zkey's H query holds L_{2i+1}(tau)/delta and needs
    no division by Z. Three inverse NTTs and three NTTs shifted by w_2n.
    """
    shift = root_of_unity(2 * len(a))
    ea, eb, ec = (backend.ntt(backend.ntt(v, inverse=True), shift=shift) for v in (a, b, c))
    return backend.fr_sub(backend.fr_mul(ea, eb), ec)
