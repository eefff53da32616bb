"""One cheating witness per spot rule of docs/protocol.md section 4: the R1CS must reject it, at that rule.

Each test starts from a valid trace (scenario.py) and overrides named free
inputs of the witness (op fields, leaves found, siblings); everything the
circuit computes is then recomputed from them, so the witness is what a
cheating prover would build, and the first failing constraint names the
rule that stops it. The derivatives rules are test_soundness_derivatives.py,
time and the reports test_soundness_market.py; test_rule_coverage.py checks
that every rule of the protocol has one.
"""

from __future__ import annotations

import pytest

from zkob.state.ops import signing_message
from zkob.zk import babyjub as bj
from zkob.zk.eddsa import Signature, sign_poseidon
from zkob.zk.field import R
from zkob.zk.poseidon import poseidon

from .coverage import covers
from .scenario import CONFIG, KEYS, PK1, PK2, VALID, assert_batch_unsat, book, honest_value

U64 = 1 << 64


def op0(**fields):
    """Overrides of slot 0's encoding fields f1..f7."""
    return {f"op[0]/{k}": v for k, v in fields.items()}


# -- every slot -------------------------------------------------------------------
def test_op_type_must_be_one_hot():
    assert_batch_unsat(VALID["deposit"](), {"op[1]/sel[deposit]": 1}, "op[1]/op_type/one_hot")
    assert_batch_unsat(VALID["deposit"](), {"op[0]/sel[deposit]": 2}, "op[0]/op_type/deposit")


def test_a_spot_slot_has_no_derivatives_op():
    """The spot slot's type is a sum over its six op types: a margin code there fits no selector."""
    tr = VALID["deposit"]()
    assert_batch_unsat(tr, {"op[0]/sel[deposit]": 0, "op[0]/sel[noop]": 1}, "op[0]/canonical_encoding/f1")


def test_unused_fields_must_be_zero():
    assert_batch_unsat(VALID["deposit"](), {"op[1]/f1": 3}, "op[1]/canonical_encoding/f1")
    assert_batch_unsat(VALID["withdraw"](), op0(f4=1), "op[0]/canonical_encoding/f4")


# -- ids in range -----------------------------------------------------------------
@covers('id_range')
def test_account_id_in_range():
    assert_batch_unsat(VALID["deposit"](), op0(f1=4), "op[0]/acct[0]/account_bits/sum")


@covers('id_range')
def test_asset_id_in_range():
    assert_batch_unsat(VALID["withdraw"](), op0(f2=4), "op[0]/acct[0]/leg[0]/asset_bits/sum")


@covers('id_range')
def test_order_id_in_range():
    assert_batch_unsat(VALID["cancel"](), op0(f1=8), "op[0]/ord[0]/index/sum")


@covers('id_range')
def test_place_base_and_quote_in_range():
    assert_batch_unsat(VALID["place"](), op0(f3=4), "op[0]/ord[0]/new/base_range/sum")
    assert_batch_unsat(VALID["place_sell"](), op0(f4=R - 1), "op[0]/ord[0]/new/quote_range/sum")


# -- deposit ------------------------------------------------------------------------
@covers('amount_positive')
def test_deposit_amount_positive():
    assert_batch_unsat(VALID["deposit"](), op0(f3=0), "op[0]/amount_positive/inv")


def test_deposit_amount_below_2_64():
    assert_batch_unsat(VALID["deposit"](), op0(f3=U64), "op[0]/f3_range/sum")


@covers('balance_overflow')
def test_deposit_cannot_overflow_a_balance():
    assert_batch_unsat(VALID["deposit"](), op0(f3=U64 - 1), "op[0]/acct[0]/leg[0]/new_range/sum")


@covers('pubkey_required')
def test_new_account_needs_a_pubkey():
    assert_batch_unsat(VALID["deposit_new"](), op0(f4=0, f5=0), "op[0]/pubkey/pubkey_required")


@covers('pubkey_mismatch')
def test_existing_account_takes_no_other_pubkey():
    assert_batch_unsat(VALID["deposit"](), op0(f4=9, f5=PK1[1]), "op[0]/pubkey/pubkey_mismatch/x")
    assert_batch_unsat(VALID["deposit"](), op0(f4=PK1[0], f5=9), "op[0]/pubkey/pubkey_mismatch/y")


def test_new_account_starts_empty():
    tr = VALID["deposit_new"]()
    assert_batch_unsat(tr, {"op[0]/acct[0]/leg[0]/old_amount": 50}, "op[0]/acct[0]/leg[0]/old_root")
    assert_batch_unsat(tr, {"op[0]/acct[0]/balances_root": 5}, "op[0]/acct[0]/new_account_empty")


def test_new_account_nonce_cash_and_positions_are_zero():
    tr = VALID["deposit_new"]()
    assert_batch_unsat(tr, {"op[0]/acct[0]/nonce": 3}, "op[0]/acct[0]/pin_no_account[2]")
    assert_batch_unsat(tr, {"op[0]/acct[0]/cash": 3}, "op[0]/acct[0]/pin_no_account[3]")
    assert_batch_unsat(tr, {"op[0]/acct[0]/positions_hash": 3}, "op[0]/acct[0]/pin_no_account[4]")


def test_existing_account_cannot_be_recreated():
    """Claiming account 1 is new (to install another key) needs its leaf to be 0: it is not."""
    sets = {"op[0]/acct[0]/dep_exists": 0, "op[0]/f4": PK2[0], "op[0]/f5": PK2[1],
            "op[0]/acct[0]/pk_x": 0, "op[0]/acct[0]/pk_y": 0, "op[0]/acct[0]/nonce": 0,
            "op[0]/acct[0]/cash": 0, "op[0]/acct[0]/positions_hash": 0}
    assert_batch_unsat(VALID["deposit"](), sets, "op[0]/acct[0]/new_account_empty")


def test_deposit_credits_exactly_the_amount():
    tr = VALID["deposit"]()
    new = honest_value(tr, "op[0]/acct[0]/leg[0]/new_amount")
    assert_batch_unsat(tr, {"op[0]/acct[0]/leg[0]/new_amount": new + 1},
                       "op[0]/moves/acct[0]/leg[0]/amount[deposit,fill]")


# -- withdraw -------------------------------------------------------------------------
@covers('account_exists')
def test_withdraw_needs_an_existing_account():
    assert_batch_unsat(VALID["withdraw"](), op0(f1=0), "op[0]/acct[0]/old_root")
    assert_batch_unsat(VALID["withdraw"](), {"op[0]/acct[0]/dep_exists": 1}, "op[0]/acct[0]/pin_dep_exists[0]")


@covers('amount_positive', 'insufficient_balance')
def test_withdraw_amount_positive_and_covered():
    assert_batch_unsat(VALID["withdraw"](), op0(f3=0), "op[0]/amount_positive/inv")
    assert_batch_unsat(VALID["withdraw"](), op0(f3=1086), "op[0]/acct[0]/leg[0]/new_range/sum")  # holds 1085


def test_withdraw_debits_exactly_the_amount():
    tr = VALID["withdraw"]()
    new = honest_value(tr, "op[0]/acct[0]/leg[0]/new_amount")
    assert_batch_unsat(tr, {"op[0]/acct[0]/leg[0]/new_amount": new + 1}, "op[0]/moves/acct[0]/leg[0]/amount[withdraw]")


@covers('cash_negative')
@pytest.mark.parametrize("case", ["withdraw", "withdraw_full"])
def test_withdraw_refused_while_cash_is_negative(case):
    """Account 2's cash is 900; a prover claiming -1 (or account 1's -434) is stopped before the leaf check."""
    slot = 0 if case == "withdraw" else 1
    for cash in (R - 1, R - 434):
        assert_batch_unsat(VALID[case](), {f"op[{slot}]/acct[0]/cash": cash}, f"op[{slot}]/cash_negative/sum")


def test_spot_ops_keep_cash_and_positions():
    """A spot op's account leaf keeps cash and the positions hash (a changed one misses the leaf)."""
    tr = VALID["withdraw"]()
    assert_batch_unsat(tr, {"op[0]/acct[0]/cash": 901}, "op[0]/acct[0]/old_root")
    assert_batch_unsat(tr, {"op[0]/acct[0]/positions_hash": 7}, "op[0]/acct[0]/old_root")


# -- place --------------------------------------------------------------------------------
@covers('slot_free')
def test_place_needs_a_free_slot():
    siblings = book().orders_tree.path(0).siblings
    sets = {"op[0]/f1": 0, **{f"op[0]/ord[0]/sib[{k}]": s for k, s in enumerate(siblings)}}
    assert_batch_unsat(VALID["place"](), sets, "op[0]/ord[0]/old_root")


@covers('account_exists')
def test_place_needs_an_existing_account():
    assert_batch_unsat(VALID["place"](), op0(f2=0), "op[0]/acct[0]/old_root")


@covers('side_value')
def test_place_side_is_a_bit():
    assert_batch_unsat(VALID["place"](), op0(f5=2), "op[0]/ord[0]/new/side_bool")


@covers('distinct_assets')
def test_place_distinct_assets():
    assert_batch_unsat(VALID["place"](), op0(f3=0), "op[0]/distinct_assets/inv")


@covers('price_positive', 'qty_positive')
def test_place_price_and_qty_positive():
    assert_batch_unsat(VALID["place"](), op0(f6=0), "op[0]/price_positive/inv")
    assert_batch_unsat(VALID["place"](), op0(f7=0), "op[0]/qty_positive/inv")


@covers('price_range')
def test_place_price_below_2_64():
    assert_batch_unsat(VALID["place"](), op0(f6=U64), "op[0]/f6_range/sum")


def test_place_qty_below_2_64():
    assert_batch_unsat(VALID["place_sell"](), op0(f7=U64), "op[0]/ord[0]/remaining_range/sum")


def test_negative_amounts_are_refused():
    """r - x is "minus x" in the field: a deposit of it would be a debit."""
    assert_batch_unsat(VALID["deposit"](), op0(f3=R - 5), "op[0]/f3_range/sum")
    assert_batch_unsat(VALID["fill"](), op0(f3=R - 5), "op[0]/f3_range/sum")


@covers('escrow_overflow')
def test_place_escrow_below_2_64():
    assert_batch_unsat(VALID["place"](), op0(f6=1 << 40, f7=1 << 30), "op[0]/escrow_overflow/sum")


@covers('insufficient_balance')
def test_place_escrow_covered_by_balance():
    # account 1 holds 1000 of asset 0: a buy of 3 at 400 needs 1200
    assert_batch_unsat(VALID["place"](), op0(f6=400), "op[0]/acct[0]/leg[0]/new_range/sum")


def test_place_debits_the_escrow_asset():
    assert_batch_unsat(VALID["place"](), {"op[0]/acct[0]/leg[0]/asset": 1}, "op[0]/moves/acct[0]/leg[0]/asset[place]")


def test_place_writes_the_op_into_the_leaf():
    assert_batch_unsat(VALID["place"](), {"op[0]/ord[0]/new/price": 11}, "op[0]/place/price")
    assert_batch_unsat(VALID["place"](), {"op[0]/ord[0]/new/instrument": 1}, "op[0]/place/instrument")


# -- cancel ---------------------------------------------------------------------------------
@covers('order_exists')
def test_cancel_needs_a_live_order():
    assert_batch_unsat(VALID["cancel"](), op0(f1=2), "op[0]/ord[0]/old_root")


@covers('order_owner')
def test_cancel_only_by_the_owner():
    assert_batch_unsat(VALID["cancel"](), op0(f2=2), "op[0]/order_owner")


def test_cancel_refunds_exactly_the_remainder_escrow():
    tr = VALID["cancel"]()
    new = honest_value(tr, "op[0]/acct[0]/leg[0]/new_amount")
    assert_batch_unsat(tr, {"op[0]/acct[0]/leg[0]/new_amount": new + 1}, "op[0]/moves/acct[0]/leg[0]/amount[cancel]")


def test_cancel_of_a_derivatives_order_refunds_nothing():
    """Order 4 is a buy of 3 futures at 100: a prover claiming a spot refund of 300 is refused."""
    tr = VALID["cancel_derivative"]()
    old = honest_value(tr, "op[0]/acct[0]/leg[0]/old_amount")
    assert honest_value(tr, "op[0]/acct[0]/leg[0]/new_amount") == old
    assert_batch_unsat(tr, {"op[0]/acct[0]/leg[0]/new_amount": old + 300}, "op[0]/moves/acct[0]/leg[0]/amount[cancel]")
    assert_batch_unsat(tr, {"op[0]/escrow_terms/spot_order/out": 1}, "op[0]/escrow_terms/spot_order/inv")


def test_cancel_frees_the_slot():
    assert_batch_unsat(VALID["cancel"](), {"op[0]/ord[0]/new/remaining": 20}, "op[0]/ord[0]/pin_free_new[5]")


@covers('balance_overflow')
def test_cancel_refund_cannot_overflow():
    assert_batch_unsat(VALID["cancel"](), {"op[0]/acct[0]/leg[0]/old_amount": U64 - 1},
                       "op[0]/acct[0]/leg[0]/new_range/sum")


# -- fill ------------------------------------------------------------------------------------
@covers('distinct_orders')
def test_fill_distinct_orders():
    assert_batch_unsat(VALID["fill"](), op0(f2=1), "op[0]/distinct_orders/inv")


@covers('order_exists')
def test_fill_needs_live_orders():
    # a made-up matching buy order claimed at free slot 2 is not in the tree
    leaf = dict(account=1, base=1, quote=0, side=0, price=10, remaining=5)
    sets = {"op[0]/f2": 2, **{f"op[0]/ord[1]/old/{k}": v for k, v in leaf.items()}}
    assert_batch_unsat(VALID["fill"](), sets, "op[0]/ord[1]/old_root")


@covers('same_market')
def test_fill_same_market():
    assert_batch_unsat(VALID["fill"](), {"op[0]/ord[1]/old/base": 2}, "op[0]/same_market/base")
    assert_batch_unsat(VALID["fill"](), {"op[0]/ord[1]/old/quote": 2}, "op[0]/same_market/quote")


@covers('order_kind')
def test_fill_takes_spot_orders_only():
    assert_batch_unsat(VALID["fill"](), {"op[0]/ord[0]/old/instrument": 1}, "op[0]/order_kind/taker")
    assert_batch_unsat(VALID["fill"](), {"op[0]/ord[1]/old/instrument": 1}, "op[0]/order_kind/maker")


@covers('opposite_sides')
def test_fill_opposite_sides():
    assert_batch_unsat(VALID["fill"](), {"op[0]/ord[1]/old/side": 1}, "op[0]/opposite_sides")


@covers('price_cross')
def test_fill_prices_cross():
    # maker (order 0) buys at 10, the taker sells at 8; a seller asking 11 does not cross
    assert_batch_unsat(VALID["fill"](), {"op[0]/ord[0]/old/price": 11}, "op[0]/price_cross/range/sum")


@covers('qty_positive')
def test_fill_qty_positive():
    assert_batch_unsat(VALID["fill"](), op0(f3=0), "op[0]/amount_positive/inv")


@covers('qty_exceeds_remaining')
def test_fill_qty_within_both_remainders():
    assert_batch_unsat(VALID["fill"](), op0(f3=16), "op[0]/ord[0]/remaining_range/sum")  # taker has 15
    assert_batch_unsat(VALID["fill_buyer_takes"](), op0(f3=16), "op[0]/ord[1]/remaining_range/sum")


def test_fill_keeps_order_fields():
    assert_batch_unsat(VALID["fill"](), {"op[0]/ord[1]/new/price": 12}, "op[0]/fill/ord[1]/price")


def test_fill_executes_at_the_maker_price():
    # seller gets qty * maker.price = 5 * 10; paying at the taker's 8 instead is refused
    tr = VALID["fill"]()
    new = honest_value(tr, "op[0]/acct[1]/leg[0]/new_amount")
    assert_batch_unsat(tr, {"op[0]/acct[1]/leg[0]/new_amount": new - 10}, "op[0]/moves/acct[1]/leg[0]/amount[fill]")


def test_fill_buyer_gets_the_base():
    tr = VALID["fill"]()
    assert_batch_unsat(tr, {"op[0]/acct[0]/account": 2}, "op[0]/moves/acct[0]/account[fill]")


def test_fill_taking_buyer_gets_the_refund():
    tr = VALID["fill_buyer_takes"]()
    new = honest_value(tr, "op[0]/acct[0]/leg[1]/new_amount")
    old = honest_value(tr, "op[0]/acct[0]/leg[1]/old_amount")
    assert new - old == 15 * (10 - 8)
    assert_batch_unsat(tr, {"op[0]/acct[0]/leg[1]/new_amount": old}, "op[0]/moves/acct[0]/leg[1]/amount[fill]")


def test_fill_frees_an_exhausted_slot():
    tr = VALID["fill_buyer_takes"]()  # the maker (order 1) is filled completely
    assert_batch_unsat(tr, {"op[0]/ord[1]/filled/out": 0}, "op[0]/ord[1]/filled/inv")
    assert_batch_unsat(tr, {"op[0]/ord[1]/new/account": 2}, "op[0]/ord[1]/pin_free_new[0]")


@covers('balance_overflow')
def test_fill_credit_cannot_overflow():
    assert_batch_unsat(VALID["fill"](), {"op[0]/acct[0]/leg[0]/old_amount": U64 - 2},
                       "op[0]/acct[0]/leg[0]/new_range/sum")


# -- signatures (DESIGN.md section 9) ------------------------------------------------------
SIGNED = ["withdraw", "place", "cancel"]


def sig0(sig, slot: int = 0) -> dict[str, int]:
    """Overrides of a slot's signature wires."""
    return {f"op[{slot}]/sig/R8_x": sig.R8[0], f"op[{slot}]/sig/R8_y": sig.R8[1], f"op[{slot}]/sig/S": sig.S}


def _s_too_large(s: int) -> str:
    """Where S >= l fails: its 251-bit decomposition, or the first bit from the top where it passes l."""
    if s >= 1 << bj.L.bit_length():
        return "op[0]/sig/eddsa/S/bits/sum"
    top = max(i for i in range(bj.L.bit_length()) if (s >> i) & 1 != (bj.L >> i) & 1)
    return f"op[0]/sig/eddsa/S/le_const/zero[{top}]"


def _signer(tr):
    """(account, nonce before, op_hash) of slot 0's signed op."""
    a = tr.ops[0].auth
    return a.account, a.nonce, tr.ops[0].op_hash


@covers('signature_invalid')
@pytest.mark.parametrize("kind", SIGNED)
def test_forged_signature_fails(kind):
    tr = VALID[kind]()
    sig = tr.ops[0].auth.sig
    assert_batch_unsat(tr, sig0(Signature(sig.R8, (sig.S + 1) % bj.L)), "op[0]/sig/eddsa/check/x")
    assert_batch_unsat(tr, sig0(Signature(sig.R8, sig.S + bj.L)), _s_too_large(sig.S + bj.L))  # malleated S
    assert_batch_unsat(tr, sig0(Signature(bj.neg(sig.R8), sig.S)), "op[0]/sig/eddsa/check/x")
    assert_batch_unsat(tr, {"op[0]/sig/R8_x": sig.R8[0] + 1}, "op[0]/sig/eddsa/R8/on_curve/equation")
    assert_batch_unsat(tr, sig0(Signature(bj.IDENTITY, 0)), "op[0]/sig/eddsa/check/x")  # "no signature"


@covers('signature_invalid')
def test_replayed_signature_for_an_older_nonce_fails():
    tr = VALID["withdraw"]()
    account, nonce, hashed = _signer(tr)
    assert nonce >= 1  # account 2 has placed orders in the book
    old = sign_poseidon(KEYS[account], poseidon([CONFIG.venue_id, hashed, nonce - 1]))
    assert_batch_unsat(tr, sig0(old), "op[0]/sig/eddsa/check/x")
    # claiming the old nonce to match the old signature contradicts the account leaf in the tree
    assert_batch_unsat(tr, {**sig0(old), "op[0]/acct[0]/nonce": nonce - 1}, "op[0]/acct[0]/old_root")


@covers('signature_invalid')
def test_signature_for_another_venue_fails():
    """The same op, key and nonce signed for another venue_id (DESIGN section 9): refused."""
    tr = VALID["withdraw"]()
    account, nonce, _ = _signer(tr)
    elsewhere = sign_poseidon(KEYS[account], signing_message(tr.ops[0].op, nonce, CONFIG.venue_id + 1))
    assert_batch_unsat(tr, sig0(elsewhere), "op[0]/sig/eddsa/check/x")
    # and the venue is bound by config_hash in old_root: claiming the other venue fails there
    assert_batch_unsat(tr, {**sig0(elsewhere), "config/venue_id": CONFIG.venue_id + 1}, "old_root")


@covers('signature_invalid')
@pytest.mark.parametrize("kind", SIGNED)
def test_signature_by_another_accounts_key_fails(kind):
    tr = VALID[kind]()
    account, nonce, hashed = _signer(tr)
    other = 2 if account == 1 else 1
    theirs = sign_poseidon(KEYS[other], poseidon([CONFIG.venue_id, hashed, nonce]))
    assert_batch_unsat(tr, sig0(theirs), "op[0]/sig/eddsa/check/x")
    # swapping in the other key to match contradicts the account leaf in the tree
    pk = PK2 if other == 2 else PK1
    sets = {**sig0(theirs), "op[0]/acct[0]/pk_x": pk[0], "op[0]/acct[0]/pk_y": pk[1]}
    assert_batch_unsat(tr, sets, "op[0]/acct[0]/old_root")


@covers('signature_invalid')
@pytest.mark.parametrize("kind", SIGNED)
def test_signed_op_must_bump_the_nonce(kind):
    tr = VALID[kind]()
    _, nonce, _ = _signer(tr)
    assert honest_value(tr, "op[0]/acct[0]/new_nonce") == nonce + 1
    assert_batch_unsat(tr, {"op[0]/acct[0]/new_nonce": nonce}, "op[0]/acct[0]/nonce_bump")


def test_unsigned_ops_keep_the_nonce_and_carry_no_signature():
    tr = VALID["deposit"]()
    nonce = tr.ops[0].accounts[0].old.nonce
    assert_batch_unsat(tr, {"op[0]/acct[0]/new_nonce": nonce + 1}, "op[0]/acct[0]/nonce_bump")
    assert_batch_unsat(tr, {"op[0]/sig/S": 1}, "op[0]/sig/pin_unsigned[2]")
    assert_batch_unsat(VALID["fill"](), {"op[0]/sig/R8_y": 1}, "op[0]/sig/pin_unsigned[1]")


@covers('pubkey_invalid')
@pytest.mark.parametrize("pubkey, fails", [
    ((5, 6), "on_curve/equation"),
    ((0, R - 1), "subgroup/y"),         # order 2: 8q cannot reach it
    (bj.GENERATOR, "subgroup/x"),       # order 8l
    (bj.IDENTITY, "nonzero"),
])
def test_new_account_key_must_be_usable(pubkey, fails):
    sets = op0(f4=pubkey[0], f5=pubkey[1])
    assert_batch_unsat(VALID["deposit_new"](), sets, f"op[0]/pubkey/pubkey_invalid/{fails}")


# -- chaining, commitment, bridge, blind, disabled updates -----------------------------------------
def test_roots_are_chained():
    tr = VALID["deposit"]()
    assert_batch_unsat(tr, {"accounts_root[0]": 1}, "old_root")
    assert_batch_unsat(tr, {"instruments_root[0]": 1}, "old_root")
    assert_batch_unsat(tr, {"old_blind": 1}, "old_root")
    assert_batch_unsat(VALID["place"](), {"op[0]/acct[0]/acct_sib[0]": 1}, "op[0]/acct[0]/old_root")


@pytest.mark.parametrize("name", ["commitment", "bridge", "new_root", "market", "time"])
def test_public_inputs_are_bound(name):
    """Each public input is tied to the batch; a later time is a valid batch time, but new_root
    commits to the time the batch ran at."""
    tr = VALID["withdraw"]()
    index = ("old_root", "new_root", "commitment", "bridge", "market", "time").index(name)
    assert_batch_unsat(tr, {name: (tr.public_inputs[index] + 1) % R}, "new_root" if name == "time" else name)


def test_bridge_covers_withdrawals():
    tr = VALID["withdraw"]()
    assert_batch_unsat(tr, {"op[0]/bridge": 0}, "op[0]/bridge")


def test_commitment_binds_the_salt_and_ops():
    assert_batch_unsat(VALID["place"](), {"salt": 100}, "commitment")


def test_disabled_updates_are_pinned_to_zero():
    tr = VALID["deposit"]()
    assert_batch_unsat(tr, {"op[0]/acct[1]/leg[0]/old_amount": 1}, "op[0]/acct[1]/leg[0]/pin_disabled[1]")
    assert_batch_unsat(tr, {"op[0]/ord[0]/sib[1]": 1}, "op[0]/ord[0]/pin_disabled[2]")
    assert_batch_unsat(tr, {"op[1]/acct[0]/acct_sib[0]": 1}, "op[1]/acct[0]/pin_disabled[1]")
