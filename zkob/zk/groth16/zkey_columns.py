"""The R1CS as snarkjs's setup reads it: coefficient records (zkey section 4) and per-wire sums.

snarkjs's ``groth16 setup`` (zkey_new.js) turns each wire's column of the
QAP into points of the ptau's Lagrange bases L_j = L_j(tau) on the
n-point domain (m constraints, then one A-only row per public wire
including w_0, as zk/qap.py):

    A_i  = sum_j A_ij L_j G1             B1_i = sum_j B_ij L_j G1
    B2_i = sum_j B_ij L_j G2             K_i  = sum_j (A_ij beta L_j + B_ij alpha L_j + C_ij L_j) G1

with K_i the IC point for public wires and the C point for private ones
(gamma = delta = 1 in a fresh key). ``Entries`` lists one matrix's
non-zero coefficients in the .r1cs file's order (which is the R1CS's dict
order; zkob's own export sorts each row by wire, see ``file_order``), and
``Sums`` is the CSR form the backends' ``lem_sparse_sums`` take. Distinct
coefficients are numbered once (``Values``): a circuit has millions of
entries but a few thousand distinct values.

Cost: one Python pass over the non-zero entries of A, B and C (about 2 s
per million) plus numpy sorts; no curve arithmetic here.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from itertools import chain
from typing import Any

import numpy as np

from ..field import R
from ..formats.lem import MONT_R2
from ..r1cs import R1CS, Constraint, Row

A, B = 0, 1
COEF_DTYPE = np.dtype([("matrix", "<u4"), ("constraint", "<u4"), ("signal", "<u4"), ("value", "<u8", (4,))])


def file_order(r1cs: R1CS) -> R1CS:
    """The R1CS as ``zkob export r1cs`` writes it and snarkjs reads it back: rows sorted by wire, no zeros.

    zkey setup records coefficients in file order, so a key made from a
    zkob-built circuit must use this order to equal snarkjs's key for the
    exported .r1cs. An R1CS read from a .r1cs file is already in file order.
    """
    def canonical(row: Row) -> dict[int, int]:
        return {w: c % R for w, c in sorted(row.items()) if c % R}

    return R1CS(r1cs.n_wires, r1cs.n_public,
                [Constraint(canonical(c.a), canonical(c.b), canonical(c.c), c.label) for c in r1cs.constraints])


@dataclass
class Values:
    """Distinct coefficients, numbered in order of first appearance."""

    ids: dict[int, int] = field(default_factory=dict)

    def id_of(self, v: int) -> int:
        return self.ids.setdefault(v % R, len(self.ids))

    @property
    def values(self) -> list[int]:
        return list(self.ids)


@dataclass(frozen=True)
class Entries:
    """One matrix's non-zero entries in file order: row (constraint), wire, value id."""

    rows: np.ndarray
    wires: np.ndarray
    vids: np.ndarray

    @classmethod
    def of(cls, rows: Sequence[Row], values: Values) -> Entries:
        lens = np.fromiter((len(r) for r in rows), np.int64, count=len(rows))
        nnz = int(lens.sum())
        return cls(np.repeat(np.arange(len(rows), dtype=np.int64), lens),
                   np.fromiter(chain.from_iterable(rows), np.int64, count=nnz),
                   np.fromiter((values.id_of(v) for r in rows for v in r.values()), np.int64, count=nnz))

    @classmethod
    def public_rows(cls, m: int, n_public: int, values: Values) -> Entries:
        """A's extra rows: row m + s holds w_s with coefficient 1, for s = 0..n_public."""
        s = np.arange(n_public + 1, dtype=np.int64)
        return cls(m + s, s, np.full(n_public + 1, values.id_of(1), np.int64))


@dataclass(frozen=True)
class Matrices:
    """A (with the public rows), B and C of a circuit as entries over one table of distinct values."""

    a: Entries
    a_public: Entries
    b: Entries
    c: Entries
    values: list[int]
    n_wires: int

    @classmethod
    def of(cls, r1cs: R1CS) -> Matrices:
        values = Values()
        cons = r1cs.constraints
        a, b, c = (Entries.of([getattr(k, m) for k in cons], values) for m in "abc")
        extra = Entries.public_rows(len(cons), r1cs.n_public, values)
        return cls(a, extra, b, c, values.values, r1cs.n_wires)


def coefficients_section(mats: Matrices) -> bytes:
    """zkey section 4: count, then A and B records constraint by constraint (A's first), then the public rows.

    Each record is (matrix, constraint, signal, value * 2^512 mod r); see formats/zkey.py.
    """
    stored = np.array([list((v * MONT_R2 % R).to_bytes(32, "little")) for v in mats.values], np.uint8)
    stored = stored.view("<u8").reshape(len(mats.values), 4) if len(mats.values) else np.zeros((0, 4), "<u8")
    parts = [(A, mats.a), (B, mats.b)]
    matrix = np.concatenate([np.full(len(e.rows), m, np.int64) for m, e in parts])
    rows = np.concatenate([e.rows for _, e in parts])
    order = np.argsort(2 * rows + matrix, kind="stable")  # per constraint: its A records, then its B records
    recs = np.zeros(len(rows) + len(mats.a_public.rows), COEF_DTYPE)
    k = len(rows)
    recs["matrix"][:k] = matrix[order]
    recs["constraint"][:k] = rows[order]
    recs["signal"][:k] = np.concatenate([e.wires for _, e in parts])[order]
    recs["value"][:k] = stored[np.concatenate([e.vids for _, e in parts])[order]]
    recs["matrix"][k:] = A
    recs["constraint"][k:] = mats.a_public.rows
    recs["signal"][k:] = mats.a_public.wires
    recs["value"][k:] = stored[mats.a_public.vids]
    return bytes(np.uint32(len(recs)).astype("<u4").tobytes()) + bytes(recs.tobytes())


@dataclass(frozen=True)
class Sums:
    """CSR of entries by output wire: ptr (n_out + 1), base index and value id per entry."""

    ptr: np.ndarray
    base_idx: np.ndarray
    vids: np.ndarray

    def part(self, bases: Any) -> tuple[Any, np.ndarray, np.ndarray, np.ndarray]:
        return (bases, self.ptr, self.base_idx, self.vids)


def sums_by_wire(n_out: int, *groups: Entries, first: int = 0) -> Sums:
    """Entries of ``groups`` for outputs first..first+n_out-1 (wire - first), base index = row."""
    wires = np.concatenate([g.wires for g in groups]) - first
    keep = (wires >= 0) & (wires < n_out)
    wires = wires[keep]
    order = np.argsort(wires, kind="stable")
    ptr = np.zeros(n_out + 1, np.int64)
    np.cumsum(np.bincount(wires, minlength=n_out), out=ptr[1:])
    base_idx = np.concatenate([g.rows for g in groups])[keep][order]
    vids = np.concatenate([g.vids for g in groups])[keep][order]
    return Sums(ptr, base_idx, vids)


def _sorted_records(raw: bytes | memoryview) -> np.ndarray:
    recs = np.frombuffer(raw, COEF_DTYPE, offset=4)
    order = np.lexsort((recs["signal"], recs["matrix"], recs["constraint"]))
    return recs[order].view(np.uint8).reshape(-1, COEF_DTYPE.itemsize)


def coefficient_mismatch(section: bytes | memoryview, r1cs: R1CS) -> str | None:
    """Why a zkey's section 4 is not ``r1cs``'s A and B (records compared as a set), or None."""
    ours = _sorted_records(coefficients_section(Matrices.of(r1cs)))
    theirs = _sorted_records(section)
    if len(ours) != len(theirs):
        return f"{len(theirs)} coefficients, the circuit has {len(ours)}"
    differ = np.nonzero((ours != theirs).any(axis=1))[0]
    if len(differ):
        constraint = int(np.frombuffer(theirs[differ[0]].tobytes(), COEF_DTYPE)["constraint"][0])
        return f"coefficients differ from the circuit's at constraint {constraint}"
    return None
