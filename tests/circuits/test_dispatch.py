"""The circuit's op dispatch is the op table's: selectors, update enables, legs and leaves per op type."""

from __future__ import annotations

import pytest

from zkob.circuits import rules
from zkob.circuits.batch import batch_circuit, build_circuit, prove_cs
from zkob.circuits.cs import ConstraintSystem
from zkob.state.protocol import OP_TABLE, OPS

from .scenario import P, VALID


def test_one_selector_per_row_in_table_order():
    _, layout = build_circuit(P)
    sels = [n for n in layout.names if n.startswith("op[0]/sel[")]
    assert sels == [f"op[0]/sel[{spec.name}]" for spec in OP_TABLE]


def _spy(monkeypatch, name):
    seen = []
    original = getattr(rules, name)

    def spy(*args):
        result = original(*args)
        seen.append((args[1:], result))
        return result

    monkeypatch.setattr(rules, name, spy)
    return seen


def test_balance_moves_have_the_tables_legs(monkeypatch):
    seen = _spy(monkeypatch, "balance_moves")
    batch_circuit(ConstraintSystem(), P)  # setup mode
    moves = seen[0][1]
    assert {op: len(m) for op, m in moves.items()} == {s.name: sum(s.legs) for s in OP_TABLE if s.legs}


def test_order_leaves_are_written_by_the_ops_that_insert_or_reduce(monkeypatch):
    seen = _spy(monkeypatch, "new_order_leaves")
    cs = prove_cs(P, VALID["fill"]())
    assert cs.first_failure is None
    for (j,), leaves in seen:
        writers = {s.name for s in OP_TABLE if len(s.orders) > j and s.orders[j].change != "remove"}
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
        want = op.order_updates[j].order if j < len(spec.orders) else 0
        assert value(f"ord[{j}]/index") == want
    for a in range(2):
        want = op.balance_updates[spec.leg_index(a, 0)].account if a < len(spec.legs) else 0
        assert value(f"acct[{a}]/account") == want
