"""A small price-time-priority matching engine that emits docs/protocol.md section 4 ops.

The demo and the benchmarks need realistic, valid order flow: accounts that
deposit, limit orders that rest on a book or cross it, partial fills at the
maker's price, cancels and withdrawals. ``OrderFlow`` mirrors the state
machine's bookkeeping (balances, escrow, free order slots) so every op it
emits is valid when applied in sequence; the state machine remains the
judge and rejects anything this engine gets wrong.

The engine holds its users' private keys (a demo stand-in for users
signing their own orders) and signs every withdraw, place and cancel over
H(venue, op_hash, nonce), tracking each account's nonce from 0
(docs/protocol.md section 9), so the flow is valid from an empty state.
matching_derivatives.py extends it to derivatives orders (dplace -> dfill);
``cut_batches`` cuts a flow into batches that fit the slot layout.

Everything is driven by an explicit ``random.Random`` so a seed reproduces
the flow (signatures are deterministic). Cost: O(book size) per order plus
~5 ms per signature, fine for demo-sized books.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field

from ..zk.eddsa import private_to_public
from .batchfile import parse_op
from .ops import signer, to_json
from .params import Params
from .protocol import BUY, OPS, SELL
from .signing import sign_op

U64 = 1 << 64


@dataclass
class RestingOrder:
    slot: int
    account: int
    side: int
    price: int
    remaining: int
    seq: int  # arrival time, for time priority


@dataclass
class OrderFlow:
    """Generates valid op dicts for one market (``base``/``quote`` asset ids).

    ``keys`` maps account id -> 32-byte private key; accounts are created
    by their first deposit with the matching public key, and their
    withdraw/place/cancel ops come signed for ``venue`` (the config's
    venue_id). ``order_slots`` is the number of leaves of the orders tree
    (2^orders_depth); slot 0 is left unused so ids read naturally.
    """

    keys: dict[int, bytes]
    order_slots: int
    base: int = 1
    quote: int = 2
    venue: int = 0
    balances: dict[tuple[int, int], int] = field(default_factory=dict)
    book: dict[int, RestingOrder] = field(default_factory=dict)
    created: set[int] = field(default_factory=set)
    nonces: dict[int, int] = field(default_factory=dict)
    pubkeys: dict[int, tuple[int, int]] = field(init=False, default_factory=dict)
    seq: int = 0

    def __post_init__(self) -> None:
        self.pubkeys = {a: private_to_public(k) for a, k in self.keys.items()}

    def _signed(self, op: dict) -> dict:
        """The op (canonical JSON form) signed by its signer's key (a liquidate: the liquidator's) at its next nonce."""
        parsed = parse_op(op, 0, require_sigs=False)
        account = signer(parsed)
        nonce = self.nonces.get(account, 0)
        self.nonces[account] = nonce + 1
        return to_json(sign_op(parsed, self.keys[account], nonce, self.venue))

    # --- bookkeeping mirrored from the state machine -----------------------
    def _credit(self, account: int, asset: int, amount: int) -> None:
        self.balances[(account, asset)] = self.balances.get((account, asset), 0) + amount

    def _debit(self, account: int, asset: int, amount: int) -> None:
        self.balances[(account, asset)] -= amount

    def balance(self, account: int, asset: int) -> int:
        return self.balances.get((account, asset), 0)

    def _taken(self, slot: int) -> bool:
        """True when an open order (of any book this flow keeps) holds the slot."""
        return slot in self.book

    def _free_slot(self) -> int | None:
        for slot in range(1, self.order_slots):
            if not self._taken(slot):
                return slot
        return None

    # --- op constructors ------------------------------------------------------
    def deposit(self, account: int, asset: int, amount: int) -> dict:
        op = {"op": "deposit", "account": account, "asset": asset, "amount": amount}
        if account not in self.created:
            op["pubkey"] = [str(c) for c in self.pubkeys[account]]
            self.created.add(account)
        self._credit(account, asset, amount)
        return op

    def withdraw(self, account: int, asset: int, amount: int) -> dict:
        self._debit(account, asset, amount)
        return self._signed({"op": "withdraw", "account": account, "asset": asset, "amount": amount})

    def cancel(self, slot: int) -> dict:
        order = self.book.pop(slot)
        if order.side == BUY:
            self._credit(order.account, self.quote, order.price * order.remaining)
        else:
            self._credit(order.account, self.base, order.remaining)
        return self._signed({"op": "cancel", "order": slot, "account": order.account})

    def limit(self, account: int, side: int, price: int, qty: int) -> list[dict]:
        """Place a limit order and match it against the book (price-time priority).

        Returns the place op followed by its fills; an order that does not
        fully fill rests on the book. Returns [] when no slot is free or
        the account cannot cover the escrow.
        """
        slot = self._free_slot()
        escrow_asset, escrow = (self.quote, price * qty) if side == BUY else (self.base, qty)
        if slot is None or escrow >= U64 or self.balance(account, escrow_asset) < escrow:
            return []
        self._debit(account, escrow_asset, escrow)
        self.seq += 1
        taker = RestingOrder(slot, account, side, price, qty, self.seq)
        self.book[slot] = taker
        ops = [self._signed({
            "op": "place", "order": slot, "account": account, "base": self.base,
            "quote": self.quote, "side": "buy" if side == BUY else "sell",
            "price": price, "qty": qty,
        })]
        while taker.remaining:
            maker = self._best_maker(taker)
            if maker is None:
                break
            ops.append(self._fill(taker, maker, min(taker.remaining, maker.remaining)))
        return ops

    def _best_maker(self, taker: RestingOrder) -> RestingOrder | None:
        if taker.side == BUY:
            makers = [o for o in self.book.values() if o.side == SELL and o.price <= taker.price]
            key = lambda o: (o.price, o.seq)  # noqa: E731 - cheapest first, then oldest
        else:
            makers = [o for o in self.book.values() if o.side == BUY and o.price >= taker.price]
            key = lambda o: (-o.price, o.seq)  # noqa: E731 - dearest first, then oldest
        makers = [o for o in makers if o.slot != taker.slot]
        return min(makers, key=key) if makers else None

    def _fill(self, taker: RestingOrder, maker: RestingOrder, qty: int) -> dict:
        buyer, seller = (taker, maker) if taker.side == BUY else (maker, taker)
        price = maker.price
        self._credit(buyer.account, self.base, qty)
        self._credit(seller.account, self.quote, qty * price)
        self._credit(buyer.account, self.quote, qty * (buyer.price - price))
        for order in (taker, maker):
            order.remaining -= qty
            if order.remaining == 0:
                del self.book[order.slot]
        return {"op": "fill", "taker": taker.slot, "maker": maker.slot, "qty": qty}

    def random(self, rng: random.Random, n_ops: int) -> list[dict]:
        """At least ``n_ops`` valid ops (a crossing order comes with its fills).

        Deposits of both assets by every account first, then limit orders
        around a mid price of 100 (some crossing, producing fills), occasional
        cancels and withdrawals. Deterministic for a given ``rng`` state; any
        prefix of the result is valid too, since every op is valid after its
        predecessors.
        """
        ops: list[dict] = []
        accounts = sorted(self.keys)
        for account in accounts:
            ops.append(self.deposit(account, self.base, rng.randint(50, 200)))
            ops.append(self.deposit(account, self.quote, rng.randint(5_000, 20_000)))
        while len(ops) < n_ops:
            roll = rng.random()
            account = rng.choice(accounts)
            if roll < 0.12 and self.book:
                ops.append(self.cancel(rng.choice(sorted(self.book))))
            elif roll < 0.18 and self.balance(account, self.quote) > 10:
                ops.append(self.withdraw(account, self.quote, rng.randint(1, self.balance(account, self.quote) // 10)))
            else:
                ops.extend(self.limit(account, rng.choice((BUY, SELL)), rng.randint(95, 105), rng.randint(1, 10)))
        return ops


def random_flow(
    rng: random.Random,
    keys: dict[int, bytes],
    order_slots: int,
    n_ops: int,
    base: int = 1,
    quote: int = 2,
    venue: int = 0,
) -> list[dict]:
    """A valid, signed random order flow of at least ``n_ops`` ops (see ``OrderFlow.random``).

    ``keys`` maps account id -> 32-byte private key; ``venue`` is the config's venue_id.
    """
    return OrderFlow(keys=keys, order_slots=order_slots, base=base, quote=quote, venue=venue).random(rng, n_ops)


def fits_slots(names: list[str], params: Params) -> bool:
    """True when ops of these types, in this order, fit one batch's slots (V2.md's packing, rule slot_layout)."""
    kinds = params.slot_kinds
    slot = 0
    for name in names:
        spec = OPS[name]
        while slot < len(kinds) and not spec.accepted_by(kinds[slot]):
            slot += 1
        if slot == len(kinds):
            return False
        slot += 1
    return True


def cut_batches(ops: list[dict], params: Params) -> list[list[dict]]:
    """Cut a flow, in order, into batches that each fit the slot layout (greedy: each batch as long as it fits).

    The ops keep their order, so a flow valid in sequence stays valid
    batch after batch. Raises ValueError for an op no slot kind accepts
    (a derivatives op with derivatives_slots = 0).
    """
    batches: list[list[dict]] = []
    current: list[dict] = []
    for op in ops:
        if fits_slots([o["op"] for o in current] + [op["op"]], params):
            current.append(op)
            continue
        if not current:
            raise ValueError(f"a {op['op']} fits no slot of these params (derivatives_slots = {params.derivatives_slots})")
        batches.append(current)
        current = [op]
        if not fits_slots([op["op"]], params):
            raise ValueError(f"a {op['op']} fits no slot of these params (derivatives_slots = {params.derivatives_slots})")
    if current:
        batches.append(current)
    return batches
