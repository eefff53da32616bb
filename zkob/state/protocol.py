"""The protocol's tables, each declared once (docs/protocol.md sections 3-6).

- ``OP_TABLE``: every op type with its code (``encoding[0]``), its fields
  in encoding order, who signs it, whether it crosses the bridge, and the
  fixed shape of its trace (which order slots it updates, how many
  balance legs each account update carries).
- ``PUBLIC_INPUTS``: the proof's public inputs, in order.
- ``RULES``: every rule a batch can be rejected by, with its meaning.

The state machine (ops, batchfile, rules, trace), the circuit (slot,
rules, witness) and the CLI import these; tests tie each consumer to them
(tests/state/test_protocol.py, tests/circuits/test_dispatch.py). A new op
type or field is a new row here plus the code that judges it (a rule
function in state/rules.py and circuits/rules.py); parsing, encoding,
JSON, the signed and bridge sets and the circuit's op dispatch follow the
row.
"""

from __future__ import annotations

from dataclasses import dataclass
from types import MappingProxyType
from typing import Literal

ENCODING_LEN = 8  # [type, f1..f7]

# -- fields ----------------------------------------------------------------------
FieldKind = Literal["uint", "side", "pubkey"]
SIDE_NAMES = ("buy", "sell")
BUY, SELL = 0, 1


@dataclass(frozen=True)
class Field:
    """One field of an op as the batch file names it.

    ``kind`` says how it is written and encoded: ``uint`` a field element
    (JSON integer or decimal string; ranges are rules), ``side`` "buy" /
    "sell" encoded 0 / 1, ``pubkey`` ``[x, y]`` encoded as two elements
    (0, 0 when an ``optional`` pubkey is absent).
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
class OpSpec:
    """One row of the op table (docs/protocol.md section 4).

    ``signer`` names the field holding the account whose key signs the op
    (None: no signature, for the reason ``unsigned_because``); ``bridge``
    ops enter the bridge digest. ``orders`` and ``legs`` fix the shape of
    the op's trace and of its circuit slot: the order updates in order,
    and the number of balance legs of each account update (the first
    account update carries ``legs[0]`` legs, the second ``legs[1]``).
    """

    name: str
    code: int
    fields: tuple[Field, ...] = ()
    signer: str | None = None
    unsigned_because: str = ""
    bridge: bool = False
    orders: tuple[OrderUpdateSpec, ...] = ()
    legs: tuple[int, ...] = ()

    @property
    def field_names(self) -> tuple[str, ...]:
        return tuple(f.name for f in self.fields)

    @property
    def encoding_names(self) -> tuple[str, ...]:
        """Names of the encoding elements f1.. in order."""
        return tuple(name for f in self.fields for name in f.encoding_names)

    def leg_index(self, account: int, leg: int) -> int | None:
        """Index in the trace's balance updates of leg ``leg`` of account update ``account`` (None: unused)."""
        if account >= len(self.legs) or leg >= self.legs[account]:
            return None
        return sum(self.legs[:account]) + leg

    def position(self, name: str) -> int:
        """Index in the encoding (1..7) of the element called ``name`` (``price``, ``pubkey_x``)."""
        return 1 + self.encoding_names.index(name)


def _f(*names: str) -> tuple[Field, ...]:
    return tuple(Field(n) for n in names)


OP_TABLE: tuple[OpSpec, ...] = (
    OpSpec("noop", 0, unsigned_because="a noop changes nothing"),
    OpSpec("deposit", 1, (*_f("account", "asset", "amount"), Field("pubkey", "pubkey", optional=True)),
           unsigned_because="deposits come from the bridge", bridge=True, legs=(1,)),
    OpSpec("withdraw", 2, _f("account", "asset", "amount"), signer="account", bridge=True, legs=(1,)),
    OpSpec("place", 3, (*_f("order", "account", "base", "quote"), Field("side", "side"), *_f("price", "qty")),
           signer="account", orders=(OrderUpdateSpec("order", "insert"),), legs=(1,)),
    OpSpec("cancel", 4, _f("order", "account"), signer="account",
           orders=(OrderUpdateSpec("order", "remove"),), legs=(1,)),
    OpSpec("fill", 5, _f("taker", "maker", "qty"), unsigned_because="fills are authorized by the two signed orders",
           orders=(OrderUpdateSpec("taker", "reduce"), OrderUpdateSpec("maker", "reduce")), legs=(2, 1)),
)

OPS: MappingProxyType[str, OpSpec] = MappingProxyType({spec.name: spec for spec in OP_TABLE})
BY_CODE: MappingProxyType[int, OpSpec] = MappingProxyType({spec.code: spec for spec in OP_TABLE})
SIGNED: tuple[str, ...] = tuple(s.name for s in OP_TABLE if s.signer is not None)
BRIDGE: tuple[str, ...] = tuple(s.name for s in OP_TABLE if s.bridge)
#: encoding position j (1..7) -> the op types that use it; the others must leave it 0
FIELD_USERS: MappingProxyType[int, tuple[str, ...]] = MappingProxyType({
    j: tuple(s.name for s in OP_TABLE if len(s.encoding_names) >= j) for j in range(1, ENCODING_LEN)
})
ORDER_UPDATES = max(len(s.orders) for s in OP_TABLE)  # order updates per slot
ACCOUNT_UPDATES = max(len(s.legs) for s in OP_TABLE)  # account updates per slot
LEGS_PER_ACCOUNT = tuple(max((s.legs[a] for s in OP_TABLE if len(s.legs) > a), default=0)
                         for a in range(ACCOUNT_UPDATES))

# -- the proof ------------------------------------------------------------------------
PUBLIC_INPUTS = ("old_root", "new_root", "commitment", "bridge")

# -- rules ------------------------------------------------------------------------------
#: every rule a batch can be rejected by (Rejected.rule), with its meaning
RULES: MappingProxyType[str, str] = MappingProxyType({
    "id_range": "an account, asset or order id is outside its tree",
    "amount_positive": "a deposit or withdrawal moves nothing (amount 0)",
    "pubkey_required": "a deposit to a never-used account names no public key",
    "pubkey_invalid": "a new account's key is off Baby Jubjub, outside its prime-order subgroup or the identity",
    "pubkey_mismatch": "a deposit to an existing account names another public key",
    "balance_overflow": "a credit (deposit, refund, fill) would take a balance to 2^64 or above",
    "account_exists": "the op's account has never been created",
    "signature_invalid": "a signed op's sig is missing or does not verify for the account's key at its nonce",
    "insufficient_balance": "a debit (withdrawal, escrow) exceeds the balance",
    "side_value": "a side is neither buy (0) nor sell (1)",
    "slot_free": "a place names an order slot that holds a live order",
    "distinct_assets": "a place trades an asset against itself",
    "price_positive": "a place's price is 0",
    "qty_positive": "a place's or fill's qty is 0",
    "price_range": "a place's price is 2^64 or above",
    "escrow_overflow": "a place's escrow (price * qty for a buy) is 2^64 or above",
    "order_exists": "a cancel or fill names a free order slot",
    "order_owner": "a cancel names an order of another account",
    "distinct_orders": "a fill's taker and maker are the same order",
    "same_market": "a fill's orders trade different asset pairs",
    "opposite_sides": "a fill's orders are on the same side",
    "price_cross": "a fill's buy price is below its sell price",
    "qty_exceeds_remaining": "a fill's qty exceeds a remainder",
})
