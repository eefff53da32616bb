"""Pending batches (state/pending.py): traced on top of each other, committed only in order and only on the root they were traced on."""

from __future__ import annotations

from functools import lru_cache

import pytest
from state_helpers import (
    TINY, batch, cancel, deposit, fill, pk, place, reference_root, signed_history, snapshot, withdraw,
)

from zkob.state.api import apply_batch, close_state, create_state, new_state, open_state
from zkob.state.errors import Rejected, StoreError
from zkob.state.pending import Pending

BATCHES = signed_history(
    [deposit(1, 1, 500, pk(1)), deposit(2, 2, 60, pk(2)), place(1, 1, 2, 1, "buy", 10, 5)],
    [place(2, 2, 2, 1, "sell", 9, 4), fill(2, 1, 3), withdraw(2, 1, 7)],
    [cancel(1, 1), deposit(3, 1, 5, pk(3))],
)


@lru_cache(maxsize=1)
def sequential_traces():
    """Each batch applied for real, one after another: the reference (computed once; do not change it)."""
    state = new_state(TINY)
    return state, [apply_batch(state, b) for b in BATCHES]


@pytest.fixture(params=["memory", "sqlite"])
def state(request, tmp_path):
    if request.param == "memory":
        yield new_state(TINY)
        return
    stored = create_state(tmp_path / "st", TINY)
    yield stored
    close_state(stored)


def test_batches_traced_on_pending_ones_equal_sequential_application(state):
    reference, expected = sequential_traces()
    before = snapshot(state)
    pending = Pending(state)
    traces = [pending.accept(b) for b in BATCHES]
    assert traces == expected  # every root, path and leaf of every op, as if each had been committed
    assert snapshot(state) == before  # nothing reached the committed state
    assert len(pending) == 3 and pending.view.height == 3 and pending.view.root == reference.root
    assert reference_root(pending.view) == reference.root  # the view's scans show the pending contents
    assert snapshot(pending.view)[:5] == snapshot(reference)[:5]


def test_commits_in_order_reach_the_sequential_state(state):
    reference, _ = sequential_traces()
    pending = Pending(state)
    for b in BATCHES:
        pending.accept(b)
    heights = []
    for _ in BATCHES:
        pending.commit_oldest()
        heights.append(state.height)
        assert pending.view.root == reference.root  # the view is unchanged by committing below it
    assert heights == [1, 2, 3] and len(pending) == 0
    assert snapshot(state) == snapshot(reference)
    with pytest.raises(StoreError, match="no accepted batch"):
        pending.commit_oldest()


def test_a_sqlite_state_committed_through_pending_reopens_to_the_same_contents(tmp_path):
    reference, _ = sequential_traces()
    stored = create_state(tmp_path / "st", TINY)
    pending = Pending(stored)
    for b in BATCHES:
        pending.accept(b)
    pending.commit_oldest()
    pending.commit_oldest()
    close_state(stored)
    again = open_state(tmp_path / "st")
    try:
        assert again.height == 2
        apply_batch(again, BATCHES[2])  # the third, applied directly, follows on
        assert snapshot(again) == snapshot(reference)
    finally:
        close_state(again)


def test_a_rejected_batch_leaves_the_queue_and_the_state_as_they_were(state):
    pending = Pending(state)
    pending.accept(BATCHES[0])
    view_before, state_before = snapshot(pending.view), snapshot(state)
    overdraw = batch(withdraw(1, 1, 501), state=pending.view)  # account 1 holds 500 only in the pending batch
    with pytest.raises(Rejected) as caught:
        pending.accept(overdraw)
    assert caught.value.rule == "insufficient_balance"
    assert snapshot(pending.view) == view_before and snapshot(state) == state_before and len(pending) == 1
    assert pending.accept(BATCHES[1]).old_root == pending.view.log()[0].new_root  # the next one still fits


def test_a_batch_that_only_fits_after_a_pending_one_is_accepted_on_the_view_only(state):
    pending = Pending(state)
    pending.accept(BATCHES[0])
    with pytest.raises(Rejected):
        apply_batch(state, BATCHES[1])  # on the committed state account 2 has no order to sell against
    pending.accept(BATCHES[1])
    assert state.height == 0


def test_commit_refuses_when_another_writer_moved_the_state(state):
    pending = Pending(state)
    pending.accept(BATCHES[0])
    other = batch(deposit(5, 1, 1, pk(5)))
    apply_batch(state, other)  # another writer commits first
    before = snapshot(state)
    with pytest.raises(StoreError, match="changed under the run"):
        pending.commit_oldest()
    assert snapshot(state) == before and len(pending) == 1


def test_commit_refuses_a_batch_whose_height_was_taken_on_the_same_root(state):
    pending = Pending(state)
    pending.accept(BATCHES[0])
    apply_batch(state, batch({"op": "noop"}))  # another writer: the height moves, the root does not
    with pytest.raises(StoreError):
        pending.commit_oldest()
    assert state.height == 1 and len(pending) == 1


def test_discard_drops_the_queue_and_keeps_the_committed_state(state):
    pending = Pending(state)
    for b in BATCHES:
        pending.accept(b)
    pending.commit_oldest()
    committed = snapshot(state)
    assert pending.discard() == 2
    assert snapshot(state) == committed and pending.view.root == state.root and len(pending) == 0
    assert pending.accept(BATCHES[1]) == sequential_traces()[1][1]  # and the run can go on from there
