"""iden3 binary containers: circom's ``.r1cs`` (version 1) and ``.wtns`` (version 2).

Layout (FORMATS.md): 4 magic bytes, ``u32le version``, ``u32le nSections``,
then sections ``u32le type, u64le size, payload``. Field elements are 32
bytes little endian in standard form. Readers are strict: magic, version,
section types (each exactly once, unknown ones refused), every payload
consumed exactly, the prime equal to BN254's r, every element below r,
wire ids in range, no wire repeated in a linear combination and no zero
coefficient. Factors are written sorted by wire id; on reading any order is
accepted, because circom itself writes some unsorted. Every failure is
one MalformedInput naming the part.

Our public inputs are written as circom *public inputs* (nPubOut = 0,
nPubIn = n_public), so snarkjs's public.json is wires 1..n_public in order.
Private wires are written as internal wires (nPrvIn = 0). On reading, a
circom file's outputs and public inputs together form our public wires,
which is the same order (outputs first) snarkjs uses. Costs: linear in
the file size.
"""

from __future__ import annotations

import struct
from collections.abc import Mapping, Sequence

from ..errors import MalformedInput
from ..field import R
from ..r1cs import R1CS, Constraint
from .binfile import BinFile, container

N8 = 32
R1CS_MAGIC = b"r1cs"
WTNS_MAGIC = b"wtns"
_U32 = struct.Struct("<I")
_U64 = struct.Struct("<Q")
_R_BYTES = R.to_bytes(N8, "little")


# --- the container (binfile.py holds its layout) ------------------------------

def _container(magic: bytes, version: int, sections: Sequence[tuple[int, bytes]]) -> bytes:
    return container(magic, version, sections)


def _sections(data: bytes, magic: bytes, version: int, allowed: set[int], what: str) -> dict[int, bytes]:
    """Split a container into {type: payload}; each allowed type exactly once."""
    if not isinstance(data, (bytes, bytearray, memoryview)):
        raise MalformedInput(what, "expected bytes")
    file = BinFile(bytes(data), what, magic, (version,), allowed)
    missing = sorted(allowed - set(file.sections))
    if missing:
        raise MalformedInput(what, f"missing section(s) {missing}")
    return {kind: bytes(file.section(kind)) for kind in file.sections}


class _Reader:
    """Cursor over one section's payload; ``done()`` checks it was consumed exactly."""

    def __init__(self, payload: bytes, name: str):
        self.payload, self.name, self.pos = payload, name, 0

    def take(self, n: int, part: str) -> bytes:
        if self.pos + n > len(self.payload):
            raise MalformedInput(f"{self.name}.{part}", "section payload is too short")
        chunk = self.payload[self.pos:self.pos + n]
        self.pos += n
        return chunk

    def u32(self, part: str) -> int:
        value: int = _U32.unpack(self.take(4, part))[0]
        return value

    def u64(self, part: str) -> int:
        value: int = _U64.unpack(self.take(8, part))[0]
        return value

    def element(self, part: str) -> int:
        value = int.from_bytes(self.take(N8, part), "little")
        if value >= R:
            raise MalformedInput(f"{self.name}.{part}", "field element is not below r")
        return value

    def field_header(self) -> None:
        n8 = self.u32("n8")
        if n8 != N8:
            raise MalformedInput(f"{self.name}.n8", f"expected {N8}, got {n8}")
        if self.take(N8, "prime") != _R_BYTES:
            raise MalformedInput(f"{self.name}.prime", "not the BN254 scalar field r")

    def done(self) -> None:
        if self.pos != len(self.payload):
            raise MalformedInput(self.name, f"{len(self.payload) - self.pos} unread bytes in the section")


# --- .r1cs -------------------------------------------------------------------

def _lc_bytes(row: Mapping[int, int]) -> bytes:
    items = [(w, c % R) for w, c in sorted(row.items()) if c % R]
    parts = [_U32.pack(len(items))]
    for wire, coeff in items:
        parts += [_U32.pack(wire), coeff.to_bytes(N8, "little")]
    return b"".join(parts)


def r1cs_to_bytes(r1cs: R1CS) -> bytes:
    """Encode an R1CS as a circom ``.r1cs`` file (public wires as public inputs)."""
    header = b"".join([
        _U32.pack(N8), _R_BYTES,
        _U32.pack(r1cs.n_wires), _U32.pack(0), _U32.pack(r1cs.n_public), _U32.pack(0),
        _U64.pack(r1cs.n_wires), _U32.pack(r1cs.n_constraints),
    ])
    body = b"".join(_lc_bytes(row) for con in r1cs.constraints for row in (con.a, con.b, con.c))
    labels = b"".join(_U64.pack(i) for i in range(r1cs.n_wires))
    return _container(R1CS_MAGIC, 1, [(1, header), (2, body), (3, labels)])


def _read_lc(reader: _Reader, n_wires: int, part: str) -> dict[int, int]:
    count = reader.u32(f"{part}.nFactors")
    if count > n_wires:
        raise MalformedInput(f"{reader.name}.{part}", f"{count} factors but only {n_wires} wires")
    row: dict[int, int] = {}
    for k in range(count):
        wire = reader.u32(f"{part}[{k}].wire")
        if wire >= n_wires:
            raise MalformedInput(f"{reader.name}.{part}[{k}]", f"wire {wire} out of range (nWires {n_wires})")
        if wire in row:
            raise MalformedInput(f"{reader.name}.{part}[{k}]", f"wire {wire} repeated in one linear combination")
        coeff = reader.element(f"{part}[{k}].coefficient")
        if coeff == 0:
            raise MalformedInput(f"{reader.name}.{part}[{k}]", "zero coefficient")
        row[wire] = coeff
    return row


def r1cs_from_bytes(data: bytes) -> R1CS:
    """Decode a ``.r1cs`` file strictly; labels become ``r1cs[i]``. Raises MalformedInput."""
    sections = _sections(data, R1CS_MAGIC, 1, {1, 2, 3}, "r1cs")
    head = _Reader(sections[1], "r1cs.header")
    head.field_header()
    n_wires = head.u32("nWires")
    n_out, n_pub_in, n_prv_in = head.u32("nPubOut"), head.u32("nPubIn"), head.u32("nPrvIn")
    n_labels = head.u64("nLabels")
    n_constraints = head.u32("nConstraints")
    head.done()
    n_public = n_out + n_pub_in
    if n_wires < 1 or 1 + n_public + n_prv_in > n_wires:
        raise MalformedInput("r1cs.header", f"wire counts do not fit in nWires = {n_wires}")
    body = _Reader(sections[2], "r1cs.constraints")
    if n_constraints * 12 > len(sections[2]):
        raise MalformedInput("r1cs.constraints", "shorter than nConstraints requires")
    constraints = []
    for i in range(n_constraints):
        a, b, c = (_read_lc(body, n_wires, f"[{i}].{m}") for m in "ABC")
        constraints.append(Constraint(a, b, c, f"r1cs[{i}]"))
    body.done()
    labels = _Reader(sections[3], "r1cs.wireToLabel")
    if len(sections[3]) != 8 * n_wires:
        raise MalformedInput("r1cs.wireToLabel", f"expected {n_wires} u64 labels")
    for i in range(n_wires):
        if labels.u64(f"[{i}]") >= n_labels:
            raise MalformedInput(f"r1cs.wireToLabel[{i}]", "label id not below nLabels")
    labels.done()
    return R1CS(n_wires=n_wires, n_public=n_public, constraints=constraints)


# --- .wtns -------------------------------------------------------------------

def wtns_to_bytes(witness: Sequence[int]) -> bytes:
    """Encode a full witness (w_0 = 1 first) as a ``.wtns`` version 2 file."""
    values = list(witness)
    for i, v in enumerate(values):
        if not isinstance(v, int) or not 0 <= v < R:
            raise MalformedInput(f"witness[{i}]", "not a field element in [0, r)")
    header = _U32.pack(N8) + _R_BYTES + _U32.pack(len(values))
    body = b"".join(v.to_bytes(N8, "little") for v in values)
    return _container(WTNS_MAGIC, 2, [(1, header), (2, body)])


def wtns_from_bytes(data: bytes) -> list[int]:
    """Decode a ``.wtns`` file strictly into the list of wire values. Raises MalformedInput."""
    sections = _sections(data, WTNS_MAGIC, 2, {1, 2}, "wtns")
    head = _Reader(sections[1], "wtns.header")
    head.field_header()
    count = head.u32("nWitness")
    head.done()
    if len(sections[2]) != N8 * count:
        raise MalformedInput("wtns.values", f"expected {count} values of {N8} bytes, got {len(sections[2])} bytes")
    body = _Reader(sections[2], "wtns.values")
    values = [body.element(f"[{i}]") for i in range(count)]
    body.done()
    if count and values[0] != 1:
        raise MalformedInput("wtns.values[0]", "wire 0 must be 1")
    return values
