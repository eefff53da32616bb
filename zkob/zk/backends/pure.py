"""The pure-Python backend: the oracle every other backend is tested against.

Vectors are Python lists of ints; tables are lists of affine points.
NTT: iterative radix-2 Cooley-Tukey, n/2 log n multiplications, with the
coset shift applied as a pointwise scaling by shift^i. MSM: Pippenger's
bucket method with the window c (~log2(n) - 3) that minimizes
(254/c)(n + 2^(c+1)) additions; G1 is the prover's hot path (three MSMs of size ~n and
one of the domain size), G2 is the single B query MSM.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, ClassVar

from ..field import R, root_of_unity
from ..qap import row_evaluations
from ..r1cs import R1CS
from .base import G1, G2
from .pure_ec import (INF1, INF2, g1_add, g1_add_affine, g1_double, g1_to_affine_many, g2_add,
                      g2_add_affine, g2_double, g2_to_affine)

SCALAR_BITS = 254


def _ntt_in_place(a: list[int], omega: int) -> None:
    n = len(a)
    j = 0
    for i in range(1, n):  # bit-reversal permutation
        bit = n >> 1
        while j & bit:
            j ^= bit
            bit >>= 1
        j |= bit
        if i < j:
            a[i], a[j] = a[j], a[i]
    length = 2
    while length <= n:
        w_len = pow(omega, n // length, R)
        half = length >> 1
        ws = [1] * half
        for k in range(1, half):
            ws[k] = ws[k - 1] * w_len % R
        for start in range(0, n, length):
            for k in range(half):
                u = a[start + k]
                v = a[start + k + half] * ws[k] % R
                a[start + k] = (u + v) % R
                a[start + k + half] = (u - v) % R
        length <<= 1


def _window(n: int) -> int:
    """Window minimizing (254/c) * (n mixed additions + 2^(c+1) full ones, ~1.5x dearer)."""
    return min(range(2, 17), key=lambda c: -(-SCALAR_BITS // c) * (n + 3 * (1 << c)))


def _pippenger(points: Sequence[Any], scalars: Sequence[int], add_affine: Callable[[Any, Any, Any], Any],
               add: Callable[[Any, Any], Any], double: Callable[[Any], Any], infinity: Any) -> Any:
    pairs = [(p, s % R) for p, s in zip(points, scalars) if p is not None and s % R]
    if not pairs:
        return infinity
    c = _window(len(pairs))
    mask = (1 << c) - 1
    total = infinity
    for shift in range(((SCALAR_BITS + c - 1) // c - 1) * c, -1, -c):
        for _ in range(c):
            total = double(total)
        buckets = [infinity] * (1 << c)
        for (x, y), s in pairs:
            d = (s >> shift) & mask
            if d:
                buckets[d] = add_affine(buckets[d], x, y)
        running, window_sum = infinity, infinity
        for d in range(mask, 0, -1):
            running = add(running, buckets[d])
            window_sum = add(window_sum, running)
        total = add(total, window_sum)
    return total


class PureBackend:
    """Backend on Python ints (see base.Backend for the contract)."""

    name: ClassVar[str] = "pure"
    checks_points: ClassVar[bool] = False  # g1_table_bytes/g2_table_bytes decode without curve checks

    def fr_vec(self, values: Sequence[int]) -> list[int]:
        return [v % R for v in values]

    def fr_list(self, vec: list[int]) -> list[int]:
        return list(vec)

    def fr_mul(self, x: list[int], y: list[int]) -> list[int]:
        return [a * b % R for a, b in zip(x, y, strict=True)]

    def fr_sub(self, x: list[int], y: list[int]) -> list[int]:
        return [(a - b) % R for a, b in zip(x, y, strict=True)]

    def fr_scale(self, x: list[int], c: int) -> list[int]:
        return [a * c % R for a in x]

    def ntt(self, x: list[int], inverse: bool = False, shift: int = 1) -> list[int]:
        n = len(x)
        omega = root_of_unity(n)
        a = list(x)
        if not inverse:
            if shift != 1:
                a = _scale_powers(a, shift)
            _ntt_in_place(a, omega)
            return a
        _ntt_in_place(a, pow(omega, -1, R))
        n_inv = pow(n, -1, R)
        a = [v * n_inv % R for v in a]
        return _scale_powers(a, pow(shift, -1, R)) if shift != 1 else a

    def sparse_r1cs(self, r1cs: R1CS) -> R1CS:
        """An R1CS's rows are sparse dicts already: nothing to convert."""
        return r1cs

    def r1cs_rows(self, sparse: R1CS, w: list[int], n: int) -> tuple[list[int], list[int], list[int]]:
        return row_evaluations(sparse, w, n)

    def r1cs_first_unsatisfied(self, sparse: R1CS, a: list[int], b: list[int], c: list[int]) -> int:
        for j in range(sparse.n_constraints):
            if a[j] * b[j] % R != c[j]:
                return j
        return -1

    def g1_table(self, points: Sequence[G1]) -> list[G1]:
        return list(points)

    def msm_g1(self, table: list[G1], scalars: list[int]) -> G1:
        if len(table) != len(scalars):
            raise ValueError(f"MSM of {len(table)} points with {len(scalars)} scalars")
        acc = _pippenger(table, scalars, g1_add_affine, g1_add, g1_double, INF1)
        return g1_to_affine_many([acc])[0]

    def g1_table_bytes(self, raw: bytes, what: str = "g1") -> list[G1]:
        """Decode only (checks_points is False: the key loader or prove() checks the points)."""
        cs = _coords_le(raw, 2)
        return [None if x == y == 0 else (x, y) for x, y in cs]

    def g2_table_bytes(self, raw: bytes, what: str = "g2") -> list[G2]:
        cs = _coords_le(raw, 4)
        return [None if not any(c) else ((c[0], c[1]), (c[2], c[3])) for c in cs]

    def g1_mul_many(self, base: G1, scalars: list[int]) -> bytes:
        return _point_bytes(g1_fixed_base_many(base, scalars), 2)

    def g2_mul_many(self, base: G2, scalars: list[int]) -> bytes:
        return _point_bytes([None if p is None else (*p[0], *p[1]) for p in g2_fixed_base_many(base, scalars)], 4)

    def g2_table(self, points: Sequence[G2]) -> list[G2]:
        return list(points)

    def msm_g2(self, table: list[G2], scalars: list[int]) -> G2:
        if len(table) != len(scalars):
            raise ValueError(f"MSM of {len(table)} points with {len(scalars)} scalars")
        point: G2 = g2_to_affine(_pippenger(table, scalars, g2_add_affine, g2_add, g2_double, INF2))
        return point

    # --- snarkjs LEM sections (pure_lem.py): .zkey setup, phase 2, proving from a .zkey ---
    def g1_table_lem(self, raw: bytes | memoryview, what: str = "g1") -> list[G1]:
        from ..formats.lem import g1_many_from_lem

        return g1_many_from_lem(raw, what)

    def g2_table_lem(self, raw: bytes | memoryview, what: str = "g2") -> list[G2]:
        from ..formats.lem import g2_many_from_lem

        return g2_many_from_lem(raw, what)

    def lem_sparse_sums(self, coords: int, n_out: int, parts: Sequence[tuple[Any, Any, Any, Any]],
                        values: Sequence[int], what: str) -> bytes:
        from .pure_lem import lem_sparse_sums

        return lem_sparse_sums(coords, n_out, parts, values, what, self.msm_g1, self.msm_g2)

    def lem_scale(self, raw: bytes | memoryview, coords: int, scalar: int, what: str) -> bytes:
        from .pure_lem import lem_scale

        return lem_scale(raw, coords, scalar, what)


def _point_bytes(points: Sequence[tuple[int, ...] | None], per_point: int) -> bytes:
    """Proving-key records: coordinates as 32-byte LE, infinity as zeros."""
    zero = bytes(32 * per_point)
    return b"".join(zero if p is None else b"".join(c.to_bytes(32, "little") for c in p) for p in points)


def _coords_le(raw: bytes, per_point: int) -> list[tuple[int, ...]]:
    width = 32 * per_point
    if len(raw) % width:
        raise ValueError(f"point bytes are not a whole number of {width}-byte records")
    return [tuple(int.from_bytes(raw[o + 32 * k:o + 32 * k + 32], "little") for k in range(per_point))
            for o in range(0, len(raw), width)]


def _scale_powers(a: list[int], g: int) -> list[int]:
    out, power = [], 1
    for v in a:
        out.append(v * power % R)
        power = power * g % R
    return out


def g1_fixed_base_many(base: G1, scalars: Sequence[int], window: int = 8) -> list[G1]:
    """[s]base for many scalars with one precomputed window table (setup, not proving).

    Costs 2^window * 254/window additions once, then 254/window mixed
    additions per scalar, and one batched inversion.
    """
    table = _fixed_table(base, window, g1_add_affine, g1_to_affine_many, INF1)
    mask = (1 << window) - 1
    out = []
    for s in scalars:
        s %= R
        acc = INF1
        i = 0
        while s:
            d = s & mask
            if d:
                x, y = table[i][d]
                acc = g1_add_affine(acc, x, y)
            s >>= window
            i += 1
        out.append(acc)
    return g1_to_affine_many(out)


def g2_fixed_base_many(base: G2, scalars: Sequence[int], window: int = 6) -> list[G2]:
    """[s]base on G2 for many scalars (setup)."""
    table = _fixed_table(base, window, g2_add_affine, lambda ps: [g2_to_affine(p) for p in ps], INF2)
    mask = (1 << window) - 1
    out = []
    for s in scalars:
        s %= R
        acc, i = INF2, 0
        while s:
            d = s & mask
            if d:
                x, y = table[i][d]
                acc = g2_add_affine(acc, x, y)
            s >>= window
            i += 1
        out.append(g2_to_affine(acc))
    return out


def _fixed_table(base: Any, window: int, add_affine: Callable[[Any, Any, Any], Any],
                 normalize: Callable[[list[Any]], list[Any]], infinity: Any) -> list[list[Any]]:
    """table[i][d] = d * 2^(window*i) * base in affine form, for every window position i."""
    rows = []
    start = base
    for _ in range((SCALAR_BITS + window - 1) // window):
        row = [infinity]
        for _d in range(1, 1 << window):
            row.append(add_affine(row[-1], *start))
        affine = normalize(row)
        rows.append(affine)
        nxt = add_affine(row[-1], *start)  # 2^window * start
        start = normalize([nxt])[0]
    return rows

