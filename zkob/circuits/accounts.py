"""Account updates: one account leaf rewritten once after its balances, cash, positions and nonce change.

A slot has two account updates (protocol.ACCOUNT_UPDATES). ``acct[0]``
carries up to two balance legs: the one balance of a deposit, withdraw,
place, cancel or margin transfer, or a fill's buyer, who gets the base
asset (leg 0) and the quote refund (leg 1) in one account-leaf update.
``acct[1]`` carries the fill seller's quote credit. The derivatives ops
change cash and one position slot of their accounts instead (dfill's two
parties, liquidate's liquidator and account, settle's account); the slot
computes those and hands the new cash and positions hash to
``apply_account``.

Per account the leaf is ``H(pk_x, pk_y, nonce, balances_root, cash,
positions_hash)`` (cash signed, as x mod r): old leaf
``exists * H(old fields)``, the balances root chained from the leaf's
``balances_root`` through the enabled legs, new leaf ``H(pk_new,
nonce_new, balances_root', cash_new, positions_hash_new)``, one Merkle
update in the accounts tree. An account the op creates (exists = 0 while
enabled) starts from the empty balances root, cash 0 and the positions
hash of P free slots: its old fields are pinned to 0 and the new leaf
takes ``empty_positions_hash(P)``.

Cost: per leg D_B * 482 + range checks (~160); per account 2 * 354
(6-input hashes) + D_A * 482 + ~45.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from ..state.positions import empty_positions_hash
from ..state.smt import empty_root
from .cs import LC, ConstraintSystem, Operand, as_lc
from .gadgets.bits import range_check
from .gadgets.merkle import index_bits, merkle_update
from .gadgets.poseidon import poseidon
from .updates import AMOUNT_BITS, Value, chain_root, pin_unless
from .witness import AccountInput, LegInput


@dataclass
class LegVars:
    """One balance leaf of an account: asset (and its path bits), old and new amounts, siblings."""

    asset: LC
    bits: list[LC]
    old: LC
    new: LC
    siblings: list[LC]
    en: LC


@dataclass
class AccountVars:
    """An account update's wires: the account id (bits), the old leaf's fields, siblings, its legs."""

    account: LC
    bits: list[LC]
    en: LC
    exists: LC
    pk_x: LC
    pk_y: LC
    nonce: LC
    balances_root: LC
    cash: LC
    positions_hash: LC
    siblings: list[LC]
    legs: list[LegVars] = field(default_factory=list)


def alloc_account(cs: ConstraintSystem, depth: int, assets_depth: int, inp: Callable[..., AccountInput],
                  account: Value, en: LC, exists: LC) -> AccountVars:
    """Allocate the account id (range-checked by its path bits), the old leaf's fields and siblings.

    Disabled: everything is pinned to 0. Enabled but not existing (a
    deposit creating the account): the key, nonce, cash and positions hash
    are 0 and the balances root is the empty one (``new_account_empty``).
    Costs depth + 1 + depth + 8.
    """
    acct = cs.alloc("account", account)
    bits = index_bits(cs, acct, depth, "account_bits")
    names = ("pk_x", "pk_y", "nonce", "balances_root", "cash", "positions_hash")
    w = {n: cs.alloc(n, lambda n=n: getattr(inp(), n)) for n in names}
    sibs = [cs.alloc(f"acct_sib[{k}]", lambda k=k: inp().siblings[k]) for k in range(depth)]
    pin_unless(cs, en, [acct, *sibs, w["balances_root"]], "pin_disabled")
    pin_unless(cs, exists, [w["pk_x"], w["pk_y"], w["nonce"], w["cash"], w["positions_hash"]], "pin_no_account")
    cs.enforce(en - exists, w["balances_root"] - empty_root(assets_depth), 0, "new_account_empty")
    return AccountVars(acct, bits, en, exists, w["pk_x"], w["pk_y"], w["nonce"], w["balances_root"], w["cash"],
                       w["positions_hash"], sibs)


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
    leg = LegVars(asset_v, bits, old, new, sibs, en)
    a.legs.append(leg)
    return leg


def created_positions_hash(a: AccountVars, positions: int) -> LC:
    """The positions hash the new leaf keeps when nothing changes it: the old one, or H(0,..,0) for a new account.

    Linear: the old hash is pinned to 0 unless the account exists.
    """
    return a.positions_hash + (1 - a.exists) * empty_positions_hash(positions)


def apply_account(cs: ConstraintSystem, a: AccountVars, pk_new: tuple[LC, LC], nonce_new: Operand, cash_new: Operand,
                  positions_hash_new: Operand, running: LC) -> LC:
    """Chain the legs through the balances tree, then update the account leaf. Returns the next accounts root.

    Each enabled leg must start from the balances root the previous one
    left (the first from the leaf's ``balances_root``).
    """
    balances = a.balances_root
    for j, leg in enumerate(a.legs):
        with cs.namespace(f"leg[{j}]"):
            old_root, new_root = merkle_update(cs, leg.old, leg.new, leg.bits, leg.siblings, "balances")
            balances = chain_root(cs, leg.en, old_root, new_root, balances)
    old_hash = poseidon(cs, [a.pk_x, a.pk_y, a.nonce, a.balances_root, a.cash, a.positions_hash],
                        "old_account_hash")
    old_leaf = cs.mul(a.exists, old_hash, "old_account_leaf")
    new_leaf = poseidon(cs, [pk_new[0], pk_new[1], as_lc(nonce_new), balances, as_lc(cash_new),
                             as_lc(positions_hash_new)], "new_account_hash")
    old_root, new_root = merkle_update(cs, old_leaf, new_leaf, a.bits, a.siblings, "accounts")
    return chain_root(cs, a.en, old_root, new_root, running)
