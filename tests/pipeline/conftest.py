"""Shared by the run and cluster tests: the run's batch files, keys, and one reference run proved locally.

The batch files come from run_batches.py (the one place that builds
them). The keys are the session's 3/3/2, K = 4 development keys
(tests/conftest.py ``walkthrough_keys``). ``reference_run`` proves the
four batches in this process, in order, once per session; other tests
compare with it, or replay its proofs (run_helpers.RecordedProvers) where
only the run's bookkeeping is under test.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from run_batches import PARAMS, overdraw, signed_run
from run_helpers import RUN_LENGTH, Reference, as_run, checker

from zkob.pipeline.cluster import LocalProvers, prove_run
from zkob.state.api import close_state, create_state


@pytest.fixture(scope="session")
def run_keys(walkthrough_keys) -> Path:
    from zkob.cli.anchor_flow import PARAMS as WALKTHROUGH

    assert WALKTHROUGH == PARAMS
    return walkthrough_keys


@pytest.fixture(scope="session")
def batch_files(tmp_path_factory) -> list[Path]:
    """b1..b4.json, accepted in order by a fresh state (bad.json beside them is rejected after b2)."""
    directory = tmp_path_factory.mktemp("run-batches")
    paths = []
    for number, data in enumerate(signed_run(RUN_LENGTH), start=1):
        paths.append(directory / f"b{number}.json")
        paths[-1].write_text(json.dumps(data))
    (directory / "bad.json").write_text(json.dumps(overdraw(2)))
    return paths


@pytest.fixture(scope="session")
def bad_batch(batch_files) -> Path:
    return batch_files[0].with_name("bad.json")


@pytest.fixture(scope="session")
def reference_run(tmp_path_factory, run_keys, batch_files) -> Reference:
    """The four batches proved in this process, one after another (LocalProvers)."""
    base = tmp_path_factory.mktemp("reference")
    state = create_state(base / "st", PARAMS)
    try:
        result = prove_run(state, as_run(batch_files), base / "out", LocalProvers(PARAMS, run_keys),
                           checker(run_keys))
        final = state.root
    finally:
        close_state(state)
    assert [w.number for w in result.written] == [1, 2, 3, 4]
    return Reference(base / "out", tuple(w.public for w in result.written), final)
