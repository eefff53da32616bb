"""Arithmetic backends for the prover: one interface (base.Backend), several engines.

``pure`` is the reference written on Python ints (the oracle in tests);
``compiled`` uses numba kernels and is the default where numba imports.
"""
