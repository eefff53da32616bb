"""The compiled prover backend (numba). Importing this package imports numba
(and raises ImportError where it is missing, which get_backend("auto") uses
to fall back to the pure backend); nothing else in zkob.zk imports it.

``backend()`` returns a ready ``CompiledBackend``; kernels compile on first
use and are cached on disk (numba ``cache=True``), so a second process pays
only the cache load. ``warm_up()`` touches every kernel the prover uses so
a caller (CLI, demo, benchmark) can report compile or cache-load time
separately from proving time.
"""

from __future__ import annotations

import time

from .engine import CompiledBackend

__all__ = ["CompiledBackend", "backend", "warm_up"]


def backend() -> CompiledBackend:
    """A CompiledBackend instance (the Backend protocol of zkob.zk.backends.base)."""
    return CompiledBackend()


def warm_up() -> float:
    """Compile (first run on a machine) or load from the disk cache every prover kernel; returns seconds.

    About 1 s from a warm cache and 30-60 s cold on the 2-core benchmark machine.
    """
    from ...curve import G1_GEN, G2_GEN
    from . import ntt

    start = time.perf_counter()
    be = backend()
    be.msm_g1(be.g1_table_bytes(bytes(64)), be.fr_vec([5]))
    be.msm_g1(be.g1_table([G1_GEN]), be.fr_vec([5]))
    be.msm_g2(be.g2_table_bytes(bytes(128)), be.fr_vec([5]))
    be.msm_g2(be.g2_table([G2_GEN]), be.fr_vec([5]))
    v = be.ntt(be.ntt(be.fr_vec([1, 2, 3, 4])), inverse=True)
    v = be.ntt(be.ntt(v, shift=5), inverse=True, shift=5)
    be.fr_list(be.fr_scale(be.fr_sub(be.fr_mul(v, v), v), 3))
    small = be.fr_vec(range(8))  # the multi-core NTT path, which small transforms skip
    ntt.butterflies_parallel(small, be.fr_vec(range(4)), ntt.BLOCKS)
    be.g1_fixed_base_many(G1_GEN, [2])
    be.g2_fixed_base_many(G2_GEN, [2])
    return time.perf_counter() - start
