"""Powers of Tau files (snarkjs ``.ptau``, version 1) read in place from a memory map.

Sections (FORMATS.md; p = power): 1 header (``u32 n8``, q as n8 bytes
LE, ``u32 power``, ``u32 ceremonyPower``); 2 tau^i G1 for i < 2^(p+1) - 1;
3 tau^i G2, 4 alpha tau^i G1, 5 beta tau^i G1 (2^p each); 6 beta G2; 7
the phase-1 contributions (not read here: verifying phase 1 is
``snarkjs powersoftau verify``'s job). A file *prepared* for phase 2
adds the Lagrange bases L_i(tau) of every domain 2^k, k = 0..p: section
12 in G1 (plus the block of size 2^(p+1)), 13 in G2, 14 times alpha, 15
times beta; the block for 2^k starts at point 2^k - 1. Points are LEM
(formats/lem.py).

The reader checks the header (BN254's q: a BLS12-381 file is refused as
the wrong curve), that the file is prepared, and every section's size
against the power, so a truncated or padded file is refused before any
point is used; it copies nothing until a caller asks for a block. Cost:
the section headers only.
"""

from __future__ import annotations

import os
import struct
from dataclasses import dataclass

from ..errors import MalformedInput
from ..field import Q
from .binfile import BinFile
from .lem import G1_BYTES, G2_BYTES, N8

MAGIC = b"ptau"
WHAT = "ptau"
LAGRANGE_SECTIONS = (12, 13, 14, 15)
ALLOWED = (1, 2, 3, 4, 5, 6, 7, *LAGRANGE_SECTIONS)
MAX_POWER = 28  # BN254's Fr has 2-adicity 28
TAU_G1, TAU_G2, ALPHA_TAU_G1, BETA_TAU_G1, BETA_G2 = 2, 3, 4, 5, 6


def _expected_sizes(power: int) -> dict[int, int]:
    n = 1 << power
    return {
        TAU_G1: (2 * n - 1) * G1_BYTES, TAU_G2: n * G2_BYTES, ALPHA_TAU_G1: n * G1_BYTES,
        BETA_TAU_G1: n * G1_BYTES, BETA_G2: G2_BYTES,
        12: (4 * n - 1) * G1_BYTES, 13: (2 * n - 1) * G2_BYTES, 14: (2 * n - 1) * G1_BYTES,
        15: (2 * n - 1) * G1_BYTES,
    }


@dataclass
class Ptau:
    """A prepared .ptau: its power and LEM byte views of the sections zkey new reads."""

    file: BinFile
    power: int
    ceremony_power: int

    def _block(self, section: int, k: int, width: int, what: str) -> memoryview:
        if not 0 <= k <= self.power + (1 if section == 12 else 0):
            raise MalformedInput(f"{WHAT}.section[{section}]", f"no Lagrange block of size 2^{k} (power {self.power})")
        size = 1 << k
        return self.file.section(section)[(size - 1) * width:(2 * size - 1) * width]

    def lagrange_g1(self, k: int) -> memoryview:
        """L_i(tau) G1 for the 2^k-point domain (k may be power + 1: the block H uses)."""
        return self._block(12, k, G1_BYTES, "tauG1")

    def lagrange_g2(self, k: int) -> memoryview:
        return self._block(13, k, G2_BYTES, "tauG2")

    def lagrange_alpha_g1(self, k: int) -> memoryview:
        return self._block(14, k, G1_BYTES, "alphaTauG1")

    def lagrange_beta_g1(self, k: int) -> memoryview:
        return self._block(15, k, G1_BYTES, "betaTauG1")

    def tau_g1(self, start: int, count: int) -> memoryview:
        """tau^i G1 for start <= i < start + count (section 2)."""
        if start < 0 or start + count > (2 << self.power) - 1:
            raise MalformedInput(f"{WHAT}.section[2]", f"no powers tau^{start}..tau^{start + count - 1}")
        return self.file.section(TAU_G1)[start * G1_BYTES:(start + count) * G1_BYTES]

    def alpha_g1(self) -> memoryview:
        return self.file.section(ALPHA_TAU_G1)[:G1_BYTES]

    def beta_g1(self) -> memoryview:
        return self.file.section(BETA_TAU_G1)[:G1_BYTES]

    def beta_g2(self) -> memoryview:
        return self.file.section(BETA_G2)[:G2_BYTES]

    def require_domain(self, k: int, rows: int) -> None:
        """Refuse a circuit of 2^k rows (``rows`` used) that this ptau is too small for."""
        if k > self.power:
            raise MalformedInput(WHAT, f"too small for this circuit: it needs a domain of 2^{k} rows "
                                       f"({rows} constraints + public inputs + 1), the ptau has power {self.power} "
                                       f"(use a ptau of power {k} or more)")


def read_ptau(path: str | os.PathLike[str]) -> Ptau:
    """Map and check a prepared .ptau (header, curve, sizes). Raises MalformedInput naming the section."""
    file = BinFile.open(path, WHAT, MAGIC, (1,), ALLOWED)
    return ptau_from_file(file)


def ptau_from_file(file: BinFile) -> Ptau:
    head = file.section(1)
    if len(head) < 4:
        raise MalformedInput(f"{WHAT}.section[1]", "header too short")
    (n8,) = struct.unpack_from("<I", head, 0)
    if n8 != N8 or len(head) != 4 + n8 + 8:
        raise MalformedInput(f"{WHAT}.section[1]", f"field size {n8} bytes: not a BN254 (bn128) ptau (wrong curve)")
    if int.from_bytes(head[4:4 + N8], "little") != Q:
        raise MalformedInput(f"{WHAT}.section[1]", "prime q is not BN254's (wrong curve)")
    power, ceremony_power = struct.unpack_from("<II", head, 4 + N8)
    if not 1 <= power <= MAX_POWER:
        raise MalformedInput(f"{WHAT}.section[1]", f"power {power} out of range 1..{MAX_POWER}")
    if not all(file.has(k) for k in LAGRANGE_SECTIONS):
        raise MalformedInput(WHAT, "not prepared for phase 2 (no Lagrange sections 12-15): "
                                   "run `snarkjs powersoftau prepare phase2` or use a *_final_*.ptau")
    for kind, size in _expected_sizes(power).items():
        found = file.size_of(kind)
        if found != size:
            raise MalformedInput(f"{WHAT}.section[{kind}]",
                                 f"{'missing' if found < 0 else f'{found} bytes'}; power {power} needs {size} "
                                 "(truncated or corrupted file)")
    return Ptau(file, power, ceremony_power)
