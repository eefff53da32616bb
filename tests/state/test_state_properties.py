"""Property tests on random order flow: conservation, reference roots, all-or-nothing, replay."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from state_helpers import CONFIG, TEST_KEYS, holdings, pk, reference_root, snapshot

from zkob.state.api import apply_batch, new_state, replay_log
from zkob.state.batchfile import Batch, loads_batch
from zkob.state.errors import Rejected
from zkob.state.ops import Cancel, Deposit, Fill, Place, Withdraw
from zkob.state.protocol import BUY, SELL
from zkob.state.params import Params
from zkob.state.signing import sign_ops
from zkob.state.state import State

PARAMS = Params(accounts_depth=2, orders_depth=3, assets_depth=2, batch_size=3, config=CONFIG)

# (kind, a, b, c, d, e): small ints decoded into ops, many valid and some not
RAW = st.tuples(st.integers(0, 7), st.integers(0, 3), st.integers(0, 3), st.integers(0, 40),
                st.integers(0, 9), st.integers(0, 7))


def decode(raw: tuple[int, ...], state: State):
    """An op from small ints, steered towards valid ops (the state machine still judges)."""
    kind, a, b, c, d, e = raw
    if kind == 0:
        key = pk(a) if d else (d + 7, 7)  # d == 0: a wrong key for an existing account
        return Deposit(a, 3 if c % 5 == 0 else 1 + b % 2, c * 7, key if d != 1 else None)
    accounts = [i for i, _ in state.accounts()]
    if accounts and d != 9:
        a = accounts[a % len(accounts)]
    if kind == 1:
        return Withdraw(a, (1, 2, 1, 3)[b], c)
    if kind in (2, 5, 6):
        base = 2 if d < 7 else (3 if d < 9 else 1)  # d == 9: base == quote
        side, price, qty = d % 2, 1 + c % 9, 1 + b
        if d < 8 and side == BUY and state.balance(a, 1) < price * qty:
            side = SELL
        elif d < 8 and side == SELL and state.balance(a, base) < qty:
            side = BUY
        return Place(e, a, base, 1, side, price, qty)
    orders = list(state.orders())
    if not orders:
        return Cancel(e, a) if kind == 3 else Fill(e, c % 8, 1 + b)
    oid, order = orders[e % len(orders)]
    if kind == 3:
        return Cancel(oid, order.account if d else (order.account + 1) % 4)
    others = [i for i, o in orders if i != oid and o.side != order.side
              and (o.base, o.quote) == (order.base, order.quote)
              and (d < 3 or (o.price <= order.price if order.side == BUY else o.price >= order.price))]
    maker = others[c % len(others)] if others and d else orders[c % len(orders)][0]
    cap = min(order.remaining, state.order(maker).remaining)
    return Fill(oid, maker, 1 + b % cap if d > 1 else 1 + b)


# accounts 1-3 hold 203 of assets 1 and 2; a two-sided book: buy 4@5 (slot 1), sell 4@6 (slot 2)
WARM_UP = [(0, a, b, 29, 2, 0) for a in (1, 2, 3) for b in (0, 1)] + [(2, 0, 3, 4, 0, 1), (2, 1, 3, 5, 1, 2)]


def run_flow(raws, chunk: int):
    """Apply the ops in batches; a rejected op is dropped and its batch retried."""
    s = new_state(PARAMS)
    net: dict[int, int] = {}
    roots = [s.root]
    salt = 1
    for start in range(0, len(raws), chunk):
        pending = [decode(r, s) for r in raws[start:start + chunk]]
        while pending:
            before = snapshot(s)
            salt += 1
            try:
                trace = apply_batch(s, Batch(sign_ops(pending, TEST_KEYS, s), salt))
            except Rejected as err:
                assert snapshot(s) == before
                assert 0 <= err.op_index < len(pending) and err.op_type == pending[err.op_index].NAME
                del pending[err.op_index]
                continue
            for op in pending:
                if isinstance(op, Deposit):
                    net[op.asset] = net.get(op.asset, 0) + op.amount
                elif isinstance(op, Withdraw):
                    net[op.asset] = net.get(op.asset, 0) - op.amount
            assert trace.old_root == roots[-1]
            roots.append(trace.new_root)
            assert holdings(s) == {k: v for k, v in net.items() if v}
            break
    return s, roots


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(RAW, min_size=1, max_size=30), st.integers(1, 3))
def test_random_flow_conserves_value_and_replays(raws, chunk):
    s, roots = run_flow(WARM_UP + raws, chunk)
    assert s.root == roots[-1] == reference_root(s)
    replica = new_state(PARAMS)
    entries = replay_log(replica, s)
    assert [e.new_root for e in entries] == roots[1:]
    assert replica.root == s.root and snapshot(replica) == snapshot(s)


def test_a_fixed_flow_exercises_every_op_type():
    """Not luck-dependent: this flow must get fills, cancels and withdrawals accepted."""
    raws = [(4, 0, 1, 0, 5, 1),   # fill: taker slot 2 (sell 6), maker buy 5: price_cross, dropped
            (2, 2, 1, 6, 0, 3),   # account 3 buys 2 @ 7 (slot 3): crosses the sell @ 6
            (7, 0, 3, 0, 5, 2),   # fill: taker slot 3 against the crossing sell (slot 2), qty capped
            (3, 0, 0, 0, 1, 0),   # cancel the first open order by its owner
            (1, 1, 0, 3, 2, 0)]   # account 2 withdraws 3 of asset 1
    s, roots = run_flow(WARM_UP + raws, 1)
    kinds = {type(op).__name__ for e in s.log() for op in loads_batch(e.ops_json, PARAMS).ops}
    assert kinds == {"Deposit", "Place", "Fill", "Cancel", "Withdraw"}
    assert s.root == reference_root(s)
