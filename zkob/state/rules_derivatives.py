"""The derivatives ops of docs/protocol.md section 10, one function each: list, margin, dplace, dfill,
liquidate, settle.

Like rules.py: each ``apply_<op>(ctx, op)`` checks its rules in the order
of its code (the order notes-state2.md and docs/protocol.md list), updates
the overlay and returns its ``Effects`` in the row's shape: the instrument
leaf it reads or lists (with its path), its order updates, its account
updates (``AccountEdit``: cash, one position slot, the nonce) and its
margin evaluations (``evaluate``), all with the batch time T and the
oracle entries after the batch's reports.

The margin engine is state/margin.py (Equity, IM, MM in integers);
``evaluate`` records one evaluation for the trace and raises
``price_stale`` when a checked one lacks a fresh price. Cost per op: a
few Merkle updates (D_I + D_A per account), a Poseidon(6) per used slot
for the positions hash, a signature check (~6 ms) for the signed ones.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from typing import Any

from .accounts import AccountEdit, overlay_of
from .config import TIME_BOUND
from .instruments import FUTURE, KIND_NAMES, Instrument
from .kv import INSTRUMENTS
from .margin import BP, PriceStale, contract_value, equity, initial_margin_bp, maintenance_margin_bp, slot_price
from .ops import DFill, DPlace, Liquidate, ListInstrument, Margin, Op, Settle
from .positions import shrinks_toward_zero
from .protocol import BUY
from .rules import APPLY as SPOT_APPLY
from .rules import Context, Effects, check_signature, open_pair, set_order
from .signed import AMOUNT_BITS, SIZE_BITS, fits
from .trace import AccountLeaf, InstrumentUpdate, MarginCheck, OrderLeaf

U64 = 1 << 64


# -- shared steps ------------------------------------------------------------------------
def read_instrument(ctx: Context, instrument: int) -> tuple[Instrument | None, InstrumentUpdate]:
    """The leaf at ``instrument`` (None: free) and a read of it for the trace (old == new, path, root)."""
    st = ctx.state
    tree = st.instruments_tree
    leaf = st.instrument(instrument)
    root = tree.root()
    return leaf, InstrumentUpdate(instrument, leaf, leaf, tree.path(instrument), root, root)


def listed(ctx: Context, instrument: int) -> tuple[Instrument, InstrumentUpdate]:
    """The listed instrument (``instrument_listed`` otherwise) and its read."""
    terms, read = read_instrument(ctx, instrument)
    ctx.require(terms is not None, "instrument_listed", f"instrument {instrument} is not listed")
    assert terms is not None
    return terms, read


def require_live(ctx: Context, instrument: int, terms: Instrument) -> None:
    """``instrument_live``: trading needs T < expiry."""
    ctx.require(ctx.time < terms.expiry, "instrument_live",
                f"instrument {instrument} expired at {terms.expiry}; the batch time is {ctx.time}")


def evaluate(ctx: Context, account: int, update: int, when: str, leaf: AccountLeaf, checks: tuple[str, ...],
             enabled: bool = True) -> MarginCheck:
    """One margin evaluation of ``leaf`` for the trace; ``price_stale`` if enabled and a used slot's price is stale.

    A disabled evaluation (a margin transfer in makes no check) uses the
    stored prices as they are, fresh or not.
    """
    market, cfg = ctx.state.market, ctx.state.params.config
    prices: list[int | None]
    if enabled:
        try:
            prices = [None if s is None else slot_price(s, market.oracle, market.time, cfg.max_age)
                      for s in leaf.slots]
        except PriceStale as exc:
            raise ctx.reject("price_stale", f"account {account}: {exc.detail}") from None
    else:
        prices = [None if s is None else market.oracle[s.underlying].price for s in leaf.slots]
    return MarginCheck(
        account=account, account_update=update, when=when, checks=checks, enabled=enabled, cash=leaf.cash,
        slots=leaf.slots, prices=tuple(prices), equity=equity(leaf.cash, leaf.slots, prices),
        initial_bp=initial_margin_bp(leaf.slots, prices, cfg),
        maintenance_bp=maintenance_margin_bp(leaf.slots, prices, cfg),
    )


def require_im(ctx: Context, check: MarginCheck, shrank: bool = False) -> None:
    """``margin_im``: the account meets IM, or (dfill's exception, ``shrank``) it only reduced and is not below MM."""
    if check.meets_im or (shrank and not check.below_mm):
        return
    why = "and is below MM" if shrank else ""
    raise ctx.reject("margin_im", f"account {check.account} would not meet IM (10^4 * equity "
                                  f"{BP * check.equity} < IM_bp {check.initial_bp}) {why}")


# -- the ops -------------------------------------------------------------------------------
def apply_list(ctx: Context, op: ListInstrument) -> Effects:
    p = ctx.state.params
    ctx.require(1 <= op.instrument < (1 << p.instruments_depth), "id_range",
                f"instrument {op.instrument} is outside 1..2^{p.instruments_depth} - 1 (id 0 is never used)")
    terms, _ = read_instrument(ctx, op.instrument)
    ctx.require(terms is None, "instrument_free", f"instrument {op.instrument} is already listed")
    ctx.require(op.kind in KIND_NAMES, "list_kind", f"kind {op.kind} is not 1 (future), 2 (call) or 3 (put)")
    ctx.require(op.underlying < p.underlyings, "list_underlying",
                f"underlying {op.underlying} is not below U = {p.underlyings}")
    if op.kind == FUTURE:
        ctx.require(op.strike == 0, "list_strike", f"a future's strike must be 0, got {op.strike}")
    else:
        ctx.require(1 <= op.strike < U64, "list_strike", f"an option's strike {op.strike} is not in [1, 2^64)")
    ctx.require(ctx.time < op.expiry < TIME_BOUND, "list_expiry",
                f"expiry {op.expiry} is not after the batch time {ctx.time} and below 2^32")
    leaf = Instrument(op.kind, op.underlying, op.strike, op.expiry)
    path, before, after = ctx.state.instruments_tree.update(op.instrument, leaf.hash())
    overlay_of(ctx).put(INSTRUMENTS, op.instrument, leaf)
    return Effects(instrument=InstrumentUpdate(op.instrument, None, leaf, path, before, after))


def apply_margin(ctx: Context, op: Margin) -> Effects:
    p = ctx.state.params
    collateral = p.config.collateral
    ctx.check_ids(account=(op.account, p.accounts_depth))
    ctx.require(ctx.state.account(op.account) is not None, "account_exists", f"account {op.account} does not exist")
    check_signature(ctx, op)
    ctx.require(op.amount != 0, "amount_positive", "a margin transfer of 0 moves nothing")
    ctx.require(fits(op.amount, AMOUNT_BITS), "amount_range", f"|amount| {abs(op.amount)} is not below 2^64")
    edit = AccountEdit(ctx, op.account)
    if op.amount > 0:
        edit.debit(collateral, op.amount)
    else:
        ctx.require(edit.cash + op.amount >= 0, "insufficient_cash",
                    f"account {op.account} has cash {edit.cash}; it cannot move {-op.amount} out")
        edit.credit(collateral, -op.amount)
    edit.set_cash(edit.cash + op.amount)
    update = edit.commit(bump_nonce=True)
    check = evaluate(ctx, op.account, 0, "after", update.new, ("margin_im",), enabled=op.amount < 0)
    if check.enabled:
        require_im(ctx, check)
    return Effects(accounts=(update,), margin=(check,))


def apply_dplace(ctx: Context, op: DPlace) -> Effects:
    st, p = ctx.state, ctx.state.params
    ctx.check_ids(order=(op.order, p.orders_depth), account=(op.account, p.accounts_depth),
                  instrument=(op.instrument, p.instruments_depth))
    ctx.require(op.side in (0, 1), "side_value", f"side must be 0 (buy) or 1 (sell), got {op.side}")
    ctx.require(st.order(op.order) is None, "slot_free", f"order slot {op.order} is taken")
    ctx.require(st.account(op.account) is not None, "account_exists", f"account {op.account} does not exist")
    check_signature(ctx, op)
    terms, read = listed(ctx, op.instrument)
    require_live(ctx, op.instrument, terms)
    ctx.require(op.price >= 1, "price_positive", "price must be at least 1")
    ctx.require(op.qty >= 1, "qty_positive", "qty must be at least 1")
    ctx.require(op.price < U64, "price_range", "price must be below 2^64")
    ctx.require(op.qty < 1 << SIZE_BITS, "qty_range", "a derivatives order's qty must be below 2^40")
    update = AccountEdit(ctx, op.account).commit(bump_nonce=True)
    leaf = OrderLeaf(op.account, 0, 0, op.side, op.price, op.qty, op.instrument)
    return Effects(orders=(set_order(ctx, op.order, leaf),), accounts=(update,), instrument=read)


def apply_dfill(ctx: Context, op: DFill) -> Effects:
    taker, maker = open_pair(ctx, op.taker, op.maker)
    for name, order in (("taker", taker), ("maker", maker)):
        ctx.require(order.is_derivative, "order_kind", f"{name} order is a spot order: spot orders trade by fill")
    ctx.require(taker.instrument == maker.instrument, "same_market",
                f"taker and maker trade instruments {taker.instrument} and {maker.instrument}")
    ctx.require(taker.side != maker.side, "opposite_sides", "taker and maker are on the same side")
    buy, sell = (taker, maker) if taker.side == BUY else (maker, taker)
    ctx.require(buy.price >= sell.price, "price_cross", f"buy price {buy.price} is below sell price {sell.price}")
    ctx.require(op.qty >= 1, "qty_positive", "dfill qty must be at least 1")
    ctx.require(op.qty <= taker.remaining and op.qty <= maker.remaining, "qty_exceeds_remaining",
                f"qty {op.qty} exceeds a remainder ({taker.remaining}, {maker.remaining})")
    ctx.require(buy.account != sell.account, "self_trade", f"account {buy.account} is on both sides")
    terms, read = read_instrument(ctx, taker.instrument)
    assert terms is not None, "an open derivatives order names a listed instrument"
    require_live(ctx, taker.instrument, terms)
    orders = (set_order(ctx, op.taker, _reduced(taker, op.qty)), set_order(ctx, op.maker, _reduced(maker, op.qty)))
    notional = op.qty * maker.price
    accounts = []
    for account, delta in ((buy.account, op.qty), (sell.account, -op.qty)):
        edit = AccountEdit(ctx, account)
        edit.change_size(taker.instrument, terms, delta)
        edit.set_cash(edit.cash - delta * maker.price)
        accounts.append(edit.commit())
    assert notional == abs(accounts[0].cash_after - accounts[0].cash_before)
    checks = tuple(evaluate(ctx, u.account, a, "after", u.new, ("margin_im",)) for a, u in enumerate(accounts))
    for u, check in zip(accounts, checks):
        assert u.position is not None
        require_im(ctx, check, shrank=shrinks_toward_zero(u.position.old_size, u.position.new_size))
    return Effects(orders=orders, accounts=tuple(accounts), instrument=read, margin=checks)


def apply_liquidate(ctx: Context, op: Liquidate) -> Effects:
    st, p = ctx.state, ctx.state.params
    cfg = p.config
    ctx.check_ids(account=(op.account, p.accounts_depth), liquidator=(op.liquidator, p.accounts_depth),
                  instrument=(op.instrument, p.instruments_depth))
    ctx.require(op.account != op.liquidator, "self_liquidation", f"account {op.account} cannot liquidate itself")
    ctx.require(st.account(op.liquidator) is not None, "account_exists", f"liquidator {op.liquidator} does not exist")
    ctx.require(st.account(op.account) is not None, "account_exists", f"account {op.account} does not exist")
    check_signature(ctx, op)
    terms, read = listed(ctx, op.instrument)
    require_live(ctx, op.instrument, terms)
    victim = st.account(op.account)
    assert victim is not None
    held = AccountEdit(ctx, op.account).size(op.instrument)
    ctx.require(held != 0, "position_held", f"account {op.account} holds no instrument {op.instrument}")
    ctx.require(op.qty >= 1, "qty_positive", "liquidation qty must be at least 1")
    ctx.require(op.qty <= abs(held), "qty_exceeds_position", f"qty {op.qty} exceeds the position {held}")
    ctx.require(op.price < U64, "price_range", "price must be below 2^64")
    before = evaluate(ctx, op.account, 1, "before", victim, ("not_liquidatable", "liq_worsens"))
    ctx.require(before.below_mm, "not_liquidatable",
                f"account {op.account} is not below MM (10^4 * equity {BP * before.equity} >= MM_bp "
                f"{before.maintenance_bp})")
    index = st.market.oracle[terms.underlying].price
    value = contract_value(terms.kind, terms.strike, index)
    ctx.require(BP * abs(op.price - value) <= cfg.liq_band * index, "liq_price",
                f"price {op.price} is more than liq_band {cfg.liq_band} bp of {index} from the contract value {value}")
    d = op.qty if held > 0 else -op.qty
    liquidator = AccountEdit(ctx, op.liquidator)
    liquidator.change_size(op.instrument, terms, d)
    liquidator.set_cash(liquidator.cash - d * op.price)
    first = liquidator.commit(bump_nonce=True)
    account = AccountEdit(ctx, op.account)
    account.change_size(op.instrument, terms, -d)
    account.set_cash(account.cash + d * op.price)
    second = account.commit()
    after = evaluate(ctx, op.account, 1, "after", second.new, ("liq_worsens",))
    ctx.require(after.deficit_bp <= before.deficit_bp, "liq_worsens",
                f"account {op.account}'s deficit would grow from {before.deficit_bp} to {after.deficit_bp} bp")
    taker = evaluate(ctx, op.liquidator, 0, "after", first.new, ("margin_im",))
    require_im(ctx, taker)
    return Effects(accounts=(first, second), instrument=read, margin=(before, after, taker))


def apply_settle(ctx: Context, op: Settle) -> Effects:
    p = ctx.state.params
    ctx.check_ids(account=(op.account, p.accounts_depth), instrument=(op.instrument, p.instruments_depth))
    ctx.require(ctx.state.account(op.account) is not None, "account_exists", f"account {op.account} does not exist")
    terms, read = listed(ctx, op.instrument)
    ctx.require(terms.settled, "instrument_settled", f"instrument {op.instrument} has no settlement price yet")
    edit = AccountEdit(ctx, op.account)
    held = edit.size(op.instrument)
    ctx.require(held != 0, "position_held", f"account {op.account} holds no instrument {op.instrument}")
    edit.set_cash(edit.cash + held * contract_value(terms.kind, terms.strike, terms.settle_price))
    edit.change_size(op.instrument, terms, -held)
    return Effects(accounts=(edit.commit(),), instrument=read)


def _reduced(order: OrderLeaf, qty: int) -> OrderLeaf | None:
    left = order.remaining - qty
    return None if left == 0 else replace(order, remaining=left)


#: every op type's rule function: the spot ones (rules.py) and these
APPLY: dict[type[Op], Callable[[Context, Any], Effects]] = {
    **SPOT_APPLY, ListInstrument: apply_list, Margin: apply_margin, DPlace: apply_dplace, DFill: apply_dfill,
    Liquidate: apply_liquidate, Settle: apply_settle,
}
