"""An instrument leaf as wires (state/instruments.py's twin).

    leaf = H(kind, underlying, strike, expiry, settle_price)      Poseidon(5), 321 constraints

The kind is three booleans (positions.KindFlags), so an instrument's
terms can be copied into a position slot and read by the margin gadget
without decoding. The integration opens an instrument by proving
``instrument_leaf`` at its id in the instruments tree (which is also what
"listed" means: a free id holds 0, which no preimage hashes to), and
writes a settlement by updating the leaf with the new settle_price.
``alloc_instrument`` costs 4 (the kind flags), ``instrument_leaf`` 321.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from ..state.instruments import CALL, FUTURE, PUT, Instrument
from .cs import LC, ConstraintSystem, Operand
from .gadgets.bits import assert_bool
from .gadgets.poseidon import poseidon


@dataclass
class KindFlags:
    """An instrument kind as booleans: kind = future + 2 call + 3 put (0 for a free slot)."""

    future: LC
    call: LC
    put: LC

    @property
    def code(self) -> LC:
        return self.future + 2 * self.call + 3 * self.put

    @property
    def any(self) -> LC:
        """1 for a real kind, 0 for none (a free slot)."""
        return self.future + self.call + self.put

    @property
    def option(self) -> LC:
        return self.call + self.put


def kind_flags(cs: ConstraintSystem, kind: Callable[[], int], name: str = "kind") -> KindFlags:
    """Three booleans with at most one set, from a kind value 0..3 (witness). Costs 4 constraints."""
    def is_kind(k: int) -> Callable[[], int]:
        return lambda: int(kind() == k)

    with cs.namespace(name):
        flags = [cs.alloc(n, is_kind(k)) for n, k in (("future", FUTURE), ("call", CALL), ("put", PUT))]
        for n, f in zip(("future", "call", "put"), flags):
            assert_bool(cs, f, n)
        assert_bool(cs, flags[0] + flags[1] + flags[2], "at_most_one")
    return KindFlags(*flags)


@dataclass
class InstrumentWires:
    """kind (flags), underlying, strike, expiry and settle_price of one instrument."""

    kind: KindFlags
    underlying: LC
    strike: LC
    expiry: LC
    settle_price: LC


def alloc_instrument(cs: ConstraintSystem, values: Callable[[], Instrument | None],
                     name: str = "instrument") -> InstrumentWires:
    """An instrument's wires from the witness (all zero for None). Costs 4 (kind flags)."""
    def field_of(n: str) -> Callable[[], int]:
        def value() -> int:
            leaf = values()
            return 0 if leaf is None else int(getattr(leaf, n))
        return value

    with cs.namespace(name):
        flags = kind_flags(cs, field_of("kind"))
        return InstrumentWires(flags, *(cs.alloc(n, field_of(n))
                                        for n in ("underlying", "strike", "expiry", "settle_price")))


def instrument_leaf(cs: ConstraintSystem, inst: InstrumentWires, settle_price: Operand | None = None,
                    name: str = "instrument_leaf") -> LC:
    """H(kind, underlying, strike, expiry, settle_price); ``settle_price`` overrides the wire (a settlement)."""
    price = inst.settle_price if settle_price is None else settle_price
    return poseidon(cs, [inst.kind.code, inst.underlying, inst.strike, inst.expiry, price], name)
