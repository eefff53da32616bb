"""The pure backend's side of snarkjs's LEM point sections (the oracle for compiled/sparse_sums.py).

Same contracts as the compiled engine's ``lem_*`` methods: LEM bytes in
(checked: canonical Montgomery coordinates, on the curve), LEM bytes out.
Sparse sums are one Pippenger MSM per output (backends/pure.py); scaling
is one double-and-add per point. Cost: Python big-int arithmetic, fine for
the small circuits of tests (a 2^8 domain in about a second).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from ..curve import G1, G2
from ..field import R
from ..formats.lem import g1_many_from_lem, g1_to_lem, g2_many_from_lem, g2_to_lem
from .pure_ec import INF1, INF2, g1_add, g1_double, g1_to_affine_many, g2_add, g2_double, g2_to_affine

SparsePart = tuple[bytes | memoryview, Sequence[int], Sequence[int], Sequence[int]]


def _decode(raw: bytes | memoryview, coords: int, what: str) -> list[G1] | list[G2]:
    return g1_many_from_lem(raw, what) if coords == 2 else g2_many_from_lem(raw, what)


def lem_sparse_sums(coords: int, n_out: int, parts: Sequence[SparsePart], values: Sequence[int],
                    what: str, msm_g1: Callable[[Any, Any], G1], msm_g2: Callable[[Any, Any], G2]) -> bytes:
    """out_k = sum over the parts' entries of output k of values[vid] * bases[base]; LEM bytes."""
    terms: list[tuple[list[Any], list[int]]] = [([], []) for _ in range(n_out)]
    for bases_raw, ptr, base_idx, vids in parts:
        bases = _decode(bases_raw, coords, what)
        for k in range(n_out):
            pts, scalars = terms[k]
            for e in range(int(ptr[k]), int(ptr[k + 1])):
                pts.append(bases[int(base_idx[e])])
                scalars.append(int(values[int(vids[e])]))
    if coords == 2:
        return b"".join(g1_to_lem(msm_g1(pts, scalars)) for pts, scalars in terms)
    return b"".join(g2_to_lem(msm_g2(pts, scalars)) for pts, scalars in terms)


def _times(p: Any, s: int, add: Callable[[Any, Any], Any], double: Callable[[Any], Any], infinity: Any) -> Any:
    acc = infinity
    for bit in bin(s)[2:]:
        acc = double(acc)
        if bit == "1":
            acc = add(acc, p)
    return acc


def lem_scale(raw: bytes | memoryview, coords: int, scalar: int, what: str) -> bytes:
    """Every LEM point times ``scalar`` (double-and-add), as LEM bytes."""
    s = scalar % R
    if coords == 2:
        g1s = g1_many_from_lem(raw, what)
        jac = [INF1 if p is None or not s else _times((p[0], p[1], 1), s, g1_add, g1_double, INF1) for p in g1s]
        return b"".join(g1_to_lem(p) for p in g1_to_affine_many(jac))
    out = []
    for p in g2_many_from_lem(raw, what):
        if p is None or not s:
            out.append(g2_to_lem(None))
            continue
        jac2 = _times((p[0], p[1], (1, 0)), s, g2_add, g2_double, INF2)
        out.append(g2_to_lem(g2_to_affine(jac2)))
    return b"".join(out)
