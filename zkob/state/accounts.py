"""One account-leaf update of an op: balance legs, cash, one position, the nonce; written once.

The trace contract (trace.py) has an op update each account leaf at most
once: open the leaf, change its balance legs in order, its cash and at
most one position slot, bump the nonce for the signer, write the leaf.
``AccountEdit`` does exactly that on the transition's overlay:

    edit = AccountEdit(ctx, account)            # the leaf as it is now
    edit.debit(asset, amount)                   # a leg (its balances path taken now)
    edit.set_cash(edit.cash - 5)                # cash_range
    edit.change_size(instrument, terms, +3)     # positions_full, size_range
    update = edit.commit(bump_nonce=True)       # the accounts path taken now; one AccountUpdate

Each leg writes the account's balances tree immediately (the next leg's
path is taken after it); the accounts tree is written once, at ``commit``,
so the accounts path is the one before this update. Rules are named
through the op's Context (``ctx.require``): balance_overflow,
insufficient_balance, cash_range, positions_full, size_range. Cost: D_B
hashes per leg, D_A + 2 + P for the commit (account leaf and positions hash).
"""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING

from .instruments import Instrument
from .kv import ACCOUNTS, Overlay
from .positions import slot_for, size_of, with_size
from .signed import CASH_BITS, SIZE_BITS, fits
from .trace import AccountLeaf, AccountUpdate, BalanceLeg, PositionChange

if TYPE_CHECKING:
    from .rules import Context

U64 = 1 << 64


def overlay_of(ctx: "Context") -> Overlay:
    """The overlay a transition writes to (run_batch builds every rule's State on one)."""
    source = ctx.state.source
    assert isinstance(source, Overlay), "rules write to an Overlay, never to a committed source"
    return source


class AccountEdit:
    """Pending changes to one account leaf; ``commit`` writes it and returns the trace's AccountUpdate.

    ``create_pk`` creates a never-used account (a deposit's key); otherwise
    the account must exist (callers check ``account_exists`` first).
    """

    def __init__(self, ctx: "Context", account: int, create_pk: tuple[int, int] | None = None):
        self.ctx = ctx
        self.account = account
        self.old = ctx.state.account(account)
        if self.old is None:
            assert create_pk is not None, "caller must check account_exists"
            self.leaf = ctx.state.new_account(create_pk)
        else:
            self.leaf = self.old
        self.legs: list[BalanceLeg] = []
        self.position: PositionChange | None = None

    # --- balances ------------------------------------------------------------------
    def balance(self, asset: int) -> int:
        return self.ctx.state.balance(self.account, asset)

    def set_balance(self, asset: int, amount: int) -> None:
        """Write one balance leaf (a leg); its path is taken against the balances tree as the earlier legs left it."""
        tree = self.ctx.state.balances_tree(self.account)
        old_amount = tree.leaf(asset)
        path, before, after = tree.update(asset, amount)
        self.legs.append(BalanceLeg(asset, old_amount, amount, path, before, after))
        self.leaf = replace(self.leaf, balances_root=after)

    def credit(self, asset: int, amount: int) -> None:
        """Add ``amount``; ``balance_overflow`` when the balance would reach 2^64."""
        total = self.balance(asset) + amount
        self.ctx.require(total < U64, "balance_overflow",
                         f"account {self.account} asset {asset} would hold {total} >= 2^64")
        self.set_balance(asset, total)

    def debit(self, asset: int, amount: int) -> None:
        """Subtract ``amount``; ``insufficient_balance`` when it exceeds the balance."""
        have = self.balance(asset)
        self.ctx.require(have >= amount, "insufficient_balance",
                         f"account {self.account} asset {asset} holds {have}, needs {amount}")
        self.set_balance(asset, have - amount)

    # --- the margin account ------------------------------------------------------------
    @property
    def cash(self) -> int:
        return self.leaf.cash

    def set_cash(self, cash: int) -> None:
        """Set cash; ``cash_range`` unless |cash| < 2^96."""
        self.ctx.require(fits(cash, CASH_BITS), "cash_range",
                         f"account {self.account}'s cash would be {cash}, not below 2^96 in absolute value")
        self.leaf = replace(self.leaf, cash=cash)

    def size(self, instrument: int) -> int:
        """The account's signed size in ``instrument`` (0 when it holds none)."""
        return size_of(self.leaf.slots, instrument)

    def change_size(self, instrument: int, terms: Instrument, delta: int) -> None:
        """Add ``delta`` to the position in ``instrument`` (opening the lowest free slot, freeing at 0).

        ``positions_full`` when it holds no slot for the instrument and has
        none free; ``size_range`` unless the new |size| < 2^40. One position
        change per edit (the trace's shape).
        """
        assert self.position is None, "an op changes at most one position per account"
        slots = self.leaf.slots
        j = slot_for(slots, instrument)
        self.ctx.require(j is not None, "positions_full",
                         f"account {self.account} uses all {len(slots)} position slots and holds no "
                         f"instrument {instrument}")
        assert j is not None
        old = self.size(instrument)
        new = old + delta
        self.ctx.require(fits(new, SIZE_BITS), "size_range",
                         f"account {self.account}'s size in instrument {instrument} would be {new}, "
                         "not below 2^40 in absolute value")
        self.leaf = replace(self.leaf, slots=with_size(slots, j, instrument, terms, new))
        self.position = PositionChange(j, instrument, old, new)

    # --- the write -------------------------------------------------------------------
    def commit(self, bump_nonce: bool = False) -> AccountUpdate:
        """Write the leaf once (nonce + 1 for the signer's update); return its AccountUpdate."""
        st = self.ctx.state
        if bump_nonce:
            self.leaf = replace(self.leaf, nonce=self.leaf.nonce + 1)
        path, before, after = st.accounts_tree.update(self.account, self.leaf.hash())
        overlay_of(self.ctx).put(ACCOUNTS, self.account, self.leaf)
        return AccountUpdate(self.account, self.old, self.leaf, path, before, after, tuple(self.legs), self.position)
