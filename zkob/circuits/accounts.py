"""Account updates: one account leaf rewritten after one or two of its balances change.

A slot has two account updates. ``acct[0]`` carries up to two balance
legs: the one balance of a deposit, withdraw, place or cancel, or a fill's
buyer, who gets the base asset (leg 0) and the quote refund (leg 1) in one
account-leaf update, which saves a whole accounts-tree path per slot.
``acct[1]`` carries the fill seller's quote credit.

Per account: old leaf ``exists * H(pk_x, pk_y, nonce, balances_root)``,
balances root chained through the enabled legs, new leaf
``H(pk_new, nonce_new, balances_root')`` (nonce_new is nonce + 1 after a
signed op, rules.nonce_bump), one Merkle update in the accounts
tree. A missing account (exists = 0 while enabled) must have the empty
balances root, so its old amounts are 0.

Cost: per leg D_B * 482 + range checks (~160), per account 2 * 297
(4-input hashes) + D_A * 482 + ~40.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from ..state.smt import empty_root
from .cs import LC, ConstraintSystem
from .gadgets.bits import range_check
from .gadgets.merkle import index_bits, merkle_update
from .gadgets.poseidon import poseidon
from .updates import AMOUNT_BITS, Value, chain_root, pin_unless
from .witness import AccountInput, LegInput


@dataclass
class LegVars:
    """One balance leaf of an account: asset (and its path bits), old and new amounts, siblings."""

    account: LC
    asset: LC
    bits: list[LC]
    old: LC
    new: LC
    siblings: list[LC]
    en: LC


@dataclass
class AccountVars:
    """An account update's wires: the account id (bits), old leaf fields, siblings, its legs."""

    account: LC
    bits: list[LC]
    exists: LC
    pk_x: LC
    pk_y: LC
    nonce: LC
    siblings: list[LC]
    en: LC
    legs: list[LegVars] = field(default_factory=list)


def alloc_account(cs: ConstraintSystem, depth: int, inp: Callable[..., AccountInput], account: Value, en: LC,
                  exists: LC) -> AccountVars:
    """Allocate the account id (range-checked by its path bits), old leaf fields and siblings."""
    acct = cs.alloc("account", account)
    bits = index_bits(cs, acct, depth, "account_bits")
    pk_x = cs.alloc("pk_x", lambda: inp().pk_x)
    pk_y = cs.alloc("pk_y", lambda: inp().pk_y)
    nonce = cs.alloc("nonce", lambda: inp().nonce)
    sibs = [cs.alloc(f"acct_sib[{k}]", lambda k=k: inp().siblings[k]) for k in range(depth)]
    pin_unless(cs, en, [acct, *sibs], "pin_disabled")
    pin_unless(cs, exists, [pk_x, pk_y, nonce], "pin_no_account")
    return AccountVars(acct, bits, exists, pk_x, pk_y, nonce, sibs, en)


def alloc_leg(cs: ConstraintSystem, a: AccountVars, depth: int, inp: Callable[..., LegInput], asset: Value,
              new_amount: Callable[[int], int], en: LC) -> LegVars:
    """Allocate a balance leg of ``a``: asset id (path bits), amounts (64 bits each), siblings.

    The new amount is range-checked: a debit below 0 wraps to a huge field
    element and a credit reaching 2^64 both fail ``new_range``.
    """
    asset_v = cs.alloc("asset", asset)
    bits = index_bits(cs, asset_v, depth, "asset_bits")
    old = cs.alloc("old_amount", lambda: inp().old_amount)
    new = cs.alloc("new_amount", lambda: new_amount(cs.value(old)))
    range_check(cs, old, AMOUNT_BITS, "old_range")
    range_check(cs, new, AMOUNT_BITS, "new_range")
    sibs = [cs.alloc(f"bal_sib[{k}]", lambda k=k: inp().siblings[k]) for k in range(depth)]
    pin_unless(cs, en, [asset_v, old, new, *sibs], "pin_disabled")
    leg = LegVars(a.account, asset_v, bits, old, new, sibs, en)
    a.legs.append(leg)
    return leg


def apply_account(cs: ConstraintSystem, a: AccountVars, assets_depth: int,
                  pk_new: tuple[LC, LC], running: LC, nonce_new: LC | None = None) -> LC:
    """Chain the legs through the balances tree, then update the account leaf. Returns the next root.

    ``nonce_new`` (default: the old nonce) goes into the new leaf.

    Leg 0 is enabled with the account; a later leg, when enabled, must
    start from the balances root the previous leg left.
    """
    balances_old: LC | None = None
    balances: LC | None = None
    for j, leg in enumerate(a.legs):
        with cs.namespace(f"leg[{j}]"):
            old_root, new_root = merkle_update(cs, leg.old, leg.new, leg.bits, leg.siblings, "balances")
            if balances is None:
                balances_old, balances = old_root, new_root
            else:
                balances = chain_root(cs, leg.en, old_root, new_root, balances)
    assert balances_old is not None and balances is not None, "an account update has at least one leg"
    cs.enforce(a.en - a.exists, balances_old - empty_root(assets_depth), 0, "new_account_empty")
    old_hash = poseidon(cs, [a.pk_x, a.pk_y, a.nonce, balances_old], "old_account_hash")
    old_leaf = cs.mul(a.exists, old_hash, "old_account_leaf")
    nonce = a.nonce if nonce_new is None else nonce_new
    new_leaf = poseidon(cs, [pk_new[0], pk_new[1], nonce, balances], "new_account_hash")
    old_root, new_root = merkle_update(cs, old_leaf, new_leaf, a.bits, a.siblings, "accounts")
    return chain_root(cs, a.en, old_root, new_root, running)

