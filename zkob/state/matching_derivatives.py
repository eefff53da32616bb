"""The demo's engine for a derivatives venue: listings, margin, dplace -> dfill, liquidation, settlement.

``VenueFlow`` extends the spot ``OrderFlow`` (matching.py: keys, nonces,
balances, one orders tree shared by spot and derivatives orders) with a
mirror of the derivatives state: listed instruments, each account's cash
and position slots, the oracle entries and the batch time, and the
committee's private keys so it can sign reports as the committee would.
Every op it emits is valid in sequence under docs/protocol.md section 10:

- ``dlimit`` rests a derivatives order and matches it by price, then time,
  at the maker's price, stopping before a fill that would leave either
  party below IM (unless it only reduced its position and stays at or
  above MM: rule margin_im's exception) or without a free slot;
- ``liquidate`` is offered only for an account below MM, at the contract
  value (inside liq_band), by a liquidator that meets IM afterwards;
- ``settle`` pays positions of an instrument once its settlement report
  is in.

The state machine stays the judge. Cost: O(book) per order, the margin
engine per candidate fill, ~5 ms per signature.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

from .config import Config
from .instruments import Instrument, kind_to_json
from .margin import PriceStale, below_mm, contract_value, meets_im
from .matching import OrderFlow, RestingOrder
from .oracle import IndexReport, OracleEntry, SettlementReport, report_to_json, sign_report
from .params import Params
from .positions import MarginAccount, shrinks_toward_zero, slot_for, size_of, with_size
from .protocol import BUY, SELL
from .signed import SIZE_BITS


@dataclass
class DerivativeOrder(RestingOrder):
    instrument: int = 0


@dataclass
class VenueFlow(OrderFlow):
    """Valid signed flow for a derivatives venue (the spot methods of OrderFlow still work)."""

    config: Config = field(default_factory=Config)
    positions: int = 4
    committee: tuple[bytes, ...] = ()  # private keys of config.oracle_keys, in order
    time: int = 0
    oracle: list[OracleEntry] = field(default_factory=list)
    instruments: dict[int, Instrument] = field(default_factory=dict)
    margin_accounts: dict[int, MarginAccount] = field(default_factory=dict)
    dbook: dict[int, DerivativeOrder] = field(default_factory=dict)

    @classmethod
    def for_params(cls, params: Params, keys: dict[int, bytes], committee: tuple[bytes, ...] = ()) -> "VenueFlow":
        """A flow for a fresh state of these params (order slots, venue, config, P, U empty entries)."""
        return cls(keys=keys, order_slots=params.num_orders, venue=params.config.venue_id, config=params.config,
                   positions=params.positions, committee=committee,
                   oracle=[OracleEntry() for _ in range(params.underlyings)])

    def _taken(self, slot: int) -> bool:
        return slot in self.book or slot in self.dbook

    def account(self, account: int) -> MarginAccount:
        return self.margin_accounts.get(account, MarginAccount(0, (None,) * self.positions))

    # --- the committee ------------------------------------------------------------------
    def _signed_report(self, report: IndexReport | SettlementReport, terms: Instrument | None = None,
                       signers: tuple[int, ...] | None = None) -> dict:
        for k in signers or range(self.config.quorum):  # default: the first Q members sign, in signer order
            report = sign_report(report, self.committee[k], k, terms)
        return report_to_json(report)

    def index_report(self, underlying: int, price: int, signers: tuple[int, ...] | None = None) -> dict:
        """A quorum-signed index report at the current time (the batch that carries it must not be earlier)."""
        self.oracle[underlying] = OracleEntry(price, self.time)
        return self._signed_report(IndexReport(underlying, price, self.time), signers=signers)

    def settlement_report(self, instrument: int, price: int, signers: tuple[int, ...] | None = None) -> dict:
        """A quorum-signed settlement of a listed instrument at or after its expiry."""
        terms = self.instruments[instrument]
        self.instruments[instrument] = terms.with_settlement(price)
        return self._signed_report(SettlementReport(instrument, price), terms, signers)

    # --- operator ops ---------------------------------------------------------------------
    def list_instrument(self, instrument: int, kind: int, underlying: int, strike: int, expiry: int) -> dict:
        self.instruments[instrument] = Instrument(kind, underlying, strike, expiry)
        return {"op": "list", "instrument": instrument, "kind": kind_to_json(kind), "underlying": underlying,
                "strike": strike, "expiry": expiry}

    def settle(self, account: int, instrument: int) -> dict:
        terms = self.instruments[instrument]
        held = size_of(self.account(account).slots, instrument)
        self._move(account, instrument, -held, held * contract_value(terms.kind, terms.strike, terms.settle_price))
        return {"op": "settle", "account": account, "instrument": instrument}

    # --- user ops ----------------------------------------------------------------------------
    def margin(self, account: int, amount: int) -> dict:
        """Move ``amount`` of the collateral from the balance to cash (< 0: back; the caller keeps IM)."""
        self._debit(account, self.config.collateral, amount)
        acct = self.account(account)
        self.margin_accounts[account] = replace(acct, cash=acct.cash + amount)
        return self._signed({"op": "margin", "account": account, "amount": str(amount)})

    def dcancel(self, slot: int) -> dict:
        order = self.dbook.pop(slot)
        return self._signed({"op": "cancel", "order": slot, "account": order.account})

    def dlimit(self, account: int, instrument: int, side: int, price: int, qty: int) -> list[dict]:
        """A dplace and the dfills it makes by price-time priority; [] when no slot is free or the instrument expired."""
        slot = self._free_slot()
        terms = self.instruments.get(instrument)
        if slot is None or terms is None or self.time >= terms.expiry or not 1 <= qty < 1 << SIZE_BITS:
            return []
        self.seq += 1
        taker = DerivativeOrder(slot, account, side, price, qty, self.seq, instrument)
        self.dbook[slot] = taker
        ops = [self._signed({"op": "dplace", "order": slot, "account": account, "instrument": instrument,
                             "side": "buy" if side == BUY else "sell", "price": price, "qty": qty})]
        while taker.remaining:
            maker = self._best_dmaker(taker)
            if maker is None:
                break
            fill = self._dfill(taker, maker, min(taker.remaining, maker.remaining))
            if fill is None:
                break
            ops.append(fill)
        return ops

    def _best_dmaker(self, taker: DerivativeOrder) -> DerivativeOrder | None:
        same = [o for o in self.dbook.values() if o.instrument == taker.instrument and o.slot != taker.slot
                and o.account != taker.account]
        if taker.side == BUY:
            makers = [o for o in same if o.side == SELL and o.price <= taker.price]
            return min(makers, key=lambda o: (o.price, o.seq), default=None)
        makers = [o for o in same if o.side == BUY and o.price >= taker.price]
        return min(makers, key=lambda o: (-o.price, o.seq), default=None)

    def _dfill(self, taker: DerivativeOrder, maker: DerivativeOrder, qty: int) -> dict | None:
        buyer, seller = (taker, maker) if taker.side == BUY else (maker, taker)
        p = maker.price
        after = {buyer.account: self._after(buyer.account, taker.instrument, qty, -qty * p),
                 seller.account: self._after(seller.account, taker.instrument, -qty, qty * p)}
        for account, (acct, old, new) in after.items():
            if acct is None or not self._passes_im(acct, shrank=shrinks_toward_zero(old, new)):
                return None
        for account, (acct, _, _) in after.items():
            self.margin_accounts[account] = acct  # type: ignore[assignment]
        for order in (taker, maker):
            order.remaining -= qty
            if order.remaining == 0:
                del self.dbook[order.slot]
        return {"op": "dfill", "taker": taker.slot, "maker": maker.slot, "qty": qty}

    def liquidatable(self, account: int) -> bool:
        try:
            return below_mm(self.account(account), self.oracle, self.time, self.config)
        except PriceStale:
            return False

    def liquidate(self, account: int, liquidator: int, instrument: int, qty: int) -> dict | None:
        """A signed liquidation at the contract value, or None when the rules would refuse it."""
        terms = self.instruments[instrument]
        held = size_of(self.account(account).slots, instrument)
        if not self.liquidatable(account) or held == 0 or not 1 <= qty <= abs(held):
            return None
        price = contract_value(terms.kind, terms.strike, self.oracle[terms.underlying].price)
        d = qty if held > 0 else -qty
        mine = self._after(liquidator, instrument, d, -d * price)
        if mine[0] is None or not self._passes_im(mine[0], shrank=False):
            return None
        self._move(account, instrument, -d, d * price)
        self.margin_accounts[liquidator] = mine[0]
        return self._signed({"op": "liquidate", "account": account, "liquidator": liquidator,
                             "instrument": instrument, "qty": qty, "price": price})

    # --- the mirror ---------------------------------------------------------------------------
    def _after(self, account: int, instrument: int, delta: int,
               cash_delta: int) -> tuple[MarginAccount | None, int, int]:
        """The account after a size and cash change (None: no free slot), with the old and new size."""
        acct = self.account(account)
        j = slot_for(acct.slots, instrument)
        old = size_of(acct.slots, instrument)
        if j is None or abs(old + delta) >= 1 << SIZE_BITS:
            return None, old, old + delta
        slots = with_size(acct.slots, j, instrument, self.instruments[instrument], old + delta)
        return MarginAccount(acct.cash + cash_delta, slots), old, old + delta

    def _move(self, account: int, instrument: int, delta: int, cash_delta: int) -> None:
        acct, _, _ = self._after(account, instrument, delta, cash_delta)
        assert acct is not None
        self.margin_accounts[account] = acct

    def _passes_im(self, acct: MarginAccount, shrank: bool) -> bool:
        try:
            return meets_im(acct, self.oracle, self.time, self.config) or (
                shrank and not below_mm(acct, self.oracle, self.time, self.config))
        except PriceStale:
            return False
