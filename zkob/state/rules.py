"""One function per operation: check its rules (docs/protocol.md), then update.

Each ``apply_<op>(ctx, op)`` runs on a ``Context`` whose state is an
overlay, checks every rule of its op *before* touching anything (credits
check overflow as they happen; the overlay is discarded on rejection
anyway) and returns the (balance_updates, order_updates) in the shape its
row of the op table fixes (protocol.OP_TABLE, trace.py). Rules are named
by ``Rejected.rule``; every name is declared, with its meaning, in
protocol.RULES (``Context.reject`` refuses any other), and each function
checks its op's rules in the order they appear in its code.

``signature_invalid`` (docs/protocol.md section 4): the op's ``sig`` is missing or
does not verify for the signer's stored key over ``H(op_hash, nonce)``
with the signer's current nonce (forged, by another key, or replayed from
an earlier nonce). The signer's first balance update bumps the nonce.
Verifying costs ~6 ms.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import Any

from ..zk.babyjub import public_key_problem
from ..zk.eddsa import verify_poseidon
from .errors import Rejected
from .ops import Cancel, Deposit, Fill, Noop, Op, Place, SignedOp, Withdraw, signer, signing_message
from .protocol import BUY, RULES
from .kv import ACCOUNTS, ORDERS, Overlay
from .state import State
from .trace import AccountLeaf, BalanceUpdate, OrderLeaf, OrderUpdate

U64 = 1 << 64
Updates = tuple[tuple[BalanceUpdate, ...], tuple[OrderUpdate, ...]]


@dataclass
class Context:
    """The op being applied (for error messages) and the overlay state it writes to."""

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


def overlay(state: State) -> Overlay:
    """The overlay a transition writes to (run_batch builds every rule's State on one)."""
    assert isinstance(state.source, Overlay), "rules write to an Overlay, never to a committed source"
    return state.source


def set_balance(ctx: Context, account: int, asset: int, new_amount: int,
                create_pk: tuple[int, int] | None = None, bump_nonce: bool = False) -> BalanceUpdate:
    """Write one balance leaf and the account leaf above it; return the witness.

    ``create_pk`` creates a never-used account (nonce 0) with that key.
    ``bump_nonce`` increments the account's nonce in the same leaf update:
    each signed op (withdraw, place, cancel; docs/protocol.md section 4) has
    exactly one balance update on its signer's account (the debit, the
    escrow debit, the refund), which carries the bump, so the trace shape
    is the same for signed and unsigned ops.
    """
    st = ctx.state
    old_account = st.account(account)
    if old_account is None:
        assert create_pk is not None, "caller must check account_exists"
        base = AccountLeaf(create_pk[0], create_pk[1], 0, st.empty_balances_root)
    else:
        base = old_account
    tree = st.balances_tree(account)
    old_amount = tree.leaf(asset)
    balance_path, _, balances_root = tree.update(asset, new_amount)
    new_account = replace(base, balances_root=balances_root, nonce=base.nonce + int(bump_nonce))
    accounts = st.accounts_tree
    account_path, before, after = accounts.update(account, new_account.hash())
    overlay(st).put(ACCOUNTS, account, new_account)
    return BalanceUpdate(account, asset, old_amount, new_amount, old_account, new_account,
                         balance_path, account_path, before, after)


def credit(ctx: Context, account: int, asset: int, amount: int,
           create_pk: tuple[int, int] | None = None, bump_nonce: bool = False) -> BalanceUpdate:
    """Add ``amount``; rejects ``balance_overflow`` when the balance would reach 2^64."""
    total = ctx.state.balance(account, asset) + amount
    ctx.require(total < U64, "balance_overflow",
                f"account {account} asset {asset} would hold {total} >= 2^64")
    return set_balance(ctx, account, asset, total, create_pk, bump_nonce)


def debit(ctx: Context, account: int, asset: int, amount: int, bump_nonce: bool = False) -> BalanceUpdate:
    """Subtract ``amount``; rejects ``insufficient_balance``."""
    have = ctx.state.balance(account, asset)
    ctx.require(have >= amount, "insufficient_balance",
                f"account {account} asset {asset} holds {have}, needs {amount}")
    return set_balance(ctx, account, asset, have - amount, bump_nonce=bump_nonce)


def check_signature(ctx: Context, op: SignedOp) -> None:
    """``signature_invalid`` unless ``op.sig`` verifies for its signer's key at the signer's current nonce.

    The signer's account must exist (callers check it first). Costs ~6 ms.
    """
    account = signer(op)
    leaf = ctx.state.account(account)
    assert leaf is not None, "caller must check that the signer's account exists"
    ctx.require(op.sig is not None, "signature_invalid",
                f"a {op.NAME} must carry the signature of account {account}'s key")
    ctx.require(verify_poseidon(signing_message(op, leaf.nonce), op.sig, (leaf.pk_x, leaf.pk_y)),
                "signature_invalid",
                f"the signature does not verify for account {account}'s key over H(op_hash, nonce "
                f"{leaf.nonce}) (forged, made with another key, or made for another nonce or op)")


def set_order(ctx: Context, order: int, leaf: OrderLeaf | None) -> OrderUpdate:
    """Write one order slot (None frees it); return the witness."""
    st = ctx.state
    old = st.order(order)
    path, before, after = st.orders_tree.update(order, 0 if leaf is None else leaf.hash())
    overlay(st).put(ORDERS, order, leaf)
    return OrderUpdate(order, old, leaf, path, before, after)


def apply_noop(ctx: Context, op: Noop) -> Updates:
    return (), ()


def apply_deposit(ctx: Context, op: Deposit) -> Updates:
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
    return (credit(ctx, op.account, op.asset, op.amount, op.pubkey),), ()


def apply_withdraw(ctx: Context, op: Withdraw) -> Updates:
    p = ctx.state.params
    ctx.check_ids(account=(op.account, p.accounts_depth), asset=(op.asset, p.assets_depth))
    ctx.require(ctx.state.account(op.account) is not None, "account_exists",
                f"account {op.account} does not exist")
    check_signature(ctx, op)
    ctx.require(op.amount >= 1, "amount_positive", "withdrawal amount must be at least 1")
    return (debit(ctx, op.account, op.asset, op.amount, bump_nonce=True),), ()


def apply_place(ctx: Context, op: Place) -> Updates:
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
    escrow = debit(ctx, op.account, op.escrow_asset, op.escrow, bump_nonce=True)
    leaf = OrderLeaf(op.account, op.base, op.quote, op.side, op.price, op.qty)
    return (escrow,), (set_order(ctx, op.order, leaf),)


def remainder_escrow(order: OrderLeaf) -> tuple[int, int]:
    """(asset, amount) held in escrow by an open order's remainder."""
    if order.side == BUY:
        return order.quote, order.price * order.remaining
    return order.base, order.remaining


def apply_cancel(ctx: Context, op: Cancel) -> Updates:
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
    return (credit(ctx, order.account, asset, amount, bump_nonce=True),), (removed,)


def apply_fill(ctx: Context, op: Fill) -> Updates:
    st, p = ctx.state, ctx.state.params
    ctx.check_ids(taker=(op.taker, p.orders_depth), maker=(op.maker, p.orders_depth))
    ctx.require(op.taker != op.maker, "distinct_orders", f"taker and maker are both order {op.taker}")
    taker, maker = st.order(op.taker), st.order(op.maker)
    ctx.require(taker is not None, "order_exists", f"taker order {op.taker} is not open")
    ctx.require(maker is not None, "order_exists", f"maker order {op.maker} is not open")
    assert taker is not None and maker is not None
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
    balances = (  # both buyer legs, then the seller: the circuit's order (one account update for the buyer)
        credit(ctx, buy.account, buy.base, op.qty),
        credit(ctx, buy.account, buy.quote, op.qty * (buy.price - maker.price)),
        credit(ctx, sell.account, sell.quote, op.qty * maker.price),
    )
    return balances, orders


def _reduced(order: OrderLeaf, qty: int) -> OrderLeaf | None:
    left = order.remaining - qty
    return None if left == 0 else replace(order, remaining=left)


APPLY: dict[type[Op], Callable[[Context, Any], Updates]] = {
    Noop: apply_noop, Deposit: apply_deposit, Withdraw: apply_withdraw,
    Place: apply_place, Cancel: apply_cancel, Fill: apply_fill,
}
