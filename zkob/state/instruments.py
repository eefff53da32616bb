"""Instruments of DESIGN.md section 10: the leaf of the instruments tree.

An instrument is a future, a European call or a European put on one
underlying (the oracle committee's feed number u < U), cash-settled in the
collateral asset. Its leaf is

    H(kind, underlying, strike, expiry, settle_price)      Poseidon, 5 inputs

with kind 1 = future, 2 = call, 3 = put; strike 0 for a future;
settle_price 0 until a settlement report sets it. Id 0 is never used and a
free id is the leaf 0. The listing rules (op ``list``) belong to the state
machine's rules; this module holds the facts every layer shares.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from ..zk.errors import MalformedInput
from ..zk.poseidon import poseidon

FUTURE, CALL, PUT = 1, 2, 3
KIND_NAMES = {FUTURE: "future", CALL: "call", PUT: "put"}
KINDS_BY_NAME = {name: kind for kind, name in KIND_NAMES.items()}
OPTION_KINDS = frozenset({CALL, PUT})


@dataclass(frozen=True)
class Instrument:
    """The terms of a listed instrument and its settlement price (0 until settled)."""

    kind: int
    underlying: int
    strike: int
    expiry: int
    settle_price: int = 0

    @property
    def is_option(self) -> bool:
        return self.kind in OPTION_KINDS

    @property
    def settled(self) -> bool:
        return self.settle_price != 0

    def hash(self) -> int:
        """The leaf H(kind, underlying, strike, expiry, settle_price)."""
        return poseidon([self.kind, self.underlying, self.strike, self.expiry, self.settle_price])

    def with_settlement(self, price: int) -> "Instrument":
        """The same terms with settle_price = price (a settlement report's effect)."""
        return replace(self, settle_price=price)


def instrument_hash(leaf: Instrument | None) -> int:
    """Leaf value in the instruments tree (0 for a free id)."""
    return 0 if leaf is None else leaf.hash()


def kind_from_json(value: object, field: str = "kind") -> int:
    """"future" | "call" | "put" -> 1 | 2 | 3; anything else is MalformedInput naming ``field``."""
    if not isinstance(value, str) or value not in KINDS_BY_NAME:
        raise MalformedInput(field, f"kind must be one of {sorted(KINDS_BY_NAME)}, got {value!r}")
    return KINDS_BY_NAME[value]


def kind_to_json(kind: int) -> str:
    """1 | 2 | 3 -> "future" | "call" | "put"."""
    return KIND_NAMES[kind]
