"""Sparse Merkle trees of docs/protocol.md section 3 that store only non-empty nodes.

Leaves 0..2^D - 1, empty leaf 0, node = H(left, right); bit i of the index
says whether the running node is the right child at level i. A node equal
to the empty-subtree hash Z_level is not stored (written as None), so a
tree costs space only for its non-empty paths, also after removals, and
depth 32 costs no more than depth 8 per touched leaf.

Cost: ``update`` and ``path`` touch depth + 1 nodes; ``update`` does up to
depth Poseidon hashes (a pair of empty children is folded to Z_{l+1} for
free), through zkob.zk.poseidon_fast: about 12 us each compiled, 190 us pure.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Protocol, cast

from ..zk.poseidon_fast import hash2
from .kv import NODES, K, Reader, Table, V
from .trace import MerklePath


@lru_cache(maxsize=None)
def zero_hashes(depth: int) -> tuple[int, ...]:
    """Z_0 .. Z_depth: Z_0 = 0, Z_{i+1} = H(Z_i, Z_i)."""
    zs = [0]
    for _ in range(depth):
        zs.append(hash2(zs[-1], zs[-1]))
    return tuple(zs)


def empty_root(depth: int) -> int:
    """Root of the all-empty tree of this depth (Z_depth)."""
    return zero_hashes(depth)[depth]


class Writer(Reader, Protocol):
    """A node map an update can write to (kv.Overlay)."""

    def put(self, table: Table[K, V], key: K, value: V | None) -> None: ...


class SparseMerkleTree:
    """Tree ``tree`` of depth ``depth`` whose non-empty nodes live in ``nodes`` (table "node")."""

    def __init__(self, depth: int, nodes: Reader, tree: int):
        self.depth = depth
        self.nodes = nodes
        self.tree = tree
        self.zeros = zero_hashes(depth)

    def node(self, level: int, index: int) -> int:
        value = self.nodes.get(NODES, (self.tree, level, index))
        return self.zeros[level] if value is None else value

    def root(self) -> int:
        return self.node(self.depth, 0)

    def leaf(self, index: int) -> int:
        self._check(index)
        return self.node(0, index)

    def path(self, index: int) -> MerklePath:
        """Membership proof of leaf ``index``: its depth siblings, leaf level first."""
        self._check(index)
        return MerklePath(index, tuple(self.node(level, (index >> level) ^ 1) for level in range(self.depth)))

    def update(self, index: int, leaf: int) -> tuple[MerklePath, int, int]:
        """Set leaf ``index``; return (path before, root before, root after).

        The siblings do not change under the update, so the returned path
        proves the old leaf against the old root and the new leaf against
        the new root.
        """
        self._check(index)
        nodes = cast(Writer, self.nodes)  # updates run on an Overlay (transition.py), never on a committed source
        zeros = self.zeros
        root_before = self.root()
        siblings = []
        node = leaf
        idx = index
        self._put(nodes, 0, idx, node)
        for level in range(self.depth):
            sibling = self.node(level, idx ^ 1)
            siblings.append(sibling)
            if node == zeros[level] and sibling == zeros[level]:
                node = zeros[level + 1]
            elif idx & 1:
                node = hash2(sibling, node)
            else:
                node = hash2(node, sibling)
            idx >>= 1
            self._put(nodes, level + 1, idx, node)
        return MerklePath(index, tuple(siblings)), root_before, node

    def _put(self, nodes: Writer, level: int, index: int, value: int) -> None:
        nodes.put(NODES, (self.tree, level, index), None if value == self.zeros[level] else value)

    def _check(self, index: int) -> None:
        if not 0 <= index < (1 << self.depth):
            raise IndexError(f"leaf index {index} outside a tree of depth {self.depth}")
