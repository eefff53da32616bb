"""The witness trace (spot ops): fixed shape per op type, every path proves its before/after, roots chain."""

from __future__ import annotations

import pytest
from state_helpers import TINY, batch, cancel, deposit, fill, pk, place, reference_root, snapshot, withdraw
from trace_checks import check_trace

from zkob.state.api import apply_batch, new_state, trace_batch
from zkob.state.positions import empty_slots
from zkob.state.smt import zero_hashes
from zkob.state.trace import AccountLeaf, BatchTrace


def shape(t: BatchTrace) -> list[tuple[str, int, int]]:
    return [(o.op_type, sum(len(a.legs) for a in o.accounts), len(o.orders)) for o in t.ops]


def test_shapes_per_op_type_and_all_witnesses_check():
    s = new_state(TINY)
    t1 = apply_batch(s, batch(deposit(1, 1, 500, pk(1)), deposit(2, 2, 50, pk(2)),
                              place(1, 1, 2, 1, "buy", 10, 5), place(2, 2, 2, 1, "sell", 7, 2), state=s))
    assert shape(t1) == [("deposit", 1, 0), ("deposit", 1, 0), ("place", 1, 1), ("place", 1, 1)]
    t2 = apply_batch(s, batch(fill(1, 2, 2), cancel(1, 1), withdraw(2, 1, 14), state=s))
    assert shape(t2) == [("fill", 3, 2), ("cancel", 1, 1), ("withdraw", 1, 0), ("noop", 0, 0)]
    for t in (t1, t2):
        check_trace(t)
    assert s.root == t2.new_root == reference_root(s)


def test_deposit_creating_an_account_has_no_old_leaf():
    s = new_state(TINY)
    t = apply_batch(s, batch(deposit(3, 2, 9, pk(3)), state=s))
    u = t.ops[0].accounts[0]
    assert u.old is None and (u.legs[0].old_amount, u.legs[0].new_amount) == (0, 9)
    assert u.new == AccountLeaf(*pk(3), 0, u.new.balances_root, 0, empty_slots(TINY.positions))
    assert u.legs[0].path.siblings == zero_hashes(TINY.assets_depth)[:-1]  # empty balances tree
    check_trace(t)


def test_fill_updates_and_credits_in_the_documented_order():
    s = new_state(TINY)
    apply_batch(s, batch(deposit(1, 1, 500, pk(1)), deposit(2, 2, 50, pk(2)),
                         place(1, 2, 2, 1, "sell", 7, 2), place(2, 1, 2, 1, "buy", 10, 5), state=s))
    t = apply_batch(s, batch(fill(2, 1, 2), state=s))  # taker buy 10, maker sell 7: both remainders matter
    op = t.ops[0]
    taker, maker = op.orders
    assert (taker.order, maker.order) == (2, 1)
    assert taker.new is not None and taker.new.remaining == 3
    assert maker.new is None  # reached 0: slot freed
    buyer, seller = op.accounts  # both buyer legs in one account update, then the seller
    (base, refund), (paid,) = buyer.legs, seller.legs
    assert (buyer.account, base.asset, base.new_amount - base.old_amount) == (1, 2, 2)
    assert (refund.asset, refund.new_amount - refund.old_amount) == (1, 6)
    assert (seller.account, paid.asset, paid.new_amount - paid.old_amount) == (2, 1, 14)
    check_trace(t)


def test_fill_refund_slot_is_present_even_when_zero():
    s = new_state(TINY)
    apply_batch(s, batch(deposit(1, 1, 500, pk(1)), deposit(2, 2, 50, pk(2)),
                         place(1, 1, 2, 1, "buy", 10, 5), place(2, 2, 2, 1, "sell", 7, 2), state=s))
    t = apply_batch(s, batch(fill(2, 1, 1), state=s))  # taker is the seller: execution at the buyer's price
    buyer, seller = t.ops[0].accounts
    refund = buyer.legs[1]
    assert refund.new_amount == refund.old_amount and buyer.account == 1
    assert seller.legs[0].new_amount - seller.legs[0].old_amount == 10
    check_trace(t)


def test_place_debits_escrow_before_inserting():
    s = new_state(TINY)
    apply_batch(s, batch(deposit(1, 2, 8, pk(1)), state=s))
    t = apply_batch(s, batch(place(3, 1, 2, 1, "sell", 4, 8), state=s))
    op = t.ops[0]
    (account,), (insert,) = op.accounts, op.orders
    (debit,) = account.legs
    assert (debit.asset, debit.old_amount, debit.new_amount) == (2, 8, 0)
    assert insert.old is None and insert.new.remaining == 8 and insert.new.instrument == 0
    assert account.accounts_root_after == op.accounts_root_after
    assert insert.orders_root_before == op.orders_root_before
    check_trace(t)


def test_trace_batch_changes_nothing_and_equals_apply():
    s = new_state(TINY)
    apply_batch(s, batch(deposit(1, 1, 500, pk(1)), state=s))
    before = snapshot(s)
    b = batch(place(1, 1, 2, 1, "buy", 10, 5), withdraw(1, 1, 3), state=s)
    traced = trace_batch(s, b)
    assert snapshot(s) == before
    applied = apply_batch(s, b)
    assert traced == applied
    assert s.root == traced.new_root != before[0]


@pytest.mark.parametrize("salt", [0, 1, 12345])
def test_the_salt_changes_the_commitment_and_the_root_through_the_blind(salt):
    """v2's blinded root: the same ops with another salt give another new_root (the blind is H(salt, 2))."""
    s = new_state(TINY)
    t = trace_batch(s, batch(deposit(1, 1, 5, pk(1)), salt=salt, state=s))
    check_trace(t)
    other = trace_batch(s, batch(deposit(1, 1, 5, pk(1)), salt=salt + 1, state=s))
    assert t.commitment != other.commitment and t.bridge == other.bridge and t.market == other.market
    assert t.new_root != other.new_root and t.old_blind == other.old_blind == 0 and t.new_blind != other.new_blind
    assert [o.accounts_root_after for o in t.ops] == [o.accounts_root_after for o in other.ops]


def test_a_signed_op_bumps_the_nonce_in_its_one_account_update():
    """The signer's account update (the op's first) carries nonce + 1 with its leg; the leaf is written once."""
    s = new_state(TINY)
    apply_batch(s, batch(deposit(1, 1, 9, pk(1)), state=s))
    t = trace_batch(s, batch(withdraw(1, 1, 4), state=s))
    (u,) = t.ops[0].accounts
    assert (u.old.nonce, u.new.nonce, len(u.legs)) == (0, 1, 1)
    assert u.path.verifies(u.new.hash(), u.accounts_root_after) and t.ops[0].auth.nonce == 0
    check_trace(t)
    assert s.account(1).nonce == 0  # tracing never reaches the state


def test_apply_with_a_failing_check_commits_nothing():
    s = new_state(TINY)
    before = snapshot(s)
    seen = []

    def refuse(trace):
        seen.append(trace.new_root)
        raise ValueError("public inputs differ")

    with pytest.raises(ValueError):
        apply_batch(s, batch(deposit(1, 1, 5, pk(1)), state=s), check=refuse)
    assert snapshot(s) == before and len(seen) == 1
    t = apply_batch(s, batch(deposit(1, 1, 5, pk(1)), state=s), check=lambda tr: None)
    assert t.new_root == seen[0] == s.root
