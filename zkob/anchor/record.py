"""The bridge record as ZkobRollup.submitBatch takes it: a flat list of words in batch order.

DESIGN.md section 4's bridge record lists a batch's deposits and
withdrawals in order. On chain a deposit is not repeated: the contract
queued it when it was paid, so the record says only "consume the next
queued deposit". Entries:

    TAG_DEPOSIT                          the next queued deposit, in the batch
    TAG_WITHDRAW, account, asset, amount a withdrawal of the batch
    TAG_REFUSE                           the next queued deposit, refused and refunded

The tags of deposit and withdraw are their op types (ops.py); TAG_REFUSE
is outside the op types. Refusals never enter the bridge digest. A record
is built from a batch's bridge ops (``bridge.json``) and, when the venue
refused some queued deposits, their queue indices and the queue head the
batch starts from.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from ..state.ops import Deposit, Op, Withdraw
from ..zk.errors import MalformedInput

TAG_DEPOSIT = Deposit.TYPE
TAG_WITHDRAW = Withdraw.TYPE
TAG_REFUSE = 255


def encode_record(ops: Sequence[Op], refused: Iterable[int] = (), queue_head: int | None = None) -> list[int]:
    """The record of a batch whose bridge ops are ``ops`` (deposits and withdrawals, in order).

    ``refused`` are queue indices the venue refuses in this batch; they need
    ``queue_head``, the queue index of the batch's first consumed entry.
    Each refusal goes where its queue position falls among the batch's
    deposits. Raises MalformedInput for other ops or refusals before the head.
    """
    refusals = sorted(set(refused))
    if refusals and queue_head is None:
        raise MalformedInput("refused deposits", "need the queue head (the index of the first consumed deposit)")
    if refusals and refusals[0] < (queue_head or 0):
        raise MalformedInput("refused deposits", f"index {refusals[0]} is before the queue head {queue_head}")
    words: list[int] = []
    position = queue_head or 0
    pending = list(refusals)

    def refuse_until_free() -> None:
        nonlocal position
        while pending and pending[0] == position:
            words.append(TAG_REFUSE)
            pending.pop(0)
            position += 1

    for i, op in enumerate(ops):
        if isinstance(op, Deposit):
            refuse_until_free()
            words.append(TAG_DEPOSIT)
            position += 1
        elif isinstance(op, Withdraw):
            words += [TAG_WITHDRAW, op.account, op.asset, op.amount]
        else:
            raise MalformedInput(f"bridge record ops[{i}]", f"{op.NAME} is not a deposit or withdraw")
    refuse_until_free()
    if pending:
        raise MalformedInput("refused deposits", f"index {pending[0]} is not next to the batch's deposits "
                             f"(the batch consumes the queue up to {position - 1})")
    return words
