"""The positions gadget against state/positions.py: hash, slot choice, open/change/free, and cheating witnesses."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from zkob.circuits.instruments import alloc_instrument, kind_flags
from zkob.circuits.positions import alloc_slots, positions_hash, update_position
from zkob.state.instruments import CALL, FUTURE, PUT, Instrument
from zkob.state.positions import Position, empty_slots, positions_hash as native_hash, slot_for, with_size
from zkob.state.signed import SIZE_BITS, fits, to_field
from zkob.zk.field import R

from .helpers import assert_sat, assert_unsat, build

P = 4
INSTRUMENTS = {i: Instrument((FUTURE, CALL, PUT)[i % 3], i % 4, 0 if i % 3 == 0 else 100 + i, 5000 + i)
               for i in range(1, 9)}


def position(i: int, size: int) -> Position:
    t = INSTRUMENTS[i]
    return Position(i, t.kind, t.underlying, t.strike, t.expiry, size)


def update_circuit(slots, instrument, delta, enabled=1, out=None):
    def circuit(cs):
        old = alloc_slots(cs, P, lambda: slots)
        old_hash = positions_hash(cs, old, "old")
        terms = alloc_instrument(cs, lambda: INSTRUMENTS[instrument], "terms")
        before = cs.n_constraints
        upd = update_position(cs, old, cs.alloc("id", lambda: instrument), terms,
                              cs.alloc("delta", lambda: delta % R), cs.alloc("enabled", lambda: enabled))
        if out is not None:
            out.update(old_hash=old_hash, upd=upd, cost=cs.n_constraints - before)
    return circuit


def native_update(slots, instrument, delta):
    j = slot_for(slots, instrument)
    held = next((s.size for s in slots if s is not None and s.instrument == instrument), 0)
    return j, held, with_size(slots, j, instrument, INSTRUMENTS[instrument], held + delta)


SLOTS = st.lists(st.one_of(st.none(), st.integers(1, 8)), min_size=P, max_size=P).map(
    lambda ids: tuple(None if (i is None or i in ids[:k]) else position(i, (-1) ** i * (i + 3))
                      for k, i in enumerate(ids)))


@given(SLOTS, st.integers(1, 8), st.integers(-20, 20))
@settings(max_examples=25, deadline=None)
def test_update_matches_native(slots, instrument, delta):
    j, held, _ = (None, 0, None) if slot_for(slots, instrument) is None else native_update(slots, instrument, delta)
    out: dict = {}
    if j is None:
        assert_unsat(update_circuit(slots, instrument, delta), set={}, fails="position/positions_full")
        return
    new_slots = native_update(slots, instrument, delta)[2]
    cs = assert_sat(update_circuit(slots, instrument, delta, out=out))
    upd = out["upd"]
    assert cs.value(out["old_hash"]) == native_hash(slots)
    assert cs.value(upd.positions_hash) == native_hash(new_slots)
    assert (cs.value(upd.old_size), cs.value(upd.new_size)) == (held % R, (held + delta) % R)
    assert [cs.value(s) for s in upd.select] == [int(k == j) for k in range(P)]
    for s, native in zip(upd.slots, new_slots):
        values = [cs.value(v) for v in s.hash_inputs()]
        assert values == ([0] * 6 if native is None else list(native.fields()))


def test_open_lowest_free_then_free_at_zero():
    slots = (position(1, 2), None, position(3, -1), None)
    assert native_update(slots, 5, 4)[0] == 1
    out: dict = {}
    cs = assert_sat(update_circuit(slots, 5, 4, out=out))
    assert [cs.value(s) for s in out["upd"].select] == [0, 1, 0, 0]
    cs = assert_sat(update_circuit(slots, 3, 1, out=out))  # closes instrument 3: slot 2 becomes free
    assert cs.value(out["upd"].positions_hash) == native_hash((position(1, 2), None, None, None))


def test_disabled_update_changes_nothing():
    slots = (position(1, 2), None, None, None)
    out: dict = {}
    cs = assert_sat(update_circuit(slots, 5, 7, enabled=0, out=out))
    assert cs.value(out["upd"].positions_hash) == native_hash(slots)
    assert cs.value(out["upd"].new_size) == 0


def test_size_range_just_inside_and_outside():
    top = (1 << SIZE_BITS) - 1
    slots = (position(1, top - 1),) + (None,) * 3
    assert_sat(update_circuit(slots, 1, 1))
    assert_unsat(update_circuit(slots, 1, 2), set={}, fails="position/size_range/bits/sum")
    neg = (position(1, -top + 1),) + (None,) * 3
    assert_sat(update_circuit(neg, 1, -1))
    assert_unsat(update_circuit(neg, 1, -2), set={}, fails="position/size_range/not_min")
    assert not fits(top + 1, SIZE_BITS)


# -- cheating witnesses ----------------------------------------------------------------
def test_positions_full():
    full = tuple(position(i, 1) for i in (1, 2, 3, 4))
    assert slot_for(full, 5) is None
    assert_unsat(update_circuit(full, 5, 1), set={}, fails="position/positions_full")
    assert_sat(update_circuit(full, 4, 1))  # a held instrument still changes


def test_one_slot_per_instrument():
    twice = (position(2, 1), None, position(2, 3), None)  # no honest state has this
    assert_unsat(update_circuit(twice, 2, 1), set={}, fails="position/one_slot_per_instrument")


def test_a_free_slot_holds_six_zeros():
    slots = (position(1, 2), None, None, None)
    assert_unsat(update_circuit(slots, 5, 1), set={"slot[1]/size": 9}, fails="slot[1]/free_zero/size")
    assert_unsat(update_circuit(slots, 5, 1), set={"slot[1]/instrument": 5}, fails="slot[1]/free_zero/instrument")


def test_the_prover_cannot_pick_another_slot():
    slots = (position(1, 2), None, None, None)
    # open in slot 2 instead of slot 1: the lowest-free selector is a product, not a choice
    assert_unsat(update_circuit(slots, 5, 1), set={"position/first_free[2]": 1, "position/first_free[1]": 0},
                 fails="position/first_free[1]")
    # claim instrument 1 is not held (to open a second slot for it)
    assert_unsat(update_circuit(slots, 1, 1), set={"position/same[0]/out": 0}, fails="position/same[0]/inv")


def test_kind_flags_are_exclusive():
    def circuit(cs):
        kind_flags(cs, lambda: CALL, "k")
    assert_sat(circuit)
    assert_unsat(circuit, set={"k/put": 1}, fails="k/at_most_one")
    assert_unsat(circuit, set={"k/call": 2}, fails="k/call")


def test_positions_hash_of_empty_slots_is_designs():
    out: dict = {}

    def circuit(cs):
        out["h"] = positions_hash(cs, alloc_slots(cs, P, lambda: empty_slots(P)))
    cs = assert_sat(circuit)
    assert cs.value(out["h"]) == native_hash(empty_slots(P))


def test_costs_are_the_documented_ones():
    slots = (position(1, 2), None, None, None)
    out: dict = {}
    build(update_circuit(slots, 5, 1, out=out))
    assert out["cost"] == 779  # beyond the old slots' hashes
    read = build(lambda cs: positions_hash(cs, alloc_slots(cs, P, lambda: slots), "old")).n_constraints
    assert read == 9 * P + 1717


def test_instrument_leaf_matches_native():
    from zkob.circuits.instruments import instrument_leaf

    out: dict = {}
    listed = INSTRUMENTS[5]

    def circuit(cs):
        inst = alloc_instrument(cs, lambda: listed)
        out["leaf"] = instrument_leaf(cs, inst)
        out["settled"] = instrument_leaf(cs, inst, cs.alloc("p", lambda: 130), "settled_leaf")
    cs = assert_sat(circuit)
    assert cs.value(out["leaf"]) == listed.hash()
    assert cs.value(out["settled"]) == listed.with_settlement(130).hash()
