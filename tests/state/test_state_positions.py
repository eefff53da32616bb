"""Signed encoding, instruments and position slots (DESIGN.md section 10)."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from zkob.state.instruments import CALL, FUTURE, PUT, Instrument, instrument_hash, kind_from_json, kind_to_json
from zkob.state.positions import (
    Position, empty_positions_hash, empty_slots, lowest_free, positions_hash, shrinks_toward_zero, size_of,
    slot_for, slot_hash, slot_of, with_size,
)
from zkob.state.signed import (
    CASH_BITS, SIZE_BITS, fits, from_field, parse_signed, parse_unsigned, signed_to_json, to_field,
)
from zkob.zk.errors import MalformedInput
from zkob.zk.field import R
from zkob.zk.poseidon import poseidon

CALL_7 = Instrument(CALL, 1, 100, 5000)
FUT_3 = Instrument(FUTURE, 0, 0, 9000)


# -- signed values ----------------------------------------------------------------
@given(st.integers(-(2**96) + 1, 2**96 - 1))
@settings(max_examples=50, deadline=None)
def test_signed_encoding_round_trips(x):
    assert from_field(to_field(x), CASH_BITS) == x
    assert parse_signed(signed_to_json(x), "cash") == x


@pytest.mark.parametrize("bits", [SIZE_BITS, CASH_BITS])
def test_bounds_are_exclusive_on_both_sides(bits):
    top = (1 << bits) - 1
    assert from_field(top, bits) == top and from_field(R - top, bits) == -top
    for bad in (top + 1, R - top - 1, R - 1 - (1 << 200)):
        with pytest.raises(MalformedInput, match=f"below 2\\^{bits}"):
            from_field(bad, bits)
    assert fits(top, bits) and fits(-top, bits) and not fits(top + 1, bits) and not fits(-top - 1, bits)


@pytest.mark.parametrize("text,why", [
    ("-0", "-0"), ("+5", "canonical"), ("--5", "canonical"), ("05", "leading zero"), ("-05", "leading zero"),
    ("", "canonical"), ("-", "canonical"), (" 5", "canonical"), ("5.0", "canonical"), ("١", "canonical"),
    (True, "boolean"), (1.0, "float"), (2**53, "decimal strings"), (-(2**53), "decimal strings"),
    (str(R), "too large"),
])
def test_signed_json_is_strict(text, why):
    with pytest.raises(MalformedInput, match=why):
        parse_signed(text, "amount")


def test_signed_json_accepts_canonical_forms():
    assert parse_signed("-12", "a") == -12 and parse_signed(-12, "a") == -12 and parse_signed("0", "a") == 0
    assert parse_signed(str(-(2**63)), "a") == -(2**63)
    assert parse_signed(str((R - 1) // 2), "a") == (R - 1) // 2
    with pytest.raises(MalformedInput, match="below 2\\^40"):
        parse_signed(str(2**40), "size", SIZE_BITS)
    assert parse_unsigned("7", "x") == 7
    with pytest.raises(MalformedInput, match="negative"):
        parse_unsigned(-1, "x")


# -- instruments --------------------------------------------------------------------
def test_instrument_leaf_and_kinds():
    assert CALL_7.hash() == poseidon([2, 1, 100, 5000, 0]) == instrument_hash(CALL_7)
    assert instrument_hash(None) == 0
    settled = CALL_7.with_settlement(120)
    assert settled.settled and not CALL_7.settled and settled.hash() == poseidon([2, 1, 100, 5000, 120])
    assert [kind_from_json(n) for n in ("future", "call", "put")] == [FUTURE, CALL, PUT]
    assert [kind_to_json(k) for k in (1, 2, 3)] == ["future", "call", "put"]
    for bad in ("Call", 2, "option", None):
        with pytest.raises(MalformedInput, match="kind"):
            kind_from_json(bad)


# -- slots ----------------------------------------------------------------------------
def test_slot_hashes_follow_design():
    p = Position(7, CALL, 1, 100, 5000, -3)
    assert p.hash() == poseidon([7, 2, 1, 100, 5000, R - 3]) == slot_hash(p)
    assert slot_hash(None) == 0
    assert positions_hash((None, p, None)) == poseidon([0, p.hash(), 0])
    assert empty_positions_hash(4) == poseidon([0] * 4) == positions_hash(empty_slots(4))


def test_open_in_lowest_free_change_and_free_at_zero():
    slots = empty_slots(3)
    assert slot_for(slots, 7) == 0
    slots = with_size(slots, 0, 7, CALL_7, 5)
    slots = with_size(slots, slot_for(slots, 3), 3, FUT_3, -2)
    assert [s.instrument if s else None for s in slots] == [7, 3, None]
    assert (size_of(slots, 7), size_of(slots, 3), size_of(slots, 9)) == (5, -2, 0)
    slots = with_size(slots, slot_for(slots, 7), 7, CALL_7, 0)  # closes: slot 0 is freed, 3 stays in slot 1
    assert slots[0] is None and slots[1].instrument == 3 and slot_of(slots, 7) is None
    assert lowest_free(slots) == 0 and slot_for(slots, 9) == 0  # a new position reuses slot 0
    slots = with_size(slots, slot_for(slots, 3), 3, FUT_3, 4)   # a held instrument stays in its slot
    assert slots[1].size == 4 and slots[1].expiry == 9000


def test_full_account_has_no_slot_for_a_new_instrument():
    slots = empty_slots(2)
    slots = with_size(slots, 0, 7, CALL_7, 1)
    slots = with_size(slots, 1, 3, FUT_3, 1)
    assert slot_for(slots, 9) is None and slot_for(slots, 3) == 1


def test_with_size_refuses_out_of_bound_sizes_and_wrong_slots():
    slots = with_size(empty_slots(2), 0, 7, CALL_7, 1)
    with pytest.raises(ValueError, match="2\\^40"):
        with_size(slots, 1, 3, FUT_3, 2**40)
    with pytest.raises(ValueError, match="holds instrument 7"):
        with_size(slots, 0, 3, FUT_3, 1)
    assert with_size(slots, 1, 3, FUT_3, -(2**40) + 1)[1].size == -(2**40) + 1


@pytest.mark.parametrize("old,new,ok", [
    (5, 3, True), (5, 0, True), (5, 5, False), (5, 6, False), (5, -1, False),
    (-5, -3, True), (-5, 0, True), (-5, -5, False), (-5, 1, False), (0, 0, False), (0, 1, False),
])
def test_shrinks_toward_zero(old, new, ok):
    assert shrinks_toward_zero(old, new) is ok
