"""The native margin engine against hand-computed figures (DESIGN.md section 10).

Default rates: im_future 1000, mm_future 500, opt_a 1500, opt_b 1000,
opt_mm 750 (bp). Index price S = 100 unless stated.
"""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from zkob.state import margin as m
from zkob.state.config import Config
from zkob.state.instruments import CALL, FUTURE, PUT
from zkob.state.oracle import OracleEntry
from zkob.state.positions import MarginAccount, Position

CFG = Config()
T = 1000
ORACLE = (OracleEntry(), OracleEntry(100, 990), OracleEntry(7, 1))


def pos(kind, strike, size, underlying=1, instrument=1):
    return Position(instrument, kind, underlying, strike, 5000, size)


# kind, strike, size -> value (size * v), IM_bp, MM_bp at S = 100
CASES = [
    # futures: v = S; IM |q| * 1000 * S, MM |q| * 500 * S, long or short
    ("future long", FUTURE, 0, 3, 300, 300_000, 150_000),
    ("future short", FUTURE, 0, -3, -300, 300_000, 150_000),
    # call in the money (K 90): v 10, otm 0
    ("call ITM long", CALL, 90, 2, 20, 0, 0),
    ("call ITM short", CALL, 90, -2, -20, 2 * 150_000, 2 * 75_000),
    # call out of the money (K 120): v 0, otm 20: opt_a S - 10^4 otm = 150,000 - 200,000 < opt_b S
    ("call OTM long", CALL, 120, 2, 0, 0, 0),
    ("call OTM short", CALL, 120, -2, 0, 2 * 100_000, 2 * 75_000),
    # call slightly OTM (K 103): otm 3: 150,000 - 30,000 = 120,000 > 100,000
    ("call near short", CALL, 103, -1, 0, 120_000, 75_000),
    # put in the money (K 120): v 20, otm 0
    ("put ITM long", PUT, 120, 1, 20, 0, 0),
    ("put ITM short", PUT, 120, -1, -20, 150_000, 75_000),
    # put out of the money (K 90): v 0, otm 10: 150,000 - 100,000 = 50,000 < 100,000
    ("put OTM long", PUT, 90, 5, 0, 0, 0),
    ("put OTM short", PUT, 90, -5, 0, 5 * 100_000, 5 * 75_000),
    # put at the money: v 0, otm 0
    ("put ATM short", PUT, 100, -1, 0, 150_000, 75_000),
]


@pytest.mark.parametrize("name,kind,strike,size,value,im,mm", CASES, ids=[c[0] for c in CASES])
def test_slot_figures_by_hand(name, kind, strike, size, value, im, mm):
    slot = pos(kind, strike, size)
    assert m.slot_value(slot, 100) == value
    assert m.slot_initial_margin_bp(slot, 100, CFG) == im
    assert m.slot_maintenance_margin_bp(slot, 100, CFG) == mm


def test_value_and_otm_per_kind():
    assert [m.contract_value(k, 90, 100) for k in (FUTURE, CALL, PUT)] == [100, 10, 0]
    assert [m.contract_value(k, 120, 100) for k in (FUTURE, CALL, PUT)] == [100, 0, 20]
    assert [m.out_of_the_money(k, 90, 100) for k in (FUTURE, CALL, PUT)] == [0, 0, 10]
    assert [m.out_of_the_money(k, 120, 100) for k in (FUTURE, CALL, PUT)] == [0, 20, 0]


def test_account_sums_over_slots_in_use():
    slots = (pos(FUTURE, 0, 3), None, pos(CALL, 90, -2, instrument=2), pos(PUT, 90, -5, instrument=3))
    prices = [100, None, 100, 100]
    assert m.equity(-50, slots, prices) == -50 + 300 - 20 + 0
    assert m.initial_margin_bp(slots, prices, CFG) == 300_000 + 300_000 + 500_000
    assert m.maintenance_margin_bp(slots, prices, CFG) == 150_000 + 150_000 + 375_000


def test_meets_im_exactly_and_one_unit_below():
    # short 2 calls K 90: Equity = cash - 20, IM 300,000 bp = 30 units, MM 150,000 bp = 15 units
    slots = (pos(CALL, 90, -2), None)
    at_im = MarginAccount(50, slots)
    assert m.meets_im(at_im, ORACLE, T, CFG)
    assert not m.meets_im(MarginAccount(49, slots), ORACLE, T, CFG)
    at_mm = MarginAccount(35, slots)
    assert not m.below_mm(at_mm, ORACLE, T, CFG) and m.deficit_bp(at_mm, ORACLE, T, CFG) == 0
    below = MarginAccount(34, slots)
    assert m.below_mm(below, ORACLE, T, CFG) and m.deficit_bp(below, ORACLE, T, CFG) == 10_000
    assert m.deficit_bp(at_im, ORACLE, T, CFG) == 150_000 - 300_000


def test_negative_cash_and_long_options():
    # long 3 calls K 90 are worth 30; cash -30 leaves Equity 0, which meets IM 0 and is not below MM 0
    acct = MarginAccount(-30, (pos(CALL, 90, 3),))
    assert m.meets_im(acct, ORACLE, T, CFG) and not m.below_mm(acct, ORACLE, T, CFG)
    assert not m.meets_im(MarginAccount(-31, acct.slots), ORACLE, T, CFG)
    assert m.below_mm(MarginAccount(-31, acct.slots), ORACLE, T, CFG)


def test_price_stale_only_for_slots_in_use():
    empty = MarginAccount(-5, (None, None))
    assert not m.meets_im(empty, (), T, CFG) and m.deficit_bp(empty, (), T, CFG) == 50_000
    never = MarginAccount(0, (pos(FUTURE, 0, 1, underlying=0),))
    with pytest.raises(m.PriceStale, match="no index price") as err:
        m.meets_im(never, ORACLE, T, CFG)
    assert err.value.rule == "price_stale" and err.value.underlying == 0
    old = MarginAccount(0, (pos(FUTURE, 0, 1, underlying=2),))   # ts 1
    assert m.slot_price(old.slots[0], ORACLE, 61, 60) == 7          # T - ts = max_age: fresh
    with pytest.raises(m.PriceStale, match="61 s old"):
        m.slot_price(old.slots[0], ORACLE, 62, 60)
    for check in (m.meets_im, m.below_mm, m.deficit_bp):
        with pytest.raises(m.PriceStale):
            check(old, ORACLE, T, CFG)


def test_rates_come_from_the_config():
    cfg = Config(im_future=2000, mm_future=100, opt_a=3000, opt_b=10, opt_mm=1)
    assert m.slot_initial_margin_bp(pos(FUTURE, 0, -1), 100, cfg) == 200_000
    assert m.slot_maintenance_margin_bp(pos(FUTURE, 0, -1), 100, cfg) == 10_000
    assert m.slot_initial_margin_bp(pos(PUT, 90, -1), 100, cfg) == 300_000 - 100_000
    assert m.slot_maintenance_margin_bp(pos(PUT, 90, -1), 100, cfg) == 100


SLOT = st.builds(pos, st.sampled_from([FUTURE, CALL, PUT]), st.integers(0, 2**64 - 1),
                 st.integers(-(2**40) + 1, 2**40 - 1).filter(bool))


@given(st.lists(st.one_of(st.none(), SLOT), min_size=1, max_size=8), st.integers(-(2**96) + 1, 2**96 - 1),
       st.integers(1, 2**64 - 1))
@settings(max_examples=60, deadline=None)
def test_figures_stay_below_2_128_and_meeting_im_is_above_mm(slots, cash, price):
    oracle = (OracleEntry(), OracleEntry(price, T))
    acct = MarginAccount(cash, tuple(slots))
    prices = [None if s is None else price for s in slots]
    for figure in (m.BP * m.equity(cash, slots, prices), m.initial_margin_bp(slots, prices, CFG),
                   m.maintenance_margin_bp(slots, prices, CFG), m.deficit_bp(acct, oracle, T, CFG)):
        assert abs(figure) < 2**128
    if m.meets_im(acct, oracle, T, CFG):  # default rates have IM >= MM for every slot
        assert not m.below_mm(acct, oracle, T, CFG)
