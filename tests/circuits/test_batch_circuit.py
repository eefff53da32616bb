"""The batch circuit on honest traces: satisfied, same R1CS for every batch, no free wire."""

from __future__ import annotations

from collections import defaultdict

import pytest

from zkob.circuits.batch import build_circuit, prove_cs, witness_for
from zkob.state.protocol import PUBLIC_INPUTS
from zkob.zk.field import R
from zkob.zk.r1cs import evaluate

from .scenario import P, VALID


@pytest.mark.parametrize("name", sorted(VALID))
def test_every_op_type_gives_a_satisfying_witness_with_the_trace_publics(name):
    tr = VALID[name]()
    r1cs, layout = build_circuit(P)
    w = witness_for(P, tr)
    assert r1cs.first_failure(w) is None
    assert tuple(w[1:7]) == tr.public_inputs
    assert layout.public == PUBLIC_INPUTS == ("old_root", "new_root", "commitment", "bridge", "market", "time")


def test_r1cs_is_the_same_for_every_batch():
    r1cs, layout = build_circuit(P)
    digests = set()
    for name in ("deposit_new", "fill", "cancel"):
        cs = prove_cs(P, VALID[name](), record=True)
        assert cs.n_wires == layout.n_wires
        digests.add(cs.r1cs().digest())
    assert digests == {r1cs.digest()}


def test_setup_never_calls_witness_functions():
    from zkob.circuits.batch import batch_circuit
    from zkob.circuits.cs import ConstraintSystem
    cs = ConstraintSystem()
    batch_circuit(cs, P, None)  # would raise AttributeError on None if a value were read
    assert cs.values == [1]


def test_every_private_wire_is_constrained():
    r1cs, layout = build_circuit(P)
    used = set()
    for con in r1cs.constraints:
        used.update(con.a)
        used.update(con.b)
        used.update(con.c)
    free = [layout.names[w] for w in range(1 + layout.n_public, layout.n_wires) if w not in used]
    assert free == []


@pytest.mark.parametrize("name", ["fill_buyer_takes", "fill_self", "deposit_new", "cancel", "dfill", "liquidate", "settle",
                                  "list", "margin_in", "margin_out", "dplace", "index_report"])
def test_changing_any_single_private_value_breaks_satisfaction(name):
    """Each private wire + 1 (the rest of an honest witness fixed) fails some constraint."""
    r1cs, layout = build_circuit(P)
    w = witness_for(P, VALID[name]())
    rows = defaultdict(list)
    for i, con in enumerate(r1cs.constraints):
        for wire in set(con.a) | set(con.b) | set(con.c):
            rows[wire].append(i)
    abc = [(evaluate(c.a, w), evaluate(c.b, w), evaluate(c.c, w)) for c in r1cs.constraints]
    survivors = []
    for wire in range(1 + layout.n_public, layout.n_wires):
        broken = False
        for i in rows[wire]:
            con = r1cs.constraints[i]
            a, b, c = abc[i]
            a, b, c = a + con.a.get(wire, 0), b + con.b.get(wire, 0), c + con.c.get(wire, 0)
            if a * b % R != c % R:
                broken = True
                break
        if not broken:
            survivors.append(layout.names[wire])
    assert survivors == []


def test_witness_for_refuses_a_trace_the_circuit_disagrees_with():
    """A trace whose claimed roots or commitment are not what its ops do is refused, naming why."""
    import dataclasses

    from zkob.zk.errors import Unsatisfied
    tr = VALID["withdraw"]()
    for field, label in (("new_root", "new_root"), ("commitment", "commitment"), ("bridge", "bridge"),
                         ("old_root", "old_root")):
        bad = dataclasses.replace(tr, **{field: (getattr(tr, field) + 1) % R})
        with pytest.raises(Unsatisfied) as info:
            witness_for(P, bad)
        assert info.value.label == label


def test_witness_for_refuses_a_trace_of_other_parameters():
    from zkob.state.params import Params
    with pytest.raises(ValueError):
        witness_for(Params(3, 2, 2, 2), VALID["deposit"]())
