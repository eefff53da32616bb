"""Radix-2 NTT over Fr on (n, 4) Montgomery arrays, plus pointwise kernels.

Cooley-Tukey decimation in time: bit-reverse, then log2(n) stages of n/2
butterflies each (one multiplication). Large transforms run the first
stages in independent blocks on all cores and split only the last few
stages, so a transform has 3 parallel barriers, not log2(n) (each barrier
costs milliseconds when the machine is busy); smaller ones run serially.
Twiddles are the n/2 powers of omega, built per call (n/2 multiplications,
negligible next to the n/2 log n of the transform).
Coset shift and the 1/n of the inverse are folded into one pass of
precomputed powers.
"""

from __future__ import annotations

import numpy as np
from numba import njit, prange

from ...field import R, root_of_unity
from ._arith import fr_add, fr_load, fr_mul, fr_store, fr_sub
from .params import FR, ints_to_limbs

def mont_scalar(value: int) -> np.ndarray:
    """One Fr element in Montgomery form, shape (4,)."""
    return ints_to_limbs([value * FR.r_mod % R], R)[0]


@njit(cache=True, nogil=True)
def powers(start, base, count):
    """(count, 4) array of start * base^i (Montgomery limbs in, out)."""
    out = np.empty((count, 4), np.uint64)
    acc = (start[0], start[1], start[2], start[3])
    b = (base[0], base[1], base[2], base[3])
    for i in range(count):
        fr_store(out, i, acc)
        acc = fr_mul(acc, b)
    return out


@njit(cache=True, nogil=True)
def bit_reverse(a):
    """Permute rows of a into bit-reversed index order, in place."""
    n = a.shape[0]
    j = 0
    for i in range(1, n):
        bit = n >> 1
        while j & bit:
            j ^= bit
            bit >>= 1
        j |= bit
        if i < j:
            for k in range(4):
                t = a[i, k]
                a[i, k] = a[j, k]
                a[j, k] = t


@njit(cache=True, nogil=True)
def _butterfly(a, tw, k, m, twi):
    u = fr_load(a, k)
    v = fr_mul(fr_load(a, k + m), fr_load(tw, twi))
    fr_store(a, k, fr_add(u, v))
    fr_store(a, k + m, fr_sub(u, v))


@njit(cache=True, nogil=True)
def stages_in_block(a, tw, start, size):
    """Every stage whose butterflies stay inside a[start:start+size] (size a power of two)."""
    n = a.shape[0]
    m = 1
    while m < size:
        step = n // (2 * m)
        for g in range(start, start + size, 2 * m):
            for j in range(m):
                _butterfly(a, tw, g + j, m, j * step)
        m *= 2


@njit(cache=True, nogil=True, parallel=True)
def butterflies_parallel(a, tw, blocks):
    """All stages, with 1 + log2(blocks) parallel regions (few barriers: cheap on a busy machine).

    The first stages run inside ``blocks`` independent contiguous blocks; the
    last log2(blocks) stages split their butterflies into ``blocks`` chunks.
    """
    n = a.shape[0]
    size = n // blocks
    for b in prange(blocks):
        stages_in_block(a, tw, b * size, size)
    m = size
    chunk = (n // 2) // blocks
    while m < n:
        step = n // (2 * m)
        for c in prange(blocks):
            for idx in range(c * chunk, (c + 1) * chunk):
                j = idx % m
                _butterfly(a, tw, (idx // m) * 2 * m + j, m, j * step)
        m *= 2


# Below this size a transform runs on one core: a parallel region costs up to
# ~10 ms when the other core is busy (measured: 2^12 took 44 ms in 3 regions,
# 1 ms serially), more than the halving saves. Pointwise kernels are always
# serial for the same reason (about 20 ns per element).
PARALLEL_MIN = 1 << 17
BLOCKS = 4


def butterflies(a: np.ndarray, tw: np.ndarray) -> None:
    """All log2(n) stages of the transform on bit-reversed a, in place; tw[j] = omega^j, j < n/2."""
    n = a.shape[0]
    if n >= PARALLEL_MIN:
        butterflies_parallel(a, tw, BLOCKS)
    else:
        stages_in_block(a, tw, 0, n)


@njit(cache=True, nogil=True)
def rows_mul(x, y):
    out = np.empty_like(x)
    for i in range(x.shape[0]):
        fr_store(out, i, fr_mul(fr_load(x, i), fr_load(y, i)))
    return out


@njit(cache=True, nogil=True)
def rows_sub(x, y):
    out = np.empty_like(x)
    for i in range(x.shape[0]):
        fr_store(out, i, fr_sub(fr_load(x, i), fr_load(y, i)))
    return out


@njit(cache=True, nogil=True)
def rows_scale(x, c):
    out = np.empty_like(x)
    cc = (c[0], c[1], c[2], c[3])
    for i in range(x.shape[0]):
        fr_store(out, i, fr_mul(fr_load(x, i), cc))
    return out


def ntt(x: np.ndarray, inverse: bool = False, shift: int = 1) -> np.ndarray:
    """Forward: coefficients -> values at shift*omega^i; inverse: the reverse. Returns a new array.

    Costs (n/2) log2 n multiplications plus 2n for the shift and scaling.
    """
    n = x.shape[0]
    omega = root_of_unity(n)
    if shift % R == 0:
        raise ValueError("coset shift must be non-zero")
    a = np.array(x, dtype=np.uint64, copy=True)
    if n == 1:
        return a
    if not inverse:
        if shift != 1:
            a = rows_mul(a, powers(mont_scalar(1), mont_scalar(shift % R), n))
        bit_reverse(a)
        butterflies(a, powers(mont_scalar(1), mont_scalar(omega), n // 2))
        return a
    bit_reverse(a)
    butterflies(a, powers(mont_scalar(1), mont_scalar(pow(omega, -1, R)), n // 2))
    n_inv = pow(n, -1, R)
    if shift == 1:
        return rows_scale(a, mont_scalar(n_inv))
    return rows_mul(a, powers(mont_scalar(n_inv), mont_scalar(pow(shift, -1, R)), n))
