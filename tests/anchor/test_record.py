"""The bridge record submitBatch takes: batch order, refusals at their queue positions."""

from __future__ import annotations

import pytest

from zkob.anchor.record import TAG_DEPOSIT, TAG_REFUSE, TAG_WITHDRAW, encode_record
from zkob.state.ops import Deposit, Place, Withdraw
from zkob.zk.errors import MalformedInput

D = Deposit(1, 1, 100, (5, 6))
W = Withdraw(1, 1, 40)


def test_tags_are_the_op_types_and_refuse_is_none_of_them():
    assert (TAG_DEPOSIT, TAG_WITHDRAW) == (Deposit.TYPE, Withdraw.TYPE)
    assert TAG_REFUSE not in range(12)  # DESIGN.md section 4's op types 0..11


def test_batch_order_is_kept():
    assert encode_record([D, W, D]) == [TAG_DEPOSIT, TAG_WITHDRAW, 1, 1, 40, TAG_DEPOSIT]


def test_refusals_go_to_their_queue_positions():
    # queue from index 10: 10 refused, 11 in the batch, 12 and 13 refused, 14 in the batch, 15 refused
    record = encode_record([D, W, D], refused=[10, 12, 13, 15], queue_head=10)
    assert record == [TAG_REFUSE, TAG_DEPOSIT, TAG_WITHDRAW, 1, 1, 40, TAG_REFUSE, TAG_REFUSE, TAG_DEPOSIT,
                      TAG_REFUSE]


@pytest.mark.parametrize("kwargs, field", [
    ({"refused": [3]}, "queue head"),
    ({"refused": [3], "queue_head": 5}, "before the queue head"),
    ({"refused": [9], "queue_head": 5}, "not next to"),
])
def test_refusals_that_cannot_be_placed_are_refused(kwargs, field):
    with pytest.raises(MalformedInput, match=field):
        encode_record([D], **kwargs)


def test_other_ops_are_not_bridge_ops():
    with pytest.raises(MalformedInput, match="ops\\[1\\]"):
        encode_record([D, Place(1, 1, 1, 2, 0, 3, 4)])
