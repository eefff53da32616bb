"""Margin accounts of DESIGN.md section 10: cash and P position slots.

A slot is free (``None``, six zeros) or holds a position: the instrument's
id and terms copied when it opened (kind, underlying, strike, expiry) and
a signed size with 0 < |size| < 2^40. Hashes:

    h_j            = H(instrument, kind, underlying, strike, expiry, size mod r), 0 when free
    positions_hash = H(h_1, ..., h_P)          (H(0, ..., 0) for an account without positions)

Rules every layer shares, as pure functions over tuples of slots:
an account holds at most one slot per instrument (``slot_of``); a
position opens in the lowest free slot (``slot_for``); a slot whose size
reaches 0 is freed (``with_size``); slots never move. The state machine
names the violations (positions_full, the size bound); the circuit twin is
circuits/positions.py.

Cost: a Poseidon(6) per used slot and one Poseidon(P) per positions hash.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

from ..zk.poseidon import poseidon
from .instruments import Instrument
from .signed import SIZE_BITS, fits, to_field


@dataclass(frozen=True)
class Position:
    """A used slot: instrument id, its terms, and the signed size (never 0)."""

    instrument: int
    kind: int
    underlying: int
    strike: int
    expiry: int
    size: int

    def hash(self) -> int:
        """h_j = H(instrument, kind, underlying, strike, expiry, size mod r)."""
        return poseidon([self.instrument, self.kind, self.underlying, self.strike, self.expiry,
                         to_field(self.size)])

    def fields(self) -> tuple[int, int, int, int, int, int]:
        """The six slot values as field elements (size mod r), in hash order."""
        return (self.instrument, self.kind, self.underlying, self.strike, self.expiry, to_field(self.size))


Slots = tuple["Position | None", ...]


@dataclass(frozen=True)
class MarginAccount:
    """The derivatives part of an account: signed cash and its P slots."""

    cash: int
    slots: Slots


def slot_hash(slot: Position | None) -> int:
    """h_j: the slot's hash, 0 for a free slot."""
    return 0 if slot is None else slot.hash()


def positions_hash(slots: Sequence[Position | None]) -> int:
    """H(h_1, ..., h_P)."""
    return poseidon([slot_hash(s) for s in slots])


@lru_cache(maxsize=None)
def empty_positions_hash(p: int) -> int:
    """H(0, ..., 0) with P zeros: the positions hash of an account that never traded derivatives."""
    return poseidon([0] * p)


def empty_slots(p: int) -> Slots:
    return (None,) * p


def slot_of(slots: Sequence[Position | None], instrument: int) -> int | None:
    """Index of the slot holding ``instrument``, or None."""
    for j, s in enumerate(slots):
        if s is not None and s.instrument == instrument:
            return j
    return None


def size_of(slots: Sequence[Position | None], instrument: int) -> int:
    """The account's signed size in ``instrument`` (0 when it holds none)."""
    j = slot_of(slots, instrument)
    return 0 if j is None else slots[j].size  # type: ignore[union-attr]


def lowest_free(slots: Sequence[Position | None]) -> int | None:
    """The lowest index of a free slot, or None when all P are used."""
    for j, s in enumerate(slots):
        if s is None:
            return j
    return None


def slot_for(slots: Sequence[Position | None], instrument: int) -> int | None:
    """Where a change of ``instrument``'s size goes: its slot, else the lowest free one.

    None means the account holds no slot for it and has none free (the
    state machine's ``positions_full``).
    """
    held = slot_of(slots, instrument)
    return held if held is not None else lowest_free(slots)


def with_size(slots: Slots, j: int, instrument: int, terms: Instrument, size: int) -> Slots:
    """The slots with slot j holding ``size`` of ``instrument`` (freed when size is 0).

    Precondition: j == slot_for(slots, instrument) and |size| < 2^40
    (``fits(size, SIZE_BITS)``; the caller rejects the batch otherwise).
    """
    if not fits(size, SIZE_BITS):
        raise ValueError(f"size {size} is outside |size| < 2^{SIZE_BITS}")
    old = slots[j]
    if old is not None and old.instrument != instrument:
        raise ValueError(f"slot {j} holds instrument {old.instrument}, not {instrument}")
    new = None if size == 0 else Position(instrument, terms.kind, terms.underlying,
                                          terms.strike, terms.expiry, size)
    return slots[:j] + (new,) + slots[j + 1:]


def shrinks_toward_zero(old: int, new: int) -> bool:
    """|new| < |old| without a change of sign (reaching 0 counts): dfill's reducing-trade exception."""
    return (0 <= new < old) or (old < new <= 0)


@lru_cache(maxsize=1 << 16)
def positions_hash_cached(slots: Slots) -> int:
    """``positions_hash`` memoized per slots tuple (account leaves rehash it on every write)."""
    return positions_hash(slots)
