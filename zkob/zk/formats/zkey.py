"""snarkjs Groth16 proving keys (``.zkey``, version 1) read in place, and written.

Sections (FORMATS.md, snarkjs 0.7.6's zkey_utils): 1 protocol (``u32``,
1 = Groth16); 2 header (``u32 n8q``, q, ``u32 n8r``, r, ``u32 nVars``,
``u32 nPublic``, ``u32 domainSize``, then alpha1, beta1, beta2, gamma2,
delta1, delta2); 3 IC (nPublic + 1 G1); 4 the A and B coefficients
(``u32`` count, 44-byte records ``u32 matrix, u32 constraint, u32
signal``, value * 2^512 mod r); 5 A, 6 B1 (nVars G1); 7 B2 (nVars G2);
8 C (the private wires, G1); 9 H (domainSize G1); 10 the phase-2
parameters: csHash (64 bytes), ``u32`` count, and per contribution
deltaAfter, g1_s, g1_sx (G1), g2_spx (G2), a 64-byte transcript, ``u32``
type (1 = beacon) and ``u32``-length-prefixed parameters (1 name, 2
iterations exponent, 3 beacon hash; ascending). Points are LEM
(formats/lem.py).

``read_zkey`` maps the file, checks the header (curve, protocol, counts),
every section's size and the single points (on the curve; G2 ones in the
subgroup), and parses section 10; the large sections stay views of the
map until a prover or a check reads them. ``zkey_bytes`` writes a key in
a given section order: snarkjs's ``groth16 setup`` writes 1, 2, 4, 3, 9,
8, 5, 6, 7, 10 and its ``zkey contribute`` 1..10. Each failure is one
MalformedInput naming the section.
"""

from __future__ import annotations

import os
import struct
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace

from ..curve import G1, G2, g2_in_subgroup
from ..errors import MalformedInput
from ..field import Q, R
from .binfile import U32, BinFile, container
from .lem import G1_BYTES, G2_BYTES, N8, g1_from_lem, g1_to_lem, g2_from_lem, g2_to_lem

MAGIC = b"zkey"
WHAT = "zkey"
GROTH16 = 1
COEF_BYTES = 12 + N8
SETUP_ORDER = (1, 2, 4, 3, 9, 8, 5, 6, 7, 10)
CONTRIBUTE_ORDER = (1, 2, 3, 4, 5, 6, 7, 8, 9, 10)
BEACON = 1
HASH_BYTES = 64


@dataclass(frozen=True)
class Header:
    """Section 2: the sizes and the six single points of a Groth16 key."""

    n_vars: int
    n_public: int
    domain_size: int
    alpha1: G1
    beta1: G1
    beta2: G2
    gamma2: G2
    delta1: G1
    delta2: G2


@dataclass(frozen=True)
class Contribution:
    """One phase-2 contribution's public record (section 10)."""

    delta_after: G1
    g1_s: G1
    g1_sx: G1
    g2_spx: G2
    transcript: bytes
    kind: int = 0
    name: str = ""
    iterations_exp: int = 0
    beacon_hash: bytes = b""


@dataclass(frozen=True)
class Zkey:
    """A mapped .zkey: header, phase-2 record and views of sections 3-9 (LEM bytes)."""

    header: Header
    cs_hash: bytes
    contributions: tuple[Contribution, ...]
    sections: dict[int, memoryview]

    def with_phase2(self, header: Header, contributions: tuple[Contribution, ...],
                    sections: Mapping[int, memoryview | bytes]) -> Zkey:
        """A copy with a new header, contribution list and some sections replaced."""
        merged: dict[int, memoryview] = dict(self.sections)
        merged.update({k: memoryview(v) for k, v in sections.items()})
        return replace(self, header=header, contributions=contributions, sections=merged)


# --- header ------------------------------------------------------------------------------------

def header_bytes(h: Header) -> bytes:
    return b"".join([
        U32.pack(N8), Q.to_bytes(N8, "little"), U32.pack(N8), R.to_bytes(N8, "little"),
        struct.pack("<III", h.n_vars, h.n_public, h.domain_size),
        g1_to_lem(h.alpha1), g1_to_lem(h.beta1), g2_to_lem(h.beta2), g2_to_lem(h.gamma2),
        g1_to_lem(h.delta1), g2_to_lem(h.delta2),
    ])


HEADER_BYTES = 4 + N8 + 4 + N8 + 12 + 3 * G1_BYTES + 3 * G2_BYTES


def _header(raw: memoryview) -> Header:
    what = f"{WHAT}.section[2]"
    if len(raw) != HEADER_BYTES:
        if len(raw) >= 4 and U32.unpack_from(raw, 0)[0] != N8:
            raise MalformedInput(what, "field size is not 32 bytes: not a BN254 (bn128) key (wrong curve)")
        raise MalformedInput(what, f"{len(raw)} bytes, a BN254 Groth16 header has {HEADER_BYTES}")
    n8q, = U32.unpack_from(raw, 0)
    n8r, = U32.unpack_from(raw, 4 + N8)
    if n8q != N8 or n8r != N8 or int.from_bytes(raw[4:4 + N8], "little") != Q \
            or int.from_bytes(raw[8 + N8:8 + 2 * N8], "little") != R:
        raise MalformedInput(what, "primes are not BN254's q and r (wrong curve)")
    n_vars, n_public, n = struct.unpack_from("<III", raw, 8 + 2 * N8)
    if n < 2 or n & (n - 1) or n > 1 << 28 or n_vars < n_public + 1:
        raise MalformedInput(what, f"inconsistent sizes (nVars {n_vars}, nPublic {n_public}, domainSize {n})")
    pos = 20 + 2 * N8
    points: list[G1 | G2] = []
    for name, width in (("alpha1", G1_BYTES), ("beta1", G1_BYTES), ("beta2", G2_BYTES), ("gamma2", G2_BYTES),
                        ("delta1", G1_BYTES), ("delta2", G2_BYTES)):
        chunk = raw[pos:pos + width]
        point = (g1_from_lem if width == G1_BYTES else g2_from_lem)(chunk, f"{what}.{name}")
        if point is None:
            raise MalformedInput(f"{what}.{name}", "point at infinity")
        if width == G2_BYTES and not g2_in_subgroup(point):  # type: ignore[arg-type]
            raise MalformedInput(f"{what}.{name}", "point is not in the r-torsion subgroup")
        points.append(point)
        pos += width
    return Header(n_vars, n_public, n, *points)  # type: ignore[arg-type]


# --- section 10: the phase-2 record ------------------------------------------------------------

def _params_bytes(c: Contribution) -> bytes:
    out = bytearray()
    if c.name:
        name = c.name.encode("utf-16-le")[:128].decode("utf-16-le", errors="ignore").encode()  # JS substring(0, 64)
        out += bytes([1, len(name)]) + name
    if c.kind == BEACON:
        out += bytes([2, c.iterations_exp, 3, len(c.beacon_hash)]) + c.beacon_hash
    return U32.pack(len(out)) + bytes(out)


def contribution_bytes(c: Contribution) -> bytes:
    return b"".join([g1_to_lem(c.delta_after), g1_to_lem(c.g1_s), g1_to_lem(c.g1_sx), g2_to_lem(c.g2_spx),
                     c.transcript, U32.pack(c.kind), _params_bytes(c)])


def mpc_bytes(cs_hash: bytes, contributions: Iterable[Contribution]) -> bytes:
    items = list(contributions)
    return cs_hash + U32.pack(len(items)) + b"".join(contribution_bytes(c) for c in items)


class _Cursor:
    def __init__(self, raw: memoryview, what: str):
        self.raw, self.what, self.pos = raw, what, 0

    def take(self, n: int, part: str) -> memoryview:
        if self.pos + n > len(self.raw):
            raise MalformedInput(f"{self.what}.{part}", "section ends early (truncated?)")
        chunk = self.raw[self.pos:self.pos + n]
        self.pos += n
        return chunk

    def u32(self, part: str) -> int:
        return int(U32.unpack(self.take(4, part))[0])


def _contribution(cur: _Cursor, i: int) -> Contribution:
    part = f"contribution[{i + 1}]"
    what = f"{cur.what}.{part}"
    delta_after = g1_from_lem(cur.take(G1_BYTES, part), f"{what}.deltaAfter")
    g1_s = g1_from_lem(cur.take(G1_BYTES, part), f"{what}.g1_s")
    g1_sx = g1_from_lem(cur.take(G1_BYTES, part), f"{what}.g1_sx")
    g2_spx = g2_from_lem(cur.take(G2_BYTES, part), f"{what}.g2_spx")
    transcript = bytes(cur.take(HASH_BYTES, part))
    kind = cur.u32(part)
    params = _Cursor(cur.take(cur.u32(part), part), what)
    fields: dict[int, bytes | int] = {}
    last = 0
    while params.pos < len(params.raw):
        tag = params.take(1, "param")[0]
        if tag <= last or tag > 3:
            raise MalformedInput(f"{what}.params", f"parameter {tag} unknown or out of order")
        last = tag
        fields[tag] = params.take(1, "param")[0] if tag == 2 else bytes(params.take(params.take(1, "param")[0], "param"))
    if kind not in (0, BEACON) or (kind == BEACON) != (2 in fields and 3 in fields):
        raise MalformedInput(f"{what}.type", f"type {kind} with parameters {sorted(fields)}")
    try:
        name = bytes(fields.get(1, b"")).decode("utf-8")
    except UnicodeDecodeError:
        raise MalformedInput(f"{what}.name", "not UTF-8") from None
    return Contribution(delta_after, g1_s, g1_sx, g2_spx, transcript, kind, name,
                        int(fields.get(2, 0)), bytes(fields.get(3, b"")))


def _mpc(raw: memoryview) -> tuple[bytes, tuple[Contribution, ...]]:
    cur = _Cursor(raw, f"{WHAT}.section[10]")
    cs_hash = bytes(cur.take(HASH_BYTES, "csHash"))
    count = cur.u32("count")
    contributions = tuple(_contribution(cur, i) for i in range(count))
    if cur.pos != len(raw):
        raise MalformedInput(f"{WHAT}.section[10]", f"{len(raw) - cur.pos} unread bytes")
    return cs_hash, contributions


# --- the file -----------------------------------------------------------------------------------

def _expected_sizes(h: Header, n_coefs: int) -> dict[int, int]:
    return {1: 4, 3: (h.n_public + 1) * G1_BYTES, 4: 4 + n_coefs * COEF_BYTES, 5: h.n_vars * G1_BYTES,
            6: h.n_vars * G1_BYTES, 7: h.n_vars * G2_BYTES, 8: (h.n_vars - h.n_public - 1) * G1_BYTES,
            9: h.domain_size * G1_BYTES}


def read_zkey(path: str | os.PathLike[str]) -> Zkey:
    """Map and check a Groth16 .zkey; raises MalformedInput naming the section."""
    return zkey_from_file(BinFile.open(path, WHAT, MAGIC, (1,), range(1, 11)))


def zkey_from_file(file: BinFile) -> Zkey:
    missing = [k for k in range(1, 11) if not file.has(k)]
    if missing:
        raise MalformedInput(f"{WHAT}.section[{missing[0]}]", "missing")
    proto = file.section(1)
    if len(proto) != 4 or U32.unpack_from(proto, 0)[0] != GROTH16:
        raise MalformedInput(f"{WHAT}.section[1]", "not a Groth16 key")
    header = _header(file.section(2))
    coefs = file.section(4)
    n_coefs = U32.unpack_from(coefs, 0)[0] if len(coefs) >= 4 else -1
    for kind, size in _expected_sizes(header, n_coefs).items():
        if file.size_of(kind) != size:
            raise MalformedInput(f"{WHAT}.section[{kind}]", f"{file.size_of(kind)} bytes, the header's sizes "
                                                            f"need {size} (truncated or corrupted file)")
    cs_hash, contributions = _mpc(file.section(10))
    return Zkey(header, cs_hash, contributions, {k: file.section(k) for k in range(3, 10)})


def zkey_bytes(key: Zkey, order: tuple[int, ...] = CONTRIBUTE_ORDER) -> bytes:
    """The file for ``key`` with its sections in ``order``."""
    payload: dict[int, bytes | memoryview] = {1: U32.pack(GROTH16), 2: header_bytes(key.header),
                                              10: mpc_bytes(key.cs_hash, key.contributions)}
    payload.update(key.sections)
    return container(MAGIC, 1, [(k, payload[k]) for k in order])


def coefficient_count(key: Zkey) -> int:
    return int(U32.unpack_from(key.sections[4], 0)[0])
