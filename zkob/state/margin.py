"""The margin engine of DESIGN.md section 10, in integers; circuits/margin.py is its twin.

Read it beside the spec, line for line (rates in basis points, 1 bp =
10^-4, so "meets IM" compares 10^4 * Equity with a sum already in bp):

    v(S)    future S; call max(0, S - K); put max(0, K - S)
    otm(S)  call max(0, K - S); put max(0, S - K); future 0
    Equity  = cash + sum over slots of size * v(S)
    IM_bp   = sum of: future |size| * im_future * S;
              short option |size| * max(opt_a * S - 10^4 * otm(S), opt_b * S); long option 0
    MM_bp   = sum of: future |size| * mm_future * S; short option |size| * opt_mm * S; long option 0
    meets IM   10^4 * Equity >= IM_bp
    below MM   10^4 * Equity <  MM_bp
    deficit    MM_bp - 10^4 * Equity   (liquidate may not let it grow: liq_worsens)

S is the oracle price of the slot's underlying, which must be fresh for
every slot in use: ts_u >= 1 and T - ts_u <= max_age (``price_stale``,
raised as ``PriceStale`` for the caller to name with its op). An account
with no slot in use needs no price. Positions in expired instruments still
count, at the index price, until settled.

The function names and their order are the twin's (STYLE.md rule 17;
V2.md fixes them). Every value is a Python int; with the bounds of
section 10 (|size| < 2^40, |cash| < 2^96, prices and strikes < 2^64,
rates <= 10^5, P <= 8) all of them stay below 2^128 in absolute value,
which the circuit relies on. Cost: a few dozen integer operations per slot.
"""

from __future__ import annotations

from collections.abc import Sequence

from .config import Config
from .instruments import CALL, FUTURE, PUT
from .oracle import OracleEntry
from .positions import MarginAccount, Position

BP = 10**4


class PriceStale(Exception):
    """Rule ``price_stale``: a slot in use needs a fresh price of ``underlying`` and has none."""

    rule = "price_stale"

    def __init__(self, underlying: int, detail: str):
        super().__init__(detail)
        self.underlying = underlying
        self.detail = detail


def contract_value(kind: int, strike: int, price: int) -> int:
    """v(S): future S; call max(0, S - K); put max(0, K - S)."""
    if kind == FUTURE:
        return price
    if kind == CALL:
        return max(0, price - strike)
    if kind == PUT:
        return max(0, strike - price)
    raise ValueError(f"unknown instrument kind {kind}")


def out_of_the_money(kind: int, strike: int, price: int) -> int:
    """otm(S): call max(0, K - S); put max(0, S - K); future 0."""
    if kind == CALL:
        return max(0, strike - price)
    if kind == PUT:
        return max(0, price - strike)
    return 0


def slot_value(slot: Position, price: int) -> int:
    """size * v(S)."""
    return slot.size * contract_value(slot.kind, slot.strike, price)


def slot_initial_margin_bp(slot: Position, price: int, cfg: Config) -> int:
    """Future |size| * im_future * S; short option |size| * max(opt_a S - 10^4 otm, opt_b S); long option 0."""
    if slot.kind == FUTURE:
        return abs(slot.size) * cfg.im_future * price
    if slot.size < 0:
        otm = out_of_the_money(slot.kind, slot.strike, price)
        return abs(slot.size) * max(cfg.opt_a * price - BP * otm, cfg.opt_b * price)
    return 0


def slot_maintenance_margin_bp(slot: Position, price: int, cfg: Config) -> int:
    """Future |size| * mm_future * S; short option |size| * opt_mm * S; long option 0."""
    if slot.kind == FUTURE:
        return abs(slot.size) * cfg.mm_future * price
    if slot.size < 0:
        return abs(slot.size) * cfg.opt_mm * price
    return 0


def slot_price(slot: Position, oracle: Sequence[OracleEntry], time: int, max_age: int) -> int:
    """S_u of the slot's underlying; ``PriceStale`` unless ts_u >= 1 and T - ts_u <= max_age."""
    entry = oracle[slot.underlying]
    if entry.ts < 1:
        raise PriceStale(slot.underlying, f"underlying {slot.underlying} has no index price yet")
    if time - entry.ts > max_age:
        raise PriceStale(slot.underlying, f"the price of underlying {slot.underlying} is {time - entry.ts} s "
                         f"old at time {time}, more than max_age {max_age}")
    return entry.price


def equity(cash: int, slots: Sequence[Position | None], prices: Sequence[int | None]) -> int:
    """cash + sum over slots in use of size * v(S)."""
    return cash + sum(slot_value(s, p) for s, p in _in_use(slots, prices))


def initial_margin_bp(slots: Sequence[Position | None], prices: Sequence[int | None], cfg: Config) -> int:
    """IM_bp: the sum of the slots' IM terms."""
    return sum(slot_initial_margin_bp(s, p, cfg) for s, p in _in_use(slots, prices))


def maintenance_margin_bp(slots: Sequence[Position | None], prices: Sequence[int | None], cfg: Config) -> int:
    """MM_bp: the sum of the slots' MM terms."""
    return sum(slot_maintenance_margin_bp(s, p, cfg) for s, p in _in_use(slots, prices))


def _in_use(slots: Sequence[Position | None], prices: Sequence[int | None]) -> list[tuple[Position, int]]:
    """(slot, S) for each slot in use; a used slot always has its price."""
    pairs = []
    for s, p in zip(slots, prices, strict=True):
        if s is not None:
            if p is None:
                raise ValueError("a slot in use needs its price")
            pairs.append((s, p))
    return pairs


def _prices(account: MarginAccount, oracle: Sequence[OracleEntry], time: int, cfg: Config) -> list[int | None]:
    """S for each slot in use (None for a free one); PriceStale for the first stale one."""
    return [None if s is None else slot_price(s, oracle, time, cfg.max_age) for s in account.slots]


def meets_im(account: MarginAccount, oracle: Sequence[OracleEntry], time: int, cfg: Config) -> bool:
    """10^4 * Equity >= IM_bp."""
    prices = _prices(account, oracle, time, cfg)
    return BP * equity(account.cash, account.slots, prices) >= initial_margin_bp(account.slots, prices, cfg)


def below_mm(account: MarginAccount, oracle: Sequence[OracleEntry], time: int, cfg: Config) -> bool:
    """10^4 * Equity < MM_bp."""
    prices = _prices(account, oracle, time, cfg)
    return BP * equity(account.cash, account.slots, prices) < maintenance_margin_bp(account.slots, prices, cfg)


def deficit_bp(account: MarginAccount, oracle: Sequence[OracleEntry], time: int, cfg: Config) -> int:
    """MM_bp - 10^4 * Equity: positive below MM; a liquidation may not make it grow (liq_worsens)."""
    prices = _prices(account, oracle, time, cfg)
    return maintenance_margin_bp(account.slots, prices, cfg) - BP * equity(account.cash, account.slots, prices)
