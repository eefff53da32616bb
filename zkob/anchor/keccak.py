"""Keccak-256 (the Ethereum hash: Keccak with pad 0x01, not FIPS SHA3-256's 0x06).

Function selectors (``selector("verifyProof(uint256[2],...)")``) and event
topics need it, and hashlib has only SHA3. About 30 us per short input in
pure Python; nothing here hashes more than a few hundred bytes.
"""

from __future__ import annotations

_MASK = (1 << 64) - 1
_RATE = 136  # bytes, for 256-bit output
_ROTATIONS = (
    (0, 36, 3, 41, 18), (1, 44, 10, 45, 2), (62, 6, 43, 15, 61), (28, 55, 25, 21, 56), (27, 20, 39, 8, 14),
)


def _rc_table() -> tuple[int, ...]:
    """The 24 iota constants: bits of the LFSR x^8 + x^6 + x^5 + x^4 + 1, seven per round."""
    bits, r = [], 1
    for _ in range(24 * 7):
        bits.append(r & 1)
        r = ((r << 1) ^ (0x71 if r & 0x80 else 0)) & 0xFF
    return tuple(sum(bits[7 * i + j] << ((1 << j) - 1) for j in range(7)) for i in range(24))


_RC = _rc_table()


def _rot(x: int, n: int) -> int:
    return ((x << n) | (x >> (64 - n))) & _MASK if n else x


def _permute(a: list[list[int]]) -> None:
    for rc in _RC:
        c = [a[x][0] ^ a[x][1] ^ a[x][2] ^ a[x][3] ^ a[x][4] for x in range(5)]
        d = [c[(x - 1) % 5] ^ _rot(c[(x + 1) % 5], 1) for x in range(5)]
        for x in range(5):
            for y in range(5):
                a[x][y] ^= d[x]
        b = [[0] * 5 for _ in range(5)]
        for x in range(5):
            for y in range(5):
                b[y][(2 * x + 3 * y) % 5] = _rot(a[x][y], _ROTATIONS[x][y])
        for x in range(5):
            for y in range(5):
                a[x][y] = b[x][y] ^ ((~b[(x + 1) % 5][y]) & b[(x + 2) % 5][y])
        a[0][0] ^= rc


def keccak256(data: bytes) -> bytes:
    """Keccak-256 of ``data`` (32 bytes)."""
    padded = bytearray(data) + b"\x01"
    padded += b"\0" * (-len(padded) % _RATE)
    padded[-1] |= 0x80
    a = [[0] * 5 for _ in range(5)]
    for block in range(0, len(padded), _RATE):
        chunk = padded[block:block + _RATE]
        for i in range(_RATE // 8):
            a[i % 5][i // 5] ^= int.from_bytes(chunk[8 * i:8 * i + 8], "little")
        _permute(a)
    return b"".join(a[i % 5][i // 5].to_bytes(8, "little") for i in range(4))


def selector(signature: str) -> bytes:
    """The 4-byte function selector (or error selector) of a canonical signature."""
    return keccak256(signature.encode())[:4]
