"""The compiled prover backend (numba). Importing this package imports numba.

``backend()`` returns a ready ``CompiledBackend``; kernels compile on first
use and are cached on disk (numba ``cache=True``), so a second process pays
only the cache load.
"""

from __future__ import annotations


def backend():
    """A CompiledBackend instance (the Backend protocol of zkob.zk.backends.base)."""
    from .engine import CompiledBackend

    return CompiledBackend()
