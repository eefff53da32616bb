"""DESIGN.md section 4 as constraints: one function per rule (STYLE.md rule 9).

Every rule is written for one slot that can hold any op type: a rule of op
X is gated by X's selector ``s.sel[X]`` (``cond * (a - b) = 0`` and the
gated forms of compare.py), so it binds exactly when the slot holds an X.
Rules that hold by construction of the slot layout are listed here too:

- ``account_exists`` (withdraw, place, cancel, fill): the update's
  ``exists`` flag is 1 for these op types, so the old account leaf is
  H(...) and must be found in the tree (fails at ``acct[j]/old_root``).
- ``slot_free`` (place) and ``order_exists`` (cancel, fill): the old leaf
  is forced to 0, resp. H(old fields), and must be found in the tree
  (fails at ``ord[j]/old_root``).
- ``insufficient_balance`` / ``balance_overflow``: every new amount is
  range-checked to 64 bits (``acct[j]/leg[k]/new_range``).
- ``qty_exceeds_remaining``: the new remaining is old - qty and is
  range-checked to 64 bits (``ord[j]/remaining_range``).
- ``id_range``: ids equal Merkle indices decomposed into depth bits.

Signatures (DESIGN.md section 9): ``signature`` verifies a withdraw's,
place's or cancel's (R8, S) over H(op_hash, nonce) with acct[0]'s key and
nonce as found in the tree (acct[0] is the signer: the transfer, escrow
and refund rules tie its id to the op's account); ``nonce_bump`` writes
nonce + 1 into its new leaf; ``deposit_pubkey`` checks a new account's key.

Field names: ``f[1..7]`` are the encoding's fields (DESIGN.md section 4).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from ..zk import babyjub as bj
from .cs import LC, ConstraintSystem, as_lc
from .gadgets.bits import assert_bool, range_check
from .gadgets.compare import assert_equal_if, assert_le_if, assert_nonzero_if, is_zero
from .gadgets.eddsa import assert_eddsa_poseidon, assert_public_key
from .gadgets.poseidon import poseidon
from .gadgets.select import select
from .accounts import AccountVars, LegVars
from .updates import AMOUNT_BITS, OrderVars

OP_TYPES = ("noop", "deposit", "withdraw", "place", "cancel", "fill")
SIGNED = ("withdraw", "place", "cancel")
#: encoding fields f1..f7 each op type uses (the others must be 0)
FIELD_USERS = {
    1: ("deposit", "withdraw", "place", "cancel", "fill"),
    2: ("deposit", "withdraw", "place", "cancel", "fill"),
    3: ("deposit", "withdraw", "place", "fill"),
    4: ("deposit", "place"),
    5: ("deposit", "place"),
    6: ("place",),
    7: ("place",),
}


@dataclass
class Slot:
    """The wires of one slot that the rules talk about."""

    sel: dict[str, LC]
    f: list[LC]
    ord: list[OrderVars] = field(default_factory=list)
    acct: list[AccountVars] = field(default_factory=list)
    bal: list[LegVars] = field(default_factory=list)  # acct[0].legs then acct[1].legs: the trace's order
    t: dict[str, LC] = field(default_factory=dict)  # derived terms: escrow, buyer, prices...
    sig: list[LC] = field(default_factory=list)  # R8.x, R8.y, S (0 unless a signed op)

    def any(self, *names: str) -> LC:
        """Sum of the named selectors: 1 when the slot holds one of these op types."""
        total = LC()
        for n in names:
            total = total + self.sel[n]
        return total


# -- every slot -------------------------------------------------------------
def op_type_onehot(cs: ConstraintSystem, s: Slot) -> None:
    """Exactly one op-type selector is 1. Costs 7."""
    for name, v in s.sel.items():
        assert_bool(cs, v, f"op_type/{name}")
    cs.enforce(s.any(*OP_TYPES), 1, 1, "op_type/one_hot")


def canonical_encoding(cs: ConstraintSystem, s: Slot) -> None:
    """Fields an op type does not use are 0 (one encoding per op). Costs 7."""
    for j, users in FIELD_USERS.items():
        unused = 1 - s.any(*users)
        cs.enforce(unused, s.f[j], 0, f"canonical_encoding/f{j}")


def amounts_in_range(cs: ConstraintSystem, s: Slot) -> None:
    """f3 (amount, base or qty) and f6 (price) are below 2^64. Costs 2 * 65.

    f7 (a place's qty) needs no check of its own: it is the new order's
    remaining, which the order update range-checks (and 0 for other ops).
    Without the check on f3 a "negative" amount (r - x) would turn a
    deposit into a debit or a fill into a refill.
    """
    for j in (3, 6):
        range_check(cs, s.f[j], AMOUNT_BITS, f"f{j}_range")


def amount_positive(cs: ConstraintSystem, s: Slot) -> None:
    """deposit/withdraw amount >= 1 and fill qty >= 1 (f3 != 0 for these types). Costs 2."""
    assert_nonzero_if(cs, s.any("deposit", "withdraw", "fill"), s.f[3], "amount_positive")


# -- deposit and withdraw ----------------------------------------------------
def transfer_links(cs: ConstraintSystem, s: Slot) -> None:
    """deposit credits, withdraw debits f3 of asset f2 on account f1 (bal[0]). Costs 4."""
    b = s.bal[0]
    bridge = s.any("deposit", "withdraw")
    assert_equal_if(cs, bridge, b.account, s.f[1], "transfer/account")
    assert_equal_if(cs, bridge, b.asset, s.f[2], "transfer/asset")
    assert_equal_if(cs, s.sel["deposit"], b.new, b.old + s.f[3], "deposit/credit")
    assert_equal_if(cs, s.sel["withdraw"], b.new, b.old - s.f[3], "withdraw/debit")


def deposit_pubkey(cs: ConstraintSystem, s: Slot, dep_exists: LC) -> tuple[LC, LC]:
    """A deposit creating an account names a pubkey != (0, 0); on an existing one none or the same.

    The key of a created account must be usable (``pubkey_invalid``: on
    Baby Jubjub, in the prime-order subgroup, not the identity; B8 stands
    in when no account is created). Returns the new account leaf's key:
    the old one when the account exists, else the deposit's (f4, f5).
    Costs 12 + 26.
    """
    with cs.namespace("pubkey"):
        none_given = cs.mul(is_zero(cs, s.f[4], "x_zero"), is_zero(cs, s.f[5], "y_zero"), "none_given")
        creates = s.sel["deposit"] - dep_exists
        cs.enforce(creates, none_given, 0, "pubkey_required")
        with cs.namespace("pubkey_invalid"):
            key = (cs.mul(creates, s.f[4] - bj.B8[0], "gate_x") + bj.B8[0],
                   cs.mul(creates, s.f[5] - bj.B8[1], "gate_y") + bj.B8[1])
            assert_public_key(cs, key)
        given_existing = cs.mul(dep_exists, 1 - none_given, "given_existing")
        a = s.acct[0]
        assert_equal_if(cs, given_existing, s.f[4], a.pk_x, "pubkey_mismatch/x")
        assert_equal_if(cs, given_existing, s.f[5], a.pk_y, "pubkey_mismatch/y")
        return (select(cs, a.exists, a.pk_x, s.f[4], "new_pk_x"),
                select(cs, a.exists, a.pk_y, s.f[5], "new_pk_y"))


# -- signatures (withdraw, place, cancel) --------------------------------------
def signature(cs: ConstraintSystem, s: Slot, op_hash: LC) -> None:
    """A signed op's (R8, S) verifies over H(op_hash, nonce) with acct[0]'s stored key. Costs ~5,250.

    Gated by the signed-type selectors (0/1 by the one-hot rule); the
    message's nonce and the key are the signer's leaf as found in the
    accounts tree, so a signature for an older nonce (a replay), another
    op or another key fails ``sig/eddsa/check``.
    """
    a = s.acct[0]
    with cs.namespace("sig"):
        msg = poseidon(cs, [op_hash, a.nonce], "message")
        assert_eddsa_poseidon(cs, msg, (a.pk_x, a.pk_y), (s.sig[0], s.sig[1]), s.sig[2],
                              enabled=s.any(*SIGNED), name="eddsa")


def nonce_bump(cs: ConstraintSystem, s: Slot) -> LC:
    """acct[0]'s new nonce: old + 1 after a signed op, unchanged otherwise. Costs 1.

    Returns the new nonce wire (``acct[0]/new_nonce``) for the new account leaf.
    """
    a, signed = s.acct[0], s.any(*SIGNED)
    with cs.namespace("acct[0]"):
        new = cs.alloc("new_nonce", lambda: cs.value(a.nonce + signed))
        cs.enforce(new - a.nonce - signed, 1, 0, "nonce_bump")
    return as_lc(new)


# -- place ---------------------------------------------------------------------
def place_order(cs: ConstraintSystem, s: Slot) -> None:
    """place: slot f1 gets the leaf (f2..f7) = (account, base, quote, side, price, qty). Costs 6."""
    o = s.ord[0]
    for j, name in enumerate(("account", "base", "quote", "side", "price", "remaining"), start=2):
        assert_equal_if(cs, s.sel["place"], o.new[name], s.f[j], f"place/{name}")


def place_values(cs: ConstraintSystem, s: Slot) -> None:
    """place: base != quote, price >= 1, qty >= 1. Costs 6."""
    place = s.sel["place"]
    assert_nonzero_if(cs, place, s.f[3] - s.f[4], "distinct_assets")
    assert_nonzero_if(cs, place, s.f[6], "price_positive")
    assert_nonzero_if(cs, place, s.f[7], "qty_positive")


def escrow_range(cs: ConstraintSystem, s: Slot) -> None:
    """place: escrow (price*qty quote for a buy, qty base for a sell) < 2^64. Costs 66."""
    gated = cs.mul(s.sel["place"], s.t["escrow"], "escrow_gated")
    range_check(cs, gated, AMOUNT_BITS, "escrow_overflow")


def place_escrow(cs: ConstraintSystem, s: Slot) -> None:
    """place: the escrow leaves account f2's balance of the escrow asset. Costs 3.

    The debit's new amount is range-checked, so the balance covers it.
    """
    b, place = s.bal[0], s.sel["place"]
    assert_equal_if(cs, place, b.account, s.f[2], "place/debit_account")
    assert_equal_if(cs, place, b.asset, s.t["escrow_asset"], "place/debit_asset")
    assert_equal_if(cs, place, b.new, b.old - s.t["escrow"], "place/debit")


# -- cancel --------------------------------------------------------------------
def cancel_order(cs: ConstraintSystem, s: Slot) -> None:
    """cancel: the order belongs to account f2; the remainder's escrow goes back to it. Costs 4."""
    o, b, cancel = s.ord[0], s.bal[0], s.sel["cancel"]
    assert_equal_if(cs, cancel, o.old["account"], s.f[2], "order_owner")
    assert_equal_if(cs, cancel, b.account, s.f[2], "cancel/refund_account")
    assert_equal_if(cs, cancel, b.asset, s.t["refund_asset"], "cancel/refund_asset")
    assert_equal_if(cs, cancel, b.new, b.old + s.t["refund"], "cancel/refund")


# -- fill ----------------------------------------------------------------------
def fill_match(cs: ConstraintSystem, s: Slot) -> None:
    """fill: distinct orders, same base/quote, opposite sides, buy.price >= sell.price. Costs 70."""
    fill = s.sel["fill"]
    taker, maker = s.ord[0].old, s.ord[1].old
    assert_nonzero_if(cs, fill, s.f[1] - s.f[2], "distinct_orders")
    assert_equal_if(cs, fill, taker["base"], maker["base"], "same_market/base")
    assert_equal_if(cs, fill, taker["quote"], maker["quote"], "same_market/quote")
    assert_equal_if(cs, fill, taker["side"] + maker["side"], 1, "opposite_sides")
    assert_le_if(cs, fill, s.t["sell_price"], s.t["buy_price"], AMOUNT_BITS, "price_cross")


def fill_orders(cs: ConstraintSystem, s: Slot, live: list[LC]) -> None:
    """fill: each order keeps its fields and loses qty; ``live[j]`` = its new remaining != 0. Costs 12.

    qty <= remaining follows from the new remaining's 64-bit range check.
    """
    fill = s.sel["fill"]
    for j, o in enumerate(s.ord):
        with cs.namespace(f"fill/ord[{j}]"):
            assert_equal_if(cs, fill, o.new["remaining"], o.old["remaining"] - s.f[3], "remaining")
            for name in ("account", "base", "quote", "side", "price"):
                assert_equal_if(cs, live[j], o.new[name], o.old[name], name)


def fill_settle(cs: ConstraintSystem, s: Slot) -> None:
    """fill at maker.price: buyer +qty base, buyer +qty*(buy - maker) quote, seller +qty*price quote. Costs 8."""
    fill = s.sel["fill"]
    taker = s.ord[0].old
    legs = (
        (s.t["buyer"], taker["base"], s.f[3]),
        (s.t["buyer"], taker["quote"], s.t["fill_refund"]),
        (s.t["seller"], taker["quote"], s.t["trade_quote"]),
    )
    for j, (account, asset, amount) in enumerate(legs):
        b = s.bal[j]
        with cs.namespace(f"fill/bal[{j}]"):
            if j != 1:  # bal[1] is the buyer's second leg: same account wire as bal[0]
                assert_equal_if(cs, fill, b.account, account, "account")
            assert_equal_if(cs, fill, b.asset, asset, "asset")
            assert_equal_if(cs, fill, b.new, b.old + amount, "credit")


def order_ids(cs: ConstraintSystem, s: Slot) -> None:
    """ord[0] is order f1 (place, cancel, fill taker); ord[1] is order f2 (fill maker). Costs 2."""
    assert_equal_if(cs, s.any("place", "cancel", "fill"), s.ord[0].index, s.f[1], "order_id/0")
    assert_equal_if(cs, s.sel["fill"], s.ord[1].index, s.f[2], "order_id/1")
