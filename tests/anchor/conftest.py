"""Fixtures of the EVM tests: py-evm and solc-js must be installed (in CI a missing one fails)."""

from __future__ import annotations

import importlib.util
import os
import shutil

import pytest

from zkob.anchor.solc import node_oracle_dir


def _require(ready: bool, message: str) -> None:
    if not ready:
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)


@pytest.fixture(scope="session")
def evm_tools() -> None:
    """py-evm (the test extra) and solc-js (node_oracle/) are both there."""
    _require(importlib.util.find_spec("eth") is not None, "py-evm is not installed: pip install '.[test]'")
    _require(shutil.which("node") is not None and (node_oracle_dir() / "node_modules" / "solc").is_dir(),
             "solc-js is not installed: run `npm ci --prefix node_oracle`")


@pytest.fixture
def chain(evm_tools):
    from zkob.anchor.evm import Chain

    return Chain()
