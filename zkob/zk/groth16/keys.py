"""Groth16 proving key: the data and its compact binary file format.

Symbols (paper -> code): [alpha]_1 ``vk.alpha1``, [beta]_1/_2 ``beta1``/
``vk.beta2``, [delta]_1/_2 ``delta1``/``vk.delta2``, [u_i(tau)]_1 the A
query, [v_i(tau)]_1/_2 the B queries, [(beta u_i + alpha v_i + w_i)/delta]_1
for private i the C query, [tau^i t(tau)/delta]_1 for i < n-1 the H query.

File layout (all little endian): magic ``b"zkpk"``, u32 version (1), u32
length of a JSON metadata object (``params``: the parameter set, free
form), the metadata, 32 bytes of circuit digest (R1CS.digest()), u32
n_wires, u32 n_public, u32 domain_size, then points in a fixed order:
alpha1, beta1, beta2, gamma2, delta1, delta2, IC[n_public+1], A[n_wires],
B1[n_wires], B2[n_wires], C[n_wires-n_public-1], H[domain_size-1]. A G1
point is x||y (64 bytes), a G2 point x0||x1||y0||y1 (128 bytes), each
coordinate 32 bytes LE; infinity is all zeros (never on the curve, so
unambiguous). Queries stay raw bytes in memory so a compiled backend can
``numpy.frombuffer`` them; ``g1_points``/``g2_points`` decode them for the
pure backend. The loader is strict: sizes, coordinates < q, every point on
its curve, the four single G2 points in the subgroup, and the key-safety
rules (vk_problem) -> SetupRefused. ``check_points=False`` skips only the
Python per-point check of the five large queries (1.2 s at 2^16, 4.8 s at
2^18) for a key headed straight to prove(), which then checks each query
once: in the backend's table builder when ``backend.checks_points``, in
Python otherwise (ProvingKey.points_checked records which case applies).
"""

from __future__ import annotations

import json
import struct
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from ..curve import G1, G2, g1_on_curve, g2_in_subgroup, g2_on_curve
from ..errors import MalformedInput, SetupRefused
from ..field import Q
from .data import VerifyingKey, vk_problem

MAGIC = b"zkpk"
VERSION = 1
G1_BYTES = 64
G2_BYTES = 128


@dataclass(frozen=True)
class ProvingKey:
    """Everything prove() needs; queries are raw point bytes (see the module docstring)."""

    vk: VerifyingKey
    beta1: G1
    delta1: G1
    n_wires: int
    n_public: int
    domain_size: int
    digest: str
    a_query: bytes
    b1_query: bytes
    b2_query: bytes
    c_query: bytes
    h_query: bytes
    params: dict[str, Any] = field(default_factory=dict)
    # False when loaded with check_points=False: the queries' points are unchecked
    # and prove() must check them (not part of the file, not compared).
    points_checked: bool = field(default=True, compare=False)


# --- point bytes -------------------------------------------------------------------

def g1_bytes(points: Sequence[G1]) -> bytes:
    out = bytearray()
    for p in points:
        out += bytes(G1_BYTES) if p is None else p[0].to_bytes(32, "little") + p[1].to_bytes(32, "little")
    return bytes(out)


def g2_bytes(points: Sequence[G2]) -> bytes:
    out = bytearray()
    for p in points:
        if p is None:
            out += bytes(G2_BYTES)
        else:
            out += b"".join(c.to_bytes(32, "little") for c in (*p[0], *p[1]))
    return bytes(out)


def _coords(raw: bytes, width: int, what: str) -> list[list[int]]:
    if len(raw) % width:
        raise MalformedInput(what, "length is not a whole number of points")
    out = []
    for off in range(0, len(raw), width):
        cs = [int.from_bytes(raw[off + k:off + k + 32], "little") for k in range(0, width, 32)]
        if any(c >= Q for c in cs):
            raise MalformedInput(f"{what}[{off // width}]", "coordinate is not below q")
        out.append(cs)
    return out


def g1_points(raw: bytes, what: str = "g1") -> list[G1]:
    """Decode x||y records; all-zero is infinity; checks coordinates < q and the curve."""
    out: list[G1] = []
    for i, (x, y) in enumerate(_coords(raw, G1_BYTES, what)):
        p = None if x == y == 0 else (x, y)
        if not g1_on_curve(p):
            raise MalformedInput(f"{what}[{i}]", "point is not on the curve")
        out.append(p)
    return out


def g2_points(raw: bytes, what: str = "g2") -> list[G2]:
    """Decode x0||x1||y0||y1 records; all-zero is infinity; checks coordinates < q and the twist."""
    out: list[G2] = []
    for i, (x0, x1, y0, y1) in enumerate(_coords(raw, G2_BYTES, what)):
        p = None if x0 == x1 == y0 == y1 == 0 else ((x0, x1), (y0, y1))
        if not g2_on_curve(p):
            raise MalformedInput(f"{what}[{i}]", "point is not on the curve")
        out.append(p)
    return out


# --- the file ------------------------------------------------------------------------

def pk_to_bytes(pk: ProvingKey) -> bytes:
    """Serialize a proving key (see the module docstring for the layout)."""
    meta = json.dumps(pk.params, sort_keys=True, separators=(",", ":")).encode()
    vk = pk.vk
    return b"".join([
        MAGIC, struct.pack("<II", VERSION, len(meta)), meta, bytes.fromhex(pk.digest),
        struct.pack("<III", pk.n_wires, pk.n_public, pk.domain_size),
        g1_bytes([vk.alpha1, pk.beta1]), g2_bytes([vk.beta2, vk.gamma2]),
        g1_bytes([pk.delta1]), g2_bytes([vk.delta2]), g1_bytes(vk.ic),
        pk.a_query, pk.b1_query, pk.b2_query, pk.c_query, pk.h_query,
    ])


class _Cursor:
    def __init__(self, data: bytes):
        self.data, self.pos = data, 0

    def take(self, n: int, what: str) -> bytes:
        if self.pos + n > len(self.data):
            raise MalformedInput(f"proving_key.{what}", "file is truncated")
        chunk = self.data[self.pos:self.pos + n]
        self.pos += n
        return chunk


def pk_header(data: bytes) -> tuple[dict[str, Any], str]:
    """The metadata object and the circuit digest (hex) at the head of a proving key file.

    ``data`` may be just the file's first bytes (the header is its metadata
    plus 48 bytes), so a caller learns which parameters and circuit a key is
    for without reading its points; raises MalformedInput as pk_from_bytes
    does (a prefix too short for the header reads as truncated).
    """
    return _header(_Cursor(bytes(data)))


def _header(cur: _Cursor) -> tuple[dict[str, Any], str]:
    if cur.take(4, "magic") != MAGIC:
        raise MalformedInput("proving_key.magic", "not a zkob proving key")
    version, meta_len = struct.unpack("<II", cur.take(8, "header"))
    if version != VERSION:
        raise MalformedInput("proving_key.version", f"expected {VERSION}, got {version}")
    try:
        params = json.loads(cur.take(meta_len, "params").decode("utf-8"))
    except ValueError as exc:
        raise MalformedInput("proving_key.params", f"not valid JSON ({exc})") from None
    if not isinstance(params, dict):
        raise MalformedInput("proving_key.params", "expected a JSON object")
    return params, cur.take(32, "digest").hex()


def pk_from_bytes(data: bytes, check_points: bool = True) -> ProvingKey:
    """Load a proving key strictly; raises MalformedInput or SetupRefused. Cost: one on-curve check per point.

    ``check_points=False`` leaves the A, B1, B2, C, H query points unchecked
    (sizes, header, the single points and IC are still checked) and marks
    the key ``points_checked=False``, so prove() checks the queries itself;
    use it only for a key that goes to prove() (module docstring).
    """
    cur = _Cursor(bytes(data))
    params, digest = _header(cur)
    n_wires, n_public, n = struct.unpack("<III", cur.take(12, "counts"))
    if n_wires < n_public + 1 or n < 2 or n & (n - 1) or n > 1 << 28:
        raise MalformedInput("proving_key.counts", "inconsistent wire counts or domain size")
    alpha1, beta1 = g1_points(cur.take(2 * G1_BYTES, "alpha_beta"), "proving_key.alpha_beta")
    beta2, gamma2 = g2_points(cur.take(2 * G2_BYTES, "beta_gamma"), "proving_key.beta_gamma")
    (delta1,) = g1_points(cur.take(G1_BYTES, "delta1"), "proving_key.delta1")
    (delta2,) = g2_points(cur.take(G2_BYTES, "delta2"), "proving_key.delta2")
    ic = g1_points(cur.take((n_public + 1) * G1_BYTES, "IC"), "proving_key.IC")
    sizes = [("A", n_wires, G1_BYTES), ("B1", n_wires, G1_BYTES), ("B2", n_wires, G2_BYTES),
             ("C", n_wires - n_public - 1, G1_BYTES), ("H", n - 1, G1_BYTES)]
    raw = {name: cur.take(count * width, name) for name, count, width in sizes}
    if cur.pos != len(cur.data):
        raise MalformedInput("proving_key", f"{len(cur.data) - cur.pos} trailing bytes")
    for name, _count, width in sizes if check_points else ():
        (g2_points if width == G2_BYTES else g1_points)(raw[name], f"proving_key.{name}")
    for name, p in (("beta2", beta2), ("gamma2", gamma2), ("delta2", delta2)):
        if not g2_in_subgroup(p):
            raise MalformedInput(f"proving_key.{name}", "point is not in the r-torsion subgroup")
    vk = VerifyingKey(alpha1=alpha1, beta2=beta2, gamma2=gamma2, delta2=delta2, ic=tuple(ic))
    problem = vk_problem(vk)
    if problem:
        raise SetupRefused(problem)
    return ProvingKey(vk=vk, beta1=beta1, delta1=delta1, n_wires=n_wires, n_public=n_public,
                      domain_size=n, digest=digest, a_query=raw["A"], b1_query=raw["B1"],
                      b2_query=raw["B2"], c_query=raw["C"], h_query=raw["H"], params=params,
                      points_checked=check_points)
