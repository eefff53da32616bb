"""The op table, the rule table and the public inputs are the one source their consumers read."""

from __future__ import annotations

import ast
import dataclasses
from pathlib import Path

import pytest

import zkob.state.accounts as state_accounts
import zkob.state.rules as state_rules
import zkob.state.rules_derivatives as derivative_rules
from zkob.state import oracle_rules, ops, protocol
from zkob.state.batchfile import parse_op
from zkob.state.errors import Rejected
from zkob.state.protocol import OP_TABLE, OPS, RULES
from zkob.state.trace import BatchTrace
from zkob.zk.field import R


def test_every_row_has_a_class_bound_to_it_and_an_apply_function():
    assert list(ops.OP_CLASSES) == [spec.name for spec in OP_TABLE]
    for spec in OP_TABLE:
        cls = ops.OP_CLASSES[spec.name]
        assert cls.SPEC is spec and (cls.NAME, cls.TYPE) == (spec.name, spec.code)
        assert cls in derivative_rules.APPLY
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
    assert protocol.SIGNED == ("withdraw", "place", "cancel", "margin", "dplace", "liquidate")
    assert protocol.BRIDGE == ("deposit", "withdraw") and protocol.MARKET == ("list",)
    assert protocol.SPOT_OPS == ("noop", "deposit", "withdraw", "place", "cancel", "fill")


def test_the_signer_is_the_first_account_update_and_the_shapes_are_consistent():
    for spec in OP_TABLE:
        assert (spec.signer is None) == (spec.unsigned_because != "")
        if not spec.full_only:
            assert spec.instrument is None and spec.margin == ()
            assert not any(a.cash or a.position for a in spec.accounts)
        for check in spec.margin:
            assert check.account < len(spec.accounts) and set(check.checks) <= set(RULES)
        assert all(a.position == (spec.instrument == "read") for a in spec.accounts if a.position)
    assert protocol.ACCOUNT_UPDATES == 2 and protocol.LEGS_PER_ACCOUNT == (2, 1) and protocol.MARGIN_EVALS == 3


@pytest.mark.parametrize("spec", OP_TABLE, ids=lambda s: s.name)
def test_json_round_trip_by_the_table(spec):
    values = {"uint": "7", "side": "sell", "pubkey": ["3", "4"], "signed": "-7", "kind": "put"}
    obj = {"op": spec.name, **{f.name: values[f.kind] for f in spec.fields}}
    op = parse_op(obj, 0, require_sigs=False)
    assert ops.to_json(op) == obj
    encoding = ops.encode(op)
    assert encoding[0] == spec.code and len(encoding) == protocol.ENCODING_LEN
    assert encoding[1:1 + len(spec.encoding_names)] == tuple(
        {"uint": 7, "side": 1, "signed": R - 7, "kind": 3}.get(f.kind, 0) if f.kind != "pubkey" else x
        for f in spec.fields for x in ((3, 4) if f.kind == "pubkey" else (None,)))


def _rules_used(module) -> set[str]:
    tree = ast.parse(Path(module.__file__).read_text())
    used = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and getattr(node.func, "attr", None) in ("require", "reject"):
            rule = node.args[1] if node.func.attr == "require" else node.args[0]
            if isinstance(rule, ast.Name) and getattr(node.func.value, "id", None) == "self":
                continue  # Context forwarding its argument
            assert isinstance(rule, ast.Constant), ast.dump(node)
            used.add(rule.value)
    return used


def test_rule_names_in_the_state_machine_are_the_table():
    """Every rule string the state machine rejects with is declared in RULES, and every declared one is used."""
    used = set().union(*(_rules_used(m) for m in (state_rules, derivative_rules, state_accounts)))
    used |= set(oracle_rules.RULES) | {"slot_layout"}  # raised as MarketRejected / by the packing
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
    """The per-op updates the state machine writes have the table's shape (checked on the vectors' histories)."""
    from zkob.state.vectors_derivatives import histories

    seen = set()
    for trace in histories():
        for t in trace.ops:
            spec = OPS[t.op_type]
            assert len(t.orders) == len(spec.orders) and len(t.accounts) == len(spec.accounts)
            assert [len(a.legs) for a in t.accounts] == list(spec.legs)
            assert [a.position is not None for a in t.accounts] == [a.position for a in spec.accounts]
            assert len(t.margin) == len(spec.margin) and (t.instrument is None) == (spec.instrument is None)
            seen.add(spec.name)
    assert seen == set(OPS)
