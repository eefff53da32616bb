"""Signed-value gadgets against their native meaning (state/signed.py, state/positions.py)."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from zkob.circuits.gadgets.signed import (
    abs_value, assert_signed_range, assert_signed_range_if, is_nonnegative, max0, onehot, shrinks_toward_zero,
)
from zkob.state.positions import shrinks_toward_zero as native_shrinks
from zkob.state.signed import to_field
from zkob.zk.field import R

from .helpers import assert_sat, assert_unsat, build

N = 40
TOP = (1 << N) - 1


def signed_of(v: int) -> int:
    return v if v <= (R - 1) // 2 else v - R


def run(gadget, x, **kw):
    """Build ``gadget`` on a wire holding x mod r; return (cs, output values)."""
    out = {}

    def circuit(cs):
        v = cs.alloc("x", lambda: x % R)
        out["lc"] = gadget(cs, v, **kw)
    cs = assert_sat(circuit)
    res = out["lc"]
    if res is None:
        return cs, None
    values = [cs.value(r) for r in res] if isinstance(res, (tuple, list)) else cs.value(res)
    return cs, values


@given(st.integers(-TOP, TOP))
@settings(max_examples=40, deadline=None)
def test_sign_abs_max_match_native(x):
    assert run(is_nonnegative, x, n=N)[1] == int(x >= 0)
    assert run(abs_value, x, n=N)[1] == [abs(x), int(x >= 0)]
    assert signed_of(run(max0, x, n=N)[1]) == max(0, x)


@pytest.mark.parametrize("x", [TOP, -TOP, 0, 1, -1])
def test_bound_is_accepted_just_inside(x):
    run(assert_signed_range, x, n=N)


@pytest.mark.parametrize("x,fails", [(1 << N, "range/bits/sum"), (-(1 << N), "range/not_min"),
                                     (R // 2, "range/bits/sum"), (-(1 << 200), "range/bits/sum")])
def test_bound_is_refused_just_outside(x, fails):
    def circuit(cs):
        assert_signed_range(cs, cs.alloc("x", lambda: x % R), N, "range")
    assert_unsat(circuit, set={}, fails=fails)


def test_a_flipped_sign_bit_is_caught():
    def circuit(cs):
        is_nonnegative(cs, cs.alloc("x", lambda: to_field(-5)), N, "sign")
    assert_sat(circuit)
    assert_unsat(circuit, set={f"sign/bits/bit[{N}]": 1}, fails="sign/bits/sum")
    assert_unsat(circuit, set={"sign/bits/bit[0]": 0}, fails="sign/bits/sum")


def test_gated_range_binds_only_when_on():
    def circuit(cs, cond):
        c = cs.alloc("cond", lambda: cond)
        assert_signed_range_if(cs, c, cs.alloc("x", lambda: 1 << N), N, "size")
    assert_sat(lambda cs: circuit(cs, 0))
    assert_unsat(lambda cs: circuit(cs, 1), set={}, fails="size/check/bits/sum")


@given(st.integers(-TOP, TOP), st.integers(-TOP, TOP))
@settings(max_examples=40, deadline=None)
def test_shrinks_toward_zero_matches_native(old, new):
    out = {}

    def circuit(cs):
        a, b = cs.alloc("old", lambda: old % R), cs.alloc("new", lambda: new % R)
        out["v"] = shrinks_toward_zero(cs, a, b, N)
    cs = assert_sat(circuit)
    assert cs.value(out["v"]) == int(native_shrinks(old, new))


@pytest.mark.parametrize("old,new", [(5, 0), (5, 4), (5, 5), (5, -1), (-5, 0), (-5, -4), (-5, 1), (0, 0),
                                     (TOP, TOP - 1), (-TOP, -TOP + 1), (TOP, -TOP)])
def test_shrinks_toward_zero_edges(old, new):
    out = {}

    def circuit(cs):
        out["v"] = shrinks_toward_zero(cs, cs.alloc("old", lambda: old % R), cs.alloc("new", lambda: new % R), N)
    assert assert_sat(circuit).value(out["v"]) == int(native_shrinks(old, new))


def test_onehot_selects_and_refuses_out_of_range():
    def circuit(cs, index, enabled=None):
        en = None if enabled is None else cs.alloc("en", lambda: enabled)
        return onehot(cs, cs.alloc("i", lambda: index), 4, "sel", enabled=en)
    for i in range(4):
        cs = assert_sat(lambda cs: circuit(cs, i))
        assert [cs.values[cs.wire(f"sel/sel[{k}]")] for k in range(4)] == [int(k == i) for k in range(4)]
    assert_unsat(lambda cs: circuit(cs, 4), set={}, fails="sel/sum")
    assert_unsat(lambda cs: circuit(cs, 1), set={"sel/sel[1]": 0, "sel/sel[2]": 1}, fails="sel/index")
    assert_unsat(lambda cs: circuit(cs, 1), set={"sel/sel[3]": 1}, fails="sel/sum")
    cs = assert_sat(lambda cs: circuit(cs, 0, enabled=0))
    assert all(cs.values[cs.wire(f"sel/sel[{k}]")] == 0 for k in range(4))
    assert_unsat(lambda cs: circuit(cs, 2, enabled=0), set={}, fails="sel/index")


def test_onehot_over_nothing_only_when_disabled():
    def circuit(cs, enabled):
        onehot(cs, cs.alloc("i", lambda: 0), 0, "sel", enabled=cs.alloc("en", lambda: enabled))
    assert_sat(lambda cs: circuit(cs, 0))
    assert_unsat(lambda cs: circuit(cs, 1), set={}, fails="sel/sum")


def test_costs_are_the_documented_ones():
    def cost(fn):
        cs = build(fn)
        return cs.n_constraints
    x = lambda cs: cs.alloc("x", lambda: 3)  # noqa: E731
    assert cost(lambda cs: is_nonnegative(cs, x(cs), N)) == N + 3
    assert cost(lambda cs: abs_value(cs, x(cs), N)) == N + 4
    assert cost(lambda cs: max0(cs, x(cs), N)) == N + 4
    assert cost(lambda cs: shrinks_toward_zero(cs, x(cs), cs.alloc("y", lambda: 1), N)) == 3 * N + 13
    assert cost(lambda cs: onehot(cs, x(cs), 5)) == 7
