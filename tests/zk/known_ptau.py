"""A prepared .ptau whose secrets are known: for tests and timing only, never for keys that protect anything.

snarkjs's ``powersoftau prepare phase2`` takes minutes at power 14 and
hours from 17 on this machine (DESIGN section 7), so tests of large
circuits and the zkey benchmark build the file directly from known tau,
alpha, beta: tau^i G1 and G2, alpha and beta times tau^i G1, beta G2, no
phase-1 contributions, and the Lagrange sections 12-15 computed as
L_i(tau) G (the 2^(p+1) block of section 12 with tau^(2^(p+1)-1) dropped,
as snarkjs prepares it). ``blocks`` limits the Lagrange blocks computed to
the domain sizes a caller needs (the others are zero points), which is
enough for ``zkey new`` and saves most of the time at large powers.
Sections come in snarkjs's order (1-7, 12-15).
"""

from __future__ import annotations

import random
from pathlib import Path

from zkob.zk.backends import get_backend
from zkob.zk.curve import G1_GEN, G2_GEN
from zkob.zk.field import Q, R, batch_inv, root_of_unity
from zkob.zk.formats.binfile import container
from zkob.zk.formats.lem import MONT_Q

G1W, G2W = 64, 128


def _lem(canonical_le: bytes) -> bytes:
    """Proving-key point bytes (canonical LE coordinates) -> LEM (Montgomery); zeros stay zeros."""
    out = bytearray()
    for o in range(0, len(canonical_le), 32):
        out += (int.from_bytes(canonical_le[o:o + 32], "little") * MONT_Q % Q).to_bytes(32, "little")
    return bytes(out)


def lagrange(tau: int, size: int, drop_last: bool = False) -> list[int]:
    """L_i(tau) on the size-point domain; with drop_last, of the powers without tau^(size-1)."""
    w = root_of_unity(size)
    points, p = [], 1
    for _ in range(size):
        points.append(p)
        p = p * w % R
    scale = (pow(tau, size, R) - 1) * pow(size, -1, R) % R
    inv = batch_inv([(tau - x) % R for x in points])
    out = [scale * x % R * d % R for x, d in zip(points, inv)]
    if drop_last:
        top = pow(tau, size - 1, R) * pow(size, -1, R) % R
        out = [(v - top * x) % R for v, x in zip(out, points)]
    return out


def write_known_ptau(path: Path, power: int, seed: int = 7, blocks: set[int] | None = None,
                     backend: str = "auto", tau_powers: int | None = None) -> tuple[int, int, int]:
    """Write the file; returns (tau, alpha, beta). ``blocks``: the k of the 2^k Lagrange blocks to fill.

    ``tau_powers``: fill only the first tau_powers points of section 2 and
    the first point of sections 3-5 (what setup reads), zeros elsewhere.
    """
    be = get_backend(backend)
    rng = random.Random(seed)
    tau, alpha, beta = (rng.randrange(2, R) for _ in range(3))
    n = 1 << power

    def g1(scalars: list[int]) -> bytes:
        return _lem(bytes(be.g1_mul_many(G1_GEN, be.fr_vec(scalars)))) if scalars else b""

    def g2(scalars: list[int]) -> bytes:
        return _lem(bytes(be.g2_mul_many(G2_GEN, be.fr_vec(scalars)))) if scalars else b""

    powers = [1]
    for _ in range(2 * n - 2):
        powers.append(powers[-1] * tau % R)
    wanted = set(range(power + 2)) if blocks is None else blocks
    sec = {12: b"", 13: b"", 14: b"", 15: b""}
    for k in range(power + 2):
        size = 1 << k
        if k not in wanted:
            sec[12] += bytes(G1W * size)
            if k <= power:
                sec[13] += bytes(G2W * size)
                sec[14] += bytes(G1W * size)
                sec[15] += bytes(G1W * size)
            continue
        lag = lagrange(tau, size, drop_last=k == power + 1)
        sec[12] += g1(lag)
        if k <= power:
            sec[13] += g2(lag)
            sec[14] += g1([v * alpha % R for v in lag])
            sec[15] += g1([v * beta % R for v in lag])
    header = (32).to_bytes(4, "little") + Q.to_bytes(32, "little") + power.to_bytes(4, "little") \
        + power.to_bytes(4, "little")
    m = n if tau_powers is None else 1  # points of sections 3-5 to fill
    t = len(powers) if tau_powers is None else tau_powers
    sections = [(1, header), (2, g1(powers[:t]) + bytes(G1W * (len(powers) - t))),
                (3, g2(powers[:m]) + bytes(G2W * (n - m))),
                (4, g1([alpha * p % R for p in powers[:m]]) + bytes(G1W * (n - m))),
                (5, g1([beta * p % R for p in powers[:m]]) + bytes(G1W * (n - m))), (6, g2([beta])), (7, bytes(4)),
                (12, sec[12]), (13, sec[13]), (14, sec[14]), (15, sec[15])]
    Path(path).write_bytes(container(b"ptau", 1, sections))
    return tau, alpha, beta
