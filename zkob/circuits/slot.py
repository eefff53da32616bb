"""One slot of the batch circuit: any op type of the op table, its order and account updates.

``slot_circuit`` allocates the op (a one-hot type selector per row of the
op table and the seven encoding fields), the order updates of updates.py
and the account updates of accounts.py in the shape the op table fixes
(2 order updates; acct[0] with 2 balance legs, acct[1] with 1), the
derived terms the rules need (escrow, refund, buyer, prices), applies
every rule of rules.py and chains the orders root through ord[0], ord[1]
and the accounts root through acct[0] (both buyer legs of a fill) and
acct[1] (the seller). Which update an op enables, and which field names
its order, come from the op table; the legs and order leaves an op writes
come from the tables of rules.py, which compute the witness here and are
bound there. A signed op's EdDSA-Poseidon signature is verified in every
slot (gated by the op type) over H(op_hash, nonce) with acct[0]'s key and
nonce (rules.signature).

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
from ..state.protocol import BRIDGE, LEGS_PER_ACCOUNT, OP_TABLE, OPS, ORDER_UPDATES, SIGNED
from ..state.trace import ORDER_LEAF_FIELDS
from . import rules
from .accounts import alloc_account, alloc_leg, apply_account
from .cs import LC, ConstraintSystem, as_lc
from .gadgets.bits import assert_bool
from .gadgets.compare import is_zero
from .gadgets.poseidon import poseidon
from .gadgets.select import select
from .rules import Move, Slot
from .updates import alloc_order, alloc_order_new, apply_order, pin_unless
from .witness import SlotInput


def _op_inputs(cs: ConstraintSystem, inp: Callable[..., SlotInput]) -> Slot:
    """One selector per op type (``sel[name]``) and the encoding fields f1..f7; f0 is sum code * sel."""
    sel = {spec.name: cs.alloc(f"sel[{spec.name}]", lambda code=spec.code: int(inp().encoding[0] == code))
           for spec in OP_TABLE}
    f0 = LC()
    for spec in OP_TABLE:
        f0 = f0 + sel[spec.name] * spec.code
    f = [f0, *(cs.alloc(f"f{j}", lambda j=j: inp().encoding[j]) for j in range(1, 8))]
    return Slot(sel, f, [], [], {}, [])


def _sig_inputs(cs: ConstraintSystem, s: Slot, inp: Callable[..., SlotInput]) -> None:
    """The signature wires sig/R8_x, sig/R8_y, sig/S, pinned to 0 unless the op is signed. Costs 3."""
    with cs.namespace("sig"):
        s.sig = [as_lc(cs.alloc(name, lambda k=k: inp().sig[k])) for k, name in enumerate(("R8_x", "R8_y", "S"))]
        pin_unless(cs, s.any(*SIGNED), s.sig, "pin_unsigned")


def _fill_terms(cs: ConstraintSystem, s: Slot) -> None:
    """Buyer, seller, buy and sell prices of the taker/maker pair; the two quote amounts. Costs 4."""
    taker, maker = s.ord[0].old, s.ord[1].old
    qty = s.field("fill", "qty")
    with cs.namespace("fill_terms"):
        s.t["buyer"] = select(cs, taker["side"], maker["account"], taker["account"], "buyer")
        s.t["seller"] = taker["account"] + maker["account"] - s.t["buyer"]
        s.t["buy_price"] = select(cs, taker["side"], maker["price"], taker["price"], "buy_price")
        s.t["sell_price"] = taker["price"] + maker["price"] - s.t["buy_price"]
        s.t["trade_quote"] = cs.mul(qty, maker["price"], "trade_quote")
        s.t["fill_refund"] = cs.mul(qty, s.t["buy_price"] - maker["price"], "fill_refund")


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


def _orders(cs: ConstraintSystem, params: Params, s: Slot, inp: Callable[..., SlotInput], op: Callable[[], str],
            orders_root: LC) -> LC:
    """The order updates of the op table's ``orders``, their leaves and rules; returns the orders root."""
    v = cs.value
    for j in range(ORDER_UPDATES):
        users = [spec for spec in OP_TABLE if len(spec.orders) > j]
        en = s.any(*(u.name for u in users))
        old_live = s.any(*(u.name for u in users if u.orders[j].change != "insert"))

        def index(j: int = j) -> int:
            spec = OPS[op()]
            return v(s.field(spec.name, spec.orders[j].field)) if len(spec.orders) > j else 0

        with cs.namespace(f"ord[{j}]"):
            s.ord.append(alloc_order(cs, params.orders_depth, lambda j=j: inp().ord[j], index, en, old_live))
    _fill_terms(cs, s)

    def new_leaf(j: int) -> tuple[int, ...]:
        """The leaf order update j writes, from rules.new_order_leaves (zeros: a freed or unused slot)."""
        spec = OPS[op()]
        leaf = rules.new_order_leaves(s, j).get(spec.name)
        if leaf is None:
            return (0,) * len(ORDER_LEAF_FIELDS)
        values = tuple(v(leaf[name]) for name in ORDER_LEAF_FIELDS)
        freed = spec.orders[j].change == "reduce" and v(leaf["remaining"]) == 0
        return (0,) * len(ORDER_LEAF_FIELDS) if freed else values

    live = []
    for j in range(ORDER_UPDATES):
        with cs.namespace(f"ord[{j}]"):
            alloc_order_new(cs, s.ord[j], params.assets_depth, lambda j=j: new_leaf(j))
            gone = is_zero(cs, s.ord[j].new["remaining"], "filled")
            live.append(cs.mul(s.sel["fill"], 1 - gone, "fill_live"))
    rules.order_ids(cs, s)
    rules.place_order(cs, s)
    rules.place_values(cs, s)
    rules.fill_match(cs, s)
    rules.fill_orders(cs, s, live)
    rules.cancel_order(cs, s)
    _escrow_terms(cs, s)
    rules.escrow_range(cs, s)
    for j, new_live in enumerate((s.sel["place"] + live[0], live[1])):
        with cs.namespace(f"ord[{j}]"):
            orders_root = apply_order(cs, s.ord[j], new_live, orders_root)
    return orders_root


def _accounts(cs: ConstraintSystem, params: Params, s: Slot, inp: Callable[..., SlotInput], op: Callable[[], str],
              accounts_root: LC) -> LC:
    """The account updates and balance legs of the op table's ``legs``; returns the accounts root."""
    v = cs.value
    moves = rules.balance_moves(s)

    def move(a: int, k: int) -> Move | None:
        """The op's move on leg k of account update a (witness functions only)."""
        i = OPS[op()].leg_index(a, k)
        return None if i is None else moves[op()][i]

    def account_id(a: int) -> int:
        m = move(a, 0)
        return 0 if m is None else v(m.account)

    with cs.namespace("acct[0]"):
        dep_exists = cs.alloc("dep_exists", lambda: inp().acct[0].exists if op() == "deposit" else 0)
        assert_bool(cs, dep_exists, "dep_exists_bool")
        pin_unless(cs, s.sel["deposit"], [dep_exists], "pin_dep_exists")
    for a, n_legs in enumerate(LEGS_PER_ACCOUNT):
        users = [spec.name for spec in OP_TABLE if len(spec.legs) > a]
        en = s.any(*users)
        exists = s.any(*(u for u in users if u != "deposit")) + (dep_exists if a == 0 else 0)
        with cs.namespace(f"acct[{a}]"):
            s.acct.append(alloc_account(cs, params.accounts_depth, lambda a=a: inp().acct[a],
                                        lambda a=a: account_id(a), en, exists))
    for a, n_legs in enumerate(LEGS_PER_ACCOUNT):
        for k in range(n_legs):
            en = s.any(*(spec.name for spec in OP_TABLE if spec.leg_index(a, k) is not None))

            def asset(a: int = a, k: int = k) -> int:
                m = move(a, k)
                return 0 if m is None else v(m.asset)

            def new_amount(old: int, a: int = a, k: int = k) -> int:
                m = move(a, k)
                return 0 if m is None else old + v(m.delta)

            with cs.namespace(f"acct[{a}]/leg[{k}]"):
                alloc_leg(cs, s.acct[a], params.assets_depth, lambda a=a, k=k: inp().acct[a].legs[k],
                          asset, new_amount, en)
    rules.balance_legs(cs, s, moves)
    pk_new0 = rules.deposit_pubkey(cs, s, dep_exists)
    nonce0 = rules.nonce_bump(cs, s)
    for a, acct in enumerate(s.acct):
        with cs.namespace(f"acct[{a}]"):
            pk = pk_new0 if a == 0 else (acct.pk_x, acct.pk_y)
            accounts_root = apply_account(cs, acct, params.assets_depth, pk, accounts_root,
                                          nonce0 if a == 0 else None)
    return accounts_root


def slot_circuit(cs: ConstraintSystem, params: Params, inp: Callable[..., SlotInput],
                 accounts_root: LC, orders_root: LC) -> tuple[LC, LC, LC, LC]:
    """Constrain one slot; returns (accounts_root, orders_root after, op_hash, is_bridge)."""
    s = _op_inputs(cs, inp)

    def op() -> str:
        """The slot's op type name (witness functions only)."""
        return s.op_name(cs.value(s.f[0]))

    rules.op_type_onehot(cs, s)
    rules.canonical_encoding(cs, s)
    rules.amounts_in_range(cs, s)
    rules.amount_positive(cs, s)
    orders_root = _orders(cs, params, s, inp, op, orders_root)
    accounts_root = _accounts(cs, params, s, inp, op, accounts_root)
    op_hash = poseidon(cs, s.f, "op_hash")
    _sig_inputs(cs, s, inp)
    rules.signature(cs, s, op_hash)
    return accounts_root, orders_root, op_hash, s.any(*BRIDGE)
