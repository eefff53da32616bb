"""The constraint builder itself: linear combinations, wire order, modes, names, overrides."""

from __future__ import annotations

import pytest

from zkob.circuits.cs import LC, ConstraintSystem, as_lc, linear_sum
from zkob.zk.field import R


def test_linear_combinations_fold_for_free():
    cs = ConstraintSystem(prove=True)
    x, y = cs.alloc("x", lambda: 3), cs.alloc("y", lambda: 5)
    e = 2 * x - y + 7 - x * 1 + (R - 1) * y
    assert cs.value(e) == (2 * 3 - 5 + 7 - 3 - 5) % R
    assert len(cs.constraints) == 0
    assert (x - x).terms == {}
    assert cs.value(linear_sum([(4, x), (-1, y), (1, LC.const(9))])) == 12 - 5 + 9
    with pytest.raises(TypeError):
        x * y  # noqa: B018 - a product must allocate
    with pytest.raises(TypeError):
        as_lc(True)


def test_mul_allocates_one_wire_and_one_constraint():
    cs = ConstraintSystem(prove=True)
    x, y = cs.alloc("x", lambda: 6), cs.alloc("y", lambda: 7)
    z = cs.mul(x + 1, y, "z")
    assert cs.value(z) == 49 and cs.n_wires == 4 and len(cs.constraints) == 1
    assert cs.constraints[0].label == "z"
    assert cs.r1cs().first_failure(cs.witness()) is None


def test_public_inputs_come_first_and_before_any_private_wire():
    cs = ConstraintSystem()
    cs.public("a")
    cs.public("b")
    cs.alloc("c")
    assert cs.names == ["one", "a", "b", "c"] and cs.n_public == 2
    with pytest.raises(ValueError):
        cs.public("late")


def test_names_are_namespaced_and_unique():
    cs = ConstraintSystem()
    with cs.namespace("op[3]"):
        with cs.namespace("fill", kind="demo"):
            v = cs.alloc("qty")
            cs.enforce(v, 1, v, "same")
    assert cs.wire("op[3]/fill/qty") == 1
    assert cs.constraints[0].label == "op[3]/fill/same"
    assert cs.kinds == {"demo": 1}
    with cs.namespace("op[3]"), cs.namespace("fill"), pytest.raises(ValueError):
        cs.alloc("qty")


def test_setup_mode_never_calls_witness_functions():
    def boom():
        raise AssertionError("called in setup")
    cs = ConstraintSystem()
    x = cs.alloc("x", boom)
    cs.mul(x, x, "sq")
    with pytest.raises(RuntimeError):
        cs.value(x)
    with pytest.raises(RuntimeError):
        cs.witness()


def test_prove_mode_notes_the_first_failure_and_overrides_recompute_dependants():
    def circuit(cs):
        x = cs.alloc("x", lambda: 3)
        y = cs.mul(x, x, "y")
        cs.enforce(y, 1, 9, "is_nine")
    honest = ConstraintSystem(prove=True)
    circuit(honest)
    assert honest.first_failure is None
    cheat = ConstraintSystem(prove=True, overrides={"x": 4})
    circuit(cheat)
    assert cheat.values[cheat.wire("y")] == 16  # recomputed from the override
    assert cheat.first_failure == (1, "is_nine")
    lean = ConstraintSystem(prove=True, record=False)
    circuit(lean)
    assert lean.n_constraints == 2 and lean.constraints == []
    with pytest.raises(RuntimeError):
        lean.r1cs()
