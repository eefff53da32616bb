"""Test helpers: build a small circuit in prove mode, with named witness overrides."""

from __future__ import annotations

from collections.abc import Callable

from zkob.circuits.cs import ConstraintSystem


def build(fn: Callable[[ConstraintSystem], object], set: dict[str, int] | None = None) -> ConstraintSystem:
    """Run ``fn`` in prove mode with the named values replaced; the whole circuit is checked too."""
    cs = ConstraintSystem(prove=True, overrides=set)
    fn(cs)
    unknown = set.keys() - cs.index.keys() if set else ()
    assert not unknown, f"overrides name no wire: {sorted(unknown)}"
    return cs


def assert_sat(fn: Callable[[ConstraintSystem], object]) -> ConstraintSystem:
    cs = build(fn)
    assert cs.first_failure is None, cs.first_failure
    assert cs.r1cs().first_failure(cs.witness()) is None
    return cs


def assert_unsat(fn: Callable[[ConstraintSystem], object], set: dict[str, int], fails: str) -> None:
    """With ``set`` applied the R1CS is unsatisfied and the first failing constraint is labelled ``fails``."""
    cs = build(fn, set)
    failure = cs.r1cs().first_failure(cs.witness())
    assert failure is not None, "witness still satisfies the R1CS"
    assert failure[1] == fails, f"first failure is {failure[1]!r}, expected {fails!r}"

