"""Point encodings of snarkjs's binary files (.zkey, .ptau) and of their transcript hashes.

Two forms (FORMATS.md, from ffjavascript):

- **LEM**, the files' form: affine coordinates in Montgomery form
  x * 2^256 mod q, 32 bytes little endian each; G2 as x.c0, x.c1, y.c0,
  y.c1. The point at infinity is all zero bytes ((0, 0) is on neither
  curve, so it is unambiguous). 64 bytes per G1 point, 128 per G2 point.
- **Uncompressed**, what csHash and the phase-2 transcripts hash: the
  canonical coordinates, 32 bytes big endian each; G2 as x.c1, x.c0, y.c1,
  y.c0. Infinity is again all zeros (ffjavascript's LEMtoU writes its zero
  point unflagged).

Decoders are strict: a coordinate must be a canonical Montgomery value
(below q) and the point must lie on its curve; each failure names the
field. Subgroup membership of G2 points is the caller's check (it costs a
scalar multiplication). Cost: one modular multiplication per coordinate.
"""

from __future__ import annotations

from ..curve import G1, G2, g1_on_curve, g2_on_curve
from ..errors import MalformedInput
from ..field import Q, R

N8 = 32
G1_BYTES = 2 * N8
G2_BYTES = 4 * N8
MONT_Q = (1 << 256) % Q  # 2^256 mod q: x is stored as x * MONT_Q
MONT_Q_INV = pow(MONT_Q, -1, Q)
MONT_R = (1 << 256) % R
MONT_R2 = MONT_R * MONT_R % R  # zkey coefficients are stored as v * 2^512 mod r


def _coord(raw: bytes | memoryview, k: int, what: str) -> int:
    m = int.from_bytes(raw[N8 * k:N8 * (k + 1)], "little")
    if m >= Q:
        raise MalformedInput(what, "coordinate is not below q (not a Montgomery-form element)")
    return m * MONT_Q_INV % Q


def g1_from_lem(raw: bytes | memoryview, what: str = "g1") -> G1:
    """Decode one 64-byte LEM G1 point (all zeros = infinity); checks canonical form and the curve."""
    if len(raw) != G1_BYTES:
        raise MalformedInput(what, f"expected {G1_BYTES} bytes, got {len(raw)}")
    if not any(raw):
        return None
    point = (_coord(raw, 0, what), _coord(raw, 1, what))
    if not g1_on_curve(point):
        raise MalformedInput(what, "point is not on the curve")
    return point


def g2_from_lem(raw: bytes | memoryview, what: str = "g2") -> G2:
    """Decode one 128-byte LEM G2 point (all zeros = infinity); checks canonical form and the twist."""
    if len(raw) != G2_BYTES:
        raise MalformedInput(what, f"expected {G2_BYTES} bytes, got {len(raw)}")
    if not any(raw):
        return None
    x0, x1, y0, y1 = (_coord(raw, k, what) for k in range(4))
    point = ((x0, x1), (y0, y1))
    if not g2_on_curve(point):
        raise MalformedInput(what, "point is not on the curve")
    return point


def g1_many_from_lem(raw: bytes | memoryview, what: str = "g1") -> list[G1]:
    """Decode a run of LEM G1 points (pure path; a compiled backend reads the bytes itself)."""
    if len(raw) % G1_BYTES:
        raise MalformedInput(what, "length is not a whole number of G1 points")
    return [g1_from_lem(raw[o:o + G1_BYTES], f"{what}[{o // G1_BYTES}]") for o in range(0, len(raw), G1_BYTES)]


def g2_many_from_lem(raw: bytes | memoryview, what: str = "g2") -> list[G2]:
    """Decode a run of LEM G2 points."""
    if len(raw) % G2_BYTES:
        raise MalformedInput(what, "length is not a whole number of G2 points")
    return [g2_from_lem(raw[o:o + G2_BYTES], f"{what}[{o // G2_BYTES}]") for o in range(0, len(raw), G2_BYTES)]


def _mont(x: int) -> bytes:
    return (x * MONT_Q % Q).to_bytes(N8, "little")


def g1_to_lem(p: G1) -> bytes:
    return bytes(G1_BYTES) if p is None else _mont(p[0]) + _mont(p[1])


def g2_to_lem(p: G2) -> bytes:
    if p is None:
        return bytes(G2_BYTES)
    return _mont(p[0][0]) + _mont(p[0][1]) + _mont(p[1][0]) + _mont(p[1][1])


def g1_many_to_lem(points: list[G1]) -> bytes:
    return b"".join(g1_to_lem(p) for p in points)


def g1_uncompressed(p: G1) -> bytes:
    """x || y big endian (hash input); infinity is 64 zero bytes."""
    if p is None:
        return bytes(G1_BYTES)
    return p[0].to_bytes(N8, "big") + p[1].to_bytes(N8, "big")


def g2_uncompressed(p: G2) -> bytes:
    """x.c1 || x.c0 || y.c1 || y.c0 big endian (hash input); infinity is 128 zero bytes."""
    if p is None:
        return bytes(G2_BYTES)
    (x0, x1), (y0, y1) = p
    return b"".join(c.to_bytes(N8, "big") for c in (x1, x0, y1, y0))


def lem_g1_to_uncompressed(raw: bytes | memoryview) -> bytes:
    """Re-encode LEM G1 points as uncompressed ones (no curve check: the bytes come from our own output)."""
    out = bytearray()
    for o in range(0, len(raw), G1_BYTES):
        chunk = raw[o:o + G1_BYTES]
        if not any(chunk):
            out += bytes(G1_BYTES)
            continue
        for k in range(2):
            out += (int.from_bytes(chunk[N8 * k:N8 * (k + 1)], "little") * MONT_Q_INV % Q).to_bytes(N8, "big")
    return bytes(out)


def lem_g2_to_uncompressed(raw: bytes | memoryview) -> bytes:
    """Re-encode LEM G2 points as uncompressed ones (coordinate order c1, c0)."""
    out = bytearray()
    for o in range(0, len(raw), G2_BYTES):
        chunk = raw[o:o + G2_BYTES]
        if not any(chunk):
            out += bytes(G2_BYTES)
            continue
        cs = [int.from_bytes(chunk[N8 * k:N8 * (k + 1)], "little") * MONT_Q_INV % Q for k in range(4)]
        for c in (cs[1], cs[0], cs[3], cs[2]):
            out += c.to_bytes(N8, "big")
    return bytes(out)
