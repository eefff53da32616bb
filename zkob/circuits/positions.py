"""Position slots as constraints: the positions hash and the update of one slot (state/positions.py's twin).

A slot's kind is held as three booleans (future, call, put) so that the
margin gadget reads them without decoding; kind = f + 2c + 3p and
used = f + c + p (a free slot has kind 0). Reading P slots
(``alloc_slots``) pins every field of a free slot to 0, so a free slot
means six zeros as in DESIGN.md section 10 (otherwise a prover could park
a size in a slot the hash ignores and have an update pick it up).

``positions_hash`` proves h_j = used_j * H(instrument, kind, underlying,
strike, expiry, size) and returns H(h_1, ..., h_P).

``update_position`` changes one instrument's size by ``delta``. The slot it
writes is computed, never chosen by the prover:

    match_j  = used_j * (instrument_j == instrument)      held = sum match_j, boolean
    free_j   = the lowest free slot (prefix product of used)
    sel_j    = enabled * (match_j + (1 - held) * free_j)

``one_slot_per_instrument`` refuses two slots of one instrument (held = 2),
``positions_full`` an opening with no free slot, ``size_range`` a new size
with |size| >= 2^40. The new slot holds the instrument's terms and the new
size, or six zeros when the size reaches 0 (freed; slots never move). The
caller supplies the instrument's terms from the instruments tree and
proves them there.

Cost at P = 4: reading 9 per slot; ``positions_hash`` 355 per slot + 297
(so opening an account's positions costs 1,753); ``update_position`` 779
more on opened slots (match and lowest-free 32, selection 8, sizes 48,
the new slot 362, replacing 36, the new Poseidon(P) 297), 2,199 if the
old slots were not hashed yet. Measured in tests/circuits/test_positions_gadget.py.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from ..state.positions import Position
from ..state.signed import SIZE_BITS, to_field
from .cs import LC, ConstraintSystem, Operand, as_lc
from .gadgets.bits import assert_bool
from .gadgets.compare import is_equal, is_zero
from .gadgets.poseidon import poseidon
from .gadgets.signed import assert_signed_range
from .instruments import InstrumentWires, KindFlags, kind_flags

FIELD_NAMES = ("instrument", "underlying", "strike", "expiry", "size")


@dataclass
class SlotWires:
    """One position slot: the instrument id, kind flags, terms and signed size (x mod r)."""

    instrument: LC
    kind: KindFlags
    underlying: LC
    strike: LC
    expiry: LC
    size: LC
    h: LC | None = None
    memo: dict[str, object] = field(default_factory=dict)  # figures the margin gadget computed once

    @property
    def used(self) -> LC:
        return self.kind.any

    def hash_inputs(self) -> list[Operand]:
        return [self.instrument, self.kind.code, self.underlying, self.strike, self.expiry, self.size]


def alloc_slots(cs: ConstraintSystem, p: int, values: Callable[[], Sequence[Position | None]],
                name: str = "slot") -> list[SlotWires]:
    """P slots from the witness; a free slot's fields are pinned to 0. Costs 9 per slot."""
    def get(j: int, attr: str) -> Callable[[], int]:
        def value() -> int:
            s = values()[j]
            return 0 if s is None else (to_field(s.size) if attr == "size" else int(getattr(s, attr)))
        return value

    slots = []
    for j in range(p):
        with cs.namespace(f"{name}[{j}]"):
            flags = kind_flags(cs, get(j, "kind"))
            wires = {n: cs.alloc(n, get(j, n)) for n in FIELD_NAMES}
            for n in FIELD_NAMES:
                cs.enforce(1 - flags.any, wires[n], 0, f"free_zero/{n}")
            slots.append(SlotWires(wires["instrument"], flags, wires["underlying"], wires["strike"],
                                   wires["expiry"], wires["size"]))
    return slots


def slot_hash(cs: ConstraintSystem, slot: SlotWires, name: str) -> LC:
    """h_j = used * H(six fields) (0 for a free slot); stored on the slot. Costs 355."""
    if slot.h is None:
        with cs.namespace(name):
            slot.h = cs.mul(slot.used, poseidon(cs, slot.hash_inputs(), "leaf"), "h")
    return slot.h


def positions_hash(cs: ConstraintSystem, slots: Sequence[SlotWires], name: str = "positions") -> LC:
    """H(h_1, ..., h_P). Costs 355 per slot not hashed yet, plus Poseidon(P) (297 at P = 4)."""
    with cs.namespace(name):
        hs: list[Operand] = [slot_hash(cs, s, f"h[{j}]") for j, s in enumerate(slots)]
        return poseidon(cs, hs, "hash")


@dataclass
class PositionUpdate:
    """The result of ``update_position``: the slots after, their hash, the sizes before and after."""

    slots: list[SlotWires]
    positions_hash: LC
    old_size: LC
    new_size: LC
    select: list[LC]


def update_position(cs: ConstraintSystem, slots: Sequence[SlotWires], instrument: Operand,
                    terms: InstrumentWires, delta: Operand | Callable[[LC], Operand], enabled: Operand,
                    name: str = "position") -> PositionUpdate:
    """Add ``delta`` to the size held in ``instrument`` (opening or freeing its slot) when enabled.

    ``terms`` is the instrument as opened from the instruments tree (its
    kind, underlying, strike and expiry are copied; settle_price is not
    part of a slot). ``delta`` may be a function of the size held before
    (a settlement closes it: ``lambda q: -q``); it is called once, inside
    this gadget's namespace. When enabled is 0 nothing changes and
    old_size = new_size = 0. See the module docstring for the rules and
    costs.
    """
    instrument, enabled = as_lc(instrument), as_lc(enabled)
    with cs.namespace(name):
        for j, s in enumerate(slots):
            slot_hash(cs, s, f"h[{j}]")
        match = [cs.mul(s.used, is_equal(cs, s.instrument, instrument, f"same[{j}]"), f"match[{j}]")
                 for j, s in enumerate(slots)]
        held = LC()
        for m in match:
            held = held + m
        assert_bool(cs, held, "one_slot_per_instrument")
        first_free, before = [], LC.const(1)  # before = every earlier slot is used
        for j, s in enumerate(slots):
            first_free.append(before - s.used if j == 0 else cs.mul(before, 1 - s.used, f"first_free[{j}]"))
            before = s.used if j == 0 else cs.mul(before, s.used, f"all_used[{j}]")
        opens = cs.mul(enabled, 1 - held, "opens")
        cs.enforce(opens, before, 0, "positions_full")
        sel = [cs.mul(enabled, m, f"sel_held[{j}]") + cs.mul(opens, f, f"sel_open[{j}]")
               for j, (m, f) in enumerate(zip(match, first_free))]
        old_size = LC()
        for j, (sj, s) in enumerate(zip(sel, slots)):
            old_size = old_size + cs.mul(sj, s.size, f"old_size[{j}]")
        change = as_lc(delta(old_size) if callable(delta) else delta)
        new_size = old_size + cs.mul(enabled, change, "delta")
        assert_signed_range(cs, new_size, SIZE_BITS, "size_range")
        live = 1 - is_zero(cs, new_size, "closed")
        fresh = SlotWires(
            cs.mul(live, instrument, "new/instrument"),
            KindFlags(*(cs.mul(live, f, f"new/{n}") for n, f in (("future", terms.kind.future),
                                                                 ("call", terms.kind.call),
                                                                 ("put", terms.kind.put)))),
            cs.mul(live, terms.underlying, "new/underlying"), cs.mul(live, terms.strike, "new/strike"),
            cs.mul(live, terms.expiry, "new/expiry"), new_size)
        fresh.h = cs.mul(live, poseidon(cs, [instrument, terms.kind.code, terms.underlying, terms.strike,
                                             terms.expiry, new_size], "new/leaf"), "new/h")
        out = [_replace_if(cs, sj, s, fresh, f"slot[{j}]") for j, (sj, s) in enumerate(zip(sel, slots))]
        new_hs: list[Operand] = [slot_hash(cs, s, f"h[{j}]") for j, s in enumerate(out)]  # set: no cost
        new_hash = poseidon(cs, new_hs, "hash")
    return PositionUpdate(out, new_hash, old_size, new_size, sel)


def _replace_if(cs: ConstraintSystem, cond: LC, old: SlotWires, new: SlotWires, name: str) -> SlotWires:
    """cond ? new : old, field by field (cond boolean). Costs 9 constraints."""
    def pick(a: LC, b: LC, n: str) -> LC:
        return a + cs.mul(cond, b - a, f"{name}/{n}")

    assert old.h is not None and new.h is not None
    return SlotWires(pick(old.instrument, new.instrument, "instrument"),
                     KindFlags(pick(old.kind.future, new.kind.future, "future"),
                               pick(old.kind.call, new.kind.call, "call"),
                               pick(old.kind.put, new.kind.put, "put")),
                     pick(old.underlying, new.underlying, "underlying"), pick(old.strike, new.strike, "strike"),
                     pick(old.expiry, new.expiry, "expiry"), pick(old.size, new.size, "size"),
                     pick(old.h, new.h, "h"))
