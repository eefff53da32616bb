"""The iden3 binary container read in place: a memory map and a table of sections.

Layout (FORMATS.md): 4 magic bytes, ``u32le version``, ``u32le nSections``,
then per section ``u32le type``, ``u64le size`` and ``size`` payload bytes.
``.ptau`` and ``.zkey`` files run to gigabytes (a Hermez ptau of power 28
holds 2^30 points), so this reader maps the file and hands out memoryview
slices of it: nothing is copied until a caller asks for a point. Sections
are indexed by type; a type may appear once (this reader refuses a repeat,
which snarkjs's readers would also refuse for every section it uses), and
only the types the caller allows. Each failure is one MalformedInput
naming the file kind and the section. Cost: one pass over the section
headers (a few dozen reads), independent of the file size.

``container(magic, version, sections)`` writes the same layout from a list
of (type, payload) in the order given (snarkjs's order matters for byte
identity).
"""

from __future__ import annotations

import mmap
import os
import struct
from collections.abc import Iterable
from dataclasses import dataclass

from ..errors import MalformedInput

U32 = struct.Struct("<I")
U64 = struct.Struct("<Q")
HEADER_BYTES = 12
SECTION_HEADER_BYTES = 12


@dataclass(frozen=True)
class Section:
    """One section's payload position in the file."""

    kind: int
    offset: int
    size: int


class BinFile:
    """A mapped iden3 container: ``section(kind)`` is a read-only memoryview of the payload.

    The map stays open for as long as this object or any view of it lives.
    """

    def __init__(self, data: mmap.mmap | bytes, what: str, magic: bytes, versions: Iterable[int],
                 allowed: Iterable[int]):
        self.what = what
        self.data = data
        self.view = memoryview(data)
        self.sections = _index(self.view, what, magic, set(versions), set(allowed))

    @classmethod
    def open(cls, path: str | os.PathLike[str], what: str, magic: bytes, versions: Iterable[int],
             allowed: Iterable[int]) -> BinFile:
        """Map ``path`` read-only; an unreadable or empty file is a MalformedInput naming ``what``."""
        try:
            with open(path, "rb") as handle:
                size = os.fstat(handle.fileno()).st_size
                if size < HEADER_BYTES:
                    raise MalformedInput(what, f"{os.fspath(path)} is too short for an iden3 header ({size} bytes)")
                data = mmap.mmap(handle.fileno(), 0, access=mmap.ACCESS_READ)
        except OSError as exc:
            raise MalformedInput(what, f"cannot read {os.fspath(path)}: {exc.strerror}") from None
        return cls(data, what, magic, versions, allowed)

    def has(self, kind: int) -> bool:
        return kind in self.sections

    def section(self, kind: int) -> memoryview:
        """The payload of section ``kind``; MalformedInput when the file has none."""
        sec = self.sections.get(kind)
        if sec is None:
            raise MalformedInput(f"{self.what}.section[{kind}]", "missing")
        return self.view[sec.offset:sec.offset + sec.size]

    def size_of(self, kind: int) -> int:
        sec = self.sections.get(kind)
        return -1 if sec is None else sec.size


def _index(view: memoryview, what: str, magic: bytes, versions: set[int], allowed: set[int]) -> dict[int, Section]:
    if len(view) < HEADER_BYTES:
        raise MalformedInput(what, "file too short for an iden3 header")
    if bytes(view[:4]) != magic:
        raise MalformedInput(f"{what}.magic", f"expected {magic!r}, got {bytes(view[:4])!r}")
    (version,) = U32.unpack_from(view, 4)
    if version not in versions:
        raise MalformedInput(f"{what}.version", f"expected {sorted(versions)}, got {version}")
    (count,) = U32.unpack_from(view, 8)
    pos, out = HEADER_BYTES, {}
    for i in range(count):
        if pos + SECTION_HEADER_BYTES > len(view):
            raise MalformedInput(f"{what}.section[#{i}]", "truncated section header (file cut short?)")
        (kind,) = U32.unpack_from(view, pos)
        (size,) = U64.unpack_from(view, pos + 4)
        pos += SECTION_HEADER_BYTES
        if kind not in allowed:
            raise MalformedInput(f"{what}.section[{kind}]", "unsupported section type")
        if kind in out:
            raise MalformedInput(f"{what}.section[{kind}]", "appears twice")
        if pos + size > len(view):
            raise MalformedInput(f"{what}.section[{kind}]",
                                 f"payload of {size} bytes runs past the end of the file (truncated?)")
        out[kind] = Section(kind, pos, size)
        pos += size
    if pos != len(view):
        raise MalformedInput(what, f"{len(view) - pos} trailing bytes after the last section")
    return out


def container(magic: bytes, version: int, sections: Iterable[tuple[int, bytes | bytearray | memoryview]]) -> bytes:
    """The container bytes for ``sections`` = [(type, payload), ...] in the order given."""
    parts: list[bytes | bytearray | memoryview] = []
    items = list(sections)
    parts.append(magic + U32.pack(version) + U32.pack(len(items)))
    for kind, payload in items:
        parts.append(U32.pack(kind) + U64.pack(len(payload)))
        parts.append(payload)
    return b"".join(parts)
