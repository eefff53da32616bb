"""ffjavascript's ChaCha20 generator and its field and curve samplers (what snarkjs's phase 2 hashes to).

A phase-2 contribution's G2 point is ``hashToG2(transcript)``: the
transcript's first 8 big-endian 32-bit words seed ChaCha, which then draws
a point exactly as ffjavascript's ``G2.fromRng`` does. A verifier must
redraw the same point, so these are facts, reproduced bit for bit:

- ChaCha20 block function (RFC 7539 rounds, 10 double rounds), state =
  the four "expand 32-byte k" words, the 8 seed words as the key, and a
  128-bit block counter starting at 0 in words 12-15 (no nonce); the
  sixteen output words are consumed in order. ``next_u64`` = first word
  * 2^32 + second; ``next_bool`` = the low bit of a word.
- A field element (``F.fromRng``): four u64 draws, little-endian limbs,
  masked to the modulus's bit length (254 for both of BN254's fields),
  redrawn until below the modulus; the value drawn is the element's
  *Montgomery form*, so the element is v * 2^-256.
- A curve point (``G.fromRng``): draw x (Fq2 draws c0 then c1), then a
  bool ``greatest``; redraw until x^3 + b is a square; y = a square root
  whose sign (``isNegative``: canonical value above (q-1)/2, judged on c1
  unless it is 0, then on c0) equals ``greatest``; then G2 points are
  multiplied by the cofactor 2q - r (G1's cofactor is 1).

Beacons seed ChaCha from SHA-256 iterated 2^e times (snarkjs's
``rngFromBeaconParams``). Cost: a ChaCha block is about 20 us in Python;
a G2 draw is dominated by the cofactor multiplication (~20 ms in py_ecc).
"""

from __future__ import annotations

import hashlib
import struct
from collections.abc import Sequence

from py_ecc import optimized_bn128 as bn

from .curve import B2, G1, G2, from_ecc_g2, fq2_add, fq2_mul
from .field import Q, R

MASK32 = 0xFFFFFFFF
CONSTANTS = (0x61707865, 0x3320646E, 0x79622D32, 0x6B206574)
G2_COFACTOR = 2 * Q - R
MONT_INV_Q = pow((1 << 256) % Q, -1, Q)
MONT_INV_R = pow((1 << 256) % R, -1, R)


def _rotl(v: int, n: int) -> int:
    return ((v << n) | (v >> (32 - n))) & MASK32


def _quarter(s: list[int], a: int, b: int, c: int, d: int) -> None:
    s[a] = (s[a] + s[b]) & MASK32
    s[d] = _rotl(s[d] ^ s[a], 16)
    s[c] = (s[c] + s[d]) & MASK32
    s[b] = _rotl(s[b] ^ s[c], 12)
    s[a] = (s[a] + s[b]) & MASK32
    s[d] = _rotl(s[d] ^ s[a], 8)
    s[c] = (s[c] + s[d]) & MASK32
    s[b] = _rotl(s[b] ^ s[c], 7)


class ChaCha:
    """ffjavascript's ChaCha generator seeded with eight 32-bit words."""

    def __init__(self, seed: Sequence[int]):
        if len(seed) != 8:
            raise ValueError("ChaCha seed is eight 32-bit words")
        self.state = [*CONSTANTS, *(w & MASK32 for w in seed), 0, 0, 0, 0]
        self.block: list[int] = []
        self.idx = 16

    def _refill(self) -> None:
        s = list(self.state)
        for _ in range(10):
            for a, b, c, d in ((0, 4, 8, 12), (1, 5, 9, 13), (2, 6, 10, 14), (3, 7, 11, 15),
                               (0, 5, 10, 15), (1, 6, 11, 12), (2, 7, 8, 13), (3, 4, 9, 14)):
                _quarter(s, a, b, c, d)
        self.block = [(x + y) & MASK32 for x, y in zip(s, self.state)]
        self.idx = 0
        for k in range(12, 16):  # 128-bit counter, carry into the next word
            self.state[k] = (self.state[k] + 1) & MASK32
            if self.state[k]:
                break

    def next_u32(self) -> int:
        if self.idx == 16:
            self._refill()
        value = self.block[self.idx]
        self.idx += 1
        return value

    def next_u64(self) -> int:
        high = self.next_u32()
        return high * (1 << 32) + self.next_u32()

    def next_bool(self) -> bool:
        return bool(self.next_u32() & 1)


def seed_of(digest: bytes) -> list[int]:
    """The first eight big-endian 32-bit words of a hash: how snarkjs seeds ChaCha."""
    return list(struct.unpack(">8I", digest[:32]))


def field_from_rng(rng: ChaCha, p: int) -> int:
    """ffjavascript's F.fromRng for a 4-limb prime field: the drawn value is the Montgomery form."""
    mask = (1 << p.bit_length()) - 1
    while True:
        v = 0
        for i in range(4):
            v += rng.next_u64() << (64 * i)
        v &= mask
        if v < p:
            return v * (MONT_INV_Q if p == Q else MONT_INV_R) % p


def scalar_from_rng(rng: ChaCha) -> int:
    """Fr.fromRng (a beacon's secret)."""
    return field_from_rng(rng, R)


def _is_negative(v: int) -> bool:
    return v > (Q - 1) // 2


def _fq2_pow(a: tuple[int, int], e: int) -> tuple[int, int]:
    out = (1, 0)
    for bit in bin(e)[2:]:
        out = fq2_mul(out, out)
        if bit == "1":
            out = fq2_mul(out, a)
    return out


def fq2_sqrt(a: tuple[int, int]) -> tuple[int, int] | None:
    """A square root in Fq2 (q = 3 mod 4), or None when a is not a square."""
    if a == (0, 0):
        return (0, 0)
    norm = (a[0] * a[0] + a[1] * a[1]) % Q
    if pow(norm, (Q - 1) // 2, Q) != 1:
        return None
    a1 = _fq2_pow(a, (Q - 3) // 4)
    alpha = fq2_mul(fq2_mul(a1, a1), a)
    x0 = fq2_mul(a1, a)
    if alpha == (Q - 1, 0):
        root = fq2_mul((0, 1), x0)
    else:
        root = fq2_mul(_fq2_pow(fq2_add(alpha, (1, 0)), (Q - 1) // 2), x0)
    return root if fq2_mul(root, root) == a else None


def g1_from_rng(rng: ChaCha) -> G1:
    """ffjavascript's G1.fromRng (cofactor 1)."""
    while True:
        x = field_from_rng(rng, Q)
        greatest = rng.next_bool()
        rhs = (x * x * x + 3) % Q
        if pow(rhs, (Q - 1) // 2, Q) in (0, 1):
            break
    y = pow(rhs, (Q + 1) // 4, Q)
    if _is_negative(y) != greatest:
        y = (Q - y) % Q
    return (x, y)


def g2_from_rng(rng: ChaCha) -> G2:
    """ffjavascript's G2.fromRng: a point of the twist, times the cofactor (so in the r-torsion)."""
    while True:
        x = (field_from_rng(rng, Q), field_from_rng(rng, Q))
        greatest = rng.next_bool()
        rhs = fq2_add(fq2_mul(fq2_mul(x, x), x), B2)
        y = fq2_sqrt(rhs)
        if y is not None:
            break
    negative = _is_negative(y[1]) if y[1] else _is_negative(y[0])
    if negative != greatest:
        y = ((Q - y[0]) % Q, (Q - y[1]) % Q)
    point = (bn.FQ2(list(x)), bn.FQ2(list(y)), bn.FQ2.one())
    return from_ecc_g2(bn.multiply(point, G2_COFACTOR))


def hash_to_g2(transcript: bytes) -> G2:
    """snarkjs's hashToG2: ChaCha seeded with the transcript, then G2.fromRng."""
    return g2_from_rng(ChaCha(seed_of(transcript)))


def beacon_rng(beacon_hash: bytes, iterations_exp: int) -> ChaCha:
    """snarkjs's rngFromBeaconParams: SHA-256 applied 2^iterations_exp times, then ChaCha."""
    digest = beacon_hash
    for _ in range(1 << iterations_exp):
        digest = hashlib.sha256(digest).digest()
    return ChaCha(seed_of(digest))
