"""The margin engine as constraints: state/margin.py's twin, function for function (STYLE.md rule 17).

Same names, same order, ``cs`` first and wires for ints. A slot's kind is
its flags (positions.KindFlags), so "if kind == FUTURE" becomes a product
with the future flag; max and |.| are the signed gadgets. Three things the
native code does not need:

* ``enabled`` (on slot_price and the account checks): the staleness
  assertion binds only when the check applies (the op is of its type) and
  the slot is in use; the figures are computed either way.
* each figure of a slot is computed once per (slot, price) and reused (a
  memo on the SlotWires), and an account's prices and cash check once per
  account (a memo on the AccountWires), so meets_im, below_mm and
  deficit_bp of one account share one evaluation.
* range checks that keep every comparison exact over the integers:
  |cash| < 2^96 and |size| < 2^40 (signed decompositions), strike < 2^64
  here, price < 2^64 in market.oracle_freshness, rates <= 10^5 in
  config.assert_config_ranges. Then |opt_a S - 10^4 otm - opt_b S| < 2^82
  and every account figure is below 2^126 in absolute value (P <= 8), so the
  sign decompositions below (82 and 128 bits) cannot be passed by a value
  that wrapped mod r.

Soundness: every output is a deterministic function of the inputs through
constrained products and decompositions with a unique witness; a prover
can neither pick another price (the one-hot selector is fixed by the
slot's underlying) nor skip a stale price of a used slot when enabled.

Cost at U = 4, P = 4, per slot 296: price selection and staleness 16,
strike range 65, intrinsic value 68, |size| and its kind terms 47, value
4, otm 2, IM 91 (82-bit max 86), MM 3. Per account: cash range 99 and 131
per comparison, so meets_im alone costs 1,402 and with below_mm 1,545
(deficit_bp is a linear combination: free). The oracle's freshness (676)
is paid once per set of entries. Measured in tests/circuits/test_margin_gadget.py.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import TypeVar

from ..state.margin import BP
from ..state.signed import CASH_BITS, SIZE_BITS
from .config import ConfigWires
from .cs import LC, ConstraintSystem, Operand, as_lc
from .gadgets.bits import range_check
from .gadgets.select import mux_onehot
from .gadgets.signed import abs_value, assert_signed_range, is_nonnegative, max0, onehot
from .instruments import KindFlags
from .market import PRICE_BITS, OracleWires, oracle_freshness
from .positions import SlotWires

EXCESS_BITS = 82   # |(opt_a - opt_b) S - 10^4 otm| < 2^82
MARGIN_BITS = 128  # |10^4 Equity - IM_bp|, |10^4 Equity - MM_bp|, deficits
T = TypeVar("T")


@dataclass
class AccountWires:
    """A margin account: signed cash (x mod r) and its P slots; ``memo`` holds what was computed once."""

    cash: LC
    slots: list[SlotWires]
    memo: dict[str, object] = field(default_factory=dict)


def _once(memo: dict[str, object], key: str, anchor: object, compute: Callable[[], T]) -> T:
    """compute() the first time ``key`` is asked for with this ``anchor`` (e.g. the price LC)."""
    hit = memo.get(key)
    if hit is not None and hit[0] is anchor:  # type: ignore[index]
        return hit[1]  # type: ignore[index,no-any-return]
    value = compute()
    memo[key] = (anchor, value)
    return value


def _intrinsic(cs: ConstraintSystem, strike: LC, price: LC) -> tuple[LC, LC]:
    """(max(0, S - K), max(0, K - S)) for strike < 2^64 (checked) and price < 2^64. Costs 133."""
    range_check(cs, strike, PRICE_BITS, "strike_range")
    above = max0(cs, price - strike, PRICE_BITS, "above_strike")
    return above, above - (price - strike)


def _size_terms(cs: ConstraintSystem, slot: SlotWires) -> tuple[LC, LC, LC]:
    """(|size|, future * |size|, short option * |size|) of a slot. Costs 47."""
    def compute() -> tuple[LC, LC, LC]:
        magnitude, nonneg = abs_value(cs, slot.size, SIZE_BITS, "size")
        short_option = cs.mul(slot.kind.option, 1 - nonneg, "short_option")
        return (magnitude, cs.mul(slot.kind.future, magnitude, "future_size"),
                cs.mul(short_option, magnitude, "short_option_size"))
    return _once(slot.memo, "size", slot.size, compute)


def contract_value(cs: ConstraintSystem, kind: KindFlags, strike: LC, price: LC,
                   intrinsic: tuple[LC, LC] | None = None) -> LC:
    """v(S): future S; call max(0, S - K); put max(0, K - S). Costs 3 (+133 without ``intrinsic``)."""
    above, below = intrinsic if intrinsic is not None else _intrinsic(cs, strike, price)
    return (cs.mul(kind.future, price, "v_future") + cs.mul(kind.call, above, "v_call")
            + cs.mul(kind.put, below, "v_put"))


def out_of_the_money(cs: ConstraintSystem, kind: KindFlags, strike: LC, price: LC,
                     intrinsic: tuple[LC, LC] | None = None) -> LC:
    """otm(S): call max(0, K - S); put max(0, S - K); future 0. Costs 2 (+133 without ``intrinsic``)."""
    above, below = intrinsic if intrinsic is not None else _intrinsic(cs, strike, price)
    return cs.mul(kind.call, below, "otm_call") + cs.mul(kind.put, above, "otm_put")


def slot_value(cs: ConstraintSystem, slot: SlotWires, price: LC) -> LC:
    """size * v(S). Costs 4 (+133 for the slot's intrinsic values, once per price)."""
    def compute() -> LC:
        intrinsic = _once(slot.memo, "intrinsic", price, lambda: _intrinsic(cs, slot.strike, price))
        return cs.mul(slot.size, contract_value(cs, slot.kind, slot.strike, price, intrinsic), "value")
    return _once(slot.memo, "value", price, compute)


def _future_notional(cs: ConstraintSystem, slot: SlotWires, price: LC) -> LC:
    """future * |size| * S, shared by the IM and MM terms. Costs 1."""
    return _once(slot.memo, "future_notional", price,
                 lambda: cs.mul(_size_terms(cs, slot)[1], price, "future_notional"))


def slot_initial_margin_bp(cs: ConstraintSystem, slot: SlotWires, price: LC, cfg: ConfigWires) -> LC:
    """Future |size| im_future S; short option |size| max(opt_a S - 10^4 otm, opt_b S); long option 0. Costs 93."""
    def compute() -> LC:
        _, _, short_option_size = _size_terms(cs, slot)
        intrinsic = _once(slot.memo, "intrinsic", price, lambda: _intrinsic(cs, slot.strike, price))
        otm = out_of_the_money(cs, slot.kind, slot.strike, price, intrinsic)
        future_term = cs.mul(_future_notional(cs, slot, price), cfg.im_future, "im_future")
        a_s = cs.mul(cfg.opt_a, price, "opt_a_S")
        b_s = cs.mul(cfg.opt_b, price, "opt_b_S")
        per_contract = b_s + max0(cs, a_s - BP * otm - b_s, EXCESS_BITS, "im_excess")
        return future_term + cs.mul(short_option_size, per_contract, "im_option")
    return _once(slot.memo, "im", price, compute)


def slot_maintenance_margin_bp(cs: ConstraintSystem, slot: SlotWires, price: LC, cfg: ConfigWires) -> LC:
    """Future |size| mm_future S; short option |size| opt_mm S; long option 0. Costs 3 (+1 shared)."""
    def compute() -> LC:
        _, _, short_option_size = _size_terms(cs, slot)
        future_term = cs.mul(_future_notional(cs, slot, price), cfg.mm_future, "mm_future")
        option_notional = cs.mul(short_option_size, price, "option_notional")
        return future_term + cs.mul(option_notional, cfg.opt_mm, "mm_option")
    return _once(slot.memo, "mm", price, compute)


def slot_price(cs: ConstraintSystem, slot: SlotWires, oracle: OracleWires, time: LC, max_age: LC,
               enabled: Operand = 1) -> LC:
    """S_u of the slot's underlying; ``price_stale`` unless fresh, when enabled and the slot is used. Costs 16.

    The selector is one-hot over the U entries (so u < U); freshness per
    entry comes from market.oracle_freshness (computed once per oracle).
    """
    fresh = oracle_freshness(cs, oracle, time, max_age)
    sel = onehot(cs, slot.underlying, oracle.size, "underlying")
    sels: list[Operand] = list(sel)
    price = mux_onehot(cs, sels, list[Operand](oracle.prices), "price")
    fresh_here = mux_onehot(cs, sels, list[Operand](fresh), "fresh")
    applies = cs.mul(enabled, slot.used, "applies")
    cs.enforce(applies, 1 - fresh_here, 0, "price_stale")
    return price


def equity(cs: ConstraintSystem, cash: LC, slots: Sequence[SlotWires], prices: Sequence[LC]) -> LC:
    """cash + sum over slots of size * v(S) (a free slot's size is 0)."""
    total = as_lc(cash)
    for j, (s, p) in enumerate(zip(slots, prices, strict=True)):
        with cs.namespace(f"slot[{j}]"):
            total = total + slot_value(cs, s, p)
    return total


def initial_margin_bp(cs: ConstraintSystem, slots: Sequence[SlotWires], prices: Sequence[LC],
                      cfg: ConfigWires) -> LC:
    """IM_bp: the sum of the slots' IM terms."""
    total = LC()
    for j, (s, p) in enumerate(zip(slots, prices, strict=True)):
        with cs.namespace(f"slot[{j}]"):
            total = total + slot_initial_margin_bp(cs, s, p, cfg)
    return total


def maintenance_margin_bp(cs: ConstraintSystem, slots: Sequence[SlotWires], prices: Sequence[LC],
                          cfg: ConfigWires) -> LC:
    """MM_bp: the sum of the slots' MM terms."""
    total = LC()
    for j, (s, p) in enumerate(zip(slots, prices, strict=True)):
        with cs.namespace(f"slot[{j}]"):
            total = total + slot_maintenance_margin_bp(cs, s, p, cfg)
    return total


def _prices(cs: ConstraintSystem, account: AccountWires, oracle: OracleWires, time: LC, cfg: ConfigWires,
            enabled: Operand) -> list[LC]:
    """S for each slot (staleness asserted for used slots when enabled) and |cash| < 2^96; once per account."""
    def compute() -> list[LC]:
        assert_signed_range(cs, account.cash, CASH_BITS, "cash_range")
        out = []
        for j, s in enumerate(account.slots):
            with cs.namespace(f"slot[{j}]"):
                out.append(slot_price(cs, s, oracle, time, cfg.max_age, enabled))
        return out
    gate = as_lc(enabled)
    hit = account.memo.get("prices")
    if hit is None:
        account.memo["prices"] = (gate, compute())
    elif not _same(hit[0], gate):  # type: ignore[index]
        raise ValueError("an account's margin is evaluated under one enabled flag")
    return account.memo["prices"][1]  # type: ignore[index,no-any-return]


def _same(a: LC, b: LC) -> bool:
    return a is b or a.terms == b.terms


def meets_im(cs: ConstraintSystem, account: AccountWires, oracle: OracleWires, time: LC, cfg: ConfigWires,
             enabled: Operand = 1) -> LC:
    """1 if 10^4 * Equity >= IM_bp else 0. Costs 131 beyond the account's evaluation."""
    prices = _prices(cs, account, oracle, time, cfg, enabled)
    margin = BP * equity(cs, account.cash, account.slots, prices) - initial_margin_bp(cs, account.slots, prices, cfg)
    return is_nonnegative(cs, margin, MARGIN_BITS, "meets_im")


def below_mm(cs: ConstraintSystem, account: AccountWires, oracle: OracleWires, time: LC, cfg: ConfigWires,
             enabled: Operand = 1) -> LC:
    """1 if 10^4 * Equity < MM_bp else 0. Costs 131 beyond the account's evaluation."""
    prices = _prices(cs, account, oracle, time, cfg, enabled)
    margin = BP * equity(cs, account.cash, account.slots, prices) - maintenance_margin_bp(cs, account.slots,
                                                                                          prices, cfg)
    return 1 - is_nonnegative(cs, margin, MARGIN_BITS, "below_mm")


def deficit_bp(cs: ConstraintSystem, account: AccountWires, oracle: OracleWires, time: LC, cfg: ConfigWires,
               enabled: Operand = 1) -> LC:
    """MM_bp - 10^4 * Equity, a linear combination below 2^126 in absolute value (no constraint of its own).

    Compare two deficits (liq_worsens) with compare.assert_le_if(cs, cond,
    after, before, MARGIN_BITS): the gated difference is then exact.
    """
    prices = _prices(cs, account, oracle, time, cfg, enabled)
    return maintenance_margin_bp(cs, account.slots, prices, cfg) - BP * equity(cs, account.cash, account.slots,
                                                                               prices)
