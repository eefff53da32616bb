"""Random valid batches (through the state machine) satisfy the circuit with the machine's publics."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from zkob.state.api import apply_batch, new_state, trace_batch
from zkob.state.batchfile import Batch
from zkob.state.errors import Rejected
from zkob.state.batchfile import parse_batch
from zkob.state.matching import random_flow
from zkob.state.ops import Cancel, Deposit, Fill, Place, Withdraw

from .scenario import KEYS, P, PKS, TIME, signed
from .witness_checks import check_trace

ids = st.integers(0, 3)
small = st.integers(1, 30)
ops = st.one_of(
    st.builds(lambda a, s, n, key: Deposit(a, s, n, PKS[a] if key else None), ids, ids, small, st.booleans()),
    st.builds(Withdraw, ids, ids, small),
    st.builds(Place, ids, ids, ids, ids, st.integers(0, 1), small, small),
    st.builds(Cancel, ids, ids),
    st.builds(Fill, ids, ids, small),
)


def _check(trace, flip: int) -> None:
    check_trace(P, trace, flip)


def _funded_state():
    """Accounts 0..3 created with their keys and funded in assets 0..3, so random ops are often valid."""
    state = new_state(P)
    for account in range(4):
        deposits = [Deposit(account, asset, 1000, PKS[account] if asset == 0 else None) for asset in range(4)]
        for start in range(0, len(deposits), P.batch_size):
            apply_batch(state, signed(state, *deposits[start:start + P.batch_size], salt=account))
    return state


def test_valid_batches_satisfy_the_circuit():
    """Random ops, kept when the state machine accepts them, batch after batch; a run that
    accepted almost nothing would prove nothing, so the share accepted is asserted too."""
    seen = {"ops": 0, "accepted": 0, "batches": 0}

    @given(st.lists(ops, min_size=4, max_size=14), st.integers(0, 2**32), st.integers(0, 2**32))
    @settings(max_examples=6, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    def run(op_list, salt, flip):
        state = _funded_state()
        pending: list = []
        for op in op_list:
            try:
                trace_batch(state, signed(state, *pending, op, salt=salt))
            except Rejected:
                continue
            pending.append(op)
            seen["accepted"] += 1
            if len(pending) == P.batch_size:
                _check(apply_batch(state, signed(state, *pending, salt=salt)), flip)
                pending, seen["batches"] = [], seen["batches"] + 1
        _check(apply_batch(state, signed(state, *pending, salt=salt)) if pending else
               trace_batch(state, Batch((), salt, time=TIME)), flip)
        seen["ops"] += len(op_list)
        seen["batches"] += bool(pending)

    run()
    assert seen["accepted"] * 4 >= seen["ops"], seen
    assert seen["batches"] >= 6, seen


@given(st.integers(0, 2**32))
@settings(max_examples=3, deadline=None)
def test_matching_engine_flows_satisfy_the_circuit(seed):
    """The demo's matching engine (crossing orders come with their fills) batch after batch."""
    import random
    flow = random_flow(random.Random(seed), {1: KEYS[1], 3: KEYS[3]}, order_slots=4, n_ops=10,
                       venue=P.config.venue_id)
    state = new_state(P)
    for start in range(0, len(flow), P.batch_size):
        batch = parse_batch({"ops": flow[start:start + P.batch_size], "time": TIME, "salt": str(seed + start)}, P)
        _check(apply_batch(state, batch), seed + start)


def test_a_scripted_flow_through_every_op_type():
    """Deposits, both sides placed, partial and full fills (accounts whose paths meet at
    level 1, at level 0, and a self-trade with a refund), cancels and a withdrawal."""
    state = new_state(P)
    flow = [
        (Deposit(0, 0, 500, PKS[0]), Deposit(3, 1, 300, PKS[3])),
        (Deposit(1, 1, 200, PKS[1]), Deposit(0, 1, 50)),
        (Place(1, 0, 1, 0, 0, 12, 10), Place(2, 3, 1, 0, 1, 11, 25)),
        (Fill(2, 1, 4), Fill(1, 2, 3)),          # accounts 3 and 0; the second refunds 1 per unit
        (Place(0, 1, 1, 0, 1, 12, 3), Fill(0, 1, 3)),  # accounts 1 and 0; order 1 is emptied
        (Place(1, 0, 1, 0, 0, 13, 4), Place(3, 0, 1, 0, 1, 11, 2)),
        (Fill(1, 3, 2), Cancel(2, 3)),           # account 0 trades with itself, refund 2 per unit
        (Withdraw(3, 0, 40), Cancel(1, 0)),
    ]
    for i, batch_ops in enumerate(flow):
        _check(apply_batch(state, signed(state, *batch_ops, salt=1000 + i)), i * 7919)
    assert state.account(0) is not None and state.order(1) is None and state.order(3) is None


def test_values_at_the_64_bit_boundary():
    """Balances, escrow and fills right below 2^64 are accepted (the range checks are not too tight)."""
    top = (1 << 64) - 1
    state = new_state(P)
    flow = [
        (Deposit(1, 0, top, PKS[1]), Deposit(2, 1, top, PKS[2])),
        (Place(0, 1, 1, 0, 0, 1 << 32, (1 << 32) - 1), Place(1, 2, 1, 0, 1, 1, top)),
        (Fill(1, 0, (1 << 32) - 1), Withdraw(1, 1, (1 << 32) - 1)),
        (Cancel(1, 2), Withdraw(1, 0, top - ((1 << 64) - (1 << 32)))),
    ]
    for i, batch_ops in enumerate(flow):
        _check(apply_batch(state, signed(state, *batch_ops, salt=i)), i)
    assert state.balance(2, 1) == top - ((1 << 32) - 1)  # sold 2^32 - 1, the rest refunded
