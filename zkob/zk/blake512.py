"""BLAKE-512, the SHA-3 finalist (not BLAKE2), from its specification.

circomlibjs derives EdDSA keys and nonces with BLAKE-512 (the npm package
``blake-hash``), and ``hashlib`` does not have it, so zkob carries its own.
The specification fixes: 64-bit words, 16 rounds of the G function with
rotations 32, 25, 16, 11 over a 4x4 state, the ten message permutations
SIGMA (round i uses SIGMA[i mod 10]), the SHA-512 initial value, and 16
constants that are the leading 1024 bits of the fractional part of pi.
Both constant tables are computed here from their definitions rather than
typed in, so they check themselves.

Padding: a 1 bit, zeros, a 1 bit, then the message length in bits as a
128-bit big-endian number, to a multiple of 1024 bits. The counter given to
each compression is the number of message bits up to the end of that block,
or 0 for a block holding only padding. Salt is zero.

Cost: pure Python, about 50 us per 128-byte block.
"""

from __future__ import annotations

from math import isqrt

MASK = (1 << 64) - 1
BLOCK_BYTES = 128
DIGEST_BYTES = 64

SIGMA = (
    (0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15),
    (14, 10, 4, 8, 9, 15, 13, 6, 1, 12, 0, 2, 11, 7, 5, 3),
    (11, 8, 12, 0, 5, 2, 15, 13, 10, 14, 3, 6, 7, 1, 9, 4),
    (7, 9, 3, 1, 13, 12, 11, 14, 2, 6, 5, 10, 4, 0, 15, 8),
    (9, 0, 5, 7, 2, 4, 10, 15, 14, 1, 11, 12, 6, 8, 3, 13),
    (2, 12, 6, 10, 0, 11, 8, 3, 4, 13, 7, 5, 15, 14, 1, 9),
    (12, 5, 1, 15, 14, 13, 4, 10, 0, 7, 6, 3, 9, 2, 8, 11),
    (13, 11, 7, 14, 12, 1, 3, 9, 5, 0, 15, 4, 8, 6, 2, 10),
    (6, 15, 14, 9, 11, 3, 0, 8, 12, 2, 13, 7, 1, 4, 10, 5),
    (10, 2, 8, 4, 7, 6, 1, 5, 15, 11, 9, 14, 3, 12, 13, 0),
)
ROUNDS = 16


def _arctan_inv(n: int, one: int) -> int:
    """arctan(1/n) * one, by the alternating Taylor series in integers."""
    total, term, k, sign = 0, one // n, 1, 1
    n2 = n * n
    while term:
        total += sign * (term // k)
        term //= n2
        k += 2
        sign = -sign
    return total


def pi_fraction_bits(bits: int) -> int:
    """floor(frac(pi) * 2**bits), from Machin's formula with 64 guard bits."""
    guard = 64
    one = 1 << (bits + 2 + guard)
    pi = 16 * _arctan_inv(5, one) - 4 * _arctan_inv(239, one)
    return (pi >> (guard + 2)) - (3 << bits)


def _first_primes(count: int) -> list[int]:
    primes: list[int] = []
    n = 2
    while len(primes) < count:
        if all(n % p for p in primes):
            primes.append(n)
        n += 1
    return primes


def _constants() -> tuple[tuple[int, ...], tuple[int, ...]]:
    """IV (fractional parts of sqrt of the first 8 primes) and C (pi's bits)."""
    iv = tuple(isqrt(p << 128) & MASK for p in _first_primes(8))
    pi_bits = pi_fraction_bits(16 * 64)
    c = tuple((pi_bits >> (64 * (15 - i))) & MASK for i in range(16))
    return iv, c


IV, C = _constants()


def _rotr(x: int, n: int) -> int:
    return ((x >> n) | (x << (64 - n))) & MASK


def compress(h: list[int], block: bytes, counter: int) -> list[int]:
    """One BLAKE-512 compression of a 128-byte block with zero salt."""
    m = [int.from_bytes(block[8 * i:8 * i + 8], "big") for i in range(16)]
    t0, t1 = counter & MASK, counter >> 64
    v = list(h) + [C[0], C[1], C[2], C[3],
                   C[4] ^ t0, C[5] ^ t0, C[6] ^ t1, C[7] ^ t1]
    for rnd in range(ROUNDS):
        s = SIGMA[rnd % 10]
        for i, (a, b, c, d) in enumerate((
                (0, 4, 8, 12), (1, 5, 9, 13), (2, 6, 10, 14), (3, 7, 11, 15),
                (0, 5, 10, 15), (1, 6, 11, 12), (2, 7, 8, 13), (3, 4, 9, 14))):
            x, y = s[2 * i], s[2 * i + 1]
            v[a] = (v[a] + v[b] + (m[x] ^ C[y])) & MASK
            v[d] = _rotr(v[d] ^ v[a], 32)
            v[c] = (v[c] + v[d]) & MASK
            v[b] = _rotr(v[b] ^ v[c], 25)
            v[a] = (v[a] + v[b] + (m[y] ^ C[x])) & MASK
            v[d] = _rotr(v[d] ^ v[a], 16)
            v[c] = (v[c] + v[d]) & MASK
            v[b] = _rotr(v[b] ^ v[c], 11)
    return [h[i] ^ v[i] ^ v[i + 8] for i in range(8)]


def pad(message: bytes) -> bytes:
    """The message followed by BLAKE-512's padding (a multiple of 128 bytes)."""
    n = len(message)
    fill = (111 - n) % BLOCK_BYTES + 1  # bytes from the first pad bit to the last
    if fill == 1:
        padding = b"\x81"
    else:
        padding = b"\x80" + bytes(fill - 2) + b"\x01"
    return message + padding + (8 * n).to_bytes(16, "big")


def blake512(message: bytes) -> bytes:
    """The 64-byte BLAKE-512 digest of ``message``."""
    data = bytes(message)
    padded = pad(data)
    bits = 8 * len(data)
    h = list(IV)
    for start in range(0, len(padded), BLOCK_BYTES):
        counter = 0 if start >= len(data) else min(bits, 8 * (start + BLOCK_BYTES))
        h = compress(h, padded[start:start + BLOCK_BYTES], counter)
    return b"".join(x.to_bytes(8, "big") for x in h)
