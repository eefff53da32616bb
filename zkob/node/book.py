"""The sequencer's order book: resting orders with their time priority, and the next fill.

The state's orders tree says what rests (account, side, price,
remaining); it does not say who came first. The book adds that: each
order's priority is the sequence number of the op that placed it (0 for
orders placed before this node's log began, oldest slot first). The
sequencer keeps the book in step with every op it sequences (``apply``)
and asks ``next_fill`` after each order: the best opposite order that
crosses it, best price first and then earliest, at the maker's price.
The state machine still checks every fill; the book only proposes them.

Cost: ``next_fill`` scans the resting orders of one market, O(book).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ..state.ops import Op
from ..state.protocol import BUY
from ..state.state import State
from .protocol import ORDER_OPS, market_of

Market = tuple[int, int, int]


@dataclass
class Resting:
    slot: int
    account: int
    side: int
    price: int
    remaining: int
    priority: int
    market: Market


class Book:
    """Resting orders by slot, per market."""

    def __init__(self) -> None:
        self.orders: dict[int, Resting] = {}

    @classmethod
    def from_state(cls, view: State, priorities: dict[int, int]) -> Book:
        """The orders resting in ``view``, each with the seq of its place op when the log has it."""
        book = cls()
        for slot, leaf in view.orders():
            market = (leaf.base, leaf.quote, getattr(leaf, "instrument", 0))
            book.orders[slot] = Resting(slot, leaf.account, leaf.side, leaf.price, leaf.remaining,
                                        priorities.get(slot, 0), market)
        return book

    def apply(self, op: Op, seq: int) -> None:
        """Follow one sequenced op: an order rests, a cancel removes, a fill reduces both orders."""
        fields: Any = op  # the op table's fields, by name (protocol.py decides which ops have them)
        name = op.NAME
        if name in ORDER_OPS:
            self.orders[fields.order] = Resting(fields.order, fields.account, fields.side, fields.price,
                                                fields.qty, seq, market_of(op))
        elif name == "cancel":
            self.orders.pop(fields.order, None)
        elif name in ("fill", "dfill"):
            for slot in (fields.taker, fields.maker):
                resting = self.orders[slot]
                resting.remaining -= fields.qty
                if resting.remaining == 0:
                    del self.orders[slot]

    def next_fill(self, taker_slot: int) -> tuple[int, int, Market] | None:
        """(maker slot, qty, market) of the best order crossing ``taker_slot``'s, or None."""
        taker = self.orders.get(taker_slot)
        if taker is None:
            return None
        best: Resting | None = None
        for other in self.orders.values():
            if other.market != taker.market or other.side == taker.side or other.slot == taker.slot:
                continue
            crosses = other.price <= taker.price if taker.side == BUY else other.price >= taker.price
            if not crosses:
                continue
            if best is None or _better(other, best, taker.side):
                best = other
        if best is None:
            return None
        return best.slot, min(taker.remaining, best.remaining), taker.market


def _better(a: Resting, b: Resting, taker_side: int) -> bool:
    """Price first (cheapest ask for a buyer, dearest bid for a seller), then time."""
    if a.price != b.price:
        return a.price < b.price if taker_side == BUY else a.price > b.price
    return (a.priority, a.slot) < (b.priority, b.slot)
