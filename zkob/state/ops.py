"""The six operations of DESIGN.md section 4 and their canonical encoding.

An op is a frozen dataclass holding field elements (ints in [0, r)). Its
canonical encoding is 8 field elements ``[type, f1..f7]`` (fields in the
table's order, pubkey as two elements, side 0 buy / 1 sell, unused trailing
fields 0) and ``op_hash = H(encoding)`` (Poseidon, 8 inputs, ~1.4 ms in pure
Python). Withdraw, place and cancel carry the account holder's signature
``sig`` (DESIGN.md section 9) over ``signing_message(op, nonce)``; it is
not part of the encoding. Range and existence rules are not checked here: the transition
rules (transition.py) judge them; parsing (batchfile.py) only guarantees
every value is a canonical field element.
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from typing import ClassVar, Union

from ..zk.eddsa import Signature, signature_to_json
from ..zk.poseidon import hash2, poseidon

BUY, SELL = 0, 1
SIDE_NAMES = ("buy", "sell")
ENCODING_LEN = 8


@dataclass(frozen=True)
class Noop:
    """Pads a batch to K ops; changes nothing."""

    NAME: ClassVar[str] = "noop"
    TYPE: ClassVar[int] = 0

    def fields_encoding(self) -> tuple[int, ...]:
        return ()


@dataclass(frozen=True)
class Deposit:
    """Credit ``amount`` of ``asset``; creates the account when ``pubkey`` names its key."""

    account: int
    asset: int
    amount: int
    pubkey: tuple[int, int] | None = None
    NAME: ClassVar[str] = "deposit"
    TYPE: ClassVar[int] = 1

    def fields_encoding(self) -> tuple[int, ...]:
        pk = self.pubkey or (0, 0)
        return (self.account, self.asset, self.amount, pk[0], pk[1])


@dataclass(frozen=True)
class Withdraw:
    """Debit ``amount`` of ``asset`` from an existing account (paid out by the bridge)."""

    account: int
    asset: int
    amount: int
    sig: Signature | None = None
    NAME: ClassVar[str] = "withdraw"
    TYPE: ClassVar[int] = 2

    def fields_encoding(self) -> tuple[int, ...]:
        return (self.account, self.asset, self.amount)


@dataclass(frozen=True)
class Place:
    """Open order ``order`` (a free slot) and move its escrow out of the balance."""

    order: int
    account: int
    base: int
    quote: int
    side: int
    price: int
    qty: int
    sig: Signature | None = None
    NAME: ClassVar[str] = "place"
    TYPE: ClassVar[int] = 3

    def fields_encoding(self) -> tuple[int, ...]:
        return (self.order, self.account, self.base, self.quote, self.side, self.price, self.qty)

    @property
    def escrow_asset(self) -> int:
        return self.quote if self.side == BUY else self.base

    @property
    def escrow(self) -> int:
        """Escrow of the whole order: price*qty quote for a buy, qty base for a sell."""
        return self.price * self.qty if self.side == BUY else self.qty


@dataclass(frozen=True)
class Cancel:
    """Close ``order`` of ``account`` and refund the escrow of its remainder."""

    order: int
    account: int
    sig: Signature | None = None
    NAME: ClassVar[str] = "cancel"
    TYPE: ClassVar[int] = 4

    def fields_encoding(self) -> tuple[int, ...]:
        return (self.order, self.account)


@dataclass(frozen=True)
class Fill:
    """Match ``qty`` between a taker and a maker order at the maker's price."""

    taker: int
    maker: int
    qty: int
    NAME: ClassVar[str] = "fill"
    TYPE: ClassVar[int] = 5

    def fields_encoding(self) -> tuple[int, ...]:
        return (self.taker, self.maker, self.qty)


Op = Union[Noop, Deposit, Withdraw, Place, Cancel, Fill]
OP_CLASSES: dict[str, type] = {c.NAME: c for c in (Noop, Deposit, Withdraw, Place, Cancel, Fill)}
BRIDGE_TYPES = frozenset({Deposit.TYPE, Withdraw.TYPE})
SIGNED_TYPES = frozenset({Withdraw.TYPE, Place.TYPE, Cancel.TYPE})  # DESIGN.md section 9
SignedOp = Union[Withdraw, Place, Cancel]


def is_signed(op: Op) -> bool:
    """True for the op types an account holder must sign (withdraw, place, cancel)."""
    return op.TYPE in SIGNED_TYPES


def encode(op: Op) -> tuple[int, ...]:
    """The canonical 8-element encoding ``[type, f1..f7]`` of DESIGN.md section 4."""
    body = op.fields_encoding()
    return (op.TYPE, *body) + (0,) * (ENCODING_LEN - 1 - len(body))


def op_hash(op: Op) -> int:
    """``H(encoding)``: Poseidon of the 8 elements."""
    return poseidon(list(encode(op)))


def signing_message(op: Op, nonce: int) -> int:
    """``H(op_hash, nonce)``: what the account holder signs, with the account's nonce before the op."""
    return hash2(op_hash(op), nonce)


def to_json(op: Op) -> dict:
    """The op as a batch-file object with decimal-string numbers (canonical form)."""
    out: dict[str, object] = {"op": op.NAME}
    for f in fields(op):
        value = getattr(op, f.name)
        if f.name == "pubkey":
            if value is not None:
                out["pubkey"] = [str(value[0]), str(value[1])]
        elif f.name == "sig":
            if value is not None:
                out["sig"] = signature_to_json(value)
        elif f.name == "side":
            out["side"] = SIDE_NAMES[value]
        else:
            out[f.name] = str(value)
    return out
