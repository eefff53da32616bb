"""CompiledBackend: the Backend protocol (base.py) on numba kernels.

FrVec is an (n, 4) uint64 numpy array of Montgomery limbs; a point table is
a ``PointTable`` holding an affine Montgomery array ((n, 2, 4) for G1,
(n, 2, 2, 4) for G2) and a mask of the points at infinity. Python ints
appear only at the edges (fr_vec, fr_list, table building, MSM results).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, ClassVar

import numpy as np

from ...field import Q, R
from .. import base
from . import _arith, msm, ntt
from . import sparse, sparse_sums
from .fixed_base import fixed_base_many
from .tables import table_from_bytes
from .params import LIMBS, ints_to_limbs, le_bytes, limbs_to_ints


@dataclass(frozen=True)
class PointTable:
    """Fixed MSM bases: affine Montgomery coordinates, infinity stored as (0, 0)."""

    points: np.ndarray
    infinity: np.ndarray  # bool, shape (n,)

    def __len__(self) -> int:
        return self.points.shape[0]


def _check_len(table: PointTable, scalars: np.ndarray) -> None:
    if len(table) != scalars.shape[0]:
        raise ValueError(f"MSM length mismatch: {len(table)} bases, {scalars.shape[0]} scalars")


def _same_length(x: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Both operands as contiguous (n, 4) arrays; ValueError on different lengths (kernels do not bound-check)."""
    if x.shape != y.shape or x.ndim != 2 or x.shape[1] != LIMBS:
        raise ValueError(f"pointwise operation on vectors of shapes {x.shape} and {y.shape}")
    return np.ascontiguousarray(x), np.ascontiguousarray(y)


def _canonical_scalars(table: PointTable, scalars: np.ndarray) -> np.ndarray:
    s = _arith.fr_rows_from_mont(np.ascontiguousarray(scalars, dtype=np.uint64))
    s[table.infinity] = 0
    return s


def _fq_ints(coords: np.ndarray) -> list[int]:
    return limbs_to_ints(_arith.fq_rows_from_mont(np.ascontiguousarray(coords.reshape(-1, LIMBS))))


def _table(flat: list[int], inf: list[bool], shape: tuple[int, ...]) -> PointTable:
    mont = _arith.fq_rows_to_mont(ints_to_limbs(flat, Q)) if flat else np.zeros((0, LIMBS), np.uint64)
    return PointTable(mont.reshape(shape), np.array(inf, dtype=bool))


@dataclass(frozen=True)
class CompiledBackend:
    """numba kernels: Montgomery 4x64-bit limbs, Jacobian curves, Pippenger, radix-2 NTT."""

    name: ClassVar[str] = "compiled"
    cores: int = 2
    # g1_table_bytes/g2_table_bytes refuse coordinates >= q and off-curve points
    # (tables.py), so a key loaded with check_points=False is checked exactly once
    checks_points: ClassVar[bool] = True

    # --- vectors over Fr ---------------------------------------------------
    def fr_vec(self, values: Sequence[int]) -> np.ndarray:
        """(n, 4) Montgomery array of the values reduced mod r (as the pure oracle does)."""
        return _arith.fr_rows_to_mont(ints_to_limbs([v % R for v in values], R))

    def fr_list(self, vec: np.ndarray) -> list[int]:
        return limbs_to_ints(_arith.fr_rows_from_mont(np.ascontiguousarray(vec)))

    def fr_mul(self, x: np.ndarray, y: np.ndarray) -> np.ndarray:
        return ntt.rows_mul(*_same_length(x, y))

    def fr_sub(self, x: np.ndarray, y: np.ndarray) -> np.ndarray:
        return ntt.rows_sub(*_same_length(x, y))

    def fr_scale(self, x: np.ndarray, c: int) -> np.ndarray:
        return ntt.rows_scale(np.ascontiguousarray(x), ntt.mont_scalar(c % R))

    def ntt(self, x: np.ndarray, inverse: bool = False, shift: int = 1) -> np.ndarray:
        return ntt.ntt(x, inverse, shift)

    # --- R1CS products (groth16/prepared.py; see sparse.py) ---
    def sparse_r1cs(self, r1cs) -> sparse.SparseR1CS:
        """CSR arrays of A, B, C: convert once per circuit, reuse for every proof."""
        return sparse.SparseR1CS.of(r1cs)

    def r1cs_rows(self, sp: sparse.SparseR1CS, w: np.ndarray, n: int):
        """(a, b, c) FrVecs of length n laid out as qap.row_evaluations; nnz multiplications."""
        return sparse.rows(sp, w, n)

    def r1cs_first_unsatisfied(self, sp: sparse.SparseR1CS, a, b, c) -> int:
        """First constraint index whose rows fail a*b = c, or -1."""
        return sparse.first_unsatisfied(sp, a, b, c)

    # --- MSM ----------------------------------------------------------------
    def g1_table(self, points: Sequence[base.G1]) -> PointTable:
        flat: list[int] = []
        for p in points:
            flat.extend((0, 0) if p is None else p)
        return _table(flat, [p is None for p in points], (len(points), 2, LIMBS))

    def g2_table(self, points: Sequence[base.G2]) -> PointTable:
        flat: list[int] = []
        for p in points:
            flat.extend((0, 0, 0, 0) if p is None else (*p[0], *p[1]))
        return _table(flat, [p is None for p in points], (len(points), 2, 2, LIMBS))

    def g1_table_bytes(self, raw: bytes, what: str = "g1") -> PointTable:
        """Table from proving-key bytes (x||y LE, zeros = infinity); MalformedInput if off curve or >= q."""
        return PointTable(*table_from_bytes(raw, 2, what))

    def g2_table_bytes(self, raw: bytes, what: str = "g2") -> PointTable:
        """Table from proving-key bytes (x0||x1||y0||y1 LE); MalformedInput if off the twist or >= q."""
        return PointTable(*table_from_bytes(raw, 4, what))

    def g1_fixed_base_many(self, base: base.G1, scalars: Sequence[int]) -> list[base.G1]:
        """[s] base for every s (setup); same contract as pure.g1_fixed_base_many."""
        return self._fixed_base(self.g1_table([base]), scalars, 1)

    def g2_fixed_base_many(self, base: base.G2, scalars: Sequence[int]) -> list[base.G2]:
        """[s] base on G2 for every s (setup)."""
        return self._fixed_base(self.g2_table([base]), scalars, 2)

    def g1_mul_many(self, base: base.G1, scalars: np.ndarray) -> bytes:
        """[s_i] base for an FrVec, as proving-key bytes (64-byte x||y LE records, infinity = zeros)."""
        return self._mul_many_bytes(self.g1_table([base]), scalars)

    def g2_mul_many(self, base: base.G2, scalars: np.ndarray) -> bytes:
        """[s_i] base on G2 for an FrVec, as 128-byte x0||x1||y0||y1 records."""
        return self._mul_many_bytes(self.g2_table([base]), scalars)

    def _mul_many_bytes(self, table: PointTable, scalars: np.ndarray) -> bytes:
        n = scalars.shape[0]
        width = 64 * (table.points.ndim - 2)  # 64 bytes per G1 record, 128 per G2
        if n == 0 or table.infinity[0]:
            return bytes(width * n)
        canon = _arith.fr_rows_from_mont(np.ascontiguousarray(scalars, dtype=np.uint64))
        pts, _ = fixed_base_many(table.points, canon)
        return le_bytes(_arith.fq_rows_from_mont(np.ascontiguousarray(pts.reshape(-1, LIMBS))))

    def _fixed_base(self, table: PointTable, scalars: Sequence[int], group: int) -> list[Any]:
        if table.infinity[0]:
            return [None] * len(scalars)
        out, inf = fixed_base_many(table.points, ints_to_limbs([s % R for s in scalars], R))
        coords = _fq_ints(out) if len(scalars) else []
        step = 2 if group == 1 else 4
        res: list[Any] = []
        for i in range(len(scalars)):
            c = coords[step * i: step * i + step]
            res.append(None if inf[i] else (tuple(c) if group == 1 else ((c[0], c[1]), (c[2], c[3]))))
        return res

    def msm_g1(self, table: PointTable, scalars: np.ndarray) -> base.G1:
        _check_len(table, scalars)
        res, inf = msm.msm(table.points, _canonical_scalars(table, scalars), self.cores)
        if inf:
            return None
        x, y = _fq_ints(res)
        return (x, y)

    def msm_g2(self, table: PointTable, scalars: np.ndarray) -> base.G2:
        _check_len(table, scalars)
        res, inf = msm.msm(table.points, _canonical_scalars(table, scalars), self.cores)
        if inf:
            return None
        x0, x1, y0, y1 = _fq_ints(res)
        return ((x0, x1), (y0, y1))

    # --- snarkjs LEM sections (sparse_sums.py): .zkey setup, phase 2, proving from a .zkey ---
    def g1_table_lem(self, raw: bytes | memoryview, what: str = "g1") -> PointTable:
        """Table from LEM bytes (already this engine's Montgomery layout); checks the points."""
        return PointTable(*sparse_sums.lem_array(raw, 2, what))

    def g2_table_lem(self, raw: bytes | memoryview, what: str = "g2") -> PointTable:
        return PointTable(*sparse_sums.lem_array(raw, 4, what))

    def lem_sparse_sums(self, coords: int, n_out: int, parts, values: Sequence[int], what: str) -> bytes:
        """CSR sums of LEM bases, Straus per output (sparse_sums.py); LEM bytes out."""
        acc = sparse_sums.new_accumulator(n_out, coords)
        for bases, ptr, base_idx, vids in parts:  # one table of multiples at a time (memory)
            sparse_sums.sparse_sums_into(acc, bases, coords, ptr, base_idx, vids, list(values), what)
        return sparse_sums.affine_lem(acc)

    def lem_scale(self, raw: bytes | memoryview, coords: int, scalar: int, what: str) -> bytes:
        return sparse_sums.scale_lem(raw, coords, scalar, what)
