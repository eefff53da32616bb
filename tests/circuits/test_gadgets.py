"""Each gadget alone: an honest witness satisfies it, a named tampered value does not."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from zkob.circuits.cs import ConstraintSystem
from zkob.circuits.gadgets.bits import assert_bool, from_bits, range_check, to_bits
from zkob.circuits.gadgets.compare import (
    assert_equal, assert_le, assert_le_if, assert_lt, assert_nonzero_if, is_equal, is_zero, less_than,
)
from zkob.circuits.gadgets.merkle import assert_member, index_bits, merkle_update
from zkob.circuits.gadgets.poseidon import poseidon
from zkob.circuits.gadgets.select import mux_onehot, select
from zkob.zk.field import R
from zkob.zk.poseidon import hash2
from zkob.zk.poseidon import poseidon as native_poseidon
from zkob.zk.poseidon import params as poseidon_params

from .helpers import assert_sat, assert_unsat, build


def test_assert_bool():
    def circuit(cs, v=1):
        assert_bool(cs, cs.alloc("b", lambda: v), "b_is_bool")
    assert_sat(circuit)
    assert_unsat(circuit, set={"b": 2}, fails="b_is_bool")


@given(st.integers(0, 2**16 - 1))
@settings(max_examples=20, deadline=None)
def test_to_bits_roundtrip(x):
    def circuit(cs):
        v = cs.alloc("x", lambda: x)
        bits = to_bits(cs, v, 16)
        cs.enforce(from_bits(bits), 1, v, "recompose")
    cs = assert_sat(circuit)
    assert [cs.values[cs.wire(f"bits/bit[{i}]")] for i in range(16)] == [(x >> i) & 1 for i in range(16)]


def test_to_bits_refuses_wide_values_and_non_booleans():
    def circuit(cs):
        to_bits(cs, cs.alloc("x", lambda: 5), 8)
    assert_sat(circuit)
    assert_unsat(circuit, set={"x": 256}, fails="bits/sum")
    # bits 0..7 of 256 + 5 = 261 cannot all be booleans: bit 0 = 2 with the rest fixed still fails
    assert_unsat(circuit, set={"bits/bit[0]": 2}, fails="bits/bit[0]")


def test_full_width_decomposition_refuses_x_plus_r():
    """x and x + r have the same residue; only the canonical bits (x < r) pass."""
    x = 12345

    def circuit(cs, bits_of=x):
        v = cs.alloc("x", lambda: x)
        with cs.namespace("d"):
            bits = []
            for i in range(254):
                bits.append(cs.alloc(f"b{i}", lambda i=i: (bits_of >> i) & 1))
        # the same checks to_bits makes, on bits we choose
        from zkob.circuits.gadgets.bits import assert_bits_le_const
        for i, b in enumerate(bits):
            assert_bool(cs, b, f"bool[{i}]")
        cs.enforce(from_bits(bits), 1, v, "sum")
        assert_bits_le_const(cs, bits, R - 1)
    assert_sat(circuit)
    assert_unsat(lambda cs: circuit(cs, x + R), set={}, fails="le_const/zero[13]")
    # and to_bits itself at full width accepts r - 1 and computes canonical bits
    cs = assert_sat(lambda cs: to_bits(cs, cs.alloc("x", lambda: R - 1), 254))
    assert sum(cs.values[cs.wire(f"bits/bit[{i}]")] << i for i in range(254)) == R - 1


def test_range_check_boundaries():
    def circuit(cs):
        range_check(cs, cs.alloc("x", lambda: 2**64 - 1), 64)
    assert_sat(circuit)
    assert_unsat(circuit, set={"x": 2**64}, fails="range/sum")
    assert_unsat(circuit, set={"x": R - 1}, fails="range/sum")


@pytest.mark.parametrize("a,b", [(3, 3), (3, 4), (0, 2**32 - 1)])
def test_assert_le_lt(a, b):
    def le(cs):
        assert_le(cs, cs.alloc("a", lambda: a), cs.alloc("b", lambda: b), 32)
    assert_sat(le)
    assert_unsat(le, set={"a": b + 1}, fails="le/sum")
    if a < b:
        assert_sat(lambda cs: assert_lt(cs, cs.alloc("a", lambda: a), cs.alloc("b", lambda: b), 32))
    else:
        assert_unsat(lambda cs: assert_lt(cs, cs.alloc("a", lambda: a), cs.alloc("b", lambda: b), 32),
                     set={}, fails="lt/sum")


def test_assert_le_if_only_binds_when_enabled():
    def circuit(cs, cond=1):
        c = cs.alloc("cond", lambda: cond)
        assert_le_if(cs, c, cs.alloc("a", lambda: 5), cs.alloc("b", lambda: 9), 16, "gated")
    assert_sat(circuit)
    # a > b: the honestly computed difference wraps and fails the range
    assert_unsat(circuit, set={"a": 10}, fails="gated/range/sum")
    # claiming the difference is 0 instead breaks the product
    assert_unsat(circuit, set={"a": 10, "gated/diff": 0}, fails="gated/diff")
    assert_sat(lambda cs: circuit(cs, 0))


@given(st.integers(0, 2**20), st.integers(0, 2**20))
@settings(max_examples=20, deadline=None)
def test_less_than(a, b):
    def circuit(cs):
        out = less_than(cs, cs.alloc("a", lambda: a), cs.alloc("b", lambda: b), 21)
        cs.alloc("out", lambda: cs.value(out))
    cs = assert_sat(circuit)
    assert cs.values[cs.wire("out")] == int(a < b)


def test_less_than_cannot_lie():
    def circuit(cs):
        less_than(cs, cs.alloc("a", lambda: 7), cs.alloc("b", lambda: 3), 8)
    assert_sat(circuit)
    assert_unsat(circuit, set={"less_than/bits/bit[8]": 0}, fails="less_than/bits/sum")


@pytest.mark.parametrize("x", [0, 1, R - 1, 77])
def test_is_zero(x):
    def circuit(cs):
        out = is_zero(cs, cs.alloc("x", lambda: x))
        cs.enforce(out, 1, cs.alloc("res", lambda: cs.value(out)), "copy")
    cs = assert_sat(circuit)
    assert cs.values[cs.wire("res")] == int(x == 0)
    assert_unsat(circuit, set={"is_zero/out": 1 - int(x == 0)}, fails="is_zero/inv")
    # the inverse is pinned even for x = 0 (no free wire)
    assert_unsat(circuit, set={"is_zero/inv": 5}, fails="is_zero/pin" if x == 0 else "is_zero/inv")


def test_is_equal_and_assert_equal():
    def circuit(cs, b=4):
        x, y = cs.alloc("x", lambda: 4), cs.alloc("y", lambda: b)
        out = is_equal(cs, x, y)
        assert_equal(cs, out, 1, "must_equal")
    assert_sat(circuit)
    assert_unsat(lambda cs: circuit(cs, 5), set={}, fails="must_equal")


def test_assert_nonzero_if():
    def circuit(cs, x=3, cond=1):
        assert_nonzero_if(cs, cs.alloc("cond", lambda: cond), cs.alloc("x", lambda: x))
    assert_sat(circuit)
    assert_sat(lambda cs: circuit(cs, 0, 0))
    assert_unsat(lambda cs: circuit(cs, 0, 1), set={}, fails="nonzero/inv")
    assert_unsat(lambda cs: circuit(cs, 0, 0), set={"nonzero/inv": 9}, fails="nonzero/pin")


def test_select_and_mux():
    def circuit(cs, c=1):
        cond = cs.alloc("c", lambda: c)
        out = select(cs, cond, cs.alloc("a", lambda: 10), cs.alloc("b", lambda: 20), "sel")
        cs.enforce(out, 1, 10 if c else 20, "expected")
    assert_sat(circuit)
    assert_sat(lambda cs: circuit(cs, 0))
    assert_unsat(circuit, set={"sel": 20}, fails="sel")

    def mux(cs):
        sels = [cs.alloc(f"s{i}", lambda i=i: int(i == 2)) for i in range(4)]
        vals = [cs.alloc(f"v{i}", lambda i=i: 100 + i) for i in range(3)] + [7]
        out = mux_onehot(cs, sels, vals)
        cs.enforce(out, 1, 102, "picked")
    assert_sat(mux)
    assert_unsat(mux, set={"mux/term[2]": 5}, fails="mux/term[2]")


@pytest.mark.parametrize("n", [1, 2, 5, 6, 8, 16])
def test_poseidon_matches_native(n):
    xs = [(i * 7919 + 3) % R for i in range(n)]
    xs[0] = R - 1

    def circuit(cs):
        h = poseidon(cs, [cs.alloc(f"x{i}", lambda i=i: xs[i]) for i in range(n)])
        cs.enforce(h, 1, cs.alloc("h", lambda: cs.value(h)), "out")
    cs = assert_sat(circuit)
    assert cs.values[cs.wire("h")] == native_poseidon(xs)
    p = poseidon_params(n + 1)
    assert len(cs.constraints) == 3 * (p.full_rounds * p.t + p.partial_rounds) - 3 + 1
    assert_unsat(circuit, set={"poseidon/r40[0].x4": 3}, fails="poseidon/r40[0].x4")


def test_poseidon_two_inputs_costs_240():
    cs = ConstraintSystem()
    poseidon(cs, [cs.alloc("a"), cs.alloc("b")])
    assert len(cs.constraints) == 240


def _tree(leaves, depth):
    """All levels of a small dense tree (level 0 = leaves) using the native hash."""
    levels = [list(leaves) + [0] * ((1 << depth) - len(leaves))]
    for _ in range(depth):
        prev = levels[-1]
        levels.append([hash2(prev[2 * i], prev[2 * i + 1]) for i in range(len(prev) // 2)])
    return levels


def _siblings(levels, index):
    return [levels[i][(index >> i) ^ 1] for i in range(len(levels) - 1)]


def test_merkle_membership_and_index_range():
    depth, leaves = 3, [11, 22, 33, 44, 55]
    levels = _tree(leaves, depth)

    def circuit(cs, index=3):
        sib = _siblings(levels, index)
        idx = cs.alloc("index", lambda: index)
        bits = index_bits(cs, idx, depth)
        sibs = [cs.alloc(f"sib[{i}]", lambda i=i: sib[i]) for i in range(depth)]
        assert_member(cs, cs.alloc("leaf", lambda: leaves[index]), bits, sibs, levels[-1][0])
    assert_sat(circuit)
    assert_unsat(circuit, set={"leaf": 45}, fails="member/root")
    assert_unsat(circuit, set={"index": 2, "index/bit[0]": 0}, fails="member/root")  # other position
    assert_unsat(circuit, set={"index": 3 + 8}, fails="index/sum")  # out of the tree


def test_merkle_update_changes_only_the_leaf():
    depth, leaves = 3, [11, 22, 33, 44]
    before, index, new_leaf = _tree(leaves, depth), 2, 99
    after = _tree([11, 22, 99, 44], depth)

    def circuit(cs):
        sib = _siblings(before, index)
        bits = index_bits(cs, cs.alloc("index", lambda: index), depth)
        sibs = [cs.alloc(f"sib[{i}]", lambda i=i: sib[i]) for i in range(depth)]
        old_root, new_root = merkle_update(
            cs, cs.alloc("old", lambda: 33), cs.alloc("new", lambda: new_leaf), bits, sibs)
        cs.enforce(old_root, 1, before[-1][0], "old_root")
        cs.enforce(new_root, 1, after[-1][0], "new_root")
    cs = assert_sat(circuit)
    assert_unsat(circuit, set={"old": 34}, fails="old_root")
    assert_unsat(circuit, set={"sib[1]": 5}, fails="old_root")
    per_level = (len(cs.constraints) - 2 - (depth + 1)) / depth
    assert per_level == 2 * 240 + 2
    assert build(circuit).first_failure is None
