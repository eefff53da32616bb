"""The incremental check (checker.OpenState) gives the full re-trace's verdict, op after op.

For random sequences of requests (valid and invalid deposits, withdrawals,
orders, cancels, fills, a full-slot op that has no slot, a batch opened at
a time before the state's), each request's verdict from ``OpenState.append``
equals the verdict of ``trace_batch`` over the open batch's accepted ops
plus the request (``protocol.check``): the same rule, op index and op type,
or both accept. Each cut batch is then traced fresh with its salt on the
pending state and its roots equal the post-state's.
"""

from __future__ import annotations

import random

import pytest
from node_helpers import KEYS, PARAMS, deposit, place, signed

from zkob.node.checker import OpenState
from zkob.node.protocol import check, make_batch
from zkob.state.api import new_state
from zkob.state.batchfile import parse_op, random_salt
from zkob.state.errors import Rejected
from zkob.state.pending import Pending
from zkob.zk.errors import ZkobError

ACCOUNTS = (1, 2, 3, 4)  # 4 never gets a key deposit unless drawn: ops on it fail account_exists-like rules


def nonce_of(post: OpenState, account: int) -> int:
    leaf = post.view.account(account)
    return 0 if leaf is None else leaf.nonce


def random_request(rng: random.Random, post: OpenState) -> list:
    """One request: mostly single ops, sometimes two deposits (all or none)."""
    a = rng.choice(ACCOUNTS)
    nonce = nonce_of(post, a) + (1 if rng.random() < 0.15 else 0)  # a stale/future nonce now and then
    kind = rng.choice(["deposit", "deposit2", "withdraw", "withdraw", "place", "place", "cancel", "fill", "list"])
    if kind == "deposit":
        return [parse_op(deposit(a, rng.choice((1, 2)), rng.choice((0, 50, 500)), create=rng.random() < 0.7), 0)]
    if kind == "deposit2":
        return [parse_op(deposit(a, 1, 100), 0), parse_op(deposit(rng.choice(ACCOUNTS), 2, rng.choice((0, 900))), 0)]
    if kind == "withdraw":
        draft = {"op": "withdraw", "account": a, "asset": rng.choice((1, 2)), "amount": rng.choice((1, 40, 400))}
        return [parse_op(signed(draft, nonce), 0)]
    if kind == "place":
        draft = place(rng.randrange(9), a, rng.choice(("buy", "sell")), rng.choice((9, 10, 11)), rng.choice((1, 3)))
        return [parse_op(signed(draft, nonce), 0)]
    if kind == "cancel":
        return [parse_op(signed({"op": "cancel", "order": rng.randrange(8), "account": a}, nonce), 0)]
    if kind == "fill":
        return [parse_op({"op": "fill", "taker": rng.randrange(8), "maker": rng.randrange(8), "qty": 1}, 0)]
    return [parse_op({"op": "list", "instrument": 1, "kind": "future", "underlying": 0, "strike": 0,
                      "expiry": 10}, 0)]  # full-only: no slot in this all-spot venue


def verdict(run) -> tuple:
    try:
        run()
    except Rejected as exc:
        return ("rejected", exc.rule, exc.op_index, exc.op_type)
    except ZkobError as exc:
        return ("error", type(exc).__name__, str(exc))
    return ("accepted",)


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_incremental_verdicts_equal_full_retrace_verdicts_and_cut_roots_equal_a_fresh_trace(seed):
    assert set(KEYS) >= set(ACCOUNTS)
    rng = random.Random(seed)
    pending = Pending(new_state(PARAMS))
    time, kinds, cuts = 1000, set(), 0
    while cuts < 6:
        batch_time = time - 5 if cuts == 3 else time  # one batch opened before the state's time
        reports: tuple = ()
        post = OpenState(pending.view, make_batch((), 0, batch_time, reports))
        accepted: list = []
        for _ in range(rng.randrange(3, 9)):
            request = random_request(rng, post)
            full = verdict(lambda: check(pending.view, accepted + request, batch_time, reports))
            incremental = verdict(lambda: post.append(request))
            assert incremental == full, (seed, [op.NAME for op in accepted], [op.NAME for op in request])
            kinds.add(full[:2])
            if full == ("accepted",):
                accepted += request
            if len(accepted) >= PARAMS.batch_size - 1:
                break
        if accepted:
            trace = pending.accept(make_batch(accepted, random_salt(), batch_time, reports))
            last = trace.ops[-1]
            assert post.roots() == (last.accounts_root_after, last.orders_root_after, last.instruments_root_after,
                                    trace.market_trace.market_hash_after)
            time += rng.randrange(0, 3)
        cuts += 1
    # the sequences exercised acceptances and several rules, including the slot layout and the batch time
    assert ("accepted",) in kinds and ("rejected", "slot_layout") in kinds
    assert ("rejected", "time_monotonic") in kinds and len(kinds) >= 5


def test_a_cut_whose_trace_differs_from_the_checked_post_state_stops_the_node_and_queues_nothing(tmp_path,
                                                                                                 monkeypatch):
    from node_helpers import fund, sequencer

    from zkob.node.protocol import parse_user_op
    from zkob.zk.errors import InternalError

    seq, cuts = sequencer(tmp_path / "st", batch_ops=2)
    fund(seq, accounts=(1,))
    queued = len(seq.pending)
    seq.handle("op", parse_user_op(signed({"op": "withdraw", "account": 1, "asset": 1, "amount": 1}, 0)))
    real = OpenState.roots
    monkeypatch.setattr(OpenState, "roots", lambda self: (real(self)[0] + 1,) + real(self)[1:])  # a divergence
    with pytest.raises(InternalError, match="differ from the post-state"):
        seq.handle("op", parse_user_op(signed({"op": "withdraw", "account": 1, "asset": 1, "amount": 1}, 1)))
    assert len(seq.pending) == queued and seq.failure is not None and len(cuts) == queued
    with pytest.raises(InternalError):  # nothing more is acknowledged
        seq.handle("op", parse_user_op(signed({"op": "withdraw", "account": 1, "asset": 1, "amount": 1}, 1)))
