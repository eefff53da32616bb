"""warm_up() loads every prover kernel and reports the seconds it took, for the CLI to print."""

from __future__ import annotations

import pytest

from zkob.zk import backends
from zkob.zk.backends.compiled import warm_up


def test_compiled_warm_up_returns_its_seconds():
    seconds = warm_up()
    assert isinstance(seconds, float) and 0.0 < seconds < 600.0


def test_package_warm_up_follows_backend_choice():
    assert backends.warm_up("pure") == 0.0
    chosen = backends.warm_up("auto")
    assert isinstance(chosen, float) and chosen > 0.0  # numba is installed here, so auto is compiled
    with pytest.raises(ValueError, match="unknown backend"):
        backends.warm_up("gpu")
