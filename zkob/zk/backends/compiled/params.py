"""Field parameters and int <-> limb-array conversions (numpy only, no numba).

A field element array has shape (..., 4), dtype uint64 (64-bit limbs),
little-endian, so its bytes are exactly the 32-byte little-endian encoding
(and, in Montgomery form, ffjavascript's "LEM" encoding). Conversions go through bytes (``int.to_bytes`` and
``np.frombuffer``) so the per-element cost is one Python call, never a
loop over limbs. Montgomery conversion happens in the compiled kernels.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np

from ...field import Q, R

LIMBS = 4
WORD = 64


@dataclass(frozen=True)
class FieldParams:
    """Montgomery constants of one prime field with R = 2^256."""

    modulus: int
    n0_inv: int  # -p^-1 mod 2^64
    r_mod: int  # 2^256 mod p (Montgomery form of 1)
    r2_mod: int  # 2^512 mod p (to_mont multiplier)


def _params(p: int) -> FieldParams:
    return FieldParams(p, (-pow(p, -1, 1 << WORD)) % (1 << WORD), (1 << 256) % p, (1 << 512) % p)


FQ = _params(Q)
FR = _params(R)
FIELDS = {"fq": FQ, "fr": FR}


def ints_to_limbs(values: Iterable[int], modulus: int) -> np.ndarray:
    """Canonical limbs (not Montgomery) of ints in [0, modulus), shape (n, 4).

    Raises ValueError if a value is negative or not below the modulus.
    """
    vals = list(values)
    for v in vals:
        if not 0 <= v < modulus:
            raise ValueError(f"field element out of range [0, p): {v}")
    raw = b"".join(v.to_bytes(32, "little") for v in vals)
    return np.frombuffer(raw, dtype="<u8").reshape(len(vals), LIMBS).astype(np.uint64)


def limbs_to_ints(arr: np.ndarray) -> list[int]:
    """Inverse of ints_to_limbs for any array of shape (n, 4)."""
    flat = le_bytes(arr)
    return [int.from_bytes(flat[k: k + 32], "little") for k in range(0, len(flat), 32)]


def le_bytes(arr: np.ndarray) -> bytes:
    """The little-endian bytes of a limb array (32 per field element)."""
    return np.ascontiguousarray(arr, dtype=np.uint64).astype("<u8").tobytes()


def limbs_of(value: int) -> tuple[int, ...]:
    """One value as a tuple of 4 64-bit limbs (for tests and constants)."""
    return tuple((value >> (WORD * k)) & ((1 << WORD) - 1) for k in range(LIMBS))

