"""The circuit's op dispatch is the op table's: selectors, update enables, legs and leaves per op type."""

from __future__ import annotations

import pytest

from zkob.circuits import rules
from zkob.circuits.batch import batch_circuit, build_circuit, prove_cs
from zkob.circuits.cs import ConstraintSystem
from zkob.state.protocol import OP_TABLE, OPS

from .scenario import P, VALID


def test_one_selector_per_row_in_table_order():
    """Slot 0 is a spot slot (the spot rows only), slot 1 a full slot (every row)."""
    assert P.slot_kinds == ("spot", "full")
    _, layout = build_circuit(P)
    for i, kind in enumerate(P.slot_kinds):
        sels = [n for n in layout.names if n.startswith(f"op[{i}]/sel[")]
        assert sels == [f"op[{i}]/sel[{spec.name}]" for spec in OP_TABLE if spec.accepted_by(kind)]


def _spy(monkeypatch, name):
    seen = []
    original = getattr(rules, name)

    def spy(*args):
        result = original(*args)
        seen.append((args[0].kind, args[1:], result))
        return result

    monkeypatch.setattr(rules, name, spy)
    return seen


def test_balance_moves_have_the_tables_legs(monkeypatch):
    seen = _spy(monkeypatch, "balance_moves")
    batch_circuit(ConstraintSystem(), P)  # setup mode
    assert [kind for kind, _, _ in seen] == list(P.slot_kinds)
    for kind, _, moves in seen:
        assert {op: len(m) for op, m in moves.items()} == {
            s.name: sum(s.legs) for s in OP_TABLE if sum(s.legs) and s.accepted_by(kind)}


def test_order_leaves_are_written_by_the_ops_that_insert_or_reduce(monkeypatch):
    seen = _spy(monkeypatch, "new_order_leaves")
    cs = prove_cs(P, VALID["fill"]())
    assert cs.first_failure is None
    assert {kind for kind, _, _ in seen} == set(P.slot_kinds)
    for kind, (j,), leaves in seen:
        writers = {s.name for s in OP_TABLE
                   if len(s.orders) > j and s.orders[j].change != "remove" and s.accepted_by(kind)}
        assert set(leaves) == writers


@pytest.mark.parametrize("name", sorted(VALID))
def test_each_op_enables_exactly_its_updates(name):
    """Enabled updates carry the op's order ids and account ids; disabled ones are pinned to 0."""
    tr = VALID[name]()
    i = max(k for k, t in enumerate(tr.ops) if t.op_type != "noop")
    op = tr.ops[i]
    cs = prove_cs(P, tr)
    spec = OPS[op.op_type]
    value = lambda wire: cs.values[cs.wire(f"op[{i}]/{wire}")]  # noqa: E731
    for j in range(2):
        want = op.orders[j].order if j < len(spec.orders) else 0
        assert value(f"ord[{j}]/index") == want
    for a in range(2):
        want = op.accounts[a].account if a < len(spec.accounts) else 0
        assert value(f"acct[{a}]/account") == want
