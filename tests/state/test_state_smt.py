"""Sparse Merkle trees: roots equal a dense rebuild, proofs verify and fail when tampered."""

from __future__ import annotations

import random

import pytest
from state_helpers import dense_root

from zkob.state.kv import MemorySource, Overlay
from zkob.state.smt import SparseMerkleTree, empty_root, zero_hashes
from zkob.state.trace import MerklePath
from zkob.zk.poseidon import poseidon


def tree(depth: int) -> tuple[SparseMerkleTree, Overlay]:
    nodes = Overlay(MemorySource())
    return SparseMerkleTree(depth, nodes, tree=7), nodes


def test_zero_hashes_follow_the_definition():
    zs = zero_hashes(4)
    assert zs[0] == 0
    for i in range(4):
        assert zs[i + 1] == poseidon([zs[i], zs[i]])
    assert empty_root(4) == dense_root(4, {})


def test_random_updates_match_a_dense_rebuild():
    rng = random.Random(1)
    t, _ = tree(4)
    leaves: dict[int, int] = {}
    for _ in range(30):
        index = rng.randrange(16)
        value = rng.choice([0, rng.randrange(1, 1 << 200)])
        path, before, after = t.update(index, value)
        assert before == dense_root(4, leaves)
        leaves[index] = value
        assert after == t.root() == dense_root(4, leaves)
        assert path.verifies(value, after)


def test_update_path_proves_old_leaf_against_old_root_and_new_against_new():
    t, _ = tree(5)
    t.update(3, 111)
    t.update(9, 222)
    path, before, after = t.update(3, 333)
    assert path.verifies(111, before)
    assert path.verifies(333, after)
    assert not path.verifies(333, before)


def test_membership_proofs_fail_when_tampered():
    t, _ = tree(6)
    for i, v in [(5, 50), (6, 60), (40, 400)]:
        t.update(i, v)
    root = t.root()
    proof = t.path(5)
    assert proof.verifies(50, root)
    assert not proof.verifies(51, root)  # wrong leaf
    assert not MerklePath(4, proof.siblings).verifies(50, root)  # wrong index (bit flipped)
    assert not MerklePath(5 + 64, proof.siblings).verifies(50, root)  # index outside the tree
    for level in range(6):
        bad = list(proof.siblings)
        bad[level] = (bad[level] + 1)
        assert not MerklePath(5, tuple(bad)).verifies(50, root), level
    assert not MerklePath(5, proof.siblings[:-1]).verifies(50, root)  # too short
    # a non-member proves 0 (empty leaf) and nothing else
    assert t.path(7).verifies(0, root)
    assert not t.path(7).verifies(60, root)


def test_only_non_empty_nodes_are_stored_and_removal_restores_the_empty_tree():
    t, nodes = tree(32)
    t.update(2**32 - 1, 5)
    stored = {k: v for k, v in nodes.writes["node"].items() if v is not None}
    assert len(stored) == 33  # one path, leaf to root
    t.update(2**32 - 1, 0)
    assert t.root() == empty_root(32)
    assert all(v is None for v in nodes.writes["node"].values())


def test_depth_32_two_far_leaves_match_a_hand_fold():
    t, _ = tree(32)
    t.update(0, 7)
    t.update(2**31, 9)
    zs = zero_hashes(32)
    left, right = 7, 9
    for level in range(31):
        left = poseidon([left, zs[level]])
        right = poseidon([right, zs[level]])
    assert t.root() == poseidon([left, right])


def test_index_outside_the_tree_is_refused():
    t, _ = tree(3)
    with pytest.raises(IndexError):
        t.update(8, 1)
    with pytest.raises(IndexError):
        t.path(-1)
