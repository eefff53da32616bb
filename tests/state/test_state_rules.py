"""Every rule of DESIGN section 4: its violation is rejected, named, and changes nothing.

Each case puts a valid op first, so the rejection must also undo it and
must name index 1 (or the index given).
"""

from __future__ import annotations

import copy
from dataclasses import replace

import pytest
from state_helpers import (
    TINY, U64, batch, cancel, deposit, fill, key, pk, place, reference_root, snapshot, withdraw,
)

from zkob.state.api import apply_batch, new_state, trace_batch
from zkob.state.batchfile import Batch
from zkob.state.errors import Rejected
from zkob.state.ops import Deposit, Place, signing_message
from zkob.state.signing import sign_ops
from zkob.state.state import State
from zkob.zk import babyjub as bj
from zkob.zk.eddsa import Signature, sign_poseidon
from zkob.zk.field import R

# assets: 1 quote, 2 base, 3 another base
BAL = {(1, 1): 1000, (1, 2): 10, (2, 2): 100, (2, 1): 50, (2, 3): 5}


@pytest.fixture(scope="module")
def template() -> State:
    """Accounts 1, 2 funded; open orders 1 (buy 5@10), 2 (sell 4@12), 3 (sell base 3), 4 (buy 1@9), 5 (sell 3@8)."""
    s = new_state(TINY)
    apply_batch(s, batch(*[deposit(a, asset, amt, pk(a)) for (a, asset), amt in list(BAL.items())[:4]]))
    apply_batch(s, batch(deposit(2, 3, 5), place(1, 1, 2, 1, "buy", 10, 5),
                         place(2, 2, 2, 1, "sell", 12, 4), place(3, 2, 3, 1, "sell", 1, 1), state=s))
    apply_batch(s, batch(place(4, 2, 2, 1, "buy", 9, 1), place(5, 2, 2, 1, "sell", 8, 3), state=s))
    return s


@pytest.fixture
def state(template: State) -> State:
    """A private copy of the template (the in-memory source is plain dicts)."""
    return State(template.params, copy.deepcopy(template.source))


OK = deposit(1, 1, 1)  # a valid op to put first

CASES = [
    # deposit
    ("deposit", "id_range", [OK, deposit(8, 1, 1, pk(8))]),
    ("deposit", "id_range", [OK, deposit(1, 4, 1)]),
    ("deposit", "amount_positive", [OK, deposit(1, 1, 0)]),
    ("deposit", "pubkey_required", [OK, deposit(6, 1, 1)]),
    ("deposit", "pubkey_mismatch", [OK, deposit(1, 1, 1, pk(2))]),
    ("deposit", "balance_overflow", [OK, deposit(1, 3, str(U64))]),
    ("deposit", "balance_overflow", [OK, deposit(2, 3, str(U64 - 4))]),  # holds 5 - 1 escrowed
    ("deposit", "balance_overflow", [OK, deposit(1, 1, str(U64 - 1000 + 50))]),  # 950 + 1 + this
    # withdraw
    ("withdraw", "id_range", [OK, withdraw(8, 1, 1)]),
    ("withdraw", "id_range", [OK, withdraw(1, 4, 1)]),
    ("withdraw", "account_exists", [OK, withdraw(6, 1, 1)]),
    ("withdraw", "amount_positive", [OK, withdraw(1, 1, 0)]),
    ("withdraw", "insufficient_balance", [OK, withdraw(1, 1, 952)]),  # holds 950 + 1
    ("withdraw", "insufficient_balance", [OK, withdraw(1, 3, 1)]),
    # place
    ("place", "id_range", [OK, place(8, 1, 2, 1, "buy", 1, 1)]),
    ("place", "id_range", [OK, place(6, 8, 2, 1, "buy", 1, 1)]),
    ("place", "id_range", [OK, place(6, 1, 4, 1, "buy", 1, 1)]),
    ("place", "id_range", [OK, place(6, 1, 2, 4, "buy", 1, 1)]),
    ("place", "slot_free", [OK, place(1, 1, 2, 1, "buy", 1, 1)]),
    ("place", "account_exists", [OK, place(6, 5, 2, 1, "buy", 1, 1)]),
    ("place", "distinct_assets", [OK, place(6, 1, 1, 1, "buy", 1, 1)]),
    ("place", "price_positive", [OK, place(6, 1, 2, 1, "buy", 0, 1)]),
    ("place", "qty_positive", [OK, place(6, 1, 2, 1, "sell", 1, 0)]),
    ("place", "price_range", [OK, place(6, 2, 2, 1, "sell", str(U64), 1)]),
    ("place", "escrow_overflow", [OK, place(6, 1, 2, 1, "buy", 2**32, 2**32)]),
    ("place", "escrow_overflow", [OK, place(6, 2, 2, 1, "sell", 1, str(U64))]),
    ("place", "insufficient_balance", [OK, place(6, 1, 2, 1, "buy", 10, 96)]),  # 960 > 951
    ("place", "insufficient_balance", [OK, place(6, 1, 2, 1, "sell", 10, 11)]),  # 11 base > 10
    # cancel
    ("cancel", "id_range", [OK, cancel(8, 1)]),
    ("cancel", "id_range", [OK, cancel(1, 8)]),
    ("cancel", "order_exists", [OK, cancel(6, 1)]),
    ("cancel", "order_owner", [OK, cancel(1, 2)]),
    ("cancel", "balance_overflow", [OK, deposit(1, 1, str(U64 - 1 - 951)), cancel(1, 1)]),
    # fill
    ("fill", "id_range", [OK, fill(8, 1, 1)]),
    ("fill", "id_range", [OK, fill(1, 8, 1)]),
    ("fill", "distinct_orders", [OK, fill(1, 1, 1)]),
    ("fill", "order_exists", [OK, fill(6, 5, 1)]),
    ("fill", "order_exists", [OK, fill(1, 6, 1)]),
    ("fill", "same_market", [OK, fill(1, 3, 1)]),
    ("fill", "opposite_sides", [OK, fill(1, 4, 1)]),
    ("fill", "opposite_sides", [OK, fill(2, 5, 1)]),
    ("fill", "price_cross", [OK, fill(1, 2, 1)]),
    ("fill", "price_cross", [OK, fill(2, 4, 1)]),
    ("fill", "qty_positive", [OK, fill(1, 5, 0)]),
    ("fill", "qty_exceeds_remaining", [OK, fill(1, 5, 4)]),  # maker has 3
    ("fill", "qty_exceeds_remaining", [OK, fill(4, 5, 2)]),  # taker has 1
    ("fill", "qty_exceeds_remaining", [OK, fill(1, 5, str(U64 + 1))]),
    # buyer's base credit, seller's quote credit, buyer's price-improvement refund
    ("fill", "balance_overflow", [OK, deposit(1, 2, str(U64 - 1 - 10)), fill(1, 5, 1)]),
    ("fill", "balance_overflow", [OK, deposit(2, 1, str(U64 - 1 - 41)), fill(1, 5, 1)]),  # 50 - 9 escrowed
    ("fill", "balance_overflow", [OK, deposit(1, 1, str(U64 - 1 - 951 - 1)), fill(1, 5, 1)]),
]


@pytest.mark.parametrize("op_type, rule, ops", CASES, ids=[f"{t}-{r}-{i}" for i, (t, r, _) in enumerate(CASES)])
def test_violation_is_rejected_by_name_and_changes_nothing(state, op_type, rule, ops):
    before = snapshot(state)
    with pytest.raises(Rejected) as info:
        apply_batch(state, batch(*ops, state=state))
    err = info.value
    assert (err.rule, err.op_index, err.op_type) == (rule, len(ops) - 1, op_type)
    assert f"op {len(ops) - 1} ({op_type})" in str(err) and rule in str(err) and "\n" not in str(err)
    assert snapshot(state) == before
    with pytest.raises(Rejected):
        trace_batch(state, batch(*ops, state=state))
    assert snapshot(state) == before


def test_the_boundaries_of_those_rules_are_accepted(state):
    """The last valid value next to each overflow / balance bound passes."""
    apply_batch(state, batch(OK, deposit(1, 3, str(U64 - 1)), withdraw(1, 1, 951), state=state))
    assert state.balance(1, 3) == U64 - 1 and state.balance(1, 1) == 0
    apply_batch(state, batch(place(6, 1, 3, 2, "sell", str(U64 - 1), str(U64 - 1)), state=state))
    assert state.balance(1, 3) == 0
    apply_batch(state, batch(cancel(6, 1), fill(1, 5, 3), state=state))
    assert state.balance(1, 3) == U64 - 1
    assert state.order(5) is None and state.order(1).remaining == 2
    assert state.root == reference_root(state)


def test_batch_longer_than_k_is_refused_before_anything_runs(state):
    before = snapshot(state)
    too_long = Batch(tuple(Deposit(1, 1, 1) for _ in range(5)), salt=1)
    with pytest.raises(Exception, match="more than batch_size"):
        apply_batch(state, too_long)
    assert snapshot(state) == before


def test_side_with_two_encodings_is_rejected_even_when_built_in_code(state):
    before = snapshot(state)
    with pytest.raises(Rejected) as info:
        apply_batch(state, Batch((Place(6, 1, 2, 1, 3, 1, 1),), salt=1))
    assert info.value.rule == "side_value" and info.value.op_index == 0
    assert snapshot(state) == before


def test_existing_account_takes_no_pubkey_or_the_same(state):
    apply_batch(state, batch(deposit(1, 1, 1), deposit(1, 1, 1, pk(1))))
    assert state.account(1).pk_x == pk(1)[0] and state.balance(1, 1) == 952


def test_deposit_creates_the_account_with_its_key_and_nonce_zero():
    s = new_state(TINY)
    apply_batch(s, batch(deposit(7, 3, 9, pk(7))))
    leaf = s.account(7)
    assert ((leaf.pk_x, leaf.pk_y), leaf.nonce) == (pk(7), 0) and s.balance(7, 3) == 9
    assert s.root == reference_root(s)


# -- signatures (DESIGN.md section 9) -------------------------------------------
def _rejected(state: State, b: Batch, rule: str, index: int) -> Rejected:
    before = snapshot(state)
    with pytest.raises(Rejected) as info:
        apply_batch(state, b)
    assert (info.value.rule, info.value.op_index) == (rule, index)
    assert snapshot(state) == before
    return info.value


def _with_sig(b: Batch, index: int, sig) -> Batch:
    ops = list(b.ops)
    ops[index] = replace(ops[index], sig=sig)
    return Batch(tuple(ops), b.salt)


SIGNED_OPS = [withdraw(1, 1, 5), place(6, 1, 2, 1, "buy", 1, 1), cancel(1, 1)]
RESTORE = [deposit(1, 1, 5), cancel(6, 1), place(1, 1, 2, 1, "buy", 10, 5)]  # makes the op valid again


@pytest.mark.parametrize("op, restore", list(zip(SIGNED_OPS, RESTORE)), ids=["withdraw", "place", "cancel"])
def test_a_signed_op_bumps_the_nonce_and_its_replay_is_rejected(state, op, restore):
    signed = batch(OK, op, state=state)
    nonce = state.account(1).nonce
    trace = apply_batch(state, signed)
    auth = trace.ops[1].auth
    assert (auth.account, auth.pubkey, auth.nonce, auth.sig) == (1, pk(1), nonce, signed.ops[1].sig)
    assert trace.ops[0].auth is None and state.account(1).nonce == nonce + 1
    assert state.root == reference_root(state)
    apply_batch(state, batch(restore, state=state))
    replayed = Batch((signed.ops[1],), 6)  # the same signed op again: made for an old nonce
    err = _rejected(state, replayed, "signature_invalid", 0)
    assert f"nonce {state.account(1).nonce}" in str(err)
    apply_batch(state, batch(op, state=state))  # signed afresh, it passes


@pytest.mark.parametrize("op", SIGNED_OPS, ids=["withdraw", "place", "cancel"])
def test_unsigned_forged_and_foreign_signatures_are_rejected(state, op):
    good = batch(OK, op, state=state)
    sig = good.ops[1].sig
    _rejected(state, _with_sig(good, 1, None), "signature_invalid", 1)
    _rejected(state, _with_sig(good, 1, Signature(sig.R8, (sig.S + 1) % bj.L)), "signature_invalid", 1)
    _rejected(state, _with_sig(good, 1, Signature(bj.neg(sig.R8), sig.S)), "signature_invalid", 1)
    other_key = sign_ops(good.ops, {1: key(2)}, state)  # account 2's key signing for account 1
    _rejected(state, Batch(other_key, 5), "signature_invalid", 1)
    venue = state.params.config.venue_id
    msg = signing_message(good.ops[1], state.account(1).nonce + 1, venue)  # the next nonce instead of the current
    _rejected(state, _with_sig(good, 1, sign_poseidon(key(1), msg)), "signature_invalid", 1)
    other_venue = signing_message(good.ops[1], state.account(1).nonce, venue + 1)  # made for another venue
    _rejected(state, _with_sig(good, 1, sign_poseidon(key(1), other_venue)), "signature_invalid", 1)
    apply_batch(state, good)


def test_a_signature_does_not_move_to_another_account_or_op(state):
    ones = batch(withdraw(1, 2, 1), state=state)
    twos = batch(withdraw(2, 2, 1), state=state)
    # account 1's signature on account 2's otherwise identical withdrawal
    _rejected(state, _with_sig(twos, 0, ones.ops[0].sig), "signature_invalid", 0)
    # the signature of a 1-unit withdrawal does not authorize 2 units
    _rejected(state, Batch((replace(ones.ops[0], amount=2),), 5), "signature_invalid", 0)


def test_consecutive_nonces_within_a_batch(state):
    n, n1 = state.account(2).nonce, state.account(1).nonce
    ops = (withdraw(2, 1, 1), deposit(1, 1, 1), place(6, 2, 2, 1, "sell", 20, 1), cancel(6, 2))
    signed = batch(*ops, state=state)
    swapped = Batch((signed.ops[2], signed.ops[1], signed.ops[0], signed.ops[3]), 5)
    _rejected(state, swapped, "signature_invalid", 0)  # the place was signed for nonce n + 1
    trace = apply_batch(state, signed)
    assert [t.auth.nonce if t.auth else None for t in trace.ops] == [n, None, n + 1, n + 2]
    assert state.account(2).nonce == n + 3 and state.account(1).nonce == n1 == 1


@pytest.mark.parametrize("pubkey, why", [
    ((5, 6), "not on Baby Jubjub"),
    (bj.IDENTITY, "identity"),
    ((0, R - 1), "not in the prime-order subgroup"),                      # order 2
    (bj.GENERATOR, "not in the prime-order subgroup"),                    # order 8l
    (bj.add(pk(3), (0, R - 1)), "not in the prime-order subgroup"),       # key + torsion
])
def test_a_new_account_needs_a_usable_public_key(state, pubkey, why):
    err = _rejected(state, batch(OK, deposit(6, 1, 1, pubkey)), "pubkey_invalid", 1)
    assert why in str(err)
    apply_batch(state, batch(OK, deposit(6, 1, 1, pk(6))))
    assert (state.account(6).pk_x, state.account(6).pk_y) == pk(6)
