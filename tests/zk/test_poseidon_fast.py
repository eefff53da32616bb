"""The compiled Poseidon (zkob.zk.poseidon_fast) against the pure reference, and its fallback."""

from __future__ import annotations

import random
import subprocess
import sys

import pytest

from zkob.zk import poseidon as pure
from zkob.zk import poseidon_fast as fast
from zkob.zk.errors import MalformedInput
from zkob.zk.field import R


@pytest.fixture
def fresh_choice():
    """Forget the process's choice before and after a test that forces another one."""
    fast.implementation.cache_clear()
    yield
    fast.implementation.cache_clear()


def test_compiled_implementation_is_chosen_when_numba_imports():
    assert fast.implementation().name == "compiled"


@pytest.mark.parametrize("left,right", [(0, 0), (0, R - 1), (R - 1, 0), (R - 1, R - 1), (1, 2), (2, 1)])
def test_hash2_edge_values_match_pure(left, right):
    assert fast.hash2(left, right) == pure.hash2(left, right)


def test_hash2_random_values_match_pure():
    rng = random.Random(20261125)
    pairs = [(rng.randrange(R), rng.randrange(R)) for _ in range(60)]
    pairs += [(1 << k, (1 << k) - 1) for k in (63, 64, 127, 128, 191, 192, 253)]  # limb boundaries
    assert [fast.hash2(a, b) for a, b in pairs] == [pure.hash2(a, b) for a, b in pairs]


def test_hash2_is_not_symmetric_and_depends_on_both_inputs():
    assert fast.hash2(1, 2) != fast.hash2(2, 1)
    assert fast.hash2(5, 6) != fast.hash2(5, 7)


@pytest.mark.parametrize("left,right", [(R, 3), (-1, 3), (3, R + 5), ((1 << 256) + 9, 2 * R)])
def test_hash2_reduces_out_of_range_ints_like_pure(left, right):
    assert fast.hash2(left, right) == pure.hash2(left, right)


@pytest.mark.parametrize("n", range(1, pure.MAX_INPUTS + 1))
def test_poseidon_all_widths_match_pure(n):
    rng = random.Random(n)
    for inputs in ([0] * n, [R - 1] * n, [rng.randrange(R) for _ in range(n)]):
        assert fast.poseidon(inputs) == pure.poseidon(inputs)


def test_poseidon_of_two_equals_hash2():
    assert fast.poseidon([7, 9]) == fast.hash2(7, 9) == pure.hash2(7, 9)


@pytest.mark.parametrize("inputs,field", [
    ([], "poseidon.inputs"),
    ([1] * 17, "poseidon.inputs"),
    ([R], "poseidon.inputs[0]"),
    ([1, -1], "poseidon.inputs[1]"),
    ([1, True], "poseidon.inputs[1]"),
    ([1, 2.0], "poseidon.inputs[1]"),
])
def test_poseidon_rejects_what_pure_rejects(inputs, field):
    with pytest.raises(MalformedInput) as fast_err:
        fast.poseidon(inputs)
    with pytest.raises(MalformedInput) as pure_err:
        pure.poseidon(inputs)
    assert fast_err.value.field == pure_err.value.field == field


def test_fallback_to_pure_when_the_compiled_module_is_missing(monkeypatch, fresh_choice):
    monkeypatch.setitem(sys.modules, "zkob.zk.backends.compiled.poseidon", None)  # import raises ImportError
    impl = fast.implementation()
    assert impl.name == "pure"
    assert impl.hash2 is pure.hash2 and impl.poseidon is pure.poseidon
    assert fast.hash2(R - 1, 3) == pure.hash2(R - 1, 3)
    assert fast.poseidon([1, 2, 3]) == pure.poseidon([1, 2, 3])
    with pytest.raises(MalformedInput):
        fast.poseidon([])


def test_sparse_merkle_tree_roots_match_pure_hashing():
    from zkob.state.smt import SparseMerkleTree

    class Nodes:  # the tree only needs get/put; the real sources are tested in tests/state
        def __init__(self):
            self.d = {}

        def get(self, table, key):
            return self.d.get((table, key))

        def put(self, table, key, value):
            self.d[(table, key)] = value

    depth, leaves = 4, {3: 11, 9: R - 1, 15: 5}
    tree = SparseMerkleTree(depth, Nodes(), 0)
    for i, v in leaves.items():
        tree.update(i, v)
    level = [leaves.get(i, 0) for i in range(1 << depth)]
    while len(level) > 1:
        level = [pure.hash2(level[k], level[k + 1]) for k in range(0, len(level), 2)]
    assert tree.root() == level[0]


def test_light_paths_import_neither_numba_nor_the_fast_hash():
    code = (
        "import sys, zkob.zk.poseidon, zkob.zk.verifier, zkob.state.lightclient, zkob.zk.poseidon_fast;"
        "import zkob.state.digest as d, zkob.zk.poseidon as p;"
        "assert d.hash2 is p.hash2;"
        "print(','.join(m for m in ('numba', 'llvmlite') if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == ""


def _permute_sparse(state, t, apply_final_t=True):
    """The permutation with the partial rounds in the sparse form of sparse_partial_rounds (plain ints)."""
    from zkob.zk.backends.compiled.poseidon import sparse_partial_rounds

    p = pure.params(t)
    rounds, tm = sparse_partial_rounds(t)
    half = p.full_rounds // 2

    def full(rnd, s):
        s = [pow(x + p.C[rnd * t + i], 5, R) for i, x in enumerate(s)]
        return [sum(m * x for m, x in zip(row, s)) % R for row in p.M]

    s = list(state)
    for rnd in range(half):
        s = full(rnd, s)
    for c_new, row0, v_hat in rounds:
        s = [(x + c) % R for x, c in zip(s, c_new)]
        s[0] = pow(s[0], 5, R)
        s = [sum(m * x for m, x in zip(row0, s)) % R] + [(s[j + 1] + v_hat[j] * s[0]) % R for j in range(t - 1)]
    if apply_final_t:
        s = [sum(m * x for m, x in zip(row, s)) % R for row in tm]
    for rnd in range(half + p.partial_rounds, p.full_rounds + p.partial_rounds):
        s = full(rnd, s)
    return s


@pytest.mark.parametrize("t", [2, 3, 4, 6])
def test_sparse_partial_rounds_rewrite_equals_the_dense_permutation(t):
    rng = random.Random(t)
    state = [rng.randrange(R) for _ in range(t)]
    assert _permute_sparse(state, t) == pure.permute(state, pure.params(t))
    assert _permute_sparse(state, t, apply_final_t=False) != pure.permute(state, pure.params(t))
