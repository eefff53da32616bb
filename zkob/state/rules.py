"""One function per spot operation: check its rules (docs/protocol.md), then update.

Each ``apply_<op>(ctx, op)`` runs on a ``Context`` whose state is an
overlay, checks its op's rules and returns its ``Effects`` in the shape its
row of the op table fixes (protocol.OP_TABLE, trace.py): order updates,
account updates (each one ``accounts.AccountEdit``), the instrument it
reads or lists, its margin evaluations. Rules are named by
``Rejected.rule``; every name is declared, with its meaning, in
protocol.RULES (``Context.reject`` refuses any other), and each function
checks its op's rules in the order they appear in its code (the overlay is
discarded on rejection, so a rule checked after a write changes nothing).
The derivatives ops (list, margin, dplace, dfill, liquidate, settle) are in
rules_derivatives.py and join ``APPLY`` there.

``signature_invalid`` (docs/protocol.md section 9): the op's ``sig`` is
missing or does not verify for the signer's stored key over
``H(venue, op_hash, nonce)`` with the signer's current nonce and the
config's venue_id (forged, by another key, replayed from an earlier nonce,
or made for another venue). The signer's account update (always the op's
first) bumps the nonce. Verifying costs ~6 ms.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, replace
from typing import Any

from ..zk.babyjub import public_key_problem
from ..zk.eddsa import verify_poseidon
from .accounts import AccountEdit, overlay_of
from .errors import Rejected
from .ops import Cancel, Deposit, Fill, Noop, Op, Place, SignedOp, Withdraw, signer, signing_message
from .protocol import BUY, RULES
from .kv import ORDERS
from .state import State
from .trace import AccountUpdate, InstrumentUpdate, MarginCheck, OrderLeaf, OrderUpdate

U64 = 1 << 64


@dataclass(frozen=True)
class Effects:
    """What one op did, in its row's shape: order updates, account updates, instrument, margin evaluations."""

    orders: tuple[OrderUpdate, ...] = ()
    accounts: tuple[AccountUpdate, ...] = ()
    instrument: InstrumentUpdate | None = None
    margin: tuple[MarginCheck, ...] = field(default=())


@dataclass
class Context:
    """The op being applied (its index in the batch's ops, for error messages) and the overlay state."""

    state: State
    index: int
    op: Op

    def reject(self, rule: str, detail: str) -> Rejected:
        assert rule in RULES, f"rule {rule!r} is not in protocol.RULES"
        return Rejected(rule, self.index, self.op.NAME, detail)

    def require(self, ok: bool, rule: str, detail: str) -> None:
        if not ok:
            raise self.reject(rule, detail)

    def check_ids(self, **ids: tuple[int, int]) -> None:
        """``name=(value, depth)``: each id must be a leaf index of its tree."""
        for name, (value, depth) in ids.items():
            self.require(0 <= value < (1 << depth), "id_range",
                         f"{name} {value} is outside its tree of depth {depth}")

    @property
    def time(self) -> int:
        """The batch time T (the market's, after time_monotonic)."""
        return self.state.market.time


def check_signature(ctx: Context, op: SignedOp) -> None:
    """``signature_invalid`` unless ``op.sig`` verifies for its signer's key at the signer's nonce and venue.

    The signer's account must exist (callers check it first). Costs ~6 ms.
    """
    account = signer(op)
    leaf = ctx.state.account(account)
    assert leaf is not None, "caller must check that the signer's account exists"
    venue = ctx.state.params.config.venue_id
    ctx.require(op.sig is not None, "signature_invalid",
                f"a {op.NAME} must carry the signature of account {account}'s key")
    ctx.require(verify_poseidon(signing_message(op, leaf.nonce, venue), op.sig, (leaf.pk_x, leaf.pk_y)),
                "signature_invalid",
                f"the signature does not verify for account {account}'s key over H(venue, op_hash, nonce "
                f"{leaf.nonce}) (forged, made with another key, or made for another nonce, op or venue)")


def set_order(ctx: Context, order: int, leaf: OrderLeaf | None) -> OrderUpdate:
    """Write one order slot (None frees it); return the witness."""
    st = ctx.state
    old = st.order(order)
    path, before, after = st.orders_tree.update(order, 0 if leaf is None else leaf.hash())
    overlay_of(ctx).put(ORDERS, order, leaf)
    return OrderUpdate(order, old, leaf, path, before, after)


def apply_noop(ctx: Context, op: Noop) -> Effects:
    return Effects()


def apply_deposit(ctx: Context, op: Deposit) -> Effects:
    p = ctx.state.params
    ctx.check_ids(account=(op.account, p.accounts_depth), asset=(op.asset, p.assets_depth))
    ctx.require(op.amount >= 1, "amount_positive", "deposit amount must be at least 1")
    existing = ctx.state.account(op.account)
    if existing is None:
        ctx.require(op.pubkey is not None, "pubkey_required",
                    f"account {op.account} does not exist; a deposit creating it must give its pubkey")
        problem = public_key_problem(op.pubkey)
        ctx.require(problem is None, "pubkey_invalid", f"account {op.account} cannot be created: {problem}")
    elif op.pubkey is not None:
        ctx.require(op.pubkey == (existing.pk_x, existing.pk_y), "pubkey_mismatch",
                    f"account {op.account} exists with another pubkey")
    edit = AccountEdit(ctx, op.account, op.pubkey)
    edit.credit(op.asset, op.amount)
    return Effects(accounts=(edit.commit(),))


def apply_withdraw(ctx: Context, op: Withdraw) -> Effects:
    p = ctx.state.params
    ctx.check_ids(account=(op.account, p.accounts_depth), asset=(op.asset, p.assets_depth))
    ctx.require(ctx.state.account(op.account) is not None, "account_exists",
                f"account {op.account} does not exist")
    check_signature(ctx, op)
    ctx.require(op.amount >= 1, "amount_positive", "withdrawal amount must be at least 1")
    edit = AccountEdit(ctx, op.account)
    ctx.require(edit.cash >= 0, "cash_negative",
                f"account {op.account} owes the venue {-edit.cash} (cash below 0): pay it back with margin first")
    edit.debit(op.asset, op.amount)
    return Effects(accounts=(edit.commit(bump_nonce=True),))


def apply_place(ctx: Context, op: Place) -> Effects:
    st, p = ctx.state, ctx.state.params
    ctx.check_ids(order=(op.order, p.orders_depth), account=(op.account, p.accounts_depth),
                  base=(op.base, p.assets_depth), quote=(op.quote, p.assets_depth))
    ctx.require(op.side in (0, 1), "side_value", f"side must be 0 (buy) or 1 (sell), got {op.side}")
    ctx.require(st.order(op.order) is None, "slot_free", f"order slot {op.order} is taken")
    ctx.require(st.account(op.account) is not None, "account_exists", f"account {op.account} does not exist")
    check_signature(ctx, op)
    ctx.require(op.base != op.quote, "distinct_assets", f"base and quote are both asset {op.base}")
    ctx.require(op.price >= 1, "price_positive", "price must be at least 1")
    ctx.require(op.qty >= 1, "qty_positive", "qty must be at least 1")
    ctx.require(op.price < U64, "price_range", "price must be below 2^64")
    ctx.require(op.escrow < U64, "escrow_overflow", f"escrow {op.escrow} is not below 2^64")
    edit = AccountEdit(ctx, op.account)
    edit.debit(op.escrow_asset, op.escrow)
    escrow = edit.commit(bump_nonce=True)
    leaf = OrderLeaf(op.account, op.base, op.quote, op.side, op.price, op.qty)
    return Effects(orders=(set_order(ctx, op.order, leaf),), accounts=(escrow,))


def remainder_escrow(order: OrderLeaf) -> tuple[int, int]:
    """(asset, amount) held in escrow by an open order's remainder; (0, 0) for a derivatives order.

    A derivatives order has base = quote = 0 and escrows nothing, so the
    same formula gives asset 0 and ``is_spot * amount`` = 0.
    """
    asset = order.quote if order.side == BUY else order.base
    if order.is_derivative:
        return asset, 0
    return asset, order.price * order.remaining if order.side == BUY else order.remaining


def apply_cancel(ctx: Context, op: Cancel) -> Effects:
    p = ctx.state.params
    ctx.check_ids(order=(op.order, p.orders_depth), account=(op.account, p.accounts_depth))
    order = ctx.state.order(op.order)
    ctx.require(order is not None, "order_exists", f"order {op.order} is not open")
    assert order is not None
    ctx.require(order.account == op.account, "order_owner",
                f"order {op.order} belongs to account {order.account}, not {op.account}")
    check_signature(ctx, op)
    removed = set_order(ctx, op.order, None)
    asset, amount = remainder_escrow(order)
    edit = AccountEdit(ctx, order.account)
    edit.credit(asset, amount)
    return Effects(orders=(removed,), accounts=(edit.commit(bump_nonce=True),))


def open_pair(ctx: Context, taker_id: int, maker_id: int) -> tuple[OrderLeaf, OrderLeaf]:
    """The two open orders a fill or dfill names, after its first rules (id_range, distinct_orders, order_exists)."""
    depth = ctx.state.params.orders_depth
    ctx.check_ids(taker=(taker_id, depth), maker=(maker_id, depth))
    ctx.require(taker_id != maker_id, "distinct_orders", f"taker and maker are both order {taker_id}")
    taker, maker = ctx.state.order(taker_id), ctx.state.order(maker_id)
    ctx.require(taker is not None, "order_exists", f"taker order {taker_id} is not open")
    ctx.require(maker is not None, "order_exists", f"maker order {maker_id} is not open")
    assert taker is not None and maker is not None
    return taker, maker


def apply_fill(ctx: Context, op: Fill) -> Effects:
    taker, maker = open_pair(ctx, op.taker, op.maker)
    for name, order in (("taker", taker), ("maker", maker)):
        ctx.require(not order.is_derivative, "order_kind",
                    f"{name} order is on instrument {order.instrument}: derivatives orders trade by dfill")
    ctx.require((taker.base, taker.quote) == (maker.base, maker.quote), "same_market",
                "taker and maker trade different asset pairs")
    ctx.require(taker.side != maker.side, "opposite_sides", "taker and maker are on the same side")
    buy, sell = (taker, maker) if taker.side == BUY else (maker, taker)
    ctx.require(buy.price >= sell.price, "price_cross",
                f"buy price {buy.price} is below sell price {sell.price}")
    ctx.require(op.qty >= 1, "qty_positive", "fill qty must be at least 1")
    ctx.require(op.qty <= taker.remaining and op.qty <= maker.remaining, "qty_exceeds_remaining",
                f"qty {op.qty} exceeds a remainder ({taker.remaining}, {maker.remaining})")
    orders = (
        set_order(ctx, op.taker, _reduced(taker, op.qty)),
        set_order(ctx, op.maker, _reduced(maker, op.qty)),
    )
    buyer = AccountEdit(ctx, buy.account)  # both buyer legs in one account update, then the seller
    buyer.credit(buy.base, op.qty)
    buyer.credit(buy.quote, op.qty * (buy.price - maker.price))
    first = buyer.commit()
    seller = AccountEdit(ctx, sell.account)
    seller.credit(sell.quote, op.qty * maker.price)
    return Effects(orders=orders, accounts=(first, seller.commit()))


def _reduced(order: OrderLeaf, qty: int) -> OrderLeaf | None:
    left = order.remaining - qty
    return None if left == 0 else replace(order, remaining=left)


APPLY: dict[type[Op], Callable[[Context, Any], Effects]] = {
    Noop: apply_noop, Deposit: apply_deposit, Withdraw: apply_withdraw,
    Place: apply_place, Cancel: apply_cancel, Fill: apply_fill,
}
