"""The op table, the rule table and the public inputs are the one source their consumers read."""

from __future__ import annotations

import ast
import dataclasses
from pathlib import Path

import pytest

import zkob.state.rules as state_rules
from zkob.state import ops, protocol
from zkob.state.batchfile import parse_op
from zkob.state.errors import Rejected
from zkob.state.protocol import OP_TABLE, OPS, RULES
from zkob.state.trace import BatchTrace


def test_every_row_has_a_class_bound_to_it_and_an_apply_function():
    assert list(ops.OP_CLASSES) == [spec.name for spec in OP_TABLE]
    for spec in OP_TABLE:
        cls = ops.OP_CLASSES[spec.name]
        assert cls.SPEC is spec and (cls.NAME, cls.TYPE) == (spec.name, spec.code)
        assert cls in state_rules.APPLY
    assert sorted(spec.code for spec in OP_TABLE) == list(range(len(OP_TABLE)))


def test_a_class_that_disagrees_with_its_row_is_refused():
    with pytest.raises(TypeError, match="op table"):
        @ops.op_type("cancel")
        @dataclasses.dataclass(frozen=True)
        class Cancel2(ops.OpBase):  # forgot the signature field
            order: int
            account: int


def test_encodings_fit_and_field_users_follow_the_rows():
    for spec in OP_TABLE:
        assert len(spec.encoding_names) <= protocol.ENCODING_LEN - 1
        for j, name in enumerate(spec.encoding_names, start=1):
            assert spec.position(name) == j and spec.name in protocol.FIELD_USERS[j]
    assert protocol.FIELD_USERS[7] == ("place",)
    assert protocol.SIGNED == ("withdraw", "place", "cancel")
    assert protocol.BRIDGE == ("deposit", "withdraw")


@pytest.mark.parametrize("spec", OP_TABLE, ids=lambda s: s.name)
def test_json_round_trip_by_the_table(spec):
    values = {"uint": "7", "side": "sell", "pubkey": ["3", "4"]}
    obj = {"op": spec.name, **{f.name: values[f.kind] for f in spec.fields}}
    op = parse_op(obj, 0, require_sigs=False)
    assert ops.to_json(op) == obj
    encoding = ops.encode(op)
    assert encoding[0] == spec.code and len(encoding) == protocol.ENCODING_LEN
    assert encoding[1:1 + len(spec.encoding_names)] == tuple(
        {"uint": 7, "side": 1}.get(f.kind, 0) if f.kind != "pubkey" else x
        for f in spec.fields for x in ((3, 4) if f.kind == "pubkey" else (None,)))


def test_rule_names_in_the_state_machine_are_the_table():
    """Every rule string state/rules.py rejects with is declared in RULES, and every declared one is used."""
    tree = ast.parse(Path(state_rules.__file__).read_text())
    used = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and getattr(node.func, "attr", None) in ("require", "reject"):
            rule = node.args[1] if node.func.attr == "require" else node.args[0]
            if isinstance(rule, ast.Name) and getattr(node.func.value, "id", None) == "self":
                continue  # Context forwarding its argument
            assert isinstance(rule, ast.Constant), ast.dump(node)
            used.add(rule.value)
    assert used == set(RULES)


def test_an_undeclared_rule_cannot_be_raised():
    ctx = state_rules.Context(None, 0, ops.Noop())  # type: ignore[arg-type]
    with pytest.raises(AssertionError, match="RULES"):
        ctx.reject("made_up", "")
    assert isinstance(ctx.reject("slot_free", "x"), Rejected)


def test_public_inputs_are_the_traces():
    names = [f.name for f in dataclasses.fields(BatchTrace)]
    assert set(protocol.PUBLIC_INPUTS) <= set(names)
    assert protocol.PUBLIC_INPUTS[:2] == ("old_root", "new_root")


def test_trace_shapes_follow_the_table():
    """The per-op updates the state machine writes have the table's shape (checked on a scripted history)."""
    from zkob.state.vectors import HISTORY, PARAMS, _signed
    from zkob.state.api import apply_batch, new_state

    state, seen = new_state(PARAMS), set()
    for i, (_, batch_ops) in enumerate(HISTORY):
        trace = apply_batch(state, _signed(state, batch_ops, i))
        for t in trace.ops:
            spec = OPS[t.op_type]
            assert len(t.order_updates) == len(spec.orders)
            assert len(t.balance_updates) == sum(spec.legs)
            for a, n in enumerate(spec.legs):
                first = spec.leg_index(a, 0)
                group = t.balance_updates[first:first + n]
                assert len({u.account for u in group}) == 1
            seen.add(spec.name)
    assert seen == set(OPS)
