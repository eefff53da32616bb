"""Sparse-Merkle membership and leaf update (docs/protocol.md section 3).

Path bits are the bits of the leaf index (``to_bits``, which also proves
the index is inside the tree): bit i = 1 means the running node is the
right child at level i. They are never a free input (STYLE.md rule 6).
"""

from __future__ import annotations

from ..cs import LC, ConstraintSystem, Operand, as_lc
from .bits import to_bits
from .poseidon import poseidon
from .select import swap


def index_bits(cs: ConstraintSystem, index: Operand, depth: int, name: str = "index") -> list[LC]:
    """The depth path bits of ``index``; unsatisfiable unless 0 <= index < 2^depth. Costs depth + 1."""
    return to_bits(cs, index, depth, name)


def merkle_root(cs: ConstraintSystem, leaf: Operand, bits: list[LC], siblings: list[LC],
                name: str = "merkle") -> LC:
    """Root of the tree holding ``leaf`` at the index with ``bits``. Costs 241 per level.

    Sound by collision resistance of H: a different leaf or index gives
    a different root except with negligible probability.
    """
    node = as_lc(leaf)
    with cs.namespace(name, kind="merkle"):
        for i, (bit, sib) in enumerate(zip(bits, siblings, strict=True)):
            with cs.namespace(f"level[{i}]"):
                left, right = swap(cs, bit, node, sib, "swap")
                node = poseidon(cs, [left, right], "hash")
    return node


def assert_member(cs: ConstraintSystem, leaf: Operand, bits: list[LC], siblings: list[LC],
                  root: Operand, name: str = "member") -> None:
    """``leaf`` sits at the index with ``bits`` in the tree with ``root``. Costs 241 * depth + 1."""
    computed = merkle_root(cs, leaf, bits, siblings, name)
    cs.enforce(computed - as_lc(root), 1, 0, f"{name}/root")


def merkle_update(cs: ConstraintSystem, old_leaf: Operand, new_leaf: Operand, bits: list[LC],
                  siblings: list[LC], name: str = "update") -> tuple[LC, LC]:
    """(old_root, new_root) of replacing old_leaf by new_leaf at one index with shared siblings.

    Costs 2 * 241 per level (two hashes, two swaps). The caller ties old_root
    to the current root; new_root then is the only root consistent with the
    same siblings (collision resistance), so no other leaf can change.
    """
    old, new = as_lc(old_leaf), as_lc(new_leaf)
    with cs.namespace(name, kind="merkle"):
        for i, (bit, sib) in enumerate(zip(bits, siblings, strict=True)):
            with cs.namespace(f"level[{i}]"):
                ol, or_ = swap(cs, bit, old, sib, "swap_old")
                nl, nr = swap(cs, bit, new, sib, "swap_new")
                old = poseidon(cs, [ol, or_], "hash_old")
                new = poseidon(cs, [nl, nr], "hash_new")
    return old, new
