"""dfill's and liquidate's margin rules over the margin gadget, against their native one-liners.

Short 2 calls K 90 at S 100 (defaults): IM 300,000 bp (met from cash 50),
MM 150,000 bp (not below from cash 35). The cases issue 14 names: a fill
leaving a party one unit below IM, the reducing-trade exception, a
liquidation of an account at exactly MM, a liquidation that worsens the deficit.
"""

from __future__ import annotations

import pytest

from zkob.circuits.config import alloc_config
from zkob.circuits.gadgets.signed import shrinks_toward_zero
from zkob.circuits.margin import AccountWires, below_mm, deficit_bp, meets_im
from zkob.circuits.margin_rules import liq_worsens, margin_im, not_liquidatable
from zkob.circuits.market import alloc_oracle
from zkob.circuits.positions import alloc_slots
from zkob.state import margin as m
from zkob.state.config import Config
from zkob.state.instruments import CALL
from zkob.state.oracle import OracleEntry
from zkob.state.positions import MarginAccount, Position, shrinks_toward_zero as native_shrinks
from zkob.state.signed import SIZE_BITS, to_field

from .helpers import assert_sat, assert_unsat

CFG = Config()
ORACLE = (OracleEntry(), OracleEntry(100, 990))
T, P = 1000, 2


def calls(cash: int, size: int) -> MarginAccount:
    return MarginAccount(cash, (Position(1, CALL, 1, 90, 5000, size), None))


def account(cs, name, acct):
    with cs.namespace(name):
        return AccountWires(cs.alloc("cash", lambda: to_field(acct.cash)), alloc_slots(cs, P, lambda: acct.slots))


def setup(cs):
    return alloc_config(cs, 0, 1, lambda: CFG), alloc_oracle(cs, 2, lambda: ORACLE), cs.alloc("time", lambda: T)


def dfill_circuit(after: MarginAccount, old_size: int):
    def circuit(cs):
        cfg, oracle, t = setup(cs)
        a = account(cs, "party", after)
        en = cs.alloc("enabled", lambda: 1)
        with cs.namespace("check"):
            im = meets_im(cs, a, oracle, t, cfg, en)
            below = below_mm(cs, a, oracle, t, cfg, en)
            shrank = shrinks_toward_zero(cs, cs.alloc("old_size", lambda: to_field(old_size)), a.slots[0].size,
                                         SIZE_BITS)
            margin_im(cs, en, im, below, shrank)
    return circuit


def native_dfill_ok(after: MarginAccount, old_size: int) -> bool:
    return m.meets_im(after, ORACLE, T, CFG) or (native_shrinks(old_size, after.slots[0].size)
                                                 and not m.below_mm(after, ORACLE, T, CFG))


@pytest.mark.parametrize("cash,old,new", [
    (50, 0, -2),   # opens at IM exactly
    (49, 0, -2),   # opens one unit below IM
    (49, -3, -2),  # reduces, below IM, not below MM: allowed
    (35, -3, -2),  # reduces, exactly at MM: allowed
    (34, -3, -2),  # reduces, below MM: refused
    (49, -1, -2),  # grows, below IM: refused
    (49, 2, -2),   # flips sign, below IM: refused
])
def test_dfill_margin_im_matches_native(cash, old, new):
    after = calls(cash, new)
    if native_dfill_ok(after, old):
        assert_sat(dfill_circuit(after, old))
    else:
        assert_unsat(dfill_circuit(after, old), set={}, fails="check/margin_im")


def liquidate_circuit(before: MarginAccount, after: MarginAccount, liquidator: MarginAccount):
    def circuit(cs):
        cfg, oracle, t = setup(cs)
        b, a, q = account(cs, "before", before), account(cs, "after", after), account(cs, "liquidator", liquidator)
        en = cs.alloc("enabled", lambda: 1)
        with cs.namespace("check"):
            with cs.namespace("before"):
                not_liquidatable(cs, en, below_mm(cs, b, oracle, t, cfg, en))
                d_before = deficit_bp(cs, b, oracle, t, cfg, en)
            with cs.namespace("after"):
                d_after = deficit_bp(cs, a, oracle, t, cfg, en)
            liq_worsens(cs, en, d_before, d_after)
            with cs.namespace("liquidator"):
                margin_im(cs, en, meets_im(cs, q, oracle, t, cfg, en))
    return circuit


def liquidation(cash: int, price: int):
    """Account short 2 calls buys 1 back from the liquidator at ``price`` (d = -1)."""
    liquidator = MarginAccount(10**6 + price, (Position(1, CALL, 1, 90, 5000, -1), None))
    return calls(cash, -2), calls(cash - price, -1), liquidator


def test_liquidation_of_an_account_at_exactly_mm_is_refused():
    assert not m.below_mm(calls(35, -2), ORACLE, T, CFG)
    assert_unsat(liquidate_circuit(*liquidation(35, 10)), set={}, fails="check/before/not_liquidatable")
    assert_sat(liquidate_circuit(*liquidation(34, 10)))


@pytest.mark.parametrize("price", [10, 17, 18])
def test_liq_worsens_matches_native(price):
    before, after, liquidator = liquidation(34, price)
    grows = m.deficit_bp(after, ORACLE, T, CFG) > m.deficit_bp(before, ORACLE, T, CFG)
    assert grows == (price >= 18)  # deficit after = 10^4 price - 165,000; before 10,000
    if grows:
        assert_unsat(liquidate_circuit(before, after, liquidator), set={}, fails="check/liq_worsens/range/sum")
    else:
        assert_sat(liquidate_circuit(before, after, liquidator))


def test_liquidator_must_meet_im():
    """The liquidator, short 1 call K 90 after the op: IM 150,000 bp, value -10, so cash 25 meets it."""
    before, after, _ = liquidation(34, 10)
    slots = (Position(1, CALL, 1, 90, 5000, -1), None)
    assert m.meets_im(MarginAccount(25, slots), ORACLE, T, CFG)
    assert not m.meets_im(MarginAccount(24, slots), ORACLE, T, CFG)
    assert_sat(liquidate_circuit(before, after, MarginAccount(25, slots)))
    assert_unsat(liquidate_circuit(before, after, MarginAccount(24, slots)), set={},
                 fails="check/liquidator/margin_im")
