"""Every rule of DESIGN section 10: its violation is rejected by name with the state unchanged, and the
value just inside each bound is accepted (the venue of state_helpers.opened_venue: accounts 1-6, a
future and a call (strike 100) on u0 at 100, a put (strike 50) on u1 at 40, time 100, max_age 60)."""

from __future__ import annotations

from dataclasses import replace

import pytest
from state_helpers import (CALL, DERIV, EXPIRY, FUT, PUT, Venue, batch, cancel, deposit, dfill, dplace, index, key,
                           liquidate, listing, margin, opened_venue, pk, place, settle, settlement, snapshot,
                           withdraw)

from zkob.state.api import apply_batch
from zkob.state.batchfile import Batch
from zkob.state.errors import Rejected
from zkob.state.ops import DPlace, ListInstrument
from zkob.state.ops import signing_message
from zkob.state.signing import sign_ops
from zkob.zk.eddsa import sign_poseidon
from zkob.zk.errors import MalformedInput

U64, S40 = 1 << 64, 1 << 40


@pytest.fixture(scope="module")
def template() -> Venue:
    return opened_venue()


@pytest.fixture
def v(template) -> Venue:
    return template.copy()


def _built(v: Venue, op, time=None) -> Batch:
    """A batch holding an op made in code (values the JSON form cannot express), signed for the venue."""
    from state_helpers import TEST_KEYS

    return Batch(sign_ops((op,), TEST_KEYS, v.state), 7, True, v.time if time is None else time)


# -- list ------------------------------------------------------------------------------------
def test_list_rules_and_their_edges(v):
    v.rejects("id_range", 0, listing(0, "future", 0, 0))
    v.rejects("id_range", 0, listing(8, "future", 0, 0))
    v.rejects("instrument_free", 0, listing(FUT, "future", 0, 0))
    v.rejects("list_underlying", 0, listing(4, "call", 2, 10))
    v.rejects("list_strike", 0, listing(4, "future", 0, 1))
    v.rejects("list_strike", 0, listing(4, "call", 0, 0))
    v.rejects("list_strike", 0, listing(4, "put", 0, U64))
    v.rejects("list_expiry", 0, listing(4, "put", 0, 10, expiry=v.time))
    v.rejects("list_expiry", 0, listing(4, "put", 0, 10, expiry=1 << 32))
    before = snapshot(v.state)
    with pytest.raises(Rejected) as info:
        apply_batch(v.state, _built(v, ListInstrument(4, 4, 0, 10, EXPIRY)))
    assert info.value.rule == "list_kind" and snapshot(v.state) == before
    t = v.run(listing(4, "put", 1, U64 - 1, expiry=v.time + 1), listing(5, "call", 1, 1, expiry=(1 << 32) - 1))
    assert v.state.instrument(4).strike == U64 - 1 and v.state.instrument(5).expiry == (1 << 32) - 1
    assert t.market != 0 and t.ops[0].instrument.old is None


# -- time and reports ---------------------------------------------------------------------------
def test_time_may_stay_but_never_goes_back(v):
    v.rejects("time_monotonic", -1, deposit(1, 1, 1), time=99)
    t = v.run(deposit(1, 1, 1), time=100)
    assert t.time == 100 and t.market == 0
    err = v.rejects("time_monotonic", -1, deposit(1, 1, 1), time=99)
    assert err.op_type == "time" and str(err).startswith("batch time rejected: rule time_monotonic")


def test_report_ts_must_be_newer_than_the_stored_and_not_after_the_batch_time(v):
    v.rejects("report_stale", 0, deposit(1, 1, 1), time=120, reports=(index(0, 101, 100),))  # ts == stored ts
    v.rejects("report_stale", 0, deposit(1, 1, 1), time=120, reports=(index(0, 101, 121),))  # ts == T + 1
    v.rejects("report_stale", 1, deposit(1, 1, 1), time=120,
              reports=(index(0, 101, 110), index(0, 102, 110)))  # the second is not newer than the first
    t = v.run(deposit(1, 1, 1), time=120, reports=(index(0, 101, 101), index(0, 102, 120)))  # stored + 1, then T
    assert v.state.market.oracle[0] == replace(v.state.market.oracle[0], price=102, ts=120)
    assert [r.kind for r in t.market_trace.reports] == ["index", "index"]


def test_exactly_the_quorum_of_ordered_committee_signatures(v):
    for signers in ((0,), (2,), (0, 1, 2), (1, 1)):  # quorum minus one, plus one; one member twice
        v.rejects("report_quorum", 0, deposit(1, 1, 1), time=110, reports=(index(0, 101, 110, signers),))
    ordered = index(0, 101, 110, (0, 2))
    v.rejects("report_quorum", 0, deposit(1, 1, 1), time=110, reports=(replace(ordered, sigs=ordered.sigs[::-1]),))
    twice = replace(ordered, sigs=(ordered.sigs[0], ordered.sigs[0]))
    v.rejects("report_quorum", 0, deposit(1, 1, 1), time=110, reports=(twice,))
    forged = index(0, 101, 110)
    forged = replace(forged, sigs=(forged.sigs[0], replace(forged.sigs[1], signer=3)))  # no member 3 (N = 3)
    v.rejects("report_quorum", 0, deposit(1, 1, 1), time=110, reports=(forged,))
    moved = replace(index(0, 101, 110), price=102)  # the signatures are of another price
    v.rejects("report_quorum", 0, deposit(1, 1, 1), time=110, reports=(moved,))
    for signers in ((0, 1), (0, 2), (1, 2)):
        v.copy().run(deposit(1, 1, 1), time=110, reports=(index(0, 101, 110, signers),))


def test_report_underlying_and_price_bounds(v):
    v.rejects("report_underlying", 0, deposit(1, 1, 1), time=110, reports=(index(2, 5, 110),))
    v.rejects("report_price", 0, deposit(1, 1, 1), time=110, reports=(index(0, 0, 110),))
    v.rejects("report_price", 1, deposit(1, 1, 1), time=110, reports=(index(1, 5, 110), index(0, U64, 110)))
    v.run(deposit(1, 1, 1), time=110, reports=(index(0, U64 - 1, 110), index(1, 1, 110)))
    with pytest.raises(MalformedInput, match="at most 2 reports"):
        batch(deposit(1, 1, 1), params=DERIV, time=110, reports=(index(0, 1, 101),) * 3)


def test_settlement_waits_for_expiry_happens_once_and_needs_a_listed_instrument(v):
    terms = v.state.instrument(CALL)
    v.rejects("settle_early", 0, deposit(1, 1, 1), time=EXPIRY - 1, reports=(settlement(CALL, 130, terms),))
    v.rejects("report_instrument", 0, deposit(1, 1, 1), time=EXPIRY, reports=(settlement(4, 130, terms),))
    v.rejects("report_instrument", 0, deposit(1, 1, 1), time=EXPIRY, reports=(settlement(0, 130, terms),))
    v.rejects("settle_twice", 1, deposit(1, 1, 1), time=EXPIRY,
              reports=(settlement(CALL, 130, terms), settlement(CALL, 131, terms)))
    v.rejects("report_price", 0, deposit(1, 1, 1), time=EXPIRY, reports=(settlement(CALL, 0, terms),))
    t = v.run(deposit(1, 1, 1), time=EXPIRY, reports=(settlement(CALL, 130, terms),))  # T == expiry: in time
    assert v.state.instrument(CALL).settle_price == 130 and t.market_trace.reports[1].report is None
    v.rejects("settle_twice", 0, deposit(1, 1, 1), reports=(settlement(CALL, 130, terms),))


# -- margin transfers ----------------------------------------------------------------------------------
def test_margin_amount_bounds_and_cover(v):
    v.rejects("amount_positive", 0, margin(1, 0))
    v.rejects("amount_range", 0, margin(1, U64))
    v.rejects("amount_range", 0, margin(1, -U64))
    v.rejects("insufficient_balance", 0, margin(1, U64 - 1))  # inside amount_range, beyond the balance
    balance, cash = v.state.balance(1, 1), v.cash(1)
    v.rejects("insufficient_balance", 0, margin(1, balance + 1))
    v.rejects("insufficient_cash", 0, margin(1, -(cash + 1)))
    t = v.run(margin(1, -cash), margin(2, balance))  # all of it out, all of it in: both edges accepted
    assert (v.cash(1), v.state.balance(1, 1)) == (0, balance + cash)
    assert (v.cash(2), v.state.balance(2, 1)) == (cash + balance, 0)
    assert [c.enabled for op in t.ops for c in op.margin] == [True, False]


def test_margin_out_keeps_initial_margin_exactly(v):
    v.run(*v.trade_ops(2, 1, FUT, 10, 100))  # account 1 short 10 at 100: IM 10 * 1000 * 100 bp = 100 units
    equity = v.cash(1) - 10 * 100
    v.rejects("margin_im", 0, margin(1, -(equity - 100 + 1)))
    t = v.run(margin(1, -(equity - 100)))
    assert v.cash(1) - 1000 == 100 and t.ops[0].margin[0].initial_bp == 10**4 * t.ops[0].margin[0].equity


def test_margin_out_needs_fresh_prices_margin_in_does_not(v):
    v.run(*v.trade_ops(1, 2, FUT, 1, 100))
    v.rejects("price_stale", 0, margin(1, -1), time=161)  # 61 s after the price
    v.copy().run(margin(1, -1), time=160)  # exactly max_age: still fresh
    v.run(margin(1, 5), time=161)  # no check, no price needed
    v.rejects("balance_overflow", 1, deposit(1, 1, str(U64 - v.state.balance(1, 1) - 4)), margin(1, -5), time=161)


# -- dplace ---------------------------------------------------------------------------------------------
def test_dplace_rules_and_edges(v):
    v.rejects("id_range", 0, dplace(1, 1, 8, "buy", 1, 1))
    v.rejects("instrument_listed", 0, dplace(1, 1, 0, "buy", 1, 1))  # id 0 is never listed
    v.rejects("account_exists", 0, dplace(1, 7, FUT, "buy", 1, 1))
    v.rejects("instrument_listed", 0, dplace(1, 1, 4, "buy", 1, 1))
    v.rejects("price_positive", 0, dplace(1, 1, FUT, "buy", 0, 1))
    v.rejects("qty_positive", 0, dplace(1, 1, FUT, "buy", 1, 0))
    v.rejects("price_range", 0, dplace(1, 1, FUT, "buy", U64, 1))
    v.rejects("qty_range", 0, dplace(1, 1, FUT, "buy", 1, S40))
    v.rejects("instrument_live", 0, dplace(1, 1, FUT, "buy", 1, 1), time=EXPIRY)
    v.rejects("slot_free", 1, dplace(1, 1, FUT, "buy", 1, 1), dplace(1, 2, FUT, "buy", 1, 1))
    before = snapshot(v.state)
    with pytest.raises(Rejected) as info:
        apply_batch(v.state, _built(v, DPlace(1, 1, FUT, 2, 1, 1)))
    assert info.value.rule == "side_value" and snapshot(v.state) == before
    t = v.run(dplace(1, 1, FUT, "buy", U64 - 1, S40 - 1), time=EXPIRY - 1)
    order = v.state.order(1)
    assert (order.base, order.quote, order.instrument, order.remaining) == (0, 0, FUT, S40 - 1)
    (a,) = t.ops[0].accounts
    assert a.legs == () and a.new.nonce == a.old.nonce + 1 and a.new.balances_root == a.old.balances_root


@pytest.mark.parametrize("op", [dplace(1, 1, FUT, "buy", 1, 1), margin(1, 5), liquidate(2, 1, FUT, 1, 100)],
                         ids=["dplace", "margin", "liquidate"])
def test_signed_derivatives_ops_need_the_signers_signature_for_this_venue(v, op):
    good = v.batch(op)
    signer = 1  # the account of dplace and margin, the liquidator of a liquidate
    nonce, venue = v.state.account(signer).nonce, v.state.params.config.venue_id
    for sig in (None, sign_poseidon(key(signer), signing_message(good.ops[0], nonce, venue + 1)),
                sign_poseidon(key(2), signing_message(good.ops[0], nonce, venue))):
        before = snapshot(v.state)
        with pytest.raises(Rejected) as info:
            apply_batch(v.state, Batch((replace(good.ops[0], sig=sig),), 5, True, v.time))
        assert info.value.rule == "signature_invalid" and snapshot(v.state) == before
    if op["op"] != "liquidate":  # account 2 is solvent: the liquidate would be not_liquidatable
        apply_batch(v.state, good)


def test_a_derivatives_cancel_refunds_nothing_and_bumps_the_nonce(v):
    v.run(dplace(1, 1, CALL, "buy", 7, 3))
    balances, nonce = list(v.state.balances()), v.state.account(1).nonce
    t = v.run(cancel(1, 1))
    (a,) = t.ops[0].accounts
    assert v.state.order(1) is None and list(v.state.balances()) == balances
    assert (a.legs[0].asset, a.legs[0].old_amount, a.legs[0].new_amount) == (0, 0, 0)
    assert v.state.account(1).nonce == nonce + 1


# -- dfill ---------------------------------------------------------------------------------------------------
def test_dfill_order_rules(v):
    v.run(dplace(1, 1, FUT, "buy", 100, 5), dplace(2, 2, FUT, "sell", 101, 5), dplace(3, 3, CALL, "sell", 5, 5),
          dplace(4, 4, FUT, "buy", 99, 5))
    v.run(place(5, 5, 2, 1, "buy", 1, 1))
    v.rejects("id_range", 0, dfill(8, 1, 1))
    v.rejects("distinct_orders", 0, dfill(1, 1, 1))
    v.rejects("order_exists", 0, dfill(6, 1, 1))
    v.rejects("order_kind", 0, dfill(5, 2, 1))
    v.rejects("order_kind", 0, {"op": "fill", "taker": 5, "maker": 2, "qty": 1})  # and fill never takes them
    v.rejects("same_market", 0, dfill(1, 3, 1))
    v.rejects("opposite_sides", 0, dfill(1, 4, 1))
    v.rejects("price_cross", 0, dfill(1, 2, 1))
    v.run(dplace(6, 1, FUT, "sell", 99, 2))
    v.rejects("self_trade", 0, dfill(6, 1, 1))
    v.rejects("qty_positive", 0, dfill(6, 4, 0))
    v.rejects("qty_exceeds_remaining", 0, dfill(6, 4, 3))
    v.rejects("instrument_live", 0, dfill(6, 4, 1), time=EXPIRY)
    t = v.run(dfill(6, 4, 2))  # at the maker's price, 99
    assert (v.size(1, FUT), v.size(4, FUT)) == (-2, 2) and v.state.order(6) is None
    assert v.state.order(4).remaining == 3 and t.ops[0].instrument.old == v.state.instrument(FUT)


def test_a_fill_at_exactly_initial_margin_passes_and_one_unit_less_fails(v):
    """Long 10 futures at 100 needs IM 10 * 1000 * 100 bp = 100 units of equity after the trade."""
    v.run(deposit(7, 1, 1000, pk(7)), margin(7, 99))
    v.rejects("margin_im", 2, *v.trade_ops(7, 1, FUT, 10, 100))
    t = v.run(margin(7, 1), *v.trade_ops(7, 1, FUT, 10, 100))
    buyer = t.ops[3].margin[0]
    assert (10**4 * buyer.equity, buyer.initial_bp) == (1_000_000, 1_000_000) and buyer.meets_im


def test_the_reducing_trade_exception(v):
    """Below IM but at or above MM, a trade that only shrinks the position passes; below MM or flipping, not."""
    v.run(deposit(7, 1, 1000, pk(7)), margin(7, 100))
    v.run(*v.trade_ops(7, 1, FUT, 10, 100))  # account 7: long 10, equity 100 = IM at 100
    v.run(deposit(7, 1, 1), time=101, reports=(index(0, 95, 101),))  # equity 50: IM 95, MM 47.5
    # sell 5 at 90: cash -450, equity 25 (250000 bp) < IM 475000, >= MM 237500: shrank, passes
    keep = v.copy()
    keep.run(*keep.trade_ops(1, 7, FUT, 5, 90))
    assert keep.size(7, FUT) == 5
    v.rejects("margin_im", 2, *v.trade_ops(1, 7, FUT, 5, 89))  # equity 20: below MM 237500
    v.rejects("margin_im", 2, *v.trade_ops(1, 7, FUT, 11, 90))  # flips to short 1 (equity -5): no exception
    out = v.copy()
    out.run(*out.trade_ops(1, 7, FUT, 10, 90))  # reaching 0 counts as shrinking
    assert out.size(7, FUT) == 0 and out.state.account(7).slots == (None, None)


def test_a_fill_needs_fresh_prices_for_every_slot_in_use(v):
    v.run(*v.trade_ops(1, 2, PUT, 1, 3))  # u1's price is from time 100
    v.rejects("price_stale", 2, *v.trade_ops(1, 2, FUT, 1, 100), time=161)
    v.run(*v.trade_ops(1, 2, FUT, 1, 100), time=160)


def test_positions_full_and_size_and_cash_ranges(v):
    v.run(*v.trade_ops(1, 2, FUT, 1, 100))
    v.run(*v.trade_ops(1, 2, CALL, 1, 5))
    err = v.rejects("positions_full", 2, *v.trade_ops(1, 3, PUT, 1, 3))  # account 1 holds P = 2 positions
    assert "all 2 position slots" in str(err)
    w = opened_venue({5: 10**6})
    w.run(deposit(6, 1, 10**15), margin(6, 10**15))  # short puts of size 2^40 - 1 need IM of 6.6 * 10^12
    w.run(*w.trade_ops(5, 6, PUT, S40 - 1, 1))  # long puts need no IM: the largest size is accepted
    assert (w.size(5, PUT), w.size(6, PUT)) == (S40 - 1, -(S40 - 1))
    w.rejects("size_range", 2, *w.trade_ops(5, 6, PUT, 1, 1))
    w.rejects("cash_range", 2, *w.trade_ops(4, 3, CALL, 1 << 39, 1 << 58))  # qty * price = 2^97


def test_dfill_conserves_cash_and_sizes(v):
    cash = sum(leaf.cash for _, leaf in v.state.accounts())
    v.run(*v.trade_ops(1, 2, FUT, 7, 103))
    v.run(*v.trade_ops(3, 1, FUT, 2, 97))
    assert sum(leaf.cash for _, leaf in v.state.accounts()) == cash
    assert v.size(1, FUT) + v.size(2, FUT) + v.size(3, FUT) == 0 and v.size(1, FUT) == 5


# -- liquidate ------------------------------------------------------------------------------------------
def _short_at(margin_in: int) -> Venue:
    """Account 7 short 10 futures sold at 100 with ``margin_in`` of cash before the trade."""
    w = opened_venue()
    w.run(deposit(7, 1, 10_000, pk(7)), margin(7, margin_in))
    w.run(*w.trade_ops(1, 7, FUT, 10, 100))
    return w


def test_an_account_at_exactly_maintenance_margin_is_not_liquidatable_one_unit_below_is():
    """Short 10 at 100 with 155 margin: at index 110 equity is 55 and MM 10 * 500 * 110 bp = 55."""
    at = _short_at(155)
    at.run(deposit(1, 1, 1), time=110, reports=(index(0, 110, 110),))
    at.rejects("not_liquidatable", 0, liquidate(7, 1, FUT, 1, 110))
    below = _short_at(154)
    below.run(deposit(1, 1, 1), time=110, reports=(index(0, 110, 110),))
    t = below.run(liquidate(7, 1, FUT, 1, 110))
    before, after, liquidator = t.ops[0].margin
    assert (10**4 * before.equity, before.maintenance_bp) == (540_000, 550_000) and before.below_mm
    assert after.deficit_bp <= before.deficit_bp and liquidator.meets_im
    assert (below.size(7, FUT), below.size(1, FUT)) == (-9, 9)  # the liquidator takes over a short contract


def test_the_liquidation_band_edges():
    """v(S) = 110 for the future; liq_band 300 bp of 110 = 3.3: prices 107 (diff 3) .. 113 inside."""
    w = _short_at(100)
    w.run(deposit(1, 1, 1), time=110, reports=(index(0, 110, 110),))
    w.rejects("liq_price", 0, liquidate(7, 1, FUT, 1, 114))
    w.rejects("liq_price", 0, liquidate(7, 1, FUT, 1, 106))
    w.copy().run(liquidate(7, 1, FUT, 1, 113))
    w.copy().run(liquidate(7, 1, FUT, 1, 107))
    w.rejects("price_range", 0, liquidate(7, 1, FUT, 1, U64))


def test_liquidation_rules(v):
    w = _short_at(100)
    w.run(deposit(1, 1, 1), time=110, reports=(index(0, 110, 110),))
    w.rejects("self_liquidation", 0, liquidate(7, 7, FUT, 1, 110))
    w.rejects("account_exists", 0, liquidate(7, 0, FUT, 1, 110))
    w.rejects("id_range", 0, liquidate(8, 1, FUT, 1, 110))
    w.rejects("instrument_listed", 0, liquidate(7, 1, 4, 1, 110))
    w.rejects("position_held", 0, liquidate(7, 1, CALL, 1, 10))
    w.rejects("qty_positive", 0, liquidate(7, 1, FUT, 0, 110))
    w.rejects("qty_exceeds_position", 0, liquidate(7, 1, FUT, 11, 110))
    w.rejects("price_stale", 0, liquidate(7, 1, FUT, 1, 110), time=171)
    w.rejects("instrument_live", 0, liquidate(7, 1, FUT, 1, 110), time=EXPIRY)
    w.run(*[listing(i, "put", 1, 10) for i in (4, 5)])
    w.run(*w.trade_ops(3, 2, 4, 1, 1))
    w.run(*w.trade_ops(3, 2, 5, 1, 1))  # account 3 now holds two puts: no slot for the future
    w.rejects("positions_full", 0, liquidate(7, 3, FUT, 1, 110))
    w.run(deposit(6, 1, 1))
    thin = w.copy()
    thin.run(margin(6, -(thin.cash(6) - 10)))  # account 6 keeps 10 of cash: IM of 10 futures at 110 is 110
    thin.rejects("margin_im", 0, liquidate(7, 6, FUT, 10, 110))
    t = w.run(liquidate(7, 6, FUT, 10, 110))
    assert w.size(7, FUT) == 0 and w.size(6, FUT) == -10 and t.ops[0].auth.account == 6


def test_a_liquidation_that_makes_the_deficit_grow_is_refused():
    """Selling an account's long call below its value lowers equity and frees no MM (long options have none)."""
    w = opened_venue({a: 10**6 for a in (1, 2, 3)})
    w.run(deposit(7, 1, 10**6, pk(7)), margin(7, 100))
    w.run(*w.trade_ops(7, 1, CALL, 2, 1))  # long 2 calls for 2
    w.run(*w.trade_ops(2, 7, FUT, 5, 100))  # and short 5 futures: cash 598, equity 98 >= IM 50
    w.run(deposit(1, 1, 1), time=110, reports=(index(0, 200, 110),))  # equity 598 - 1000 + 200 < 0: below MM
    # v(call) = 100; band 300 bp of 200 = 6: 94 is inside the band, but the deficit grows by 10^4 * 6
    w.rejects("liq_worsens", 0, liquidate(7, 3, CALL, 1, 94))
    t = w.run(liquidate(7, 3, CALL, 1, 100))  # at the value the deficit does not grow
    before, after, _ = t.ops[0].margin
    assert after.deficit_bp == before.deficit_bp


def test_liquidate_conserves_cash_and_sizes():
    w = _short_at(154)
    w.run(deposit(1, 1, 1), time=110, reports=(index(0, 110, 110),))
    cash = sum(leaf.cash for _, leaf in w.state.accounts())
    w.run(liquidate(7, 2, FUT, 3, 112))
    assert sum(leaf.cash for _, leaf in w.state.accounts()) == cash
    assert sum(w.size(a, FUT) for a in range(1, 8)) == 0


# -- settle, cash_negative ------------------------------------------------------------------------------------
def test_settlement_pays_each_holder_and_frees_the_slot(v):
    v.run(*v.trade_ops(1, 2, FUT, 3, 100))
    v.run(*v.trade_ops(3, 4, CALL, 2, 7))
    v.run(*v.trade_ops(5, 6, PUT, 4, 12))
    v.rejects("instrument_settled", 0, settle(1, FUT))
    reports = tuple(settlement(i, 130, v.state.instrument(i)) for i in (FUT, CALL))
    v.run(deposit(1, 1, 1), time=EXPIRY, reports=reports)
    v.run(deposit(1, 1, 1), reports=(settlement(PUT, 30, v.state.instrument(PUT), (1, 2)),))
    v.rejects("position_held", 0, settle(5, CALL))
    v.rejects("account_exists", 0, settle(7, FUT))
    v.rejects("instrument_listed", 0, settle(1, 4))
    total = sum(leaf.cash for _, leaf in v.state.accounts())
    cash = {a: v.cash(a) for a in range(1, 7)}
    v.run(settle(1, FUT), settle(2, FUT), settle(3, CALL), settle(4, CALL))
    v.run(settle(5, PUT), settle(6, PUT))
    paid = {a: v.cash(a) - cash[a] for a in range(1, 7)}
    assert paid == {1: 3 * 130, 2: -3 * 130, 3: 2 * 30, 4: -2 * 30, 5: 4 * 20, 6: -4 * 20}
    assert sum(leaf.cash for _, leaf in v.state.accounts()) == total  # every holder settled: sums to 0
    assert all(leaf.slots == (None, None) for _, leaf in v.state.accounts())


def test_withdrawals_wait_while_cash_is_negative(v):
    w = opened_venue({1: 10**6, 2: 50})
    w.run(*w.trade_ops(1, 2, FUT, 1, 100))  # account 2 short 1 at 100 with 50 of margin: cash 150
    w.run(deposit(1, 1, 1), time=EXPIRY, reports=(settlement(FUT, 200, w.state.instrument(FUT)),))
    w.run(settle(2, FUT))
    assert w.cash(2) == 150 - 200
    w.rejects("cash_negative", 0, withdraw(2, 2, 1))
    w.rejects("cash_negative", 1, margin(2, 49), withdraw(2, 1, 1))
    w.run(margin(2, 50), withdraw(2, 1, 1))  # cash 0 again: withdrawals resume
    assert w.cash(2) == 0
