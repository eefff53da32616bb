"""Arithmetic backends for the prover: one interface (base.Backend), several engines.

``pure`` is the reference written on Python ints (the oracle in tests and
the light-client path); ``compiled`` uses numba kernels and is the default
where numba imports. ``get_backend`` picks one by name; importing this
package imports neither engine.
"""

from __future__ import annotations

from .base import Backend

NAMES = ("auto", "compiled", "pure")


def get_backend(name: str = "auto") -> Backend:
    """The backend called ``name``: "pure", "compiled", or "auto" (compiled when numba imports).

    Raises ValueError for an unknown name and ImportError when "compiled"
    is asked for explicitly but numba is missing.
    """
    if name not in NAMES:
        raise ValueError(f"unknown backend {name!r}; expected one of {', '.join(NAMES)}")
    if name in ("auto", "compiled"):
        try:
            from .compiled import backend
        except ImportError:
            if name == "compiled":
                raise
        else:
            return backend()
    from .pure import PureBackend

    return PureBackend()


def warm_up(name: str = "auto") -> float:
    """Load (or, on a fresh machine, compile) the kernels of backend ``name``; returns the seconds taken.

    For the CLI, to report kernel loading apart from proving. 0.0 when
    ``name`` resolves to the pure backend (nothing to load); errors as
    get_backend.
    """
    if get_backend(name).name != "compiled":
        return 0.0
    from .compiled import warm_up as compiled_warm_up

    return compiled_warm_up()
