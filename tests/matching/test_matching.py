"""The demo's matching engine emits valid flow that the state machine accepts, with price-time priority."""

from __future__ import annotations

import random

import pytest
from hypothesis import given, settings, strategies as st

from zkob.state.api import new_state
from zkob.state.batchfile import parse_batch, parse_op
from zkob.state.errors import Rejected
from zkob.state.ops import signing_message
from zkob.state.matching import OrderFlow, random_flow
from zkob.state.params import Params
from zkob.state.transition import apply_batch
from zkob.zk.eddsa import private_to_public, verify_poseidon

PARAMS = Params(accounts_depth=3, orders_depth=4, assets_depth=2, batch_size=4)  # venue_id 0
KEYS = {a: bytes([a, 0x3C]) * 16 for a in (1, 2, 3)}


def _apply_all(ops):
    state = new_state(PARAMS)
    for i in range(0, len(ops), PARAMS.batch_size):
        apply_batch(state, parse_batch({"ops": ops[i:i + PARAMS.batch_size], "time": 0}, PARAMS, lambda: 1))
    return state


@settings(max_examples=8, deadline=None)
@given(st.integers(0, 2**32))
def test_random_flow_is_accepted_and_balances_agree(seed):
    flow = OrderFlow(keys=KEYS, order_slots=1 << PARAMS.orders_depth)
    ops = flow.random(random.Random(seed), 24)
    state = _apply_all(ops)  # raises Rejected if the engine emitted an invalid op
    assert len(ops) >= 24
    assert random_flow(random.Random(seed), KEYS, 1 << PARAMS.orders_depth, 24) == ops  # deterministic
    assert {(a, s): v for a, s, v in state.balances()} == {k: v for k, v in flow.balances.items() if v}
    assert {i: o.remaining for i, o in state.orders()} == {i: o.remaining for i, o in flow.book.items()}


def test_price_then_time_priority_and_maker_price():
    flow = OrderFlow(keys=KEYS, order_slots=16)
    ops = [flow.deposit(1, 1, 100), flow.deposit(2, 1, 100), flow.deposit(3, 2, 10_000)]
    ops += flow.limit(1, 1, 101, 5)   # sell 5 @ 101 (slot 1)
    ops += flow.limit(2, 1, 100, 5)   # sell 5 @ 100 (slot 2): better price
    ops += flow.limit(1, 1, 100, 5)   # sell 5 @ 100 (slot 3): same price, later
    taker = flow.limit(3, 0, 102, 12)  # buy 12 @ 102 sweeps slot 2, then 3, then 1
    fills = [op for op in taker if op["op"] == "fill"]
    assert [(f["maker"], f["qty"]) for f in fills] == [(2, 5), (3, 5), (1, 2)]
    state = _apply_all(ops + taker)
    # the taking buyer paid the makers' prices and got back the difference to its limit
    assert state.balance(3, 2) == 10_000 - (5 * 100 + 5 * 100 + 2 * 101)
    assert state.balance(3, 1) == 12
    assert state.order(1).remaining == 3 and state.order(2) is None and state.order(3) is None


def test_engine_refuses_uncovered_orders():
    flow = OrderFlow(keys=KEYS, order_slots=4)
    flow.deposit(1, 2, 10)
    assert flow.limit(1, 0, 5, 3) == []  # needs 15 quote, has 10


def test_engine_signs_each_users_ops_at_consecutive_nonces():
    flow = OrderFlow(keys=KEYS, order_slots=16)
    ops = [flow.deposit(1, 1, 100), flow.deposit(1, 2, 1000), flow.deposit(2, 2, 1000)]
    ops += flow.limit(1, 1, 101, 5) + flow.limit(2, 0, 99, 2) + [flow.withdraw(1, 2, 10), flow.cancel(1)]
    nonces = {1: 0, 2: 0}
    for raw in ops:
        op = parse_op(raw, 0)
        if raw["op"] in ("withdraw", "place", "cancel"):
            message = signing_message(op, nonces[op.account], PARAMS.config.venue_id)
            assert verify_poseidon(message, op.sig, private_to_public(KEYS[op.account]))
            nonces[op.account] += 1
        else:
            assert "sig" not in raw
    assert nonces == {1: 3, 2: 1} == flow.nonces
    _apply_all(ops)
    with pytest.raises(Rejected) as info:  # a signature moved to another user's op is refused
        _apply_all(ops[:3] + [dict(ops[3], account="2")])
    assert info.value.rule == "signature_invalid"
