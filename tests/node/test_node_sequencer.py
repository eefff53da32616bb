"""The sequencer in this process (no HTTP, no proofs): what it accepts, logs, matches and cuts."""

from __future__ import annotations

import pytest
from node_helpers import PARAMS, Clock, deposit, fund, place, sequencer, signed

from zkob.node.log import NodeLog
from zkob.node.protocol import make_batch, op_from_json, parse_deposit, parse_user_op
from zkob.state.api import new_state
from zkob.state.errors import Rejected
from zkob.state.transition import apply_batch
from zkob.zk.errors import MalformedInput


def logged_ops(directory):
    log = NodeLog(directory)
    try:
        return [(seq, op["op"], origin) for seq, _, op, origin in log.ops_page(0, 1000)]
    finally:
        log.close()


def test_a_rejected_op_is_answered_with_its_rule_and_not_logged(tmp_path):
    seq, _ = sequencer(tmp_path / "st")
    fund(seq)
    before = logged_ops(tmp_path / "st")
    with pytest.raises(Rejected) as caught:
        seq.handle("op", parse_user_op(signed({"op": "withdraw", "account": 1, "asset": 1, "amount": 101}, 0)))
    assert caught.value.rule == "insufficient_balance" and caught.value.op_index == 0
    with pytest.raises(Rejected) as caught:  # signed at a stale nonce
        seq.handle("op", parse_user_op(signed({"op": "withdraw", "account": 1, "asset": 1, "amount": 1}, 5)))
    assert caught.value.rule == "signature_invalid"
    assert logged_ops(tmp_path / "st") == before


def test_ops_are_checked_against_everything_sequenced_before_them(tmp_path):
    """The second withdrawal only fits if the first is counted (same open batch, not yet proven)."""
    seq, _ = sequencer(tmp_path / "st", batch_ops=4)
    fund(seq, accounts=(1,))
    first = seq.handle("op", parse_user_op(signed({"op": "withdraw", "account": 1, "asset": 1, "amount": 60}, 0)))
    with pytest.raises(Rejected) as caught:
        seq.handle("op", parse_user_op(signed({"op": "withdraw", "account": 1, "asset": 1, "amount": 60}, 1)))
    assert caught.value.rule == "insufficient_balance"
    second = seq.handle("op", parse_user_op(signed({"op": "withdraw", "account": 1, "asset": 1, "amount": 40}, 1)))
    assert second.seqs[0] == first.seqs[0] + 1


def test_orders_are_matched_price_first_then_time_at_the_makers_price(tmp_path):
    seq, _ = sequencer(tmp_path / "st", batch_ops=4)
    fund(seq, accounts=(1, 2, 3))
    seq.handle("op", parse_user_op(signed(place(1, 1, "sell", 102, 5), 0)))
    seq.handle("op", parse_user_op(signed(place(2, 2, "sell", 101, 3), 0)))
    seq.handle("op", parse_user_op(signed(place(3, 1, "sell", 101, 4), 1)))  # same price, later: after order 2
    done = seq.handle("op", parse_user_op(signed(place(4, 3, "buy", 103, 9), 0)))
    fills = [(int(op["maker"]), int(op["qty"])) for _, op in done.fills]
    assert fills == [(2, 3), (3, 4), (1, 2)]
    assert [int(op["taker"]) for _, op in done.fills] == [4, 4, 4]
    assert [s for s, _ in done.fills] == [done.seqs[0] + 1, done.seqs[0] + 2, done.seqs[0] + 3]
    assert 1 in seq.book.orders and seq.book.orders[1].remaining == 3 and 4 not in seq.book.orders


def test_a_batch_is_cut_at_n_ops_and_after_s_seconds_and_every_cut_batch_applies(tmp_path):
    clock = Clock()
    seq, cuts = sequencer(tmp_path / "st", batch_ops=3, batch_seconds=2.0, clock=clock)
    fund(seq, accounts=(1,))  # 2 deposits: open
    assert cuts == [] and seq.open is not None and len(seq.open.ops) == 2
    seq.handle("op", parse_user_op(signed({"op": "withdraw", "account": 1, "asset": 1, "amount": 1}, 0)))
    assert [c.ops for c in cuts] == [3] and seq.open is None  # N = 3
    seq.handle("op", parse_user_op(signed({"op": "withdraw", "account": 1, "asset": 1, "amount": 1}, 1)))
    clock.t += 1.0
    seq.process([])
    assert len(cuts) == 1
    clock.t += 1.5
    seq.process([])
    assert [c.ops for c in cuts] == [3, 1] and cuts[1].time == int(clock.t - 2.5)
    replica = new_state(PARAMS)  # the cut batches, as logged, apply to a fresh state
    for cut in cuts:
        apply_batch(replica, cut.batch)
    assert replica.root == cut.trace.new_root


def test_an_op_that_does_not_fit_cuts_the_batch_and_opens_the_next(tmp_path):
    seq, cuts = sequencer(tmp_path / "st", batch_ops=4)
    fund(seq, accounts=(1,))
    fund(seq, accounts=(2,))  # 4 ops: cut at N = K
    assert [c.ops for c in cuts] == [4]
    seq.handle("deposits", [parse_deposit(deposit(3, 1, 5)), parse_deposit(deposit(4, 1, 5))])
    seq.handle("deposits", [parse_deposit(deposit(5, 1, 5)), parse_deposit(deposit(6, 1, 5)),
                            parse_deposit(deposit(7, 1, 5))])  # 2 + 3 > K: the open batch is cut first
    assert [c.ops for c in cuts] == [4, 2] and len(seq.open.ops) == 3
    with pytest.raises(MalformedInput):
        seq.handle("deposits", [parse_deposit(deposit(1, 1, 1, False))] * 5)  # more than K: never fits


def test_after_a_restart_the_log_rebuilds_the_open_batch_the_book_and_the_next_seq(tmp_path):
    seq, cuts = sequencer(tmp_path / "st", batch_ops=4)
    fund(seq, accounts=(1, 2))
    seq.handle("op", parse_user_op(signed(place(1, 1, "sell", 100, 5), 0)))
    seq.handle("op", parse_user_op(signed(place(2, 2, "sell", 100, 5), 0)))
    last = seq.next_seq
    seq.state.source.close()
    seq.log.close()
    again, backlog = sequencer(tmp_path / "st", batch_ops=4, create=False)
    assert [c.height for c in backlog] == [c.height for c in cuts] and again.next_seq == last
    assert len(again.open.ops) == len(seq.open.ops) and again.open.time == seq.open.time
    assert again.book.orders[1].priority < again.book.orders[2].priority  # time priority survives
    fund(again, accounts=(3,))
    done = again.handle("op", parse_user_op(signed(place(3, 3, "buy", 100, 5), 0)))
    assert [int(op["maker"]) for _, op in done.fills] == [1]


def test_logged_ops_read_back_as_the_ops_that_were_sequenced(tmp_path):
    seq, cuts = sequencer(tmp_path / "st", batch_ops=2)
    fund(seq, accounts=(1,))
    ops = [op_from_json(op) for _, _, op, _ in NodeLog(tmp_path / "st").ops_page(0, 10)]
    assert make_batch(ops, cuts[0].batch.salt, 0, ()).ops == cuts[0].batch.ops
