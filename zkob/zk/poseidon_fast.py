"""Poseidon for the prover side: the compiled kernel when numba is there, else the pure code.

``hash2`` and ``poseidon`` return exactly what ``zkob.zk.poseidon``'s
functions of the same names return (same parameters, same checks:
``poseidon`` validates its inputs, ``hash2`` does not and, like the pure
one, hashes ints outside [0, r) as their residues mod r).

Which implementation runs is decided once per process, at the first call,
by ``implementation()`` (an ``lru_cache``d loader, so no mutable global):
it imports ``zkob.zk.backends.compiled.poseidon`` (numba) and falls back
to the pure functions on ImportError. Importing this module imports
neither numpy nor numba, so modules that merely import it stay light; the
light client (zkob.state.lightclient, digest.py) and the verifier keep the
pure module on purpose: their cost is a handful of hashes and they must
run where numba does not.

Cost per call from Python on the benchmark machine (bench/results/state.md):
``hash2`` about 11.5 us compiled (kernel about 10 us, range checks, int
<-> limb conversion and numba dispatch about 1.4 us) versus about 195 us
pure; ``poseidon`` of 6 inputs about 50 us versus 1 ms. The first call of
a process loads the kernels from numba's disk cache (about 0.5 s); the
first ever on a machine compiles them (5-15 s).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import lru_cache

from . import poseidon as pure
from .errors import MalformedInput
from .field import R

_MASK = (1 << 64) - 1


@dataclass(frozen=True)
class Implementation:
    """The chosen pair of functions and a name for reports ("compiled" or "pure")."""

    name: str
    hash2: Callable[[int, int], int]
    poseidon: Callable[[Sequence[int]], int]


def _check(inputs: Sequence[int]) -> None:
    """The checks of ``zkob.zk.poseidon.poseidon``, raising the same MalformedInput."""
    n = len(inputs)
    if not 1 <= n <= pure.MAX_INPUTS:
        raise MalformedInput("poseidon.inputs", f"expected 1..{pure.MAX_INPUTS} inputs, got {n}")
    for i, x in enumerate(inputs):
        if isinstance(x, bool) or not isinstance(x, int) or not 0 <= x < R:
            raise MalformedInput(f"poseidon.inputs[{i}]", "not a field element in [0, r)")


def _compiled() -> Implementation:
    import importlib

    import numpy as np

    kernels = importlib.import_module(f"{__package__}.backends.compiled.poseidon")  # ImportError without numba

    h2, rows = kernels.hash2_limbs, kernels.poseidon_rows

    def hash2(left: int, right: int) -> int:
        if not 0 <= left < R:
            left %= R
        if not 0 <= right < R:
            right %= R
        r0, r1, r2, r3 = h2(left & _MASK, (left >> 64) & _MASK, (left >> 128) & _MASK, left >> 192,
                            right & _MASK, (right >> 64) & _MASK, (right >> 128) & _MASK, right >> 192)
        return int(r0 | r1 << 64 | r2 << 128 | r3 << 192)

    def poseidon(inputs: Sequence[int]) -> int:
        _check(inputs)
        raw = b"".join(x.to_bytes(32, "little") for x in inputs)
        r0, r1, r2, r3 = rows(np.frombuffer(raw, dtype="<u8").reshape(len(inputs), 4))
        return int(r0) | int(r1) << 64 | int(r2) << 128 | int(r3) << 192

    return Implementation("compiled", hash2, poseidon)


@lru_cache(maxsize=None)
def implementation() -> Implementation:
    """The implementation this process uses: compiled if numba imports, else pure (chosen once)."""
    try:
        return _compiled()
    except ImportError:
        return Implementation("pure", pure.hash2, pure.poseidon)


def hash2(left: int, right: int) -> int:
    """H(left, right) as ``zkob.zk.poseidon.hash2`` (no input validation), compiled when possible."""
    return implementation().hash2(left, right)


def poseidon(inputs: Sequence[int]) -> int:
    """H(x1..xn) as ``zkob.zk.poseidon.poseidon`` (validated, 1..16 inputs), compiled when possible."""
    return implementation().poseidon(inputs)
