"""One slot of the batch circuit: any op type, 2 order updates, 2 account updates (3 balance legs).

A withdraw, place or cancel also carries its signer's EdDSA-Poseidon
signature, verified in every slot (gated by the op type) over
H(op_hash, nonce) with acct[0]'s key and nonce (rules.signature).

``slot_circuit`` allocates the op (a one-hot type selector and the seven
encoding fields), the order updates of updates.py and the account updates
of accounts.py, the derived terms the rules need (escrow, refund, buyer,
prices), applies every rule of rules.py and chains the orders root through
ord[0], ord[1] and the accounts root through acct[0] (both buyer legs of a
fill), acct[1] (the seller). Witness values not read from the trace are computed here from the
op, next to the wire they fill (the new leaves, amounts and indices).

Where a slot's constraints go at depths D_A, D_O, D_B: 2 account updates
of D_A * 482 + ~630 with 3 balance legs of D_B * 482 + ~160, 2 order
updates of D_O * 482 + ~1000, the op hash (8 inputs, 402), ~350 for the
rules, and 5,276 for authorization (EdDSA 5,006, message hash 240, new
account key 26, signature pins 3, nonce bump 1). The commitment and bridge hashes
(2 * 240) are added by batch.py.
"""

from __future__ import annotations

from collections.abc import Callable

from ..state.params import Params
from .cs import LC, ConstraintSystem, as_lc
from .gadgets.bits import assert_bool
from .gadgets.compare import is_zero
from .gadgets.poseidon import poseidon
from .gadgets.select import select
from . import rules
from .accounts import alloc_account, alloc_leg, apply_account
from .rules import OP_TYPES, SIGNED, Slot
from .updates import alloc_order, alloc_order_new, apply_order, pin_unless
from .witness import ORDER_FIELDS, SlotInput

NOOP, DEPOSIT, WITHDRAW, PLACE, CANCEL, FILL = range(6)


def _op_inputs(cs: ConstraintSystem, inp: Callable[[], SlotInput]) -> Slot:
    sel = {name: cs.alloc(f"sel[{name}]", lambda k=k: int(inp().encoding[0] == k))
           for k, name in enumerate(OP_TYPES)}
    f = [LC()] * 8
    for k, name in enumerate(OP_TYPES):
        f[0] = f[0] + sel[name] * k
    for j in range(1, 8):
        f[j] = cs.alloc(f"f{j}", lambda j=j: inp().encoding[j])
    return Slot(sel, f)


def _sig_inputs(cs: ConstraintSystem, s: Slot, inp: Callable[[], SlotInput]) -> None:
    """The signature wires sig/R8_x, sig/R8_y, sig/S, pinned to 0 unless the op is signed. Costs 3."""
    with cs.namespace("sig"):
        s.sig = [as_lc(cs.alloc(name, lambda k=k: inp().sig[k])) for k, name in enumerate(("R8_x", "R8_y", "S"))]
        pin_unless(cs, s.any(*SIGNED), s.sig, "pin_unsigned")


def _fill_terms(cs: ConstraintSystem, s: Slot) -> None:
    """Buyer, seller, buy and sell prices of the taker/maker pair; the two quote amounts. Costs 4."""
    taker, maker = s.ord[0].old, s.ord[1].old
    with cs.namespace("fill_terms"):
        s.t["buyer"] = select(cs, taker["side"], maker["account"], taker["account"], "buyer")
        s.t["seller"] = taker["account"] + maker["account"] - s.t["buyer"]
        s.t["buy_price"] = select(cs, taker["side"], maker["price"], taker["price"], "buy_price")
        s.t["sell_price"] = taker["price"] + maker["price"] - s.t["buy_price"]
        s.t["trade_quote"] = cs.mul(s.f[3], maker["price"], "trade_quote")
        s.t["fill_refund"] = cs.mul(s.f[3], s.t["buy_price"] - maker["price"], "fill_refund")


def _escrow_terms(cs: ConstraintSystem, s: Slot) -> None:
    """Escrow of the order placed (from ord[0]'s new leaf) and of the one cancelled (old leaf). Costs 6."""
    new, old = s.ord[0].new, s.ord[0].old
    with cs.namespace("escrow_terms"):
        product = cs.mul(new["price"], new["remaining"], "place_product")
        s.t["escrow"] = select(cs, new["side"], new["remaining"], product, "escrow")
        s.t["escrow_asset"] = select(cs, new["side"], new["base"], new["quote"], "escrow_asset")
        product = cs.mul(old["price"], old["remaining"], "cancel_product")
        s.t["refund"] = select(cs, old["side"], old["remaining"], product, "refund")
        s.t["refund_asset"] = select(cs, old["side"], old["base"], old["quote"], "refund_asset")


def slot_circuit(cs: ConstraintSystem, params: Params, inp: Callable[[], SlotInput],
                 accounts_root: LC, orders_root: LC) -> tuple[LC, LC, LC, LC]:
    """Constrain one slot; returns (accounts_root, orders_root after, op_hash, is_bridge)."""
    s = _op_inputs(cs, inp)
    v = cs.value
    kind = lambda: v(s.f[0])  # noqa: E731 - the op type, in witness functions only

    rules.op_type_onehot(cs, s)
    rules.canonical_encoding(cs, s)
    rules.amounts_in_range(cs, s)
    rules.amount_positive(cs, s)

    # -- orders -----------------------------------------------------------------
    for j, (index, en, old_live) in enumerate((
        (lambda: v(s.f[1]) if kind() in (PLACE, CANCEL, FILL) else 0,
         s.any("place", "cancel", "fill"), s.any("cancel", "fill")),
        (lambda: v(s.f[2]) if kind() == FILL else 0, s.sel["fill"], s.sel["fill"]),
    )):
        with cs.namespace(f"ord[{j}]"):
            s.ord.append(alloc_order(cs, params.orders_depth, lambda j=j: inp().ord[j], index, en, old_live))
    _fill_terms(cs, s)

    def reduced(j: int) -> tuple[int, ...]:
        old = [v(s.ord[j].old[name]) for name in ORDER_FIELDS]
        left = v(s.ord[j].old["remaining"] - s.f[3])
        return (0,) * 6 if left == 0 else (*old[:5], left)

    def new_leaf(j: int) -> tuple[int, ...]:
        if j == 0 and kind() == PLACE:
            return tuple(v(s.f[k]) for k in range(2, 8))
        return reduced(j) if kind() == FILL else (0,) * 6

    live = []
    for j in range(2):
        with cs.namespace(f"ord[{j}]"):
            alloc_order_new(cs, s.ord[j], params.assets_depth, lambda j=j: new_leaf(j))
            gone = is_zero(cs, s.ord[j].new["remaining"], "filled")
            live.append(cs.mul(s.sel["fill"], 1 - gone, "fill_live"))
    rules.order_ids(cs, s)
    rules.place_order(cs, s)
    rules.place_values(cs, s)
    rules.fill_match(cs, s)
    rules.fill_orders(cs, s, live)
    _escrow_terms(cs, s)
    rules.escrow_range(cs, s)
    for j, new_live in enumerate((s.sel["place"] + live[0], live[1])):
        with cs.namespace(f"ord[{j}]"):
            orders_root = apply_order(cs, s.ord[j], new_live, orders_root)

    # -- balances: acct[0] = bal[0] (+ the fill buyer's refund bal[1]), acct[1] = fill seller bal[2] --
    t = s.t

    def leg(j: int) -> tuple[Callable[[], int], Callable[[], int], Callable[[int], int]]:
        """Witness functions (account, asset, new amount) of balance update j (trace numbering)."""
        taker = s.ord[0].old
        if j == 0:
            accounts = {DEPOSIT: s.f[1], WITHDRAW: s.f[1], PLACE: s.f[2], CANCEL: s.f[2], FILL: t["buyer"]}
            assets = {DEPOSIT: s.f[2], WITHDRAW: s.f[2], PLACE: t["escrow_asset"],
                      CANCEL: t["refund_asset"], FILL: taker["base"]}
            deltas = {DEPOSIT: s.f[3], WITHDRAW: -s.f[3], PLACE: -t["escrow"], CANCEL: t["refund"], FILL: s.f[3]}
        else:
            accounts = {FILL: t["buyer"] if j == 1 else t["seller"]}
            assets = {FILL: taker["quote"]}
            deltas = {FILL: t["fill_refund"] if j == 1 else t["trade_quote"]}
        return (lambda: v(accounts[kind()]) if kind() in accounts else 0,
                lambda: v(assets[kind()]) if kind() in assets else 0,
                lambda old: old + v(deltas[kind()]) if kind() in deltas else 0)

    active, fill = 1 - s.sel["noop"], s.sel["fill"]
    with cs.namespace("acct[0]"):
        dep_exists = cs.alloc("dep_exists", lambda: inp().acct[0].exists if kind() == DEPOSIT else 0)
        assert_bool(cs, dep_exists, "dep_exists_bool")
        pin_unless(cs, s.sel["deposit"], [dep_exists], "pin_dep_exists")
        exists0 = s.any("withdraw", "place", "cancel", "fill") + dep_exists
        s.acct.append(alloc_account(cs, params.accounts_depth, lambda: inp().acct[0], leg(0)[0], active, exists0))
    with cs.namespace("acct[1]"):
        s.acct.append(alloc_account(cs, params.accounts_depth, lambda: inp().acct[1], leg(2)[0], fill, fill))
    for a, k, j, en in ((0, 0, 0, active), (0, 1, 1, fill), (1, 0, 2, fill)):
        _, asset, new_amount = leg(j)
        with cs.namespace(f"acct[{a}]/leg[{k}]"):
            alloc_leg(cs, s.acct[a], params.assets_depth, lambda a=a, k=k: inp().acct[a].legs[k],
                      asset, new_amount, en)
    s.bal = [*s.acct[0].legs, *s.acct[1].legs]
    rules.transfer_links(cs, s)
    pk_new0 = rules.deposit_pubkey(cs, s, dep_exists)
    rules.place_escrow(cs, s)
    rules.cancel_order(cs, s)
    rules.fill_settle(cs, s)
    nonce0 = rules.nonce_bump(cs, s)
    for j, a in enumerate(s.acct):
        with cs.namespace(f"acct[{j}]"):
            pk = pk_new0 if j == 0 else (a.pk_x, a.pk_y)
            accounts_root = apply_account(cs, a, params.assets_depth, pk, accounts_root,
                                          nonce0 if j == 0 else None)
    op_hash = poseidon(cs, s.f, "op_hash")
    _sig_inputs(cs, s, inp)
    rules.signature(cs, s, op_hash)
    return accounts_root, orders_root, op_hash, s.any("deposit", "withdraw")
