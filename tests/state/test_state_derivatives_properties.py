"""Property tests on random signed derivatives flow (DESIGN section 10's conservation laws).

Random ops (index reports, margin transfers, dplace, dfill, liquidate, cancel, deposits and
withdrawals of the collateral) run one per batch through the state machine, which judges them;
after each accepted batch:

- per instrument, the sizes sum to 0;
- dfill and liquidate leave the sum of cash unchanged; margin moves C between the balance and
  cash one for one (so balances of C plus cash change only by deposits and withdrawals);
- an account that met IM after the previous batch is never liquidated in a batch without a price
  report (prices did not move), since MM <= IM at these rates;
- replaying the batch log reproduces every root; and at the end, after expiry and the settlement
  reports, settling every holder brings every size to 0 with the sum of cash conserved.
"""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st
from state_helpers import (CALL, EXPIRY, FUT, PUT, Venue, deposit, dfill, dplace, index, liquidate, margin,
                           opened_venue, settle, settlement, snapshot, withdraw)

from zkob.state.api import new_state, replay_log
from zkob.state.errors import Rejected
from zkob.state.margin import contract_value, equity, initial_margin_bp, maintenance_margin_bp

C = 1
ACCOUNTS = (1, 2, 3, 4, 5, 6)
RAW = st.tuples(st.sampled_from((0, 1, 2, 2, 2, 3, 3, 3, 4, 4, 5, 6, 7)), st.integers(0, 5), st.integers(0, 5),
                st.integers(0, 20), st.integers(0, 9))


def _price(v: Venue, instrument: int) -> int:
    terms = v.state.instrument(instrument)
    return max(1, contract_value(terms.kind, terms.strike, v.state.market.oracle[terms.underlying].price))


def decode(raw, v: Venue) -> tuple[list[dict], tuple]:
    """(ops, reports) of one batch from small ints, steered towards valid ones (trades that cross,
    liquidations of accounts below MM by well-funded ones)."""
    kind, a, b, c, d = raw
    account, other = ACCOUNTS[a], ACCOUNTS[b]
    instrument = (FUT, CALL, PUT)[d % 3]
    orders = {i: o for i, o in v.state.orders()}
    if kind == 0:
        u = d % 2
        old = v.state.market.oracle[u].price
        return [{"op": "noop"}], (index(u, max(1, old * (80 + 2 * c) // 100), v.time + 1),)  # moves up to 20%
    if kind == 1:
        return [margin(account, (c + 1) * 50 * (1 if d < 6 else -1))], ()
    if kind == 2 and len(orders) < 7:
        free = next(i for i in range(1, 8) if i not in orders)
        if orders and d < 7:  # take a resting order: opposite side at its price by another account, and fill
            maker = sorted(orders)[c % len(orders)]
            o = orders[maker]
            who = account if account != o.account else ACCOUNTS[(a + 1) % len(ACCOUNTS)]
            qty = 1 + c % 5
            return [dplace(free, who, o.instrument, "sell" if o.side == 0 else "buy", o.price, qty),
                    dfill(free, maker, min(qty, o.remaining))], ()
        price = max(1, _price(v, instrument) + c - 10)
        return [dplace(free, account, instrument, "buy" if d % 2 else "sell", price, 1 + c % 5)], ()
    if kind == 3 and orders:
        ids = sorted(orders)
        taker = ids[c % len(ids)]
        t = orders[taker]
        makers = [i for i, o in orders.items() if o.instrument == t.instrument and o.side != t.side and
                  o.account != t.account and (o.price <= t.price if t.side == 0 else o.price >= t.price)]
        if makers:
            maker = makers[d % len(makers)]
            return [dfill(taker, maker, 1 + c % min(t.remaining, orders[maker].remaining))], ()
    if kind == 4:
        holders = [acct for acct in ACCOUNTS if any(v.state.account(acct).slots)]
        weak = [acct for acct in holders if _below_mm_now(v, acct)]
        if d < 4 and holders:  # anyone with a position: the rules decide whether it is liquidatable
            weak = holders
        if not weak:  # nobody to liquidate: move u0 by 20% against a thin account's future, so someone may be
            old = v.state.market.oracle[0].price
            sizes = [s.size for acct in (3, 4, 5) for s in v.state.account(acct).slots if s and s.instrument == FUT]
            up = sizes[d % len(sizes)] < 0 if sizes else d % 2 == 1
            return [{"op": "noop"}], (index(0, max(1, old * (6 if up else 4) // 5), v.time + 1),)
        victim = weak[a % len(weak)]
        held = [s for s in v.state.account(victim).slots if s is not None]
        slot = held[d % len(held)]
        liquidator = (1, 2, 6)[b % 3]
        qty = min(1 + c % 3, abs(slot.size))
        return [liquidate(victim, liquidator, slot.instrument, qty, _price(v, slot.instrument))], ()
    if kind == 5 and orders:
        oid = sorted(orders)[c % len(orders)]
        return [{"op": "cancel", "order": oid, "account": orders[oid].account}], ()
    if kind == 6:
        return [withdraw(account, C, (c + 1) * 100)], ()
    return [deposit(account, C, (c + 1) * 1000)], ()


def _below_mm_now(v: Venue, account: int) -> bool:
    leaf = v.state.account(account)
    prices = [None if s is None else v.state.market.oracle[s.underlying].price for s in leaf.slots]
    return 10**4 * equity(leaf.cash, leaf.slots, prices) < maintenance_margin_bp(leaf.slots, prices,
                                                                                  v.state.params.config)


def _collateral(v: Venue) -> int:
    """Balances of C plus the cash of every account."""
    return sum(amount for _, asset, amount in v.state.balances() if asset == C) + \
        sum(leaf.cash for _, leaf in v.state.accounts())


def _meets_im_now(v: Venue, account: int) -> bool:
    leaf = v.state.account(account)
    prices = [None if s is None else v.state.market.oracle[s.underlying].price for s in leaf.slots]
    return 10**4 * equity(leaf.cash, leaf.slots, prices) >= initial_margin_bp(leaf.slots, prices,
                                                                               v.state.params.config)


def _sizes_sum_to_zero(v: Venue) -> None:
    totals: dict[int, int] = {}
    for _, leaf in v.state.accounts():
        for s in leaf.slots:
            if s is not None:
                totals[s.instrument] = totals.get(s.instrument, 0) + s.size
    assert all(t == 0 for t in totals.values()), totals


@pytest.mark.slow
@settings(max_examples=10, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(RAW, min_size=5, max_size=40))
def test_random_derivatives_flow_keeps_the_conservation_laws(template, raws):
    v = template.copy()
    expected = _collateral(v)
    met = {a: _meets_im_now(v, a) for a in ACCOUNTS}
    accepted = []
    for raw in raws:
        ops, reports = decode(raw, v)
        before = snapshot(v.state)
        try:
            trace = v.run(*ops, time=v.time + 1, reports=reports)
        except Rejected as err:
            assert snapshot(v.state) == before
            event(f"rejected {err.op_type} {err.rule}")
            continue
        op = [t for t in trace.ops if t.op_index is not None][-1]  # a taken order's dfill is the second op
        accepted.append(op.op_type)
        event(f"accepted {op.op_type}")
        if op.op_type == "liquidate":
            assert reports or not met[int(ops[0]["account"])], "a solvent account was liquidated at unmoved prices"
        if op.op_type in ("dfill", "liquidate"):
            assert sum(u.cash_after - u.cash_before for u in op.accounts) == 0
        if op.op_type == "margin":
            (u,) = op.accounts
            assert u.cash_after - u.cash_before == u.legs[0].old_amount - u.legs[0].new_amount == op.op.amount
        if op.op_type in ("deposit", "withdraw") and op.op.asset == C:
            expected += op.op.amount if op.op_type == "deposit" else -op.op.amount
        assert _collateral(v) == expected
        _sizes_sum_to_zero(v)
        met = {a: _meets_im_now(v, a) for a in ACCOUNTS}
    replica = new_state(v.state.params)
    replay_log(replica, v.state)
    assert replica.root == v.state.root and snapshot(replica) == snapshot(v.state)
    _settle_everything(v, expected)


def _settle_everything(v: Venue, expected: int) -> None:
    reports = [settlement(i, 100 + i, v.state.instrument(i)) for i in (FUT, CALL, PUT)]
    v.run({"op": "noop"}, time=EXPIRY, reports=tuple(reports[:2]))
    v.run({"op": "noop"}, reports=tuple(reports[2:]))
    holders = [(a, s.instrument) for a, leaf in v.state.accounts() for s in leaf.slots if s is not None]
    for i in range(0, len(holders), 4):
        v.run(*[settle(a, inst) for a, inst in holders[i:i + 4]])
    assert all(all(s is None for s in leaf.slots) for _, leaf in v.state.accounts())
    assert _collateral(v) == expected  # the payoffs of every instrument sum to 0 once every holder settled


def test_a_scripted_flow_exercises_every_derivatives_op(template):
    """Not luck-dependent: trades, a price move, a liquidation, margin both ways, a cancel and settlement."""
    v = opened_venue({1: 10**6, 2: 10**6, 3: 10**6, 4: 154})
    v.run(*v.trade_ops(1, 4, FUT, 10, 100))
    v.run(dplace(1, 2, CALL, "buy", 5, 2), margin(1, -500), time=101)
    v.run({"op": "cancel", "order": 1, "account": 2}, time=102, reports=(index(0, 110, 102),))
    v.run(liquidate(4, 3, FUT, 4, 110))
    assert _meets_im_now(v, 3) and v.size(4, FUT) == -6 and v.size(3, FUT) == -4
    _sizes_sum_to_zero(v)
    _settle_everything(v, _collateral(v))


@pytest.fixture(scope="module")
def template() -> Venue:
    """Well-funded accounts 1, 2, 6 and thin ones 3, 4, 5 holding one future each (IM 10 at 100), which
    price moves push below MM."""
    v = opened_venue({1: 10**6, 2: 10**6, 3: 12, 4: 11, 5: 10, 6: 10**6})
    v.run(*v.trade_ops(1, 3, FUT, 1, 100))
    v.run(*v.trade_ops(4, 2, FUT, 1, 100))
    v.run(*v.trade_ops(5, 6, FUT, 1, 100))
    return v
