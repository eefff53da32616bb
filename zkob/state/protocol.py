"""The protocol's tables, each declared once (docs/protocol.md sections 3-6 and 10-13).

- ``OP_TABLE``: every op type with its code (``encoding[0]``), its fields
  in encoding order, who signs it, whether it crosses the bridge or enters
  the market digest, which slot kind it needs, and the fixed shape of its
  trace (which order slots it updates, its account updates with their
  balance legs, cash and position changes, its instrument read or write,
  and the margin evaluations it makes).
- ``PROTOCOL_VERSION``, ``SLOT_KINDS``: this code speaks version 2; a slot
  is ``spot`` or ``full`` (state/params.py's ``slot_kinds`` says which).
- ``PUBLIC_INPUTS``: the proof's public inputs, in order.
- ``RULES``: every rule a batch can be rejected by, with its meaning.

The state machine (ops, batchfile, rules, trace), the circuit and the CLI
import these; tests tie each consumer to them (tests/state/test_protocol.py,
tests/test_docs.py). A new op type or field is a new row here plus the
code that judges it (a rule function in the state machine and the
circuit); parsing, encoding, JSON, the signed, bridge and market sets, the
slot packing and the trace's shape follow the row.
"""

from __future__ import annotations

from dataclasses import dataclass
from types import MappingProxyType
from typing import Literal

PROTOCOL_VERSION = 2
ENCODING_LEN = 8  # [type, f1..f7]

# -- fields ----------------------------------------------------------------------
FieldKind = Literal["uint", "side", "pubkey", "signed", "kind"]
SIDE_NAMES = ("buy", "sell")
BUY, SELL = 0, 1


@dataclass(frozen=True)
class Field:
    """One field of an op as the batch file names it.

    ``kind`` says how it is written and encoded: ``uint`` a field element
    (JSON integer or decimal string; ranges are rules), ``side`` "buy" /
    "sell" encoded 0 / 1, ``pubkey`` ``[x, y]`` encoded as two elements
    (0, 0 when an ``optional`` pubkey is absent), ``signed`` a signed
    integer (JSON integer or decimal string with at most one leading '-')
    encoded as x mod r, ``kind`` "future" / "call" / "put" encoded 1 / 2 / 3.
    """

    name: str
    kind: FieldKind = "uint"
    optional: bool = False

    @property
    def encoding_names(self) -> tuple[str, ...]:
        """Names of the encoding elements this field fills (``pubkey_x``, ``pubkey_y`` for a pubkey)."""
        return (f"{self.name}_x", f"{self.name}_y") if self.kind == "pubkey" else (self.name,)


# -- op types ----------------------------------------------------------------------
OrderChange = Literal["insert", "remove", "reduce"]
InstrumentAccess = Literal["read", "insert"]
EvalWhen = Literal["before", "after"]
SlotKind = Literal["spot", "full"]
SLOT_KINDS: tuple[SlotKind, ...] = ("spot", "full")


@dataclass(frozen=True)
class OrderUpdateSpec:
    """An order slot an op updates: the field naming it and what happens to its leaf.

    ``insert`` writes a new leaf into a free slot, ``remove`` frees a live
    one, ``reduce`` lowers a live order's remaining by the op's qty (and
    frees the slot when it reaches 0).
    """

    field: str
    change: OrderChange


@dataclass(frozen=True)
class AccountSpec:
    """One account-leaf update of an op: its balance legs, and whether cash and one position change.

    The leaf is opened once, its ``legs`` balance leaves change in order,
    then cash (``cash``), one position slot (``position``) and, for the
    signer's update (always the first), the nonce; the leaf is written once.
    """

    legs: int = 0
    cash: bool = False
    position: bool = False


@dataclass(frozen=True)
class MarginEvalSpec:
    """A margin evaluation an op makes: of which account update, before or after the op, for which rules.

    ``checks`` names the rules judged on it: ``margin_im`` (meets IM
    afterwards; for dfill with the reducing-trade exception, which also
    reads below MM), ``not_liquidatable`` (below MM before) and
    ``liq_worsens`` (the deficit before against the one after).
    """

    account: int
    when: EvalWhen
    checks: tuple[str, ...]


@dataclass(frozen=True)
class OpSpec:
    """One row of the op table (docs/protocol.md sections 4 and 10).

    ``signer`` names the field holding the account whose key signs the op
    (None: no signature, for the reason ``unsigned_because``); the signer's
    account update is always the first. ``bridge`` ops enter the bridge
    digest, ``market`` ops the market digest. ``full_only`` ops need a full
    slot (V2.md's slot kinds). ``orders``, ``accounts``, ``instrument`` and
    ``margin`` fix the shape of the op's trace: the order updates in order,
    the account updates in order, the instrument leaf it reads or lists,
    and its margin evaluations.
    """

    name: str
    code: int
    fields: tuple[Field, ...] = ()
    signer: str | None = None
    unsigned_because: str = ""
    bridge: bool = False
    market: bool = False
    full_only: bool = False
    orders: tuple[OrderUpdateSpec, ...] = ()
    accounts: tuple[AccountSpec, ...] = ()
    instrument: InstrumentAccess | None = None
    margin: tuple[MarginEvalSpec, ...] = ()

    @property
    def field_names(self) -> tuple[str, ...]:
        return tuple(f.name for f in self.fields)

    @property
    def encoding_names(self) -> tuple[str, ...]:
        """Names of the encoding elements f1.. in order."""
        return tuple(name for f in self.fields for name in f.encoding_names)

    @property
    def legs(self) -> tuple[int, ...]:
        """Balance legs of each account update, in order (one entry per account update)."""
        return tuple(a.legs for a in self.accounts)

    def accepted_by(self, kind: SlotKind) -> bool:
        """True when a slot of this kind can hold the op (a full slot holds every op)."""
        return kind == "full" or not self.full_only

    def position(self, name: str) -> int:
        """Index in the encoding (1..7) of the element called ``name`` (``price``, ``pubkey_x``)."""
        return 1 + self.encoding_names.index(name)


def _f(*names: str) -> tuple[Field, ...]:
    return tuple(Field(n) for n in names)


_LEG = AccountSpec(legs=1)
_TRADER = AccountSpec(cash=True, position=True)
_IM_AFTER = ("margin_im",)

OP_TABLE: tuple[OpSpec, ...] = (
    OpSpec("noop", 0, unsigned_because="a noop changes nothing"),
    OpSpec("deposit", 1, (*_f("account", "asset", "amount"), Field("pubkey", "pubkey", optional=True)),
           unsigned_because="deposits come from the bridge", bridge=True, accounts=(_LEG,)),
    OpSpec("withdraw", 2, _f("account", "asset", "amount"), signer="account", bridge=True, accounts=(_LEG,)),
    OpSpec("place", 3, (*_f("order", "account", "base", "quote"), Field("side", "side"), *_f("price", "qty")),
           signer="account", orders=(OrderUpdateSpec("order", "insert"),), accounts=(_LEG,)),
    OpSpec("cancel", 4, _f("order", "account"), signer="account",
           orders=(OrderUpdateSpec("order", "remove"),), accounts=(_LEG,)),
    OpSpec("fill", 5, _f("taker", "maker", "qty"), unsigned_because="fills are authorized by the two signed orders",
           orders=(OrderUpdateSpec("taker", "reduce"), OrderUpdateSpec("maker", "reduce")),
           accounts=(AccountSpec(legs=2), _LEG)),
    OpSpec("list", 6, (Field("instrument"), Field("kind", "kind"), *_f("underlying", "strike", "expiry")),
           unsigned_because="listing is the operator's, made public by the market digest",
           market=True, full_only=True, instrument="insert"),
    OpSpec("margin", 7, (Field("account"), Field("amount", "signed")), signer="account", full_only=True,
           accounts=(AccountSpec(legs=1, cash=True),), margin=(MarginEvalSpec(0, "after", _IM_AFTER),)),
    OpSpec("dplace", 8, (*_f("order", "account", "instrument"), Field("side", "side"), *_f("price", "qty")),
           signer="account", full_only=True, orders=(OrderUpdateSpec("order", "insert"),),
           accounts=(AccountSpec(),), instrument="read"),
    OpSpec("dfill", 9, _f("taker", "maker", "qty"), full_only=True,
           unsigned_because="dfills are authorized by the two signed derivatives orders",
           orders=(OrderUpdateSpec("taker", "reduce"), OrderUpdateSpec("maker", "reduce")),
           accounts=(_TRADER, _TRADER), instrument="read",
           margin=(MarginEvalSpec(0, "after", _IM_AFTER), MarginEvalSpec(1, "after", _IM_AFTER))),
    OpSpec("liquidate", 10, _f("account", "liquidator", "instrument", "qty", "price"), signer="liquidator",
           full_only=True, accounts=(_TRADER, _TRADER), instrument="read",
           margin=(MarginEvalSpec(1, "before", ("not_liquidatable", "liq_worsens")),
                   MarginEvalSpec(1, "after", ("liq_worsens",)), MarginEvalSpec(0, "after", _IM_AFTER))),
    OpSpec("settle", 11, _f("account", "instrument"), full_only=True,
           unsigned_because="settlement is the operator's, at the committee's signed price",
           accounts=(_TRADER,), instrument="read"),
)

OPS: MappingProxyType[str, OpSpec] = MappingProxyType({spec.name: spec for spec in OP_TABLE})
BY_CODE: MappingProxyType[int, OpSpec] = MappingProxyType({spec.code: spec for spec in OP_TABLE})
SIGNED: tuple[str, ...] = tuple(s.name for s in OP_TABLE if s.signer is not None)
BRIDGE: tuple[str, ...] = tuple(s.name for s in OP_TABLE if s.bridge)
MARKET: tuple[str, ...] = tuple(s.name for s in OP_TABLE if s.market)
SPOT_OPS: tuple[str, ...] = tuple(s.name for s in OP_TABLE if not s.full_only)
#: encoding position j (1..7) -> the op types that use it; the others must leave it 0
FIELD_USERS: MappingProxyType[int, tuple[str, ...]] = MappingProxyType({
    j: tuple(s.name for s in OP_TABLE if len(s.encoding_names) >= j) for j in range(1, ENCODING_LEN)
})
ORDER_UPDATES = max(len(s.orders) for s in OP_TABLE)  # order updates per slot
ACCOUNT_UPDATES = max(len(s.accounts) for s in OP_TABLE)  # account updates per slot
LEGS_PER_ACCOUNT = tuple(max((s.legs[a] for s in OP_TABLE if len(s.legs) > a), default=0)
                         for a in range(ACCOUNT_UPDATES))
MARGIN_EVALS = max(len(s.margin) for s in OP_TABLE)  # margin evaluations per full slot

# -- the proof ------------------------------------------------------------------------
PUBLIC_INPUTS = ("old_root", "new_root", "commitment", "bridge", "market", "time")

# -- rules ------------------------------------------------------------------------------
#: every rule a batch can be rejected by (Rejected.rule), with its meaning
RULES: MappingProxyType[str, str] = MappingProxyType({
    # the batch
    "slot_layout": "an op finds no slot of a kind that accepts it after the previous op's slot",
    # time and reports (state/oracle_rules.py)
    "time_monotonic": "the batch time is before the state's time (or not below 2^32)",
    "report_underlying": "an index report names an underlying u >= U",
    "report_price": "a report's price is 0 or 2^64 or above",
    "report_stale": "an index report's ts is not newer than the stored ts, or is after the batch time",
    "report_instrument": "a settlement report names an instrument that is not listed",
    "settle_early": "a settlement report comes before the instrument's expiry",
    "settle_twice": "a settlement report names an instrument already settled",
    "report_quorum": "a report has not exactly Q valid committee signatures in increasing signer order",
    # ids, accounts and signatures
    "id_range": "an account, asset, order or instrument id is outside its tree (instrument id 0 is never used)",
    "amount_positive": "a deposit, withdrawal or margin transfer moves nothing (amount 0)",
    "pubkey_required": "a deposit to a never-used account names no public key",
    "pubkey_invalid": "a new account's key is off Baby Jubjub, outside its prime-order subgroup or the identity",
    "pubkey_mismatch": "a deposit to an existing account names another public key",
    "balance_overflow": "a credit (deposit, refund, fill, margin out) would take a balance to 2^64 or above",
    "account_exists": "the op's account has never been created",
    "signature_invalid": "a signed op's sig is missing or does not verify for the signer's key over "
                         "H(venue, op_hash, nonce) at its nonce",
    "insufficient_balance": "a debit (withdrawal, escrow, margin in) exceeds the balance",
    "cash_negative": "a withdrawal from an account whose cash is below 0 (a debt to the venue)",
    # orders
    "side_value": "a side is neither buy (0) nor sell (1)",
    "slot_free": "a place or dplace names an order slot that holds a live order",
    "distinct_assets": "a place trades an asset against itself",
    "price_positive": "a place's or dplace's price is 0",
    "qty_positive": "a place's, fill's, dplace's, dfill's or liquidation's qty is 0",
    "price_range": "a price (place, dplace, liquidate) is 2^64 or above",
    "qty_range": "a dplace's qty is 2^40 or above",
    "escrow_overflow": "a place's escrow (price * qty for a buy) is 2^64 or above",
    "order_exists": "a cancel, fill or dfill names a free order slot",
    "order_owner": "a cancel names an order of another account",
    "order_kind": "a fill names a derivatives order, or a dfill a spot order",
    "distinct_orders": "a fill's or dfill's taker and maker are the same order",
    "same_market": "a fill's orders trade different asset pairs, or a dfill's different instruments",
    "opposite_sides": "a fill's or dfill's orders are on the same side",
    "price_cross": "a fill's or dfill's buy price is below its sell price",
    "qty_exceeds_remaining": "a fill's or dfill's qty exceeds a remainder",
    # instruments
    "instrument_free": "a list names an instrument id that is already listed",
    "list_kind": "a list's kind is not future (1), call (2) or put (3)",
    "list_underlying": "a list names an underlying u >= U",
    "list_strike": "an option's strike is not in [1, 2^64), or a future's strike is not 0",
    "list_expiry": "a list's expiry is not after the batch time, or not below 2^32",
    "instrument_listed": "a dplace, liquidate or settle names an instrument that is not listed",
    "instrument_live": "a dplace, dfill or liquidate trades an instrument at or after its expiry",
    "instrument_settled": "a settle names an instrument without a settlement price",
    # positions, cash and margin
    "self_trade": "a dfill's buyer and seller are the same account",
    "self_liquidation": "a liquidate names the liquidator as the account",
    "positions_full": "a trade opens a position in an account whose P position slots are all used",
    "position_held": "a liquidate or settle names an account without a position in the instrument",
    "size_range": "a position size would reach 2^40 in absolute value",
    "cash_range": "cash would reach 2^96 in absolute value",
    "amount_range": "a margin transfer's amount is 2^64 or above in absolute value",
    "insufficient_cash": "a margin transfer out exceeds the cash (cash + amount < 0)",
    "price_stale": "a margin check needs the price of an underlying with no report or one older than max_age",
    "margin_im": "after the op an account does not meet IM (and, for a dfill, did not only shrink its "
                 "position while staying at or above MM)",
    "not_liquidatable": "a liquidate names an account that is not below MM",
    "qty_exceeds_position": "a liquidation's qty exceeds the account's position",
    "liq_price": "a liquidation price differs from the contract's value by more than liq_band",
    "liq_worsens": "a liquidation makes the account's deficit MM_bp - 10^4 * Equity grow",
})
