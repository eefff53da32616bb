"""Pippenger multi-scalar multiplication on G1 and G2 (one code, two types).

Scalars are cut into ``nwin`` signed windows of c bits (digits in
[-2^(c-1), 2^(c-1)], so 2^(c-1) buckets per window and negation is free:
y -> -y). Each window fills its buckets, then reduces them with a running
sum (2^c full additions); windows run in parallel (prange) and are
combined by Horner's rule (c doublings per window). Cost about
nwin/cores * (n additions + 2^c full additions).

Bucket filling, large MSMs: batch-affine. Buckets stay affine; additions
are queued K at a time (at most one per bucket), their slope denominators
inverted together (Montgomery's trick: 3 multiplications each plus one
inversion per batch), so an addition costs about 6 multiplications
instead of 11 for a mixed Jacobian one. A point whose bucket already waits
in the batch goes to a Jacobian overflow bucket instead (no stalls, no
pathological inputs). Small MSMs use mixed Jacobian additions only.
"""

from __future__ import annotations

import numpy as np
from numba import njit, prange

from .curve import coord_at, coord_put, jac_add, jac_add_affine, jac_double, jac_infinity, jac_to_affine, \
    load_jac, store_jac
from .ops import fadd, fdbl, feq, finv, fis_zero, fmul, fneg, fone, fsqr, fsub, fzero

SCALAR_BITS = 254
MADD_COST = 11.0  # field multiplications per mixed addition
ADD_COST = 16.0  # per full Jacobian addition


def window_bits(n: int, cores: int = 2) -> int:
    """The window size c minimising ceil(nwin/cores) * (n*madd + 2^c*add) for n scalars."""
    best, best_cost = 1, float("inf")
    for c in range(1, 21):
        nwin = SCALAR_BITS // c + 1
        rounds = -(-nwin // cores)
        cost = rounds * (n * MADD_COST + (1 << c) * ADD_COST) + nwin * c * 8.0
        if cost < best_cost:
            best, best_cost = c, cost
    return best


@njit(cache=True, nogil=True)
def signed_digits(s, c, nwin):
    """(nwin, n) int32 signed base-2^c digits of canonical scalars s (n, 4); sum d_w 2^(cw) = s."""
    n = s.shape[0]
    out = np.zeros((nwin, n), np.int32)
    half = 1 << (c - 1)
    full = 1 << c
    mask = np.uint64(full - 1)
    for i in range(n):  # serial: ~nwin cheap steps per scalar, less than a parallel hand-off
        carry = 0
        for w in range(nwin):
            bit = w * c
            limb = bit // 64
            off = np.uint64(bit % 64)
            v = np.uint64(0)
            if limb < 4:
                v = s[i, limb] >> off
                if limb + 1 < 4 and bit % 64 + c > 64:
                    v = v | (s[i, limb + 1] << (np.uint64(64) - off))
            raw = np.int64(v & mask) + carry
            if raw > half:
                raw -= full
                carry = 1
            else:
                carry = 0
            out[w, i] = raw
    return out


@njit(cache=True, nogil=True)
def window_sum(table, digits, w, nb):
    """sum_d d * (sum of bases whose digit in window w is d), as a Jacobian point."""
    n = table.shape[0]
    buckets = np.zeros((nb, 3) + table.shape[2:], np.uint64)  # all-zero = infinity (Z = 0)
    for i in range(n):
        d = digits[w, i]
        if d == 0:
            continue
        x = coord_at(table, i, 0)
        y = coord_at(table, i, 1)
        if d < 0:
            y = fneg(y)
            d = -d
        store_jac(buckets, d - 1, jac_add_affine(load_jac(buckets, d - 1), x, y))
    running = jac_infinity(coord_at(table, 0, 0))
    total = running
    for k in range(nb - 1, -1, -1):
        running = jac_add(running, load_jac(buckets, k))
        total = jac_add(total, running)
    return total


@njit(cache=True, nogil=True)
def _flush(table, aff, full, pb, pi, ps, den, pre, cnt):
    """Apply the cnt queued affine additions aff[pb[e]] += (-1)^ps[e] table[pi[e]] with one inversion."""
    acc = fone(coord_at(table, 0, 0))
    for e in range(cnt):
        b = pb[e]
        x1 = coord_at(aff, b, 0)
        x2 = coord_at(table, pi[e], 0)
        dd = fsub(x2, x1)
        if fis_zero(dd):  # same x: doubling if same y, else P + (-P)
            y2 = coord_at(table, pi[e], 1)
            if ps[e]:
                y2 = fneg(y2)
            y1 = coord_at(aff, b, 1)
            dd = fdbl(y1) if feq(y1, y2) else fzero(y1)
        coord_put(den, e, 0, dd)
        coord_put(pre, e, 0, acc)
        if not fis_zero(dd):
            acc = fmul(acc, dd)
    inv = finv(acc)
    for e in range(cnt - 1, -1, -1):
        b = pb[e]
        dd = coord_at(den, e, 0)
        if fis_zero(dd):
            full[b] = False  # the bucket became infinity
            continue
        dinv = fmul(coord_at(pre, e, 0), inv)
        inv = fmul(inv, dd)
        x1 = coord_at(aff, b, 0)
        y1 = coord_at(aff, b, 1)
        x2 = coord_at(table, pi[e], 0)
        y2 = coord_at(table, pi[e], 1)
        if ps[e]:
            y2 = fneg(y2)
        if feq(x1, x2):
            x1x1 = fsqr(x1)
            lam = fmul(fadd(fdbl(x1x1), x1x1), dinv)
        else:
            lam = fmul(fsub(y2, y1), dinv)
        x3 = fsub(fsub(fsqr(lam), x1), x2)
        coord_put(aff, b, 1, fsub(fmul(lam, fsub(x1, x3)), y1))
        coord_put(aff, b, 0, x3)


@njit(cache=True, nogil=True)
def window_sum_batch_affine(table, digits, w, nb, batch):
    """window_sum with batch-affine bucket additions (see the module docstring)."""
    n = table.shape[0]
    aff = np.zeros((nb, 2) + table.shape[2:], np.uint64)
    full = np.zeros(nb, np.bool_)
    over = np.zeros((nb, 3) + table.shape[2:], np.uint64)  # Jacobian overflow buckets, zero = infinity
    stamp = np.full(nb, -1, np.int64)
    pb = np.empty(batch, np.int64)
    pi = np.empty(batch, np.int64)
    ps = np.empty(batch, np.bool_)
    den = np.empty((batch, 1) + table.shape[2:], np.uint64)
    pre = np.empty((batch, 1) + table.shape[2:], np.uint64)
    cnt = 0
    batch_id = 0
    for i in range(n):
        d = digits[w, i]
        if d == 0:
            continue
        neg = d < 0
        b = (-d if neg else d) - 1
        if stamp[b] == batch_id or not full[b]:
            y = coord_at(table, i, 1)
            if neg:
                y = fneg(y)
            if stamp[b] == batch_id:
                store_jac(over, b, jac_add_affine(load_jac(over, b), coord_at(table, i, 0), y))
            else:
                coord_put(aff, b, 0, coord_at(table, i, 0))
                coord_put(aff, b, 1, y)
                full[b] = True
            continue
        stamp[b] = batch_id
        pb[cnt] = b
        pi[cnt] = i
        ps[cnt] = neg
        cnt += 1
        if cnt == batch:
            _flush(table, aff, full, pb, pi, ps, den, pre, cnt)
            cnt = 0
            batch_id += 1
    _flush(table, aff, full, pb, pi, ps, den, pre, cnt)
    running = jac_infinity(coord_at(table, 0, 0))
    total = running
    for k in range(nb - 1, -1, -1):
        if full[k]:
            running = jac_add_affine(running, coord_at(aff, k, 0), coord_at(aff, k, 1))
        running = jac_add(running, load_jac(over, k))
        total = jac_add(total, running)
    return total


@njit(cache=True, nogil=True, parallel=True)
def window_sums(table, digits, nb, batch, out):
    """Fill out[w] with window w's sum, windows in parallel; batch > 0 selects batch-affine filling."""
    for w in prange(digits.shape[0]):
        if batch > 0:
            store_jac(out, w, window_sum_batch_affine(table, digits, w, nb, batch))
        else:
            store_jac(out, w, window_sum(table, digits, w, nb))


@njit(cache=True, nogil=True)
def combine_windows(sums, c, result):
    """Horner over windows; writes the affine sum into result[0] and returns True for infinity."""
    nwin = sums.shape[0]
    acc = load_jac(sums, nwin - 1)
    for w in range(nwin - 2, -1, -1):
        for _ in range(c):
            acc = jac_double(acc)
        acc = jac_add(acc, load_jac(sums, w))
    x, y, inf = jac_to_affine(acc)
    coord_put(result, 0, 0, x)
    coord_put(result, 0, 1, y)
    return inf


BATCH_AFFINE_MIN = 1 << 10  # below this many bases, mixed Jacobian additions


def affine_batch(n: int, nb: int) -> int:
    """Queue length for batch-affine filling (0 = use Jacobian): ~nb/8 keeps overflow near 6%."""
    return 0 if n < BATCH_AFFINE_MIN else max(16, min(1024, nb // 8))


def msm(table: np.ndarray, scalars: np.ndarray, cores: int = 2,
        batch: int | None = None) -> tuple[np.ndarray, bool]:
    """sum scalars[i] * table[i] for an affine Montgomery table and canonical scalar limbs.

    Rows of ``table`` that stand for infinity must have zero scalars (the
    caller zeroes them). ``batch`` overrides the batch-affine queue length
    (0 forces Jacobian filling; tests use it). Returns (affine Montgomery
    coordinates (1, 2, ...), is_infinity).
    """
    n = table.shape[0]
    result = np.zeros((1, 2) + table.shape[2:], np.uint64)
    if n == 0:
        return result, True
    c = window_bits(n, cores)
    nwin = SCALAR_BITS // c + 1
    digits = signed_digits(scalars, c, nwin)
    sums = np.zeros((nwin, 3) + table.shape[2:], np.uint64)
    nb = 1 << (c - 1)
    window_sums(table, digits, nb, affine_batch(n, nb) if batch is None else batch, sums)
    inf = combine_windows(sums, c, result)
    return result, bool(inf)
