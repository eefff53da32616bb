"""Batch files parse strictly (DESIGN sections 4 and 8); encoding, op_hash, commitment, bridge."""

from __future__ import annotations

import json

import pytest
from state_helpers import DERIV, TINY, cancel, deposit, fill, index, key, place, withdraw

from zkob.state import batchfile
from zkob.state.batchfile import Batch, loads_batch, parse_op
from zkob.state.digest import bridge_digest, commitment, commitment_chain
from zkob.state.errors import Rejected
from zkob.state.ops import (Cancel, Deposit, DFill, DPlace, Fill, Liquidate, ListInstrument, Margin, Noop, Place,
                            Settle, Withdraw, encode, op_hash, to_json)
from zkob.state.oracle import report_to_json
from zkob.state.params import Params
from zkob.zk import babyjub as bj
from zkob.zk.eddsa import Signature, sign_poseidon, signature_from_json, signature_to_json
from zkob.zk.errors import MalformedInput
from zkob.zk.field import R
from zkob.zk.poseidon import poseidon

SIG = signature_to_json(sign_poseidon(key(1), 12345))  # well-formed; batchfile does not verify it
PLACE = dict(place(4, 1, 2, 1, "buy", 12, 5), sig=SIG)


def signed(op: dict) -> dict:
    return dict(op, sig=SIG)


def parse_batch(data, params=TINY, **kwargs):
    """The parser with a batch time added when the test does not name one (8 ops: a K = 8 params)."""
    if isinstance(data, dict) and "time" not in data and data.get("ops") is not None:
        data = dict(data, time=0)
    if params == 8:
        params = Params(3, 3, 2, 8, config=TINY.config)
    elif params == 4:
        params = TINY
    return batchfile.parse_batch(data, params, **kwargs)


def test_design_example_parses_to_the_expected_op():
    assert parse_op(PLACE, 0) == Place(order=4, account=1, base=2, quote=1, side=0, price=12, qty=5,
                                       sig=signature_from_json(SIG))
    assert parse_op(dict(PLACE, side="sell"), 0).side == 1


def test_numbers_as_decimal_strings_equal_json_integers():
    as_strings = {k: (str(v) if isinstance(v, int) else v) for k, v in PLACE.items()}
    assert parse_op(as_strings, 0) == parse_op(PLACE, 0)


@pytest.mark.parametrize("op, field", [
    ({"op": "teleport", "account": 1}, "ops[2].op"),
    ({"account": 1}, "ops[2].op"),
    ({"op": 3}, "ops[2].op"),
    (dict(PLACE, colour="red"), "ops[2] (place).colour"),
    ({k: v for k, v in PLACE.items() if k != "qty"}, "ops[2] (place).qty"),
    (dict(PLACE, price=True), "ops[2] (place).price"),
    (dict(PLACE, price=12.0), "ops[2] (place).price"),
    (dict(PLACE, price="012"), "ops[2] (place).price"),
    (dict(PLACE, price="1_2"), "ops[2] (place).price"),
    (dict(PLACE, price="0x0c"), "ops[2] (place).price"),
    (dict(PLACE, price="-12"), "ops[2] (place).price"),
    (dict(PLACE, price=-12), "ops[2] (place).price"),
    (dict(PLACE, price=" 12"), "ops[2] (place).price"),
    (dict(PLACE, price="١٢"), "ops[2] (place).price"),
    (dict(PLACE, price=None), "ops[2] (place).price"),
    (dict(PLACE, price=str(R)), "ops[2] (place).price"),
    (dict(PLACE, price=2**53), "ops[2] (place).price"),
    (dict(PLACE, side="BUY"), "ops[2] (place).side"),
    (dict(PLACE, side=0), "ops[2] (place).side"),
    (dict(PLACE, side=3), "ops[2] (place).side"),
    (dict(PLACE, side=["buy"]), "ops[2] (place).side"),
    (deposit(1, 1, 5, (0, 0)), "ops[2] (deposit).pubkey"),
    (dict(deposit(1, 1, 5), pubkey=[1]), "ops[2] (deposit).pubkey"),
    (dict(deposit(1, 1, 5), pubkey=[1, 2, 3]), "ops[2] (deposit).pubkey"),
    (dict(deposit(1, 1, 5), pubkey={"x": 1, "y": 2}), "ops[2] (deposit).pubkey"),
    (dict(deposit(1, 1, 5), pubkey=[1, "02"]), "ops[2] (deposit).pubkey[1]"),
    (dict(withdraw(1, 1, 5), pubkey=[1, 2], sig=SIG), "ops[2] (withdraw).pubkey"),
    (withdraw(1, 1, 5), "ops[2] (withdraw).sig"),
    ({k: v for k, v in PLACE.items() if k != "sig"}, "ops[2] (place).sig"),
    (cancel(1, 1), "ops[2] (cancel).sig"),
    (signed(deposit(1, 1, 5)), "ops[2] (deposit).sig"),
    (signed(fill(1, 2, 3)), "ops[2] (fill).sig"),
    (signed({"op": "noop"}), "ops[2] (noop).sig"),
    (dict(PLACE, sig=None), "ops[2] (place).sig"),
    (dict(PLACE, sig={"R8": SIG["R8"]}), "ops[2] (place).sig"),
    (dict(PLACE, sig=dict(SIG, extra="1")), "ops[2] (place).sig"),
    (dict(PLACE, sig=dict(SIG, S=int(SIG["S"]))), "ops[2] (place).sig.S"),
    (dict(PLACE, sig=dict(SIG, S=str(bj.L))), "ops[2] (place).sig.S"),
    (dict(PLACE, sig=dict(SIG, S="0" + SIG["S"])), "ops[2] (place).sig.S"),
    (dict(PLACE, sig=dict(SIG, R8=["5", "6"])), "ops[2] (place).sig.R8"),
    (dict(PLACE, sig=dict(SIG, R8=[SIG["R8"][0]])), "ops[2] (place).sig.R8"),
    ({"op": "noop", "account": 0}, "ops[2] (noop).account"),
    (dict(fill(1, 2, 3), price=1), "ops[2] (fill).price"),
    ([1, 2], "ops[2]"),
])
def test_malformed_ops_are_refused_naming_index_and_field(op, field):
    ops = [deposit(1, 1, 5, (1, 2)), signed(cancel(0, 1)), op]
    with pytest.raises(MalformedInput) as info:
        parse_batch({"ops": ops, "salt": "1"}, 4)
    assert info.value.field == field


def test_large_values_parse_as_decimal_strings():
    op = parse_op(deposit("1", "1", str(2**64 - 1), (str(R - 1), "5")), 0)
    assert op == Deposit(1, 1, 2**64 - 1, (R - 1, 5))
    assert parse_op(deposit(1, 1, 2**53 - 1), 0).amount == 2**53 - 1


@pytest.mark.parametrize("data, field", [
    ({"ops": []}, "ops"),
    ({"ops": [deposit(1, 1, 1)] * 5}, "ops"),
    ({}, "ops"),
    ({"ops": {"op": "noop"}}, "ops"),
    ({"ops": [deposit(1, 1, 1)], "salt": "01"}, "salt"),
    ({"ops": [deposit(1, 1, 1)], "salt": str(R)}, "salt"),
    ({"ops": [deposit(1, 1, 1)], "salt": 1.5}, "salt"),
    ({"ops": [deposit(1, 1, 1)], "extra": 1}, "batch.extra"),
    ([deposit(1, 1, 1)], "batch"),
    ({"ops": [deposit(1, 1, 1)], "time": -1}, "time"),
    ({"ops": [deposit(1, 1, 1)], "time": 2**32}, "time"),
    ({"ops": [deposit(1, 1, 1)], "time": "07"}, "time"),
    ({"ops": [deposit(1, 1, 1)], "time": 1, "reports": {}}, "reports"),
    ({"ops": [deposit(1, 1, 1)], "time": 1, "reports": [{"report": "index"}] * 3}, "reports"),
    ({"ops": [deposit(1, 1, 1)], "time": 1, "reports": [{"report": "index", "underlying": 0}]},
     "reports[0].price"),
])
def test_malformed_batches_are_refused(data, field):
    with pytest.raises(MalformedInput) as info:
        parse_batch(data, 4)
    assert info.value.field == field


@pytest.mark.parametrize("text", [
    '{"ops": [{"op": "noop"}], "ops": [{"op": "noop"}]}',
    '{"ops": [{"op": "cancel", "order": 1, "order": 2, "account": 1}]}',
    '{"ops": [{"op": "cancel", "order": NaN, "account": 1}]}',
    '{"ops": [{"op": "cancel", "order": 1e3, "account": 1}]}',
    '{"ops": [',
    b'\xff\xfe',
])
def test_malformed_json_text_is_refused(text):
    with pytest.raises(MalformedInput):
        loads_batch(text, TINY)


def test_the_batch_time_is_required():
    with pytest.raises(MalformedInput) as info:
        batchfile.parse_batch({"ops": [deposit(1, 1, 1)]}, TINY)
    assert info.value.field == "time" and "batch names its time" in str(info.value)
    b = batchfile.parse_batch({"ops": [deposit(1, 1, 1)], "time": "4294967295"}, TINY)
    assert b.time == 2**32 - 1 and b.reports == ()


def test_reports_parse_and_round_trip_with_the_batch():
    report = index(1, 250, 7)
    b = parse_batch({"ops": [deposit(1, 1, 1)], "time": 9, "reports": [report_to_json(report)], "salt": "3"})
    assert b.reports == (report,) and b.time == 9
    assert loads_batch(b.dumps(), TINY) == b
    assert json.loads(b.dumps())["reports"][0]["sigs"][1]["signer"] == "1"


def test_new_fields_parse_by_kind_signed_integers_and_kinds():
    assert parse_op({"op": "margin", "account": 1, "amount": "-25", "sig": SIG}, 0).amount == -25
    assert parse_op({"op": "margin", "account": 1, "amount": -25, "sig": SIG}, 0).amount == -25
    listing = {"op": "list", "instrument": 3, "kind": "put", "underlying": 1, "strike": 90, "expiry": 100}
    assert parse_op(listing, 0) == ListInstrument(3, 3, 1, 90, 100)
    for bad, field in [({"op": "margin", "account": 1, "amount": "-0", "sig": SIG}, "amount"),
                       ({"op": "margin", "account": 1, "amount": "+5", "sig": SIG}, "amount"),
                       ({"op": "margin", "account": 1, "amount": "-05", "sig": SIG}, "amount"),
                       ({"op": "margin", "account": 1, "amount": 2**60, "sig": SIG}, "amount"),
                       (dict(listing, kind="swap"), "kind"), (dict(listing, kind=1), "kind"),
                       ({"op": "dfill", "taker": 1, "maker": 2, "qty": 1, "sig": SIG}, "sig"),
                       ({"op": "settle", "account": 1, "instrument": 2, "sig": SIG}, "sig"),
                       ({"op": "dplace", "order": 1, "account": 1, "instrument": 2, "side": "buy",
                         "price": 1, "qty": 1}, "sig")]:
        with pytest.raises(MalformedInput) as info:
            parse_op(bad, 0)
        assert info.value.field.endswith(field), bad


def test_new_encodings_follow_the_table():
    assert encode(ListInstrument(3, 2, 1, 90, 100)) == (6, 3, 2, 1, 90, 100, 0, 0)
    assert encode(Margin(2, -5)) == (7, 2, R - 5, 0, 0, 0, 0, 0)
    assert encode(DPlace(4, 1, 3, 1, 12, 5)) == (8, 4, 1, 3, 1, 12, 5, 0)
    assert encode(DFill(1, 2, 3)) == (9, 1, 2, 3, 0, 0, 0, 0)
    assert encode(Liquidate(1, 2, 3, 4, 5)) == (10, 1, 2, 3, 4, 5, 0, 0)
    assert encode(Settle(1, 3)) == (11, 1, 3, 0, 0, 0, 0, 0)
    assert to_json(Margin(2, -5)) == {"op": "margin", "account": "2", "amount": "-5"}
    assert to_json(ListInstrument(3, 2, 1, 90, 100))["kind"] == "call"


# -- packing (V2.md, rule slot_layout) ----------------------------------------------
LIST = ListInstrument(1, 1, 0, 0, 100)


@pytest.mark.parametrize("k, r, ops, where", [
    (4, 2, (LIST,), (None, 0, None, None)),                       # slots spot full spot full
    (4, 2, (Noop(), LIST), (0, 1, None, None)),
    (4, 2, (LIST, Noop(), LIST), (None, 0, 1, 2)),
    (4, 2, (Noop(), Noop(), LIST), (0, 1, None, 2)),              # the list skips spot slot 2
    (4, 4, (LIST,) * 4, (0, 1, 2, 3)),
    (4, 0, (Noop(),) * 4, (0, 1, 2, 3)),
    (5, 2, (LIST, LIST), (None, None, 0, None, 1)),               # full slots 2 and 4
])
def test_ops_go_to_the_earliest_slot_that_accepts_them(k, r, ops, where):
    placed, index = batchfile.place_ops(ops, Params(3, 3, 2, k, derivatives_slots=r).slot_kinds)
    assert index == where
    assert all(placed[i] == (ops[j] if j is not None else Noop()) for i, j in enumerate(index))


@pytest.mark.parametrize("k, r, ops, bad", [
    (4, 2, (LIST, LIST, LIST), 2),
    (4, 2, (LIST, Noop(), Noop(), LIST), 3),                      # the noops took the last full slot
    (4, 0, (LIST,), 0),
    (4, 1, (Noop(), Noop(), Noop(), Noop(), LIST), None),         # more than K: malformed, not a rule
])
def test_an_op_without_a_slot_rejects_the_batch_with_slot_layout(k, r, ops, bad):
    kinds = Params(3, 3, 2, k, derivatives_slots=r).slot_kinds
    if bad is None:
        with pytest.raises(MalformedInput):
            batchfile.place_ops(ops, kinds)
        return
    with pytest.raises(Rejected) as info:
        batchfile.place_ops(ops, kinds)
    assert (info.value.rule, info.value.op_index, info.value.op_type) == ("slot_layout", bad, ops[bad].NAME)


def test_slot_kinds_spread_r_full_slots_evenly():
    kinds = lambda k, r: "".join(k_[0] for k_ in Params(3, 3, 2, k, derivatives_slots=r).slot_kinds)  # noqa: E731
    assert kinds(4, 2) == "sfsf" and kinds(4, 4) == "ffff" and kinds(4, 0) == "ssss"
    assert kinds(7, 3) == "ssfsfsf" and kinds(8, 1) == "sssssssf" and kinds(1, 1) == "f"
    assert all(kinds(k, r).count("f") == r for k in range(1, 12) for r in range(k + 1))


def test_missing_sig_message_says_how_to_sign():
    with pytest.raises(MalformedInput, match="must be signed by the account's key.*zkob sign"):
        parse_batch({"ops": [withdraw(1, 1, 5)]}, 4)
    with pytest.raises(MalformedInput, match="deposits come from the bridge"):
        parse_batch({"ops": [signed(deposit(1, 1, 5))]}, 4)


def test_unsigned_drafts_parse_only_when_asked():
    draft = parse_batch({"ops": [withdraw(1, 1, 5), PLACE, cancel(1, 1)]}, 4, require_sigs=False)
    assert [op.sig for op in draft.ops] == [None, signature_from_json(SIG), None]
    with pytest.raises(MalformedInput):  # a sig where none belongs is refused even in a draft
        parse_batch({"ops": [signed(fill(1, 2, 3))]}, 4, require_sigs=False)


def test_sig_is_not_part_of_the_encoding_but_is_kept_in_the_json():
    op = parse_op(PLACE, 0)
    other = Signature(bj.neg(op.sig.R8), op.sig.S)
    assert encode(op) == encode(Place(4, 1, 2, 1, 0, 12, 5)) and op_hash(op) == op_hash(Place(4, 1, 2, 1, 0, 12, 5))
    assert to_json(op)["sig"] == SIG and "sig" not in to_json(Place(4, 1, 2, 1, 0, 12, 5))
    assert op != Place(4, 1, 2, 1, 0, 12, 5, sig=other)


def test_salt_is_drawn_when_absent_and_kept_when_given():
    a = parse_batch({"ops": [signed(cancel(1, 1))]}, 4)
    b = parse_batch({"ops": [signed(cancel(1, 1))]}, 4)
    assert not a.salt_given and 0 <= a.salt < R and a.salt != b.salt
    assert parse_batch({"ops": [signed(cancel(1, 1))]}, 4, draw_salt=lambda: 42).salt == 42
    given = parse_batch({"ops": [signed(cancel(1, 1))], "salt": "77"}, 4)
    assert given.salt == 77 and given.salt_given


def test_canonical_json_round_trips():
    ops = [deposit(1, 2, 3, (4, 5)), deposit(1, 2, 3), signed(withdraw(1, 2, 3)), PLACE, signed(cancel(4, 1)),
           fill(1, 2, 3), {"op": "noop"}]
    b = parse_batch({"ops": ops, "salt": "9"}, 8)
    again = loads_batch(b.dumps(), Params(3, 3, 2, 8, config=TINY.config))
    assert again == b
    assert [to_json(op)["op"] for op in b.ops] == [op["op"] for op in ops]


def test_encodings_follow_the_table():
    assert encode(Noop()) == (0,) * 8
    assert encode(Deposit(1, 2, 3, (4, 5))) == (1, 1, 2, 3, 4, 5, 0, 0)
    assert encode(Deposit(1, 2, 3)) == (1, 1, 2, 3, 0, 0, 0, 0)
    assert encode(Withdraw(1, 2, 3)) == (2, 1, 2, 3, 0, 0, 0, 0)
    assert encode(Place(4, 1, 2, 1, 1, 12, 5)) == (3, 4, 1, 2, 1, 1, 12, 5)
    assert encode(Cancel(4, 1)) == (4, 4, 1, 0, 0, 0, 0, 0)
    assert encode(Fill(1, 2, 3)) == (5, 1, 2, 3, 0, 0, 0, 0)
    assert op_hash(Fill(1, 2, 3)) == poseidon([5, 1, 2, 3, 0, 0, 0, 0])


def test_padding_and_commitment_chain():
    b = Batch((Cancel(1, 1),), salt=3)
    padded, where = b.placed(TINY)
    assert padded == (Cancel(1, 1), Noop(), Noop(), Noop()) and where == (0, None, None, None)
    hashes = [op_hash(op) for op in padded]
    c = 3
    for h in hashes:
        c = poseidon([c, h])
    assert commitment(3, hashes) == c
    assert commitment_chain(3, hashes)[0] == 3 and len(commitment_chain(3, hashes)) == 5
    with pytest.raises(MalformedInput):
        Batch((Cancel(1, 1),) * 5, salt=3).placed(TINY)


def test_bridge_digest_covers_only_deposits_and_withdrawals():
    ops = [Deposit(1, 1, 5, (1, 2)), Place(1, 1, 2, 1, 0, 1, 1), Withdraw(1, 1, 2), Noop()]
    hashes = [op_hash(op) for op in ops]
    expected = poseidon([poseidon([0, hashes[0]]), hashes[2]])
    assert bridge_digest([op.TYPE for op in ops], hashes) == expected
    assert bridge_digest([0, 3, 4, 5], hashes) == 0


def test_batch_json_is_text_with_decimal_strings():
    b = parse_batch({"ops": [deposit(1, 1, 2**53 - 1, (3, 4))], "salt": 1}, 4)
    data = json.loads(b.dumps())
    assert data["ops"][0]["amount"] == str(2**53 - 1) and data["salt"] == "1"
