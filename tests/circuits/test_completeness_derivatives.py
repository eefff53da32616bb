"""Random derivatives batches (through the state machine) satisfy the circuit with the machine's publics.

Like test_completeness.py for the spot book, on the scenario's venue P
(K = 2: a spot slot then a full slot; M = 1 report a batch). Each example
starts from a funded state with open positions (``_funded``) and runs a
few batches: the batch time advances, an index or settlement report may
come first, then random ops (list, margin in and out, dplace, dfill,
liquidate, settle, spot ops mixed in) are drawn from what the state holds
(open orders, listed instruments, held positions, index prices), so many
are valid and some are not; an op is kept when the state machine accepts
it with the batch so far. Every batch's witness must satisfy the circuit
with the trace's six public inputs, and one random private wire + 1 must
break it. The run asserts that a real share of ops was accepted and that
every derivatives op type, margin in and out, both report kinds, a
liquidation and a settlement occurred, so the property is not vacuous.
Each example tries every derivatives kind first once, one a batch, in a
drawn order; the run is derandomized (the same three examples on every
run of one Hypothesis version), so that coverage assertion cannot flake:
drawn at random, a few runs in a hundred would miss a margin out or a settle
(measured on 30 random examples without the circuit).

Cost: about 2 s of CPU per batch (witness 1.1 s, R1CS check 0.5 s), 21
batches, plus the circuit's build (5 s, cached by build_circuit): about
50 s of CPU in all.
"""

from __future__ import annotations

import copy
from collections import Counter
from collections.abc import Callable
from functools import lru_cache

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from zkob.state.api import apply_batch, new_state, trace_batch
from zkob.state.batchfile import Batch
from zkob.state.errors import Rejected
from zkob.state.instruments import CALL, FUTURE, PUT
from zkob.state.margin import PriceStale, below_mm, contract_value
from zkob.state.oracle import IndexReport, Market, OracleEntry
from zkob.state.ops import (Cancel, Deposit, DFill, DPlace, Fill, ListInstrument, Liquidate, Margin, Op, Place,
                            Settle, Withdraw)
from zkob.state.protocol import BUY, SELL
from zkob.state.state import State
from zkob.state.trace import BatchTrace

from .scenario import PKS, P, index, settlement, signed
from .witness_checks import check_trace

ACCOUNTS = range(4)
SPOT_ASSETS = (0, 2)  # asset 1 is the collateral
OPTION_EXPIRY = 6     # instrument 2 expires early in every run, so a settlement can come
BATCHES, ATTEMPTS = 7, 3  # per example: batches, and derivatives ops drawn per batch (until one is kept)


@lru_cache(maxsize=1)
def _funded() -> State:
    """Accounts 0-3 with keys, collateral (asset 1) and spot assets 0 and 2; index prices 100 (u 0) and
    60 (u 1) at time 2; instrument 1 a future on u 0 (expiry far), 2 a call on u 1 at strike 55
    expiring at 6; margin in 500, 40, 1000, 1000. Account 1 is long 4 futures at 100 (cash -360, exactly
    at initial margin; below maintenance margin when u 0 is under 94.7); account 2 short them; account 0
    long 2 calls at 8, account 3 short them. Resting futures orders, crossing: 4 (account 2 sells 3 at
    99), 5 (account 3 buys 3 at 101), 6 (account 0 buys 2 at 100). Instrument 3 and orders 0-3 and 7
    are free."""
    state = new_state(P)
    history = [
        (1, (), [Deposit(a, 1, 3000, PKS[a]) for a in (0, 1)]),
        (1, (), [Deposit(a, 1, 3000, PKS[a]) for a in (2, 3)]),
        (1, (), [Deposit(0, 0, 500), Deposit(1, 2, 500)]),
        (1, (), [Deposit(2, 0, 500), Deposit(3, 2, 500)]),
        (2, (index(0, 100, 2),), [Deposit(0, 2, 500), ListInstrument(1, FUTURE, 0, 0, 100_000)]),
        (2, (index(1, 60, 2),), [Deposit(1, 0, 500), ListInstrument(2, CALL, 1, 55, OPTION_EXPIRY)]),
        (3, (), [Margin(0, 500)]), (3, (), [Margin(1, 40)]), (3, (), [Margin(2, 1000)]), (3, (), [Margin(3, 1000)]),
        (3, (), [DPlace(0, 2, 1, SELL, 100, 4)]), (3, (), [DPlace(1, 1, 1, BUY, 100, 4)]), (3, (), [DFill(1, 0, 4)]),
        (4, (), [DPlace(2, 3, 2, SELL, 8, 2)]), (4, (), [DPlace(3, 0, 2, BUY, 8, 2)]), (4, (), [DFill(3, 2, 2)]),
        (4, (), [DPlace(4, 2, 1, SELL, 99, 3)]), (4, (), [DPlace(5, 3, 1, BUY, 101, 3)]),
        (4, (), [DPlace(6, 0, 1, BUY, 100, 2)]),
    ]
    for i, (time, reports, ops) in enumerate(history):
        apply_batch(state, signed(state, *ops, salt=i + 1, time=time, reports=reports))
    assert state.account(1).cash == -360 and state.account(0).cash == 500 - 16
    return state


def _fork(state: State) -> State:
    return State(state.params, copy.deepcopy(state.source))


# -- drawing ops from what the state holds ----------------------------------------------------------
def _free_orders(state: State) -> list[int]:
    return [i for i in range(1 << P.orders_depth) if state.order(i) is None] or [0]


def _positions(state: State) -> list[tuple[int, int, int]]:
    """(account, instrument, size) of every held position."""
    return [(a, s.instrument, s.size) for a in ACCOUNTS if (leaf := state.account(a)) is not None
            for s in leaf.slots if s is not None]


def _spot(draw, state: State) -> Op:
    orders = [(i, o) for i, o in state.orders() if o.instrument == 0]
    kind = draw(st.sampled_from(["place", "fill", "deposit", "withdraw", "cancel"]))
    account, amount = draw(st.sampled_from(ACCOUNTS)), draw(st.integers(1, 40))
    base, quote = SPOT_ASSETS if draw(st.booleans()) else SPOT_ASSETS[::-1]
    if kind == "place" or (kind in ("fill", "cancel") and not orders):
        return Place(draw(st.sampled_from(_free_orders(state))), account, base, quote,
                     draw(st.sampled_from((BUY, SELL))), draw(st.integers(5, 12)), amount)
    if kind == "fill":
        (taker, t), (maker, m) = draw(st.sampled_from(orders)), draw(st.sampled_from(orders))
        return Fill(taker, maker, draw(st.integers(1, max(1, min(t.remaining, m.remaining)))))
    if kind == "cancel":
        order, leaf = draw(st.sampled_from(orders))
        return Cancel(order, leaf.account)
    asset = draw(st.sampled_from(SPOT_ASSETS))
    return Deposit(account, asset, amount) if kind == "deposit" else Withdraw(account, asset, amount)


def _derivative(draw, state: State, market: Market, kind: str) -> Op:
    """A derivatives op of this kind; ``market`` is the batch's (time and prices after its report)."""
    listed = dict(state.instruments())
    if kind == "list" or not listed:
        option = draw(st.sampled_from((FUTURE, CALL, PUT)))
        free = [i for i in range(1, 1 << P.instruments_depth) if i not in listed] or [1]
        return ListInstrument(draw(st.sampled_from(free)), option, draw(st.integers(0, 1)),
                              0 if option == FUTURE else draw(st.integers(40, 120)),
                              market.time + draw(st.integers(1, 30)))
    if kind in ("margin_in", "margin_out"):
        sign = 1 if kind == "margin_in" else -1
        return Margin(draw(st.sampled_from(ACCOUNTS)), sign * draw(st.integers(1, 150)))
    if kind == "dplace":
        i = draw(st.sampled_from(sorted(i for i, t in listed.items() if t.expiry > market.time) or listed))
        terms = listed[i]
        value = contract_value(terms.kind, terms.strike, market.oracle[terms.underlying].price)
        return DPlace(draw(st.sampled_from(_free_orders(state))), draw(st.sampled_from(ACCOUNTS)), i,
                      draw(st.sampled_from((BUY, SELL))), max(1, value + draw(st.integers(-4, 4))),
                      draw(st.integers(1, 4)))
    if kind == "dfill":
        orders = [(i, o) for i, o in state.orders() if o.instrument != 0]
        pairs = [(i, j, min(o.remaining, p.remaining)) for i, o in orders for j, p in orders
                 if o.instrument == p.instrument and o.side != p.side] or [(0, 1, 1)]
        taker, maker, top = draw(st.sampled_from(pairs))
        return DFill(taker, maker, draw(st.integers(1, top)))
    held = _positions(state) or [(1, 1, 1)]
    if kind == "settle":  # mostly positions in settled instruments
        account, i, _ = draw(st.sampled_from([h for h in held if listed[h[1]].settled] * 3 + held))
        return Settle(account, i)
    account, i, size = draw(st.sampled_from([h for h in held if _under_water(state, market, h[0])] * 3 + held))
    terms = listed.get(i)
    value = 0 if terms is None else contract_value(terms.kind, terms.strike, market.oracle[terms.underlying].price)
    return Liquidate(account, draw(st.sampled_from([a for a in ACCOUNTS if a != account])), i,
                     draw(st.integers(1, abs(size))), max(0, value + draw(st.integers(-1, 1))))


#: the derivatives op kinds. Each example tries them first in a drawn order, one a batch, so every kind
#: is tried in every example; liquidate is first in the simplest example (every draw minimal;
#: Hypothesis tries it first), which liquidates account 1 at u 0 = 80.
KINDS = ["liquidate", "dfill", "settle", "margin_in", "margin_out", "dplace", "list"]


def _kinds(state: State, market: Market) -> list[str]:
    """KINDS, with settle and liquidate much more likely while a settled position or an account
    below maintenance margin is there to close."""
    held = _positions(state)
    settled = any(state.instrument(i).settled for _, i, _ in held)
    under = any(_under_water(state, market, a) for a, _, _ in held)
    return KINDS + ["settle"] * 6 * settled + ["liquidate"] * 3 * under


def _under_water(state: State, market: Market, account: int) -> bool:
    """Below maintenance margin at the batch's prices (False when one is stale): a liquidation candidate."""
    try:
        return below_mm(state.account(account), market.oracle, market.time, P.config)
    except PriceStale:
        return False


def _report(draw, state: State, time: int):
    """None, an index report at ``time`` (u 0 in 80..120, u 1 in 40..80), or a settlement report of an
    expired listed instrument (a price near its underlying's index)."""
    due = [i for i, t in state.instruments() if not t.settled and t.expiry <= time]
    kind = draw(st.sampled_from(["index", "settlement", "settlement", "none"] if due else ["index", "index", "none"]))
    if kind == "none":
        return None
    if kind == "settlement":
        i = draw(st.sampled_from(due))
        spot = state.market.oracle[state.instrument(i).underlying].price
        return settlement(state, i, max(1, spot + draw(st.integers(-10, 10))))
    u = draw(st.integers(0, 1))
    return index(u, draw(st.integers(80, 115) if u == 0 else st.integers(40, 80)), time)


def _market_after(state: State, time: int, reports: tuple) -> Market:
    """The batch's time and index prices after its report (a settlement report changes no price)."""
    oracle = list(state.market.oracle)
    for r in reports:
        if isinstance(r, IndexReport):
            oracle[r.underlying] = OracleEntry(r.price, r.ts)
    return Market(time, tuple(oracle))


# -- the property ---------------------------------------------------------------------------------
def _check(trace: BatchTrace, flip: int) -> None:
    check_trace(P, trace, flip)


def _seen(trace: BatchTrace, seen: Counter) -> None:
    for slot in trace.ops:
        if slot.op_type != "noop":
            seen[slot.op_type] += 1
            if slot.op_type == "margin":
                seen["margin_in" if slot.op.amount > 0 else "margin_out"] += 1
    for report in trace.market_trace.reports:
        if report.report is not None:
            seen[type(report.report).__name__] += 1


def _batches(draw, seen: Counter, check: Callable[[BatchTrace, int], None]) -> None:
    """One example: BATCHES batches from the funded state, each checked by ``check(trace, flip)``."""
    state = _fork(_funded())
    salt = draw(st.integers(0, 2**32))
    plan = draw(st.permutations(KINDS))
    for b in range(BATCHES):
        time = state.market.time + draw(st.integers(0, 8))
        report = _report(draw, state, time)
        reports = () if report is None else (report,)
        try:
            trace_batch(state, Batch((), salt, True, time, reports))
        except Rejected:
            reports = ()
        market = _market_after(state, time, reports)
        kept: list[Op] = []
        # a spot op first (slot 0) half the time, then derivatives ops until one is kept (slot 1): the
        # plan's kind, then random kinds
        kinds = [None] * draw(st.integers(0, 1)) + [plan[b % len(plan)]] + [""] * (ATTEMPTS - 1)
        for kind in kinds:
            op = (_spot(draw, state) if kind is None else
                  _derivative(draw, state, market, kind or draw(st.sampled_from(_kinds(state, market)))))
            seen["drawn"] += 1
            try:
                trace_batch(state, signed(state, *kept, op, salt=salt + b, time=time, reports=reports))
            except Rejected:
                continue
            kept.append(op)
            if op.SPEC.full_only:
                break
        trace = apply_batch(state, signed(state, *kept, salt=salt + b, time=time, reports=reports))
        seen["accepted"] += len(kept)
        seen["batches"] += 1
        _seen(trace, seen)
        check(trace, draw(st.integers(0, 2**32)))


@pytest.mark.slow
def test_random_derivatives_batches_satisfy_the_circuit():
    seen: Counter = Counter()

    @given(st.data())
    @settings(max_examples=3, deadline=None, derandomize=True,
              suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
    def run(data):
        _batches(data.draw, seen, _check)

    run()
    assert seen["accepted"] * 3 >= seen["drawn"], seen
    for name in ("list", "margin_in", "margin_out", "dplace", "dfill", "liquidate", "settle",
                 "IndexReport", "SettlementReport"):
        assert seen[name] >= 1, (name, seen)
    assert seen["batches"] >= 3 * BATCHES, seen
