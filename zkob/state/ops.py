"""The operations of the op table (state/protocol.py) and their canonical encoding.

An op is a frozen dataclass holding field elements (ints in [0, r)), one
class per row of ``OP_TABLE``; ``op_type`` binds a class to its row and
checks its fields against it. The canonical encoding is
``[code, f1..f7]``: the row's fields in order, a pubkey as two elements
(0, 0 when absent), a side as 0 buy / 1 sell, unused trailing fields 0;
``op_hash = H(encoding)`` (Poseidon, 8 inputs, ~1.4 ms in pure Python).
A signed integer field (margin's ``amount``) is held as a Python int and
encoded x mod r; an instrument ``kind`` as 1 / 2 / 3.
A signed op carries its signer's signature ``sig`` (docs/protocol.md section 9)
over ``signing_message(op, nonce, venue)`` = H(venue, op_hash, nonce); it is
not part of the encoding.
Range and existence rules are not checked here: the transition rules
(rules.py) judge them; parsing (batchfile.py) only guarantees every value
is a canonical field element.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, fields
from typing import Any, ClassVar, TypeVar, Union, cast

from ..zk.eddsa import Signature, signature_to_json
from ..zk.poseidon import poseidon
from .instruments import kind_to_json
from .protocol import BUY, ENCODING_LEN, OPS, SIDE_NAMES, Field, OpSpec
from .signed import to_field

C = TypeVar("C", bound="type[OpBase]")


def op_type(name: str) -> Callable[[C], C]:
    """Bind an op dataclass to its row of the op table; its fields must be the row's (plus ``sig`` if signed)."""
    spec = OPS[name]

    def bind(cls: C) -> C:
        expected = spec.field_names + (("sig",) if spec.signer else ())
        got = tuple(f.name for f in fields(cast(Any, cls)))
        if got != expected:
            raise TypeError(f"{cls.__name__} has fields {got}, the op table says {expected}")
        cls.SPEC, cls.NAME, cls.TYPE = spec, spec.name, spec.code
        return cls

    return bind


class OpBase:
    """What every op class gets from its row: ``SPEC``, ``NAME`` and ``TYPE`` (the code)."""

    SPEC: ClassVar[OpSpec]
    NAME: ClassVar[str]
    TYPE: ClassVar[int]


@op_type("noop")
@dataclass(frozen=True)
class Noop(OpBase):
    """Pads a batch to K ops; changes nothing."""


@op_type("deposit")
@dataclass(frozen=True)
class Deposit(OpBase):
    """Credit ``amount`` of ``asset``; creates the account when ``pubkey`` names its key."""

    account: int
    asset: int
    amount: int
    pubkey: tuple[int, int] | None = None


@op_type("withdraw")
@dataclass(frozen=True)
class Withdraw(OpBase):
    """Debit ``amount`` of ``asset`` from an existing account (paid out by the bridge)."""

    account: int
    asset: int
    amount: int
    sig: Signature | None = None


@op_type("place")
@dataclass(frozen=True)
class Place(OpBase):
    """Open order ``order`` (a free slot) and move its escrow out of the balance."""

    order: int
    account: int
    base: int
    quote: int
    side: int
    price: int
    qty: int
    sig: Signature | None = None

    @property
    def escrow_asset(self) -> int:
        return self.quote if self.side == BUY else self.base

    @property
    def escrow(self) -> int:
        """Escrow of the whole order: price*qty quote for a buy, qty base for a sell."""
        return self.price * self.qty if self.side == BUY else self.qty


@op_type("cancel")
@dataclass(frozen=True)
class Cancel(OpBase):
    """Close ``order`` of ``account`` and refund the escrow of its remainder."""

    order: int
    account: int
    sig: Signature | None = None


@op_type("fill")
@dataclass(frozen=True)
class Fill(OpBase):
    """Match ``qty`` between a taker and a maker order at the maker's price."""

    taker: int
    maker: int
    qty: int


@op_type("list")
@dataclass(frozen=True)
class ListInstrument(OpBase):
    """List instrument ``instrument``: a future, call or put on ``underlying`` (operator op, public)."""

    instrument: int
    kind: int
    underlying: int
    strike: int
    expiry: int


@op_type("margin")
@dataclass(frozen=True)
class Margin(OpBase):
    """Move ``amount`` (signed) of the collateral asset from the spot balance to cash (< 0: back)."""

    account: int
    amount: int
    sig: Signature | None = None


@op_type("dplace")
@dataclass(frozen=True)
class DPlace(OpBase):
    """Open derivatives order ``order`` on ``instrument`` (no escrow: margin is checked at the fill)."""

    order: int
    account: int
    instrument: int
    side: int
    price: int
    qty: int
    sig: Signature | None = None


@op_type("dfill")
@dataclass(frozen=True)
class DFill(OpBase):
    """Match ``qty`` between two derivatives orders at the maker's price: positions and cash move."""

    taker: int
    maker: int
    qty: int


@op_type("liquidate")
@dataclass(frozen=True)
class Liquidate(OpBase):
    """``liquidator`` takes ``qty`` of ``account``'s position in ``instrument`` at ``price`` (account below MM)."""

    account: int
    liquidator: int
    instrument: int
    qty: int
    price: int
    sig: Signature | None = None


@op_type("settle")
@dataclass(frozen=True)
class Settle(OpBase):
    """Pay ``account``'s position in a settled ``instrument`` at its settlement price and free the slot."""

    account: int
    instrument: int


Op = Union[Noop, Deposit, Withdraw, Place, Cancel, Fill, ListInstrument, Margin, DPlace, DFill, Liquidate, Settle]
SignedOp = Union[Withdraw, Place, Cancel, Margin, DPlace, Liquidate]
OP_CLASSES: dict[str, type[Op]] = {c.NAME: c for c in (Noop, Deposit, Withdraw, Place, Cancel, Fill, ListInstrument, Margin,
                                                        DPlace, DFill, Liquidate, Settle)}


def is_signed(op: Op) -> bool:
    """True for the op types an account holder must sign (the table's ``signer``)."""
    return op.SPEC.signer is not None


def signer(op: Op) -> int:
    """The account whose key signs a signed op (its row's ``signer`` field)."""
    assert op.SPEC.signer is not None, f"a {op.NAME} is not signed"
    return int(getattr(op, op.SPEC.signer))


def _encode_field(field: Field, value: object) -> tuple[int, ...]:
    if field.kind == "pubkey":
        return (0, 0) if value is None else cast(tuple[int, int], value)
    if field.kind == "signed":
        return (to_field(cast(int, value)),)
    return (cast(int, value),)


def encode(op: Op) -> tuple[int, ...]:
    """The canonical 8-element encoding ``[code, f1..f7]`` of docs/protocol.md section 4."""
    body = tuple(x for f in op.SPEC.fields for x in _encode_field(f, getattr(op, f.name)))
    return (op.TYPE, *body) + (0,) * (ENCODING_LEN - 1 - len(body))


def op_hash(op: Op) -> int:
    """``H(encoding)``: Poseidon of the 8 elements."""
    return poseidon(list(encode(op)))


def signing_message(op: Op, nonce: int, venue: int) -> int:
    """``H(venue, op_hash, nonce)``: what the signer signs, with its nonce before the op and the config's venue_id."""
    return poseidon([venue, op_hash(op), nonce])


def _field_json(field: Field, value: object) -> object:
    if field.kind == "pubkey":
        x, y = cast(tuple[int, int], value)
        return [str(x), str(y)]
    if field.kind == "side":
        return SIDE_NAMES[cast(int, value)]
    if field.kind == "kind":
        return kind_to_json(cast(int, value))
    return str(value)


def to_json(op: Op) -> dict[str, object]:
    """The op as a batch-file object with decimal-string numbers (canonical form)."""
    out: dict[str, object] = {"op": op.NAME}
    for f in op.SPEC.fields:
        value = getattr(op, f.name)
        if value is not None:
            out[f.name] = _field_json(f, value)
    sig = getattr(op, "sig", None)
    if sig is not None:
        out["sig"] = signature_to_json(sig)
    return out
