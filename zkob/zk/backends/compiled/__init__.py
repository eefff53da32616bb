"""The compiled prover backend (numba). Importing this package imports numba
(and raises ImportError where it is missing, which get_backend("auto") uses
to fall back to the pure backend); nothing else in zkob.zk imports it.

``backend()`` returns a ready ``CompiledBackend``; kernels compile on first
use and are cached on disk (numba ``cache=True``), so a second process pays
only the cache load. ``warm_up()`` touches every kernel setup and the
prover use (MSMs, table checks, NTTs, pointwise ops, fixed-base batches,
the sparse R1CS products) and returns the seconds that took, so a caller
(CLI, demo, benchmark) can report compile or cache-load time separately
from proving time:

    from zkob.zk.backends import warm_up
    seconds = warm_up("auto")   # 0.0 when the pure backend is chosen

(``zkob.zk.backends.warm_up`` falls back like get_backend; this module's
``warm_up()`` is the compiled one itself.)
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

    The seconds are wall time of this call (perf_counter): about 0.5-1 s
    from a warm cache and 25-60 s cold on the 2-core benchmark machine.
    Calling it again is cheap (kernels already loaded) and still returns
    the time of that call.
    """
    from ...curve import G1_GEN, G2_GEN
    from ...r1cs import R1CS, Constraint
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
    tiny = be.sparse_r1cs(R1CS(n_wires=2, n_public=1, constraints=[Constraint({1: 1}, {0: 1}, {1: 1}, "w")]))
    be.r1cs_first_unsatisfied(tiny, *be.r1cs_rows(tiny, be.fr_vec([1, 1]), 4))
    return time.perf_counter() - start
