"""R1CS products A.w, B.w, C.w from CSR arrays, and the satisfaction check, compiled.

The prover's Python pass over the constraints (qap.row_evaluations and
R1CS.check) costs one big-int multiplication per non-zero entry; for the
order-book circuit that is about a third of prove() (bench/results/
prover.md). ``SparseR1CS.of(r1cs)`` converts the constraint dicts once per
circuit (one Python pass, each distinct coefficient converted once: 1.4 s
for the order-book circuit's 6.2 M entries; groth16/prepared.py keeps it
for every proof); then ``rows`` gives the
three zero-padded domain vectors with snarkjs's extra rows (w_0 and the
public inputs appended to A) in nnz Montgomery multiplications, and
``first_unsatisfied`` the index of the first failing constraint.
"""

from __future__ import annotations

from collections.abc import Mapping

from dataclasses import dataclass
from itertools import chain

import numpy as np
from numba import njit

from ...field import R
from ...r1cs import R1CS
from ._arith import fr_add, fr_eq, fr_load, fr_mul, fr_rows_to_mont, fr_store
from .params import ints_to_limbs


@dataclass(frozen=True)
class SparseMatrix:
    """One of A, B, C in CSR form: row j has entries ptr[j]..ptr[j+1]-1 of (col, val); val in Montgomery form."""

    ptr: np.ndarray
    col: np.ndarray
    val: np.ndarray

    @classmethod
    def of(cls, rows: list[Mapping[int, int]]) -> SparseMatrix:
        """CSR of sparse dict rows. Coefficients repeat (a few thousand distinct values in
        millions of entries), so each distinct one is converted to Montgomery form once."""
        lens = np.fromiter((len(row) for row in rows), np.int64, count=len(rows))
        ptr = np.zeros(len(rows) + 1, np.int64)
        np.cumsum(lens, out=ptr[1:])
        nnz = int(ptr[-1])
        col = np.fromiter(chain.from_iterable(rows), np.int64, count=nnz)
        distinct: dict[int, int] = {}
        index = np.fromiter((distinct.setdefault(v, len(distinct)) for row in rows for v in row.values()),
                            np.int64, count=nnz)
        if not nnz:
            return cls(ptr, col, np.zeros((0, 4), np.uint64))
        mont = fr_rows_to_mont(ints_to_limbs([v % R for v in distinct], R))
        return cls(ptr, col, np.ascontiguousarray(mont[index]))


@dataclass(frozen=True)
class SparseR1CS:
    """A, B, C of an R1CS as CSR arrays, with the counts the QAP rows need."""

    a: SparseMatrix
    b: SparseMatrix
    c: SparseMatrix
    n_constraints: int
    n_public: int
    n_wires: int

    @classmethod
    def of(cls, r1cs: R1CS) -> SparseR1CS:
        """Convert once per circuit: one Python pass over the non-zero entries."""
        cons = r1cs.constraints
        return cls(SparseMatrix.of([c.a for c in cons]), SparseMatrix.of([c.b for c in cons]),
                   SparseMatrix.of([c.c for c in cons]), r1cs.n_constraints, r1cs.n_public, r1cs.n_wires)


@njit(cache=True, nogil=True)
def csr_products(ptr, col, val, w, out):
    """out[j] = sum_k val[k] * w[col[k]] over row j's entries, for every row of the matrix."""
    zero = (np.uint64(0), np.uint64(0), np.uint64(0), np.uint64(0))
    for j in range(ptr.shape[0] - 1):
        acc = zero
        for k in range(ptr[j], ptr[j + 1]):
            acc = fr_add(acc, fr_mul(fr_load(val, k), fr_load(w, col[k])))
        fr_store(out, j, acc)


@njit(cache=True, nogil=True)
def first_failure(a, b, c, m):
    """Index of the first j < m with a[j] * b[j] != c[j], or -1."""
    for j in range(m):
        if not fr_eq(fr_mul(fr_load(a, j), fr_load(b, j)), fr_load(c, j)):
            return j
    return -1


def rows(sp: SparseR1CS, w: np.ndarray, n: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """<A_j, w>, <B_j, w>, <C_j, w> for the n rows of the domain, as FrVecs (qap.row_evaluations' layout).

    ``w`` is the witness as an FrVec of n_wires entries; rows past the
    constraints are zero except A's next n_public + 1, which hold w_0..w_npub.
    """
    if w.shape != (sp.n_wires, 4):
        raise ValueError(f"witness has {w.shape[0]} wires, expected {sp.n_wires}")
    m = sp.n_constraints
    if n < m + sp.n_public + 1:
        raise ValueError(f"domain of {n} rows cannot hold {m} constraints and {sp.n_public + 1} input rows")
    w = np.ascontiguousarray(w)
    out = [np.zeros((n, 4), np.uint64) for _ in range(3)]
    for mat, vec in zip((sp.a, sp.b, sp.c), out):
        csr_products(mat.ptr, mat.col, mat.val, w, vec)
    out[0][m:m + sp.n_public + 1] = w[:sp.n_public + 1]
    return out[0], out[1], out[2]


def first_unsatisfied(sp: SparseR1CS, a: np.ndarray, b: np.ndarray, c: np.ndarray) -> int:
    """Index of the first constraint with <A,w><B,w> != <C,w> given rows(...)'s output, or -1."""
    return int(first_failure(a, b, c, sp.n_constraints))
