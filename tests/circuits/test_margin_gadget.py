"""The margin gadget against state/margin.py: same figures on random accounts, exact edges, cheating witnesses."""

from __future__ import annotations

import ast
from dataclasses import replace
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import zkob.circuits.margin as circuit_margin
import zkob.state.margin as state_margin
from zkob.circuits.config import alloc_config, assert_config_ranges
from zkob.circuits.margin import AccountWires, below_mm, deficit_bp, meets_im
from zkob.circuits.market import alloc_oracle, time_monotonic
from zkob.circuits.positions import alloc_slots
from zkob.state import margin as m
from zkob.state.config import Config
from zkob.state.instruments import CALL, FUTURE, PUT
from zkob.state.oracle import OracleEntry
from zkob.state.positions import MarginAccount, Position
from zkob.state.signed import to_field
from zkob.zk.field import R

from .helpers import assert_sat, assert_unsat, build

U, P, T = 4, 4, 1000
CFG = Config()
ORACLE = (OracleEntry(), OracleEntry(100, 990), OracleEntry(7, 1), OracleEntry(2**64 - 1, T))


def signed_of(v: int) -> int:
    return v if v <= (R - 1) // 2 else v - R


def pos(kind, strike, size, underlying=1, instrument=1):
    return Position(instrument, kind, underlying, strike, 5000, size)


def margin_circuit(account, oracle=ORACLE, cfg=CFG, time=T, enabled=1, out=None, which=("im", "mm", "deficit")):
    def circuit(cs):
        c = alloc_config(cs, 0, 1, lambda: cfg)
        assert_config_ranges(cs, c)
        o = alloc_oracle(cs, U, lambda: oracle)
        t = cs.alloc("time", lambda: time)
        time_monotonic(cs, 0, t)
        a = AccountWires(cs.alloc("cash", lambda: to_field(account.cash)),
                         alloc_slots(cs, P, lambda: account.slots))
        en = cs.alloc("enabled", lambda: enabled)
        before = cs.n_constraints
        with cs.namespace("acct"):
            res = {}
            if "im" in which:
                res["im"] = meets_im(cs, a, o, t, c, en)
            if "mm" in which:
                res["mm"] = below_mm(cs, a, o, t, c, en)
            if "deficit" in which:
                res["deficit"] = deficit_bp(cs, a, o, t, c, en)
        if out is not None:
            out.update(res, cost=cs.n_constraints - before)
    return circuit


def check_against_native(account, oracle=ORACLE, cfg=CFG):
    out: dict = {}
    cs = assert_sat(margin_circuit(account, oracle, cfg, out=out))
    assert cs.value(out["im"]) == int(m.meets_im(account, oracle, T, cfg))
    assert cs.value(out["mm"]) == int(m.below_mm(account, oracle, T, cfg))
    assert signed_of(cs.value(out["deficit"])) == m.deficit_bp(account, oracle, T, cfg)


SLOT = st.builds(pos, st.sampled_from([FUTURE, CALL, PUT]), st.integers(0, 2**64 - 1),
                 st.integers(-(2**40) + 1, 2**40 - 1).filter(bool), st.sampled_from([1, 3]))


@st.composite
def accounts(draw):
    slots = draw(st.lists(st.one_of(st.none(), SLOT), min_size=P, max_size=P))
    slots = [None if s is None else Position(j + 1, s.kind, s.underlying, 0 if s.kind == FUTURE else s.strike,
                                             s.expiry, s.size) for j, s in enumerate(slots)]
    return MarginAccount(draw(st.integers(-(2**96) + 1, 2**96 - 1)), tuple(slots))


@given(accounts(), st.integers(1, 2**64 - 1), st.integers(0, 10**5), st.integers(0, 10**5))
@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
def test_random_accounts_match_native(account, price, opt_a, opt_b):
    oracle = (OracleEntry(), OracleEntry(price, 990), OracleEntry(), OracleEntry(price // 3 + 1, T))
    check_against_native(account, oracle, Config(opt_a=opt_a, opt_b=opt_b))


@pytest.mark.parametrize("cash", [50, 49, 35, 34, -10**20, 10**20])
def test_edges_at_im_and_mm(cash):
    """Short 2 calls K 90 at S 100: IM 300,000 bp (cash 50), MM 150,000 bp (cash 35)."""
    check_against_native(MarginAccount(cash, (None, pos(CALL, 90, -2), None, None)))


@pytest.mark.parametrize("slot", [pos(FUTURE, 0, 3), pos(FUTURE, 0, -3), pos(CALL, 90, 2), pos(CALL, 120, -2),
                                  pos(CALL, 103, -1), pos(PUT, 120, -1), pos(PUT, 90, -5), pos(PUT, 100, -1),
                                  pos(PUT, 2**64 - 1, -(2**40) + 1, underlying=3),
                                  pos(CALL, 0, -(2**40) + 1, underlying=3)])
def test_each_kind_and_the_extremes(slot):
    check_against_native(MarginAccount(0, (slot, None, None, None)))
    check_against_native(MarginAccount(-(2**96) + 1, (slot, replace(slot, instrument=2), None, None)))


def test_account_without_positions_needs_no_price():
    check_against_native(MarginAccount(-1, (None,) * P), oracle=(OracleEntry(),) * U)


# -- cheating witnesses per label ---------------------------------------------------------
STALE_SLOT = MarginAccount(100, (pos(FUTURE, 0, 1, underlying=2), None, None, None))  # ts 1, T 1000


def test_price_stale():
    assert_unsat(margin_circuit(STALE_SLOT), set={}, fails="acct/slot[0]/price_stale")
    never = MarginAccount(100, (pos(FUTURE, 0, 1, underlying=0), None, None, None))
    assert_unsat(margin_circuit(never), set={}, fails="acct/slot[0]/price_stale")
    assert_sat(margin_circuit(STALE_SLOT, enabled=0))  # the check applies only when enabled
    fresh_at_limit = (ORACLE[0], ORACLE[1], OracleEntry(7, T - CFG.max_age), ORACLE[3])
    assert_sat(margin_circuit(STALE_SLOT, oracle=fresh_at_limit))
    one_too_old = (ORACLE[0], ORACLE[1], OracleEntry(7, T - CFG.max_age - 1), ORACLE[3])
    assert_unsat(margin_circuit(STALE_SLOT, oracle=one_too_old), set={}, fails="acct/slot[0]/price_stale")
    # a prover claiming the stale entry is fresh must break its comparison
    assert_unsat(margin_circuit(STALE_SLOT), set={"acct/slot[0]/fresh[0]/u[2]/too_old/bits/bit[32]": 1},
                 fails="acct/slot[0]/fresh[0]/u[2]/too_old/bits/sum")


def test_the_selected_price_is_the_underlyings():
    acct = MarginAccount(100, (pos(FUTURE, 0, 1, underlying=1), None, None, None))
    assert_sat(margin_circuit(acct))
    assert_unsat(margin_circuit(acct), set={"acct/slot[0]/underlying/sel[1]": 0, "acct/slot[0]/underlying/sel[3]": 1},
                 fails="acct/slot[0]/underlying/index")


def test_cash_and_strike_and_price_ranges():
    top = MarginAccount(2**96 - 1, (None,) * P)
    assert_sat(margin_circuit(top))
    assert_unsat(margin_circuit(top), set={"cash": 2**96}, fails="acct/cash_range/bits/sum")
    assert_unsat(margin_circuit(top), set={"cash": R - 2**96}, fails="acct/cash_range/not_min")
    call = MarginAccount(0, (pos(CALL, 2**64 - 1, 1), None, None, None))
    assert_sat(margin_circuit(call))
    assert_unsat(margin_circuit(call), set={"slot[0]/strike": 2**64}, fails="acct/slot[0]/strike_range/sum")
    assert_unsat(margin_circuit(call), set={"oracle/price[1]": 2**64}, fails="acct/slot[0]/fresh[0]/u[1]/price_range/sum")
    assert_unsat(margin_circuit(call), set={"oracle/ts[1]": T + 1}, fails="acct/slot[0]/fresh[0]/u[1]/ts_not_after_time/sum")


def test_outputs_cannot_be_flipped():
    acct = MarginAccount(49, (None, pos(CALL, 90, -2), None, None))  # one unit below IM
    assert_unsat(margin_circuit(acct), set={"acct/meets_im/bits/bit[128]": 1}, fails="acct/meets_im/bits/sum")
    acct = MarginAccount(35, (None, pos(CALL, 90, -2), None, None))  # exactly at MM: not below
    assert_unsat(margin_circuit(acct), set={"acct/below_mm/bits/bit[128]": 0}, fails="acct/below_mm/bits/sum")
    assert_unsat(margin_circuit(acct), set={"acct/slot[1]/value": 0}, fails="acct/slot[1]/value")


def test_one_account_is_evaluated_under_one_gate():
    def circuit(cs):
        c = alloc_config(cs, 0, 1, lambda: CFG)
        o = alloc_oracle(cs, U, lambda: ORACLE)
        t = cs.alloc("time", lambda: T)
        a = AccountWires(cs.alloc("cash", lambda: 0), alloc_slots(cs, P, lambda: (None,) * P))
        meets_im(cs, a, o, t, c, cs.alloc("on", lambda: 1))
        below_mm(cs, a, o, t, c, cs.alloc("other", lambda: 1))
    with pytest.raises(ValueError, match="one enabled flag"):
        build(circuit)


# -- the twin and its cost -----------------------------------------------------------------
def _functions(module) -> list[str]:
    tree = ast.parse(Path(module.__file__).read_text())
    return [n.name for n in tree.body if isinstance(n, ast.FunctionDef) and (not n.name.startswith("_")
                                                                              or n.name == "_prices")]


def test_twins_have_the_same_functions_in_the_same_order():
    assert _functions(circuit_margin) == _functions(state_margin)
    assert _functions(state_margin) == [
        "contract_value", "out_of_the_money", "slot_value", "slot_initial_margin_bp",
        "slot_maintenance_margin_bp", "slot_price", "equity", "initial_margin_bp", "maintenance_margin_bp",
        "_prices", "meets_im", "below_mm", "deficit_bp"]


def test_costs_are_the_documented_ones():
    acct = MarginAccount(0, (None,) * P)
    out: dict = {}
    build(margin_circuit(acct, out=out, which=("im",)))
    first = out["cost"]
    build(margin_circuit(acct, out=out))
    both = out["cost"]
    assert (first, both - first) == (2078, 143)
