"""Order-slot updates, and the helpers every update shares.

Each slot has a fixed layout of 2 order updates (this module) and 2
account updates carrying 3 balance legs (accounts.py); a full slot adds
an instrument access and the position slots (slot_derivatives.py). An
update the op does not use is *disabled*: its enable flag (a linear
function of the op-type selectors) is 0, the running root passes through
unchanged, and every input it has is pinned to 0 so no wire of the
circuit is left free (a prover cannot hide data in it).

An order leaf is H(account, base, quote, side, price, remaining,
instrument): instrument 0 for a spot order, base = quote = 0 and
instrument >= 1 for a derivatives order.

An update allocates its inputs (``alloc_*``), the rules (rules.py) then tie
them to the op, and ``apply_*`` hashes the leaves, runs the Merkle update
against the running root and returns the next root.

Cost of an order update in a tree of depth D: 2 * 7-input hashes (402
each) + D * 482 + range checks and pins (~300).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from .cs import LC, ConstraintSystem, Operand, as_lc
from .gadgets.bits import assert_bool, range_check
from .gadgets.merkle import index_bits, merkle_update
from .gadgets.poseidon import poseidon
from .gadgets.select import select
from ..state.trace import ORDER_LEAF_FIELDS
from .witness import OrderInput

AMOUNT_BITS = 64
Value = Callable[..., int]  # a witness function (cs.WitnessFn)


def pin_unless(cs: ConstraintSystem, flag: Operand, xs: list[LC], label: str) -> None:
    """(1 - flag) * x = 0 for each x: the values must be 0 when flag is 0. Costs len(xs)."""
    for i, x in enumerate(xs):
        cs.enforce(1 - as_lc(flag), x, 0, f"{label}[{i}]")


def chain_root(cs: ConstraintSystem, en: Operand, old_root: LC, new_root: LC, running: LC) -> LC:
    """Enabled: old_root must equal the running root, and new_root follows. Costs 2."""
    cs.enforce(en, old_root - running, 0, "old_root")
    return select(cs, en, new_root, running, "root_after")


@dataclass
class OrderVars:
    """An order update's wires: slot index (and bits), old and new leaf fields, flags."""

    index: LC
    bits: list[LC]
    old: dict[str, LC]
    new: dict[str, LC]
    siblings: list[LC]
    en: LC
    old_live: LC


def alloc_order(cs: ConstraintSystem, depth: int, inp: Callable[..., OrderInput], index: Value, en: LC,
                old_live: LC) -> OrderVars:
    """Allocate an order update's index, old leaf fields and siblings, with their range checks.

    ``inp`` returns the OrderInput (prove mode only). The old fields used in
    arithmetic are range-checked (side boolean, price and remaining 64 bits)
    so the comparisons of the fill rules are sound whatever the tree holds.
    """
    idx = cs.alloc("index", index)
    bits = index_bits(cs, idx, depth)
    old = {f: cs.alloc(f"old/{f}", lambda i=i: inp().old[i]) for i, f in enumerate(ORDER_LEAF_FIELDS)}
    sibs = [cs.alloc(f"sib[{k}]", lambda k=k: inp().siblings[k]) for k in range(depth)]
    assert_bool(cs, old["side"], "old/side_bool")
    range_check(cs, old["price"], AMOUNT_BITS, "old/price_range")
    range_check(cs, old["remaining"], AMOUNT_BITS, "old/remaining_range")
    pin_unless(cs, en, [idx, *sibs], "pin_disabled")
    pin_unless(cs, old_live, list(old.values()), "pin_free_old")
    return OrderVars(idx, bits, old, {}, sibs, en, old_live)


def alloc_order_new(cs: ConstraintSystem, o: OrderVars, assets_depth: int,
                    new: Callable[..., tuple[int, ...]]) -> None:
    """Allocate the new leaf fields (computed by ``new``), range-checked for the place rule.

    base and quote must be asset ids, side a boolean and remaining 64 bits
    (which is what makes ``qty <= remaining`` hold in a fill).
    """
    o.new = {f: cs.alloc(f"new/{f}", lambda i=i: new()[i]) for i, f in enumerate(ORDER_LEAF_FIELDS)}
    range_check(cs, o.new["base"], assets_depth, "new/base_range")
    range_check(cs, o.new["quote"], assets_depth, "new/quote_range")
    assert_bool(cs, o.new["side"], "new/side_bool")
    range_check(cs, o.new["remaining"], AMOUNT_BITS, "remaining_range")


def apply_order(cs: ConstraintSystem, o: OrderVars, new_live: LC, running: LC) -> LC:
    """Hash old and new leaves (0 when not live) and update the orders tree. Returns the next root."""
    pin_unless(cs, new_live, list(o.new.values()), "pin_free_new")
    old_leaf = cs.mul(o.old_live, poseidon(cs, list(o.old.values()), "old_hash"), "old_leaf")
    new_leaf = cs.mul(new_live, poseidon(cs, list(o.new.values()), "new_hash"), "new_leaf")
    old_root, new_root = merkle_update(cs, old_leaf, new_leaf, o.bits, o.siblings, "tree")
    return chain_root(cs, o.en, old_root, new_root, running)
