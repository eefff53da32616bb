"""The witness trace: fixed shape per op type, every path proves its before/after, roots chain."""

from __future__ import annotations

import pytest
from state_helpers import TINY, batch, cancel, deposit, fill, pk, place, reference_root, snapshot, withdraw

from zkob.state.api import apply_batch, new_state, trace_batch
from zkob.state.smt import empty_root, zero_hashes
from zkob.state.trace import AccountLeaf, BatchTrace, account_hash, order_hash
from zkob.zk.eddsa import verify_poseidon
from zkob.zk.poseidon import poseidon


def check_trace(t: BatchTrace) -> None:
    """What the circuit will check, natively: each update proves old then new, roots chain."""
    p = t.params
    assert len(t.ops) == p.batch_size
    root = t.old_root
    c, b = t.salt, 0
    for i, op in enumerate(t.ops):
        assert op.index == i
        assert op.root_before == root == poseidon([op.accounts_root_before, op.orders_root_before])
        assert op.encoding[0] == type(op.op).TYPE and len(op.encoding) == 8
        assert op.op_hash == poseidon(list(op.encoding))
        acc_root, ord_root = op.accounts_root_before, op.orders_root_before
        ups = list(op.order_updates) + list(op.balance_updates)
        for u in ups:
            if hasattr(u, "path"):  # OrderUpdate
                assert u.orders_root_before == ord_root
                assert u.path.depth == p.orders_depth and u.path.index == u.order
                assert u.path.verifies(order_hash(u.old), ord_root)
                assert u.path.verifies(order_hash(u.new), u.orders_root_after)
                ord_root = u.orders_root_after
        for u in op.balance_updates:
            assert u.accounts_root_before == acc_root
            old_broot = u.old_account.balances_root if u.old_account else empty_root(p.assets_depth)
            assert u.balance_path.depth == p.assets_depth and u.balance_path.index == u.asset
            assert u.balance_path.verifies(u.old_amount, old_broot)
            assert u.balance_path.verifies(u.new_amount, u.new_account.balances_root)
            assert u.account_path.depth == p.accounts_depth and u.account_path.index == u.account
            assert u.account_path.verifies(account_hash(u.old_account), acc_root)
            assert u.account_path.verifies(u.new_account.hash(), u.accounts_root_after)
            if u.old_account is not None:
                bump = int(op.auth is not None and u is op.balance_updates[0])  # the signer's one update
                assert (u.new_account.pk_x, u.new_account.pk_y, u.new_account.nonce) == \
                    (u.old_account.pk_x, u.old_account.pk_y, u.old_account.nonce + bump)
            acc_root = u.accounts_root_after
        check_authorization(op)
        assert (acc_root, ord_root) == (op.accounts_root_after, op.orders_root_after)
        assert op.root_after == poseidon([acc_root, ord_root])
        root = op.root_after
        c = poseidon([c, op.op_hash])
        if op.encoding[0] in (1, 2):
            b = poseidon([b, op.op_hash])
    assert root == t.new_root and c == t.commitment and b == t.bridge


def check_authorization(op) -> None:
    """Signed ops carry who signed what, read from the signer's leaf before the op; others none."""
    if op.op_type not in ("withdraw", "place", "cancel"):
        assert op.auth is None
        return
    a, signer = op.auth, op.balance_updates[0].old_account
    assert a.account == op.op.account == op.balance_updates[0].account
    assert (a.pubkey, a.nonce) == ((signer.pk_x, signer.pk_y), signer.nonce)
    assert a.message == poseidon([op.op_hash, a.nonce]) and a.sig == op.op.sig
    assert verify_poseidon(a.message, a.sig, a.pubkey)


def shape(t: BatchTrace) -> list[tuple[str, int, int]]:
    return [(o.op_type, len(o.balance_updates), len(o.order_updates)) for o in t.ops]


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
    u = t.ops[0].balance_updates[0]
    assert u.old_account is None and u.old_amount == 0 and u.new_amount == 9
    assert u.new_account == AccountLeaf(*pk(3), 0, u.new_account.balances_root)
    assert u.balance_path.siblings == zero_hashes(TINY.assets_depth)[:-1]  # empty balances tree
    check_trace(t)


def test_fill_updates_and_credits_in_the_documented_order():
    s = new_state(TINY)
    apply_batch(s, batch(deposit(1, 1, 500, pk(1)), deposit(2, 2, 50, pk(2)),
                         place(1, 2, 2, 1, "sell", 7, 2), place(2, 1, 2, 1, "buy", 10, 5), state=s))
    t = apply_batch(s, batch(fill(2, 1, 2), state=s))  # taker buy 10, maker sell 7: both remainders matter
    op = t.ops[0]
    taker, maker = op.order_updates
    assert (taker.order, maker.order) == (2, 1)
    assert taker.new is not None and taker.new.remaining == 3
    assert maker.new is None  # reached 0: slot freed
    base, refund, paid = op.balance_updates  # both buyer legs, then the seller
    assert (base.account, base.asset, base.new_amount - base.old_amount) == (1, 2, 2)
    assert (refund.account, refund.asset, refund.new_amount - refund.old_amount) == (1, 1, 6)
    assert (paid.account, paid.asset, paid.new_amount - paid.old_amount) == (2, 1, 14)
    check_trace(t)


def test_fill_refund_slot_is_present_even_when_zero():
    s = new_state(TINY)
    apply_batch(s, batch(deposit(1, 1, 500, pk(1)), deposit(2, 2, 50, pk(2)),
                         place(1, 1, 2, 1, "buy", 10, 5), place(2, 2, 2, 1, "sell", 7, 2), state=s))
    t = apply_batch(s, batch(fill(2, 1, 1), state=s))  # taker is the seller: execution at the buyer's price
    refund = t.ops[0].balance_updates[1]
    assert refund.new_amount == refund.old_amount and refund.account == 1
    assert t.ops[0].balance_updates[2].new_amount - t.ops[0].balance_updates[2].old_amount == 10
    check_trace(t)


def test_place_debits_escrow_before_inserting():
    s = new_state(TINY)
    apply_batch(s, batch(deposit(1, 2, 8, pk(1)), state=s))
    t = apply_batch(s, batch(place(3, 1, 2, 1, "sell", 4, 8), state=s))
    op = t.ops[0]
    (debit,), (insert,) = op.balance_updates, op.order_updates
    assert (debit.asset, debit.old_amount, debit.new_amount) == (2, 8, 0)
    assert insert.old is None and insert.new.remaining == 8
    # debit first: the account root moves, then the orders root
    assert debit.accounts_root_after == op.accounts_root_after
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
def test_commitment_depends_on_salt_but_roots_do_not(salt):
    s = new_state(TINY)
    t = trace_batch(s, batch(deposit(1, 1, 5, pk(1)), salt=salt, state=s))
    check_trace(t)
    other = trace_batch(s, batch(deposit(1, 1, 5, pk(1)), salt=salt + 1, state=s))
    assert t.new_root == other.new_root and t.commitment != other.commitment and t.bridge == other.bridge


def test_nonce_bump_rides_on_the_balance_update_and_changes_the_account_leaf():
    """The code path signatures will use (DESIGN section 9): same shape, nonce + 1."""
    from zkob.state.kv import Overlay
    from zkob.state.ops import Withdraw
    from zkob.state.rules import Context, set_balance
    from zkob.state.state import State

    s = new_state(TINY)
    apply_batch(s, batch(deposit(1, 1, 9, pk(1)), state=s))
    view = State(TINY, Overlay(s.source))
    u = set_balance(Context(view, 0, Withdraw(1, 1, 4)), 1, 1, 5, bump_nonce=True)
    assert (u.old_account.nonce, u.new_account.nonce) == (0, 1)
    assert u.account_path.verifies(u.new_account.hash(), view.accounts_root)
    assert s.account(1).nonce == 0  # the overlay never reached the state


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
