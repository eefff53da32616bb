"""The derivatives rules of docs/protocol.md section 10 as constraints, one function per rule (full slots only).

Like rules.py: each rule of op X is gated by X's selector and labelled
with the state machine's rule name (state/protocol.RULES), inside the
op's namespace (``op[i]/liquidate/liq_price/...``). The wires they read
come from slot_derivatives.py (the instrument, the position slots, the
margin evaluations ``s.units``) and slot.py (orders, accounts, terms).
Rules that hold by construction of the slot layout:

- ``instrument_listed`` (dplace, liquidate, settle) and ``instrument_free``
  (list): the instrument's old leaf is H(terms), resp. 0, and must be
  found in the tree (``instrument/old_root``).
- ``positions_full``, ``size_range``: circuits/positions.update_position
  (``acct[j]/position/positions_full``, ``.../size_range``).
- ``cash_range``: every new cash is range-checked to 96 bits by its
  account's margin evaluation (``margin_eval/acct[j]/after/cash_range``).
- ``price_stale``: a used slot of an enabled evaluation needs a fresh
  price (``margin_eval/.../slot[k]/price_stale``).
- ``side_value``, ``qty_exceeds_remaining``, ``order_exists``,
  ``slot_free``: the order updates, as for place and fill.

Also here: the op's moves of sizes (``position_move``) and cash
(``cash_move``), which slot_derivatives.py applies.
"""

from __future__ import annotations

from ..state.margin import BP
from ..state.signed import AMOUNT_BITS, CASH_BITS, SIZE_BITS
from .cs import LC, ConstraintSystem
from .gadgets.bits import range_check
from .gadgets.compare import assert_equal_if, assert_le_if, assert_nonzero_if
from .gadgets.signed import abs_value, is_nonnegative, shrinks_toward_zero
from .margin import MARGIN_BITS, below_mm, deficit_bp, meets_im
from .margin_rules import liq_worsens, margin_im, not_liquidatable
from .market import PRICE_BITS, TIME_BITS
from .slot_wires import Slot, value_by_op

LIQ_BAND_BITS = 82  # 10^4 |price - v| < 2^78 and liq_band * S < 2^81


# -- moves ------------------------------------------------------------------------------------
def position_move(cs: ConstraintSystem, s: Slot, a: int, held: LC) -> LC:
    """The size change of account update a, given its size ``held`` in the instrument before.

    acct[0]: dfill buyer +qty, liquidator +d, settle -q (closes the slot);
    acct[1]: dfill seller -qty, liquidated account -d, with
    d = sign(q) * qty from the liquidated account's size q (acct[1]'s
    ``held``, so account 1 is updated first).
    """
    f = s.field
    qty = s.field("dfill", "qty")
    if a == 1:
        s.t["q1"] = held
        with cs.namespace("direction"):
            magnitude, nonneg = abs_value(cs, held, SIZE_BITS, "abs_q")
            s.t["abs_q1"] = magnitude
            s.t["liq_d"] = cs.mul(2 * nonneg - 1, f("liquidate", "qty"), "d")
        return -value_by_op(cs, s, {"dfill": qty, "liquidate": s.t["liq_d"]}, "size_move")
    s.t["q0"] = held
    return value_by_op(cs, s, {"dfill": qty, "liquidate": s.t["liq_d"], "settle": -held}, "size_move")


def cash_move(cs: ConstraintSystem, s: Slot, a: int) -> LC:
    """The cash change of account update a (account 0 first).

    acct[0]: margin +amount, dfill buyer -qty*p, liquidator -d*price,
    settle +q*v(P); acct[1]: dfill seller +qty*p, liquidated account
    +d*price (p the maker's price).
    """
    f = s.field
    if a == 0:
        s.t["liq_cash"] = cs.mul(s.t["liq_d"], f("liquidate", "price"), "liq_cash")
        s.t["settle_cash"] = cs.mul(s.t["q0"], s.t["value"], "settle_cash")
        moved = value_by_op(cs, s, {"margin": f("margin", "amount"), "dfill": -s.t["trade_quote"],
                                    "liquidate": -s.t["liq_cash"], "settle": s.t["settle_cash"]}, "cash_move")
    else:
        moved = value_by_op(cs, s, {"dfill": s.t["trade_quote"], "liquidate": s.t["liq_cash"]}, "cash_move")
    s.t[f"cash_after[{a}]"] = s.acct[a].cash + moved
    return moved


# -- list -------------------------------------------------------------------------------------
def list_instrument(cs: ConstraintSystem, s: Slot) -> None:
    """list: id >= 1; the new leaf is the op's terms with settle_price 0; kind, strike, expiry rules. Costs ~150.

    ``list_underlying`` (u < U) is the instrument's one-hot selector
    (slot_derivatives.instrument_access); expiry < 2^32 is checked for
    every instrument the slot touches (listed ones all satisfy it).
    """
    assert s.inst is not None
    lst, f, leaf, time = s.sel["list"], s.field, s.inst.leaf, s.market.time
    with cs.namespace("list"):
        assert_nonzero_if(cs, lst, s.inst.id, "id_range")
        cs.enforce(lst, leaf.kind.code - f("list", "kind"), 0, "list_kind/code")
        cs.enforce(lst, 1 - leaf.kind.any, 0, "list_kind/real")
        assert_equal_if(cs, lst, leaf.underlying, f("list", "underlying"), "underlying")
        assert_equal_if(cs, lst, leaf.strike, f("list", "strike"), "strike")
        assert_equal_if(cs, lst, leaf.expiry, f("list", "expiry"), "expiry")
        assert_equal_if(cs, lst, leaf.settle_price, 0, "settle_price")
        future = cs.mul(lst, leaf.kind.future, "future")
        option = cs.mul(lst, leaf.kind.option, "option")
        assert_equal_if(cs, future, leaf.strike, 0, "list_strike/future")
        range_check(cs, cs.mul(option, leaf.strike, "option_strike"), PRICE_BITS, "list_strike/range")
        assert_nonzero_if(cs, option, leaf.strike, "list_strike/nonzero")
        range_check(cs, cs.mul(lst, leaf.expiry - time - 1, "expiry_gap"), TIME_BITS, "list_expiry/after")
        range_check(cs, leaf.expiry, TIME_BITS, "list_expiry/range")


def instrument_live(cs: ConstraintSystem, s: Slot) -> None:
    """dplace, dfill, liquidate: T < expiry (both below 2^32). Costs 34."""
    assert s.inst is not None
    trading = s.any("dplace", "dfill", "liquidate")
    gap = cs.mul(trading, s.inst.leaf.expiry - s.market.time - 1, "instrument_live/gap")
    range_check(cs, gap, TIME_BITS, "instrument_live")


def instrument_settled(cs: ConstraintSystem, s: Slot) -> None:
    """settle: the instrument has a settlement price. Costs 2."""
    assert s.inst is not None
    assert_nonzero_if(cs, s.sel["settle"], s.inst.leaf.settle_price, "settle/instrument_settled")


# -- margin transfers --------------------------------------------------------------------------
def margin_amount(cs: ConstraintSystem, s: Slot) -> None:
    """margin: 0 < |amount| < 2^64, and its direction ``s.t["margin_out"]`` (1 for amount < 0). Costs 70.

    Checked before the balance leg moves it, so an amount outside the
    bound fails here, at its own rule.
    """
    m, amount = s.sel["margin"], s.field("margin", "amount")
    with cs.namespace("margin"):
        nonneg = is_nonnegative(cs, cs.mul(m, amount, "gated"), AMOUNT_BITS, "amount_range")
        s.t["margin_out"] = 1 - nonneg
        assert_nonzero_if(cs, m, amount, "amount_positive")


def margin_transfer(cs: ConstraintSystem, s: Slot) -> None:
    """margin: moving out (amount < 0) needs cash + amount >= 0. Costs 98.

    A transfer out also needs IM afterwards (``margin_checks``). The leg on
    the collateral balance is rules.balance_moves'.
    """
    with cs.namespace("margin"):
        range_check(cs, cs.mul(s.t["margin_out"], s.t["cash_after[0]"], "cash_left"), CASH_BITS,
                    "insufficient_cash")


# -- derivatives orders and trades ---------------------------------------------------------------
def price_range(cs: ConstraintSystem, s: Slot) -> None:
    """dplace and liquidate: price < 2^64 (one check on their shared field). Costs 66."""
    price = s.shared(("dplace", "price"), ("liquidate", "price"))
    range_check(cs, cs.mul(s.any("dplace", "liquidate"), price, "price_range/gated"), PRICE_BITS, "price_range")


def dplace_values(cs: ConstraintSystem, s: Slot) -> None:
    """dplace: price >= 1, 1 <= qty < 2^40. Costs 45."""
    d, f = s.sel["dplace"], s.field
    with cs.namespace("dplace"):
        assert_nonzero_if(cs, d, f("dplace", "price"), "price_positive")
        assert_nonzero_if(cs, d, f("dplace", "qty"), "qty_positive")
        range_check(cs, cs.mul(d, f("dplace", "qty"), "gated_qty"), SIZE_BITS, "qty_range")


def dfill_orders(cs: ConstraintSystem, s: Slot) -> None:
    """dfill: both orders are derivatives orders on one instrument, of two different accounts. Costs 7."""
    x = s.sel["dfill"]
    taker, maker = s.ord[0].old, s.ord[1].old
    with cs.namespace("dfill"):
        assert_nonzero_if(cs, x, taker["instrument"], "order_kind/taker")
        assert_nonzero_if(cs, x, maker["instrument"], "order_kind/maker")
        assert_equal_if(cs, x, taker["instrument"], maker["instrument"], "same_market")
        assert_nonzero_if(cs, x, s.t["buyer"] - s.t["seller"], "self_trade")


def liquidation_terms(cs: ConstraintSystem, s: Slot) -> None:
    """liquidate: another account; it holds q != 0; 1 <= qty <= |q|; the price is within liq_band. Costs ~260.

    liq_price: 10^4 * |price - v(S)| <= liq_band * S with S the index
    price of the instrument's underlying (fresh: the account's evaluation
    before checks it) and v its contract value at S.
    """
    liq, f = s.sel["liquidate"], s.field
    qty = f("liquidate", "qty")
    with cs.namespace("liquidate"):
        assert_nonzero_if(cs, liq, f("liquidate", "account") - f("liquidate", "liquidator"), "self_liquidation")
        assert_nonzero_if(cs, liq, s.t["q1"], "position_held")
        range_check(cs, cs.mul(liq, qty - 1, "qty_less_one"), SIZE_BITS, "qty_positive")
        range_check(cs, cs.mul(liq, s.t["abs_q1"] - qty, "qty_left"), SIZE_BITS, "qty_exceeds_position")
        with cs.namespace("liq_price"):
            diff = cs.mul(liq, f("liquidate", "price") - s.t["value"], "diff")
            distance, _ = abs_value(cs, diff, PRICE_BITS, "abs")
            band = cs.mul(s.market.cfg.liq_band, s.t["index_price"], "band")
            assert_le_if(cs, liq, BP * distance, band, LIQ_BAND_BITS, "within")


def settle_position(cs: ConstraintSystem, s: Slot) -> None:
    """settle: the account holds the instrument (its cash move and the freed slot are the moves'). Costs 2."""
    assert_nonzero_if(cs, s.sel["settle"], s.t["q0"], "settle/position_held")


# -- margin --------------------------------------------------------------------------------------
def margin_checks(cs: ConstraintSystem, s: Slot) -> None:
    """The rules judged on the slot's three margin evaluations (the op table's ``margin`` rows).

    acct[0] after: ``margin_im`` for a margin transfer out, the dfill buyer
    (or it only shrank its position and is not below MM) and the
    liquidator. acct[1] after: ``margin_im`` for the dfill seller (same
    exception), and the liquidated account's deficit after. acct[1]
    before: ``not_liquidatable`` (below MM) and its deficit before
    (``liq_worsens``). Each evaluation checks price staleness only when
    enabled by its op. Costs 5 comparisons (655), 2 shrink tests (266),
    liq_worsens 130, and the evaluations themselves.
    """
    m = s.market
    sel = s.sel
    enabled = {"acct[0]/after": s.t["margin_out"] + s.any("dfill", "liquidate"),
               "acct[1]/after": s.any("dfill", "liquidate"), "acct[1]/before": s.any("liquidate")}
    figures: dict[str, dict[str, LC]] = {}
    for key, unit in s.units.items():
        with cs.namespace(f"margin_eval/{key}"):
            args = (cs, unit, m.oracle, m.time, m.cfg, enabled[key])
            figures[key] = {"deficit": deficit_bp(*args), "below_mm": below_mm(*args)}
            if key.endswith("after"):
                figures[key]["meets_im"] = meets_im(*args)
    for a in (0, 1):
        update = s.pos[a].update
        assert update is not None
        with cs.namespace(f"acct[{a}]"):
            shrinks = shrinks_toward_zero(cs, update.old_size, update.new_size, SIZE_BITS, "shrinks")
            after = figures[f"acct[{a}]/after"]
            margin_im(cs, enabled[f"acct[{a}]/after"] if a == 0 else sel["dfill"], after["meets_im"],
                      after["below_mm"], cs.mul(sel["dfill"], shrinks, "dfill_shrinks"), name="margin_im")
    with cs.namespace("liquidate"):
        before, after1 = figures["acct[1]/before"], figures["acct[1]/after"]
        not_liquidatable(cs, sel["liquidate"], before["below_mm"])
        liq_worsens(cs, sel["liquidate"], before["deficit"], after1["deficit"])
    assert MARGIN_BITS >= 128


def apply_all(cs: ConstraintSystem, s: Slot) -> None:
    """The derivatives rules judged once the accounts' moves are known (margin_amount and
    dfill_orders run earlier, before the updates they guard)."""
    list_instrument(cs, s)
    instrument_live(cs, s)
    instrument_settled(cs, s)
    price_range(cs, s)
    dplace_values(cs, s)
    margin_transfer(cs, s)
    liquidation_terms(cs, s)
    settle_position(cs, s)
    margin_checks(cs, s)
