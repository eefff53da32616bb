"""The spot rules of docs/protocol.md as constraints: one function per rule (STYLE.md rule 9).

Every rule is written for one slot that can hold any op type its kind
accepts: a rule of op X is gated by X's selector ``s.sel[X]``
(``cond * (a - b) = 0`` and the gated forms of compare.py), so it binds
exactly when the slot holds an X. Which ops exist, their fields, who signs
and what crosses the bridge come from the op table (state/protocol.py);
ops are read by name, ``s.field("place", "price")``. The derivatives ops'
rules are rules_derivatives.py. Rules that hold by construction of the
slot layout are listed here too:

- ``account_exists`` (withdraw, place, cancel, margin, dplace, dfill,
  liquidate, settle): the update's ``exists`` flag is 1 for these op
  types, so the old account leaf is H(...) and must be found in the tree
  (fails at ``acct[j]/old_root``).
- ``slot_free`` (place, dplace) and ``order_exists`` (cancel, fill,
  dfill): the old leaf is forced to 0, resp. H(old fields), and must be
  found in the tree (fails at ``ord[j]/old_root``).
- ``insufficient_balance`` / ``balance_overflow``: every new amount is
  range-checked to 64 bits (``acct[j]/leg[k]/new_range``).
- ``qty_exceeds_remaining``: the new remaining is old - qty and is
  range-checked to 64 bits (``ord[j]/remaining_range``).
- ``id_range``: ids equal Merkle indices decomposed into depth bits.

The balance legs an op moves (``balance_moves``), the accounts its
updates name (``account_ids``) and the order leaves it writes
(``new_order_leaves``) are tables that both the witness (slot.py computes
each leg and leaf from them) and the rules (``balance_legs``,
``place_order``, ``fill_orders``) read, so the value a prover fills in and
the constraint that checks it come from one place.

Signatures (docs/protocol.md section 9): ``signature`` verifies a signed
op's (R8, S) over H(venue, op_hash, nonce) with acct[0]'s key and nonce as
found in the tree (acct[0] is the signer: ``account_ids`` puts it first,
which ``balance_legs`` checks); ``nonce_bump`` writes nonce + 1 into its
new leaf; ``deposit_pubkey`` checks a new account's key.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from ..state.protocol import FIELD_USERS, OP_TABLE, OPS, SIGNED
from ..state.signed import CASH_BITS
from ..zk import babyjub as bj
from .cs import LC, ConstraintSystem, as_lc
from .gadgets.bits import assert_bool, range_check
from .gadgets.compare import assert_equal_if, assert_le_if, assert_nonzero_if, is_zero
from .gadgets.eddsa import assert_eddsa_poseidon, assert_public_key
from .gadgets.poseidon import poseidon
from .gadgets.select import select
from .slot_wires import Slot, assert_equal_by_op
from .updates import AMOUNT_BITS


# -- every slot -------------------------------------------------------------
def op_type_onehot(cs: ConstraintSystem, s: Slot) -> None:
    """Exactly one op-type selector is 1. Costs one per op type of the slot's kind + 1."""
    for name, v in s.sel.items():
        assert_bool(cs, v, f"op_type/{name}")
    cs.enforce(s.any(*s.sel), 1, 1, "op_type/one_hot")


def canonical_encoding(cs: ConstraintSystem, s: Slot) -> None:
    """Fields an op type does not use are 0 (one encoding per op). Costs 7."""
    for j, users in FIELD_USERS.items():
        unused = 1 - s.any(*users)
        cs.enforce(unused, s.f[j], 0, f"canonical_encoding/f{j}")


def amounts_in_range(cs: ConstraintSystem, s: Slot) -> None:
    """Amounts, fill quantities and place prices are below 2^64. Costs 2 * 65.

    One range check per encoding position serves every op type that keeps
    an amount there (f3, f6); the other users of those positions (a list's
    underlying, a dplace's or liquidation's instrument, a dplace's qty)
    hold smaller values, checked by their own rules. A place's qty needs no
    check of its own: it is the new order's remaining, which the order
    update range-checks. Without the check on f3 a "negative" amount
    (r - x) would turn a deposit into a debit or a fill into a refill.
    """
    range_check(cs, s.shared(("deposit", "amount"), ("withdraw", "amount"), ("fill", "qty"), ("dfill", "qty")),
                AMOUNT_BITS, "f3_range")
    range_check(cs, s.field("place", "price"), AMOUNT_BITS, "f6_range")


def amount_positive(cs: ConstraintSystem, s: Slot) -> None:
    """deposit/withdraw amount >= 1, fill and dfill qty >= 1 (``amount_positive``, ``qty_positive``). Costs 2."""
    amount = s.shared(("deposit", "amount"), ("withdraw", "amount"), ("fill", "qty"), ("dfill", "qty"))
    assert_nonzero_if(cs, s.any("deposit", "withdraw", "fill", "dfill"), amount, "amount_positive")


# -- accounts and balances: one table of legs for the witness and the rule -----------
@dataclass(frozen=True)
class Move:
    """One balance leg: ``delta`` (a credit, or a debit as -x) of ``asset``."""

    asset: LC
    delta: LC


def account_ids(s: Slot) -> dict[str, tuple[LC, ...]]:
    """The account each account update of an op names, in the op table's order (the signer's first)."""
    f, t = s.field, s.t
    ids = {
        "deposit": (f("deposit", "account"),), "withdraw": (f("withdraw", "account"),),
        "place": (f("place", "account"),), "cancel": (f("cancel", "account"),),
        "fill": (t["buyer"], t["seller"]),
    }
    if s.kind == "full":
        ids |= {"margin": (f("margin", "account"),), "dplace": (f("dplace", "account"),),
                "dfill": (t["buyer"], t["seller"]),
                "liquidate": (f("liquidate", "liquidator"), f("liquidate", "account")),
                "settle": (f("settle", "account"),)}
    return ids


def balance_moves(s: Slot) -> dict[str, tuple[Move, ...]]:
    """Each op type's balance legs, in trace order (the state machine applies them in this order).

    The op table's ``legs`` say which account update carries each leg:
    the first ``legs[0]`` on acct[0], the rest on acct[1]. Needs the terms
    of slot.py (escrow, refund, quote amounts) and, in a full slot, the
    collateral asset of the config.
    """
    f, t, taker = s.field, s.t, s.ord[0].old
    moves = {
        "deposit": (Move(f("deposit", "asset"), f("deposit", "amount")),),
        "withdraw": (Move(f("withdraw", "asset"), -f("withdraw", "amount")),),
        "place": (Move(t["escrow_asset"], -t["escrow"]),),
        "cancel": (Move(t["refund_asset"], t["refund"]),),
        "fill": (Move(taker["base"], f("fill", "qty")),              # buyer +qty base
                 Move(taker["quote"], t["fill_refund"]),              # buyer +qty*(buy - maker) quote
                 Move(taker["quote"], t["trade_quote"])),             # seller +qty*maker.price quote
    }
    if s.kind == "full":
        moves["margin"] = (Move(s.market.cfg.collateral, -f("margin", "amount")),)  # amount > 0: into cash
    return moves


def leg_positions(op: str) -> list[tuple[int, int]]:
    """(account update, leg) of each of the op's balance legs, in trace order."""
    return [(a, k) for a, n in enumerate(OPS[op].legs) for k in range(n)]


def balance_legs(cs: ConstraintSystem, s: Slot, moves: Mapping[str, tuple[Move, ...]]) -> None:
    """Each account update names the op's account; each leg moves exactly its table entry. Costs ~18.

    Leg k of account update a is the op's move at ``leg_positions``. A
    signed op whose first account update is not its signer is refused
    while building.
    """
    ids = account_ids(s)
    with cs.namespace("moves"):
        for a, acct in enumerate(s.acct):
            assert_equal_by_op(cs, s, acct.account, {op: v[a] for op, v in ids.items() if len(v) > a},
                               f"acct[{a}]/account")
            for k, leg in enumerate(acct.legs):
                users = {op: m[leg_positions(op).index((a, k))] for op, m in moves.items()
                         if (a, k) in leg_positions(op)}
                with cs.namespace(f"acct[{a}]/leg[{k}]"):
                    assert_equal_by_op(cs, s, leg.asset, {op: m.asset for op, m in users.items()}, "asset")
                    assert_equal_by_op(cs, s, leg.new, {op: leg.old + m.delta for op, m in users.items()}, "amount")
    for op in SIGNED:
        spec = OPS[op]
        assert spec.signer is not None
        if s.has(op):
            assert ids[op][0].terms == s.field(op, spec.signer).terms, f"{op}: first account update not its signer"


def cash_negative(cs: ConstraintSystem, s: Slot) -> None:
    """withdraw: the account's cash is not below 0 (a debt to the venue blocks withdrawals). Costs 98.

    The gated cash ``withdraw * cash`` must be below 2^96: a negative cash
    is r - |cash| as a field element, far above.
    """
    gated = cs.mul(s.sel["withdraw"], s.acct[0].cash, "cash_negative/gated")
    range_check(cs, gated, CASH_BITS, "cash_negative")


# -- deposit ---------------------------------------------------------------------
def deposit_pubkey(cs: ConstraintSystem, s: Slot, dep_exists: LC) -> tuple[LC, LC]:
    """A deposit creating an account names a pubkey != (0, 0); on an existing one none or the same.

    The key of a created account must be usable (``pubkey_invalid``: on
    Baby Jubjub, in the prime-order subgroup, not the identity; B8 stands
    in when no account is created). Returns the new account leaf's key:
    the old one when the account exists, else the deposit's pubkey.
    Costs 12 + 26.
    """
    x, y = s.field("deposit", "pubkey_x"), s.field("deposit", "pubkey_y")
    with cs.namespace("pubkey"):
        none_given = cs.mul(is_zero(cs, x, "x_zero"), is_zero(cs, y, "y_zero"), "none_given")
        creates = s.sel["deposit"] - dep_exists
        cs.enforce(creates, none_given, 0, "pubkey_required")
        with cs.namespace("pubkey_invalid"):
            key = (cs.mul(creates, x - bj.B8[0], "gate_x") + bj.B8[0],
                   cs.mul(creates, y - bj.B8[1], "gate_y") + bj.B8[1])
            assert_public_key(cs, key)
        given_existing = cs.mul(dep_exists, 1 - none_given, "given_existing")
        a = s.acct[0]
        assert_equal_if(cs, given_existing, x, a.pk_x, "pubkey_mismatch/x")
        assert_equal_if(cs, given_existing, y, a.pk_y, "pubkey_mismatch/y")
        return (select(cs, a.exists, a.pk_x, x, "new_pk_x"),
                select(cs, a.exists, a.pk_y, y, "new_pk_y"))


# -- signatures (the op table's signed ops) ------------------------------------------
def signature(cs: ConstraintSystem, s: Slot, op_hash: LC) -> None:
    """A signed op's (R8, S) verifies over H(venue, op_hash, nonce) with acct[0]'s stored key. Costs ~5,300.

    Gated by the signed-type selectors (0/1 by the one-hot rule); the
    message's nonce and the key are the signer's leaf as found in the
    accounts tree, and the venue is the config's venue_id (bound by
    config_hash in the root), so a signature for an older nonce (a
    replay), another op, another key or another venue fails
    ``sig/eddsa/check``.
    """
    a = s.acct[0]
    with cs.namespace("sig"):
        msg = poseidon(cs, [s.market.cfg.venue_id, op_hash, a.nonce], "message")
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


# -- orders: which slot each op names, and the leaves it writes -----------------------
def order_ids(cs: ConstraintSystem, s: Slot) -> None:
    """Order update j is the order its op names (the op table's ``orders``). Costs 2 per distinct field."""
    for j, o in enumerate(s.ord):
        names = {spec.name: s.field(spec.name, spec.orders[j].field) for spec in OP_TABLE if len(spec.orders) > j}
        assert_equal_by_op(cs, s, o.index, names, f"order_id/{j}")


def placed_leaf(s: Slot) -> dict[str, LC]:
    """The order leaf a place writes: its own fields, qty as the remaining, instrument 0 (a spot order)."""
    f = s.field
    return {"account": f("place", "account"), "base": f("place", "base"), "quote": f("place", "quote"),
            "side": f("place", "side"), "price": f("place", "price"), "remaining": f("place", "qty"),
            "instrument": LC()}


def dplaced_leaf(s: Slot) -> dict[str, LC]:
    """The order leaf a dplace writes: base = quote = 0, its instrument, qty as the remaining."""
    f = s.field
    return {"account": f("dplace", "account"), "base": LC(), "quote": LC(), "side": f("dplace", "side"),
            "price": f("dplace", "price"), "remaining": f("dplace", "qty"), "instrument": f("dplace", "instrument")}


def reduced_leaf(s: Slot, j: int, op: str) -> dict[str, LC]:
    """Order j's leaf after a fill or dfill: the same fields, remaining lowered by qty (freed at 0)."""
    old = s.ord[j].old
    return {**old, "remaining": old["remaining"] - s.field(op, "qty")}


def new_order_leaves(s: Slot, j: int) -> dict[str, dict[str, LC]]:
    """For each op type of the slot that writes a leaf into order update j: the leaf (a reduced one is freed at 0)."""
    leaves = {op: reduced_leaf(s, j, op) for op in ("fill", "dfill") if s.has(op)}
    if j == 0:
        leaves["place"] = placed_leaf(s)
        if s.has("dplace"):
            leaves["dplace"] = dplaced_leaf(s)
    return leaves


def place_order(cs: ConstraintSystem, s: Slot) -> None:
    """place and dplace: the new leaf of ord[0] is ``placed_leaf`` / ``dplaced_leaf``. Costs 7 each."""
    o = s.ord[0]
    for op, leaf in (("place", placed_leaf(s)), ("dplace", dplaced_leaf(s) if s.has("dplace") else {})):
        for name, value in leaf.items():
            assert_equal_if(cs, s.sel[op], o.new[name], value, f"{op}/{name}")


def place_values(cs: ConstraintSystem, s: Slot) -> None:
    """place: base != quote, price >= 1, qty >= 1. Costs 6."""
    place, f = s.sel["place"], s.field
    assert_nonzero_if(cs, place, f("place", "base") - f("place", "quote"), "distinct_assets")
    assert_nonzero_if(cs, place, f("place", "price"), "price_positive")
    assert_nonzero_if(cs, place, f("place", "qty"), "qty_positive")


def escrow_range(cs: ConstraintSystem, s: Slot) -> None:
    """place: escrow (price*qty quote for a buy, qty base for a sell) < 2^64. Costs 66."""
    gated = cs.mul(s.sel["place"], s.t["escrow"], "escrow_gated")
    range_check(cs, gated, AMOUNT_BITS, "escrow_overflow")


def cancel_order(cs: ConstraintSystem, s: Slot) -> None:
    """cancel: the order belongs to the cancelling account. Costs 1 (the refund is a balance move)."""
    assert_equal_if(cs, s.sel["cancel"], s.ord[0].old["account"], s.field("cancel", "account"), "order_owner")


def fill_match(cs: ConstraintSystem, s: Slot) -> None:
    """fill and dfill: distinct orders, opposite sides, buy.price >= sell.price. Costs 70.

    (fill's same market and order kind are ``fill_kind``; dfill's are in
    rules_derivatives.py.)
    """
    trade = s.any("fill", "dfill")
    taker, maker = s.ord[0].old, s.ord[1].old
    assert_nonzero_if(cs, trade, s.shared(("fill", "taker"), ("dfill", "taker"))
                      - s.shared(("fill", "maker"), ("dfill", "maker")), "distinct_orders")
    assert_equal_if(cs, trade, taker["side"] + maker["side"], 1, "opposite_sides")
    assert_le_if(cs, trade, s.t["sell_price"], s.t["buy_price"], AMOUNT_BITS, "price_cross")


def fill_kind(cs: ConstraintSystem, s: Slot) -> None:
    """fill: both orders are spot orders (``order_kind``) on the same base/quote (``same_market``). Costs 4."""
    fill = s.sel["fill"]
    taker, maker = s.ord[0].old, s.ord[1].old
    assert_equal_if(cs, fill, taker["instrument"], 0, "order_kind/taker")
    assert_equal_if(cs, fill, maker["instrument"], 0, "order_kind/maker")
    assert_equal_if(cs, fill, taker["base"], maker["base"], "same_market/base")
    assert_equal_if(cs, fill, taker["quote"], maker["quote"], "same_market/quote")


def fill_orders(cs: ConstraintSystem, s: Slot, live: list[LC]) -> None:
    """fill and dfill: each order's new leaf is ``reduced_leaf``; ``live[j]`` = its new remaining != 0. Costs 14.

    The remaining binds whenever the slot holds a (d)fill (qty <= remaining
    follows from the new remaining's 64-bit range check); the other fields
    only while the order stays live (a freed slot is all zeros). fill and
    dfill keep qty in the same field, so their reduced leaves are one
    linear combination and share each constraint.
    """
    trade = s.any("fill", "dfill")
    for j, o in enumerate(s.ord):
        with cs.namespace(f"fill/ord[{j}]"):
            for name, value in reduced_leaf(s, j, "fill").items():
                assert_equal_if(cs, trade if name == "remaining" else live[j], o.new[name], value, name)
