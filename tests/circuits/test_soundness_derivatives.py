"""Cheating witnesses against the v2 rules (derivatives ops in the full slot, time): refused at their label.

As test_soundness.py: a valid trace of scenario.py with named free inputs
overridden, everything else recomputed; the first failing constraint names
the rule. Most start from a cheating prover's trace (cheat.py: the state
machine with the rule waived, after checking that the honest one refuses
the batch by that rule), so every dependent witness value is consistent
and only the rule is broken; reports and signed ops a prover would have
to forge are re-signed by the keys the scenario holds. Each test builds
one or two prove-mode witnesses, stopping at the first failing constraint
(about 2 s each). test_rule_coverage.py checks every v2 rule has one.
"""

from __future__ import annotations

from zkob.circuits.batch import prove_cs
from zkob.state.margin import BP
from zkob.state.oracle import IndexReport, sign_report
from zkob.state.instruments import FUTURE, PUT
from zkob.state.ops import Cancel, Deposit, DFill, DPlace, Liquidate, ListInstrument, Margin, Settle

from .cheat import book_with, cheat, op_sigs, report_sets
from .coverage import covers
from .scenario import FULL, P, TIME, VALID, assert_batch_unsat, book, index, settlement, trace

U64 = 1 << 64


@covers('self_trade')
def test_a_dfill_between_two_orders_of_one_account_fails():
    """dfill 5 (account 2) into 4 (account 1): a maker leaf claiming account 2 trades with itself."""
    assert_batch_unsat(VALID["dfill"](), {f"op[{FULL}]/ord[1]/old/account": 2}, f"op[{FULL}]/dfill/self_trade/inv")


@covers('self_liquidation')
def test_a_liquidator_cannot_liquidate_itself():
    """liquidate(account 1, liquidator 3, ...) rewritten with liquidator 1."""
    assert_batch_unsat(VALID["liquidate"](), {f"op[{FULL}]/f2": 1}, f"op[{FULL}]/liquidate/self_liquidation/inv")


@covers('time_monotonic')
def test_the_batch_time_cannot_go_back():
    """The book's last batch ran at time 18: a batch claiming 17 fails before anything else."""
    assert_batch_unsat(VALID["deposit"](), {"time": 17}, "time_monotonic/not_before/sum")


# -- the five named cases ------------------------------------------------------------------------
@covers('report_quorum')
def test_a_price_the_committee_did_not_sign_fails():
    """The batch's index report (u 0 at 101, signed by members 0 and 1) claimed at 102: no member signed that."""
    assert_batch_unsat(VALID["index_report"](), {"report[0]/price": 102},
                       "report[0]/report_quorum/sig[0]/eddsa/check/x")


@covers('report_quorum')
def test_a_price_signed_by_a_key_outside_the_committee_fails():
    """102 signed by two keys that are not members (a prover's own keys): the message is right, the keys not."""
    outsiders = (bytes([0x77]) * 32, bytes([0x78]) * 32)
    report = IndexReport(0, 102, 19)
    for k, key in enumerate(outsiders):
        report = sign_report(report, key, k)
    assert_batch_unsat(VALID["index_report"](), report_sets(report), "report[0]/report_quorum/sig[0]/eddsa/check/x")


@covers('report_quorum')
def test_one_signature_short_of_quorum_fails():
    """Q = 2: one member's signature given twice (same signer, same signature) is one signature, not two."""
    tr = VALID["index_report"]()
    first = index(0, 101, 19).sigs[0]
    twice = {"report[0]/sig[1]/signer": first.signer, "report[0]/sig[1]/R8_x": first.sig.R8[0],
             "report[0]/sig[1]/R8_y": first.sig.R8[1], "report[0]/sig[1]/S": first.sig.S}
    assert_batch_unsat(tr, twice, "report[0]/report_quorum/order[1]/range/sum")
    # member 1's slot without member 1's signature (member 0's copied in): refused at the signature
    copied = {k: v for k, v in twice.items() if not k.endswith("signer")}
    assert_batch_unsat(tr, copied, "report[0]/report_quorum/sig[1]/eddsa/check/x")
    # a signer index beyond the committee (N = 3) selects no key
    assert_batch_unsat(tr, {"report[0]/sig[1]/signer": 3}, "report[0]/report_quorum/sig[1]/signer/sum")


@covers('price_stale')
def test_a_margin_check_on_a_stale_price_fails():
    """The dfill's batch claimed at time 70: u 0's price (time 4) is 66 > max_age 60 old when the buyer is checked."""
    assert_batch_unsat(VALID["dfill"](), {"time": 70}, f"op[{FULL}]/margin_eval/acct[0]/after/slot[0]/price_stale")


@covers('not_liquidatable')
def test_liquidating_an_account_exactly_at_mm_fails():
    """u 0 at 88 (signed by the committee) puts account 1 exactly at MM: not below it, so not liquidatable.

    The liquidator signs a price within liq_band of 88, so the only rule
    broken is not_liquidatable (the honest state machine refuses it by that
    rule); at 87 the same liquidation is valid and its witness satisfies.
    """
    op = Liquidate(1, 3, 1, 2, 88)
    tr = cheat(("not_liquidatable",), op, reports=(index(0, 88, 20),))
    before = tr.ops[FULL].margin[0]
    assert (before.account, before.when, BP * before.equity) == (1, "before", before.maintenance_bp)  # exactly MM
    assert_batch_unsat(tr, {}, f"op[{FULL}]/liquidate/not_liquidatable")
    assert prove_cs(P, trace(op, reports=(index(0, 87, 20),))).first_failure is None


@covers('margin_im')
def test_a_fill_leaving_the_buyer_one_unit_below_im_fails():
    """dfill 5 into 4 for all 3: account 1 (long 8 futures then) ends one unit below IM."""
    tr = cheat(("margin_im",), DFill(5, 4, 3))
    buyer = tr.ops[FULL].margin[0]
    assert (buyer.account, BP * (buyer.equity + 1)) == (1, buyer.initial_bp)  # one unit of equity short of IM
    assert_batch_unsat(tr, {}, f"op[{FULL}]/acct[0]/margin_im")



@covers('margin_im')
def test_a_margin_transfer_out_leaving_one_unit_below_im_fails():
    """Account 3 (cash 1024, short 2 calls worth 10, IM 18): moving 987 out leaves equity 17; 986 is allowed."""
    tr = cheat(("margin_im",), Margin(3, -987))
    assert_batch_unsat(tr, {}, f"op[{FULL}]/acct[0]/margin_im")
    assert prove_cs(P, trace(Margin(3, -986))).first_failure is None

# -- reports ------------------------------------------------------------------------------------
@covers('report_price')
def test_a_report_price_of_zero_or_2_64_fails():
    """Index reports the committee did sign, at price 0 and at 2^64: refused by the price's own rule."""
    zero = cheat(("report_price",), Deposit(1, 0, 7), reports=(index(0, 0, 19),))
    assert_batch_unsat(zero, {}, "report[0]/report_price/nonzero/inv")
    huge = cheat(("report_price",), Deposit(1, 0, 7), reports=(index(0, U64, 19),))
    assert_batch_unsat(huge, {}, "report[0]/report_price/range/sum")


@covers('report_underlying')
def test_an_index_report_for_an_underlying_beyond_u_fails():
    """U = 2: a signed report for underlying 2 (in place of the batch's report for u 0)."""
    assert_batch_unsat(VALID["index_report"](), report_sets(index(2, 101, 19)), "report[0]/report_underlying/sum")


@covers('report_stale')
def test_an_index_report_not_newer_than_the_stored_one_or_from_the_future_fails():
    """u 0's stored price is from time 4: a signed report at 4 is not newer; one at 21 is after the batch (20)."""
    old = cheat(("report_stale",), Deposit(1, 0, 7), reports=(index(0, 101, 4),))
    assert_batch_unsat(old, {}, "report[0]/report_stale/newer/sum")
    ahead = cheat(("report_stale",), Deposit(1, 0, 7), reports=(index(0, 101, 21),))
    assert_batch_unsat(ahead, {}, "report[0]/report_stale/not_after_time/sum")


@covers('report_instrument')
def test_a_settlement_report_for_instrument_0_fails():
    """The settle batch's settlement report with its instrument id claimed 0 (never used) or 3 (not listed)."""
    assert_batch_unsat(VALID["settle"](), {"report[0]/instrument": 0}, "report[0]/report_instrument/inv")
    # instrument 3 (never listed) claimed with instrument 2's terms: not in the instruments tree
    assert_batch_unsat(VALID["settle"](), {"report[0]/instrument": 3}, "report[0]/report_instrument/old_root")


@covers('settle_early')
def test_a_settlement_report_before_expiry_fails():
    """Instrument 2 expires at 1000: its signed settlement in a batch at 999."""
    early = cheat(("settle_early",), Deposit(1, 0, 7), time=999, reports=(settlement(book(), 2, 70),))
    assert_batch_unsat(early, {}, "report[0]/settle_early/range/sum")


# -- list -----------------------------------------------------------------------------------------
@covers('list_kind')
def test_a_list_of_an_unknown_kind_fails():
    assert_batch_unsat(cheat(("list_kind",), ListInstrument(3, 4, 0, 90, 1000)), {}, f"op[{FULL}]/list/list_kind/code")
    assert_batch_unsat(cheat(("list_kind",), ListInstrument(3, 0, 0, 90, 1000)), {}, f"op[{FULL}]/list/list_kind/real")


@covers('list_underlying')
def test_a_list_on_an_underlying_beyond_u_fails():
    tr = cheat(("list_underlying",), ListInstrument(3, PUT, 2, 90, 1000))
    assert_batch_unsat(tr, {}, f"op[{FULL}]/instrument/list_underlying/sum")


@covers('list_strike')
def test_a_list_with_a_wrong_strike_fails():
    """A future with a strike, an option with strike 0; an option's strike of 2^64 fails at the strike's range
    check of the instrument's contract value, which every instrument the slot touches passes."""
    future = cheat(("list_strike",), ListInstrument(3, FUTURE, 0, 90, 1000))
    assert_batch_unsat(future, {}, f"op[{FULL}]/list/list_strike/future")
    free = cheat(("list_strike",), ListInstrument(3, PUT, 0, 0, 1000))
    assert_batch_unsat(free, {}, f"op[{FULL}]/list/list_strike/nonzero/inv")
    huge = cheat(("list_strike",), ListInstrument(3, PUT, 0, U64, 1000))
    assert_batch_unsat(huge, {}, f"op[{FULL}]/instrument/value/strike_range/sum")


@covers('list_expiry')
def test_a_list_expiring_now_or_at_2_32_fails():
    now = cheat(("list_expiry",), ListInstrument(3, PUT, 0, 90, TIME))
    assert_batch_unsat(now, {}, f"op[{FULL}]/list/list_expiry/after/sum")
    late = cheat(("list_expiry",), ListInstrument(3, PUT, 0, 90, 1 << 32))
    assert_batch_unsat(late, {}, f"op[{FULL}]/list/list_expiry/range/sum")


@covers('instrument_free')
def test_listing_a_listed_instrument_fails():
    """Instrument 1 is listed: its leaf is not the 0 a list must find (instrument/old_root, by construction)."""
    tr = cheat(("instrument_free",), ListInstrument(1, PUT, 0, 90, 1000))
    assert_batch_unsat(tr, {}, f"op[{FULL}]/instrument/old_root")


# -- margin transfers and orders ----------------------------------------------------------------
@covers('amount_range')
def test_a_margin_transfer_of_2_64_fails():
    """|amount| = 2^64 in and out: refused at the amount's range, before the balance leg moves it."""
    inward = cheat(("amount_range", "insufficient_balance"), Margin(1, U64))
    assert_batch_unsat(inward, {}, f"op[{FULL}]/margin/amount_range/bits/sum")
    out = cheat(("amount_range", "insufficient_cash", "margin_im", "balance_overflow"), Margin(3, -U64))
    assert_batch_unsat(out, {}, f"op[{FULL}]/margin/amount_range/not_min")


@covers('insufficient_cash')
def test_a_margin_transfer_out_beyond_the_cash_fails():
    """Account 3 has cash 1024: moving 1025 out."""
    tr = cheat(("insufficient_cash", "margin_im"), Margin(3, -1025))
    assert_batch_unsat(tr, {}, f"op[{FULL}]/margin/insufficient_cash/sum")


@covers('qty_range')
def test_a_dplace_of_2_40_fails():
    tr = cheat(("qty_range",), DPlace(2, 3, 1, 0, 99, 1 << 40))
    assert_batch_unsat(tr, {}, f"op[{FULL}]/dplace/qty_range/sum")


@covers('instrument_listed')
def test_a_dplace_on_an_unlisted_instrument_fails():
    """The dplace re-signed for instrument 3 (free), claiming instrument 1's terms there: not in the tree."""
    tr = VALID["dplace"]()
    sets = {f"op[{FULL}]/f3": 3, f"op[{FULL}]/instrument/id": 3, **op_sigs(tr, DPlace(2, 3, 3, 0, 99, 2), 3)}
    assert_batch_unsat(tr, sets, f"op[{FULL}]/instrument/old_root")
    # settle and liquidate open the instrument with the same gadget; claiming instrument 3 there fails even
    # earlier, at the position slots: no account holds (or, with P = 2 used, can open) a position in it
    settle = {f"op[{FULL}]/f2": 3, f"op[{FULL}]/instrument/id": 3}
    assert_batch_unsat(VALID["settle"](), settle, f"op[{FULL}]/acct[0]/position/positions_full")
    tr = VALID["liquidate"]()
    liq = {f"op[{FULL}]/f3": 3, f"op[{FULL}]/instrument/id": 3, **op_sigs(tr, Liquidate(1, 3, 3, 2, 81), 3)}
    assert_batch_unsat(tr, liq, f"op[{FULL}]/acct[1]/position/positions_full")


@covers('instrument_live')
def test_trading_at_expiry_fails():
    """Instrument 1 expires at 1000: a dplace, a dfill and a liquidation on it in a batch at 1000."""
    tr = cheat(("instrument_live",), DPlace(2, 3, 1, 0, 99, 2), time=1000)
    assert_batch_unsat(tr, {}, f"op[{FULL}]/instrument_live/sum")
    # a dfill and a liquidation at 1000, with both prices fresh (u 1 reported at 999, u 0 in the batch)
    fresh = book_with(((999, (index(1, 60, 999),), (Deposit(1, 0, 7),)),))
    fill = cheat(("instrument_live",), DFill(5, 4, 2), on=fresh, time=1000, reports=(index(0, 100, 1000),))
    assert_batch_unsat(fill, {}, f"op[{FULL}]/instrument_live/sum")
    liq = cheat(("instrument_live",), Liquidate(1, 3, 1, 2, 81), on=fresh, time=1000, reports=(index(0, 80, 1000),))
    assert_batch_unsat(liq, {}, f"op[{FULL}]/instrument_live/sum")


# -- liquidate and settle -----------------------------------------------------------------------
@covers('position_held')
def test_liquidating_or_settling_a_position_not_held_fails():
    """Account 2 holds no calls (instrument 2): liquidating them, and settling them at expiry."""
    liq = cheat(("position_held", "qty_exceeds_position", "not_liquidatable", "liq_price"), Liquidate(2, 3, 2, 1, 10),
                reports=(index(0, 80, 20),))
    assert_batch_unsat(liq, {}, f"op[{FULL}]/liquidate/position_held/inv")
    settle = cheat(("position_held",), Settle(2, 2), time=1000, reports=(settlement(book(), 2, 70),))
    assert_batch_unsat(settle, {}, f"op[{FULL}]/settle/position_held/inv")


@covers('qty_exceeds_position')
def test_liquidating_more_than_the_position_fails():
    """Account 1 is long 5 futures: liquidating 6."""
    tr = cheat(("qty_exceeds_position",), Liquidate(1, 3, 1, 6, 81), reports=(index(0, 80, 20),))
    assert_batch_unsat(tr, {}, f"op[{FULL}]/liquidate/qty_exceeds_position/sum")


@covers('liq_price')
def test_a_liquidation_price_outside_the_band_fails():
    """u 0 at 80, liq_band 3%: a liquidation at 90 (12.5% off the future's value)."""
    tr = cheat(("liq_price",), Liquidate(1, 3, 1, 2, 90), reports=(index(0, 80, 20),))
    assert_batch_unsat(tr, {}, f"op[{FULL}]/liquidate/liq_price/within/range/sum")


@covers('instrument_settled')
def test_settling_an_instrument_without_a_settlement_price_fails():
    """Instrument 1 expired at 1000 but was never settled: account 2 settles its futures."""
    tr = cheat(("instrument_settled",), Settle(2, 1), time=1000)
    assert_batch_unsat(tr, {}, f"op[{FULL}]/settle/instrument_settled/inv")


# -- on a longer book (cheat.book_with) -----------------------------------------------------------
CANCELS = ((19, (), (Cancel(6, 2),)), (20, (), (Cancel(7, 1),)))  # frees order slots 6 and 7


@covers('settle_twice')
def test_settling_an_instrument_twice_fails():
    """Instrument 2 settled at 70 (time 1000); a second signed settlement at 71 a second later."""
    state = book_with(((1000, (settlement(book(), 2, 70),), (Deposit(1, 0, 7),)),))
    tr = cheat(("settle_twice",), Deposit(1, 0, 7), on=state, time=1001, reports=(settlement(state, 2, 71),))
    assert_batch_unsat(tr, {}, "report[0]/settle_twice")


@covers('cash_range')
def test_a_trade_taking_cash_to_2_96_fails():
    """Account 3 buys 2^36 futures at 2^61 from account 2: its cash would be 1024 - 2^97."""
    state = book_with(CANCELS + ((21, (), (DPlace(6, 3, 1, 0, 1 << 61, 1 << 36),)),
                                 (22, (), (DPlace(7, 2, 1, 1, 1 << 61, 1 << 36),))))
    tr = cheat(("cash_range", "margin_im"), DFill(7, 6, 1 << 36), on=state, time=23)
    assert_batch_unsat(tr, {}, f"op[{FULL}]/margin_eval/acct[0]/after/cash_range/bits/sum")


@covers('slot_layout')
def test_a_derivatives_op_cannot_take_the_spot_slot():
    """Margin(1, 50) moved from the full slot into the spot slot (0), which has no margin selector: the
    layout K = (spot, full) is fixed by construction, so the slot's op type fits none of its selectors."""
    sets = {"op[0]/sel[noop]": 0, "op[0]/f1": 1, "op[0]/f2": 50,
            f"op[{FULL}]/sel[margin]": 0, f"op[{FULL}]/sel[noop]": 1, f"op[{FULL}]/f1": 0, f"op[{FULL}]/f2": 0}
    assert_batch_unsat(VALID["margin_in"](), sets, "op[0]/op_type/one_hot")


@covers('positions_full')
def test_opening_a_third_position_with_two_slots_fails():
    """P = 2: account 1 holds futures and calls; it buys 1 put (instrument 3, listed at 19) from account 2."""
    state = book_with(((19, (), (Cancel(6, 2), ListInstrument(3, PUT, 0, 90, 1000))),
                       (20, (), (DPlace(2, 1, 3, 0, 5, 1),)), (21, (), (DPlace(6, 2, 3, 1, 5, 1),))))
    tr = cheat(("positions_full", "margin_im"), DFill(6, 2, 1), on=state, time=22)
    assert_batch_unsat(tr, {}, f"op[{FULL}]/acct[0]/position/positions_full")


@covers('size_range')
def test_a_trade_taking_a_size_to_2_40_fails():
    """Account 2 (short 5) sells 2^40 - 1 more futures to account 1 (long 5): both sizes pass 2^40; the seller's
    update runs first."""
    big = (1 << 40) - 1
    state = book_with(CANCELS + ((21, (), (DPlace(6, 1, 1, 0, 100, big),)), (22, (), (DPlace(7, 2, 1, 1, 100, big),))))
    tr = cheat(("size_range", "margin_im", "cash_range"), DFill(7, 6, big), on=state, time=23)
    assert_batch_unsat(tr, {}, f"op[{FULL}]/acct[1]/position/size_range/bits/sum")


@covers('liq_worsens')
def test_a_liquidation_that_grows_the_deficit_fails():
    """Account 1 (below MM with u 0 at 80) has 1 of its long calls (value 10, MM 0) sold at 9, within liq_band of
    u 1 = 60: its equity drops by 1 and its MM does not, so its deficit grows."""
    tr = cheat(("liq_worsens",), Liquidate(1, 3, 2, 1, 9), reports=(index(0, 80, 20),))
    assert_batch_unsat(tr, {}, f"op[{FULL}]/liquidate/liq_worsens/range/sum")


def test_a_settle_cannot_claim_another_settlement_price():
    """Instrument 2 settled at 70 in the batch: a settle reading 200 from its leaf contradicts the tree."""
    assert_batch_unsat(VALID["settle"](), {f"op[{FULL}]/instrument/leaf/settle_price": 200},
                       f"op[{FULL}]/instrument/old_root")
