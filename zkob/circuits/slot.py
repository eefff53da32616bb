"""One slot of the batch circuit: one function for both slot kinds (V2.md), its updates and rules.

``slot_circuit`` allocates the op (a one-hot type selector per op type the
slot's kind accepts, and the seven encoding fields), the order updates of
updates.py and the account updates of accounts.py in the shape the op
table fixes (2 order updates; acct[0] with 2 balance legs, acct[1] with
1), the derived terms the rules need (escrow, refund, buyer, prices),
applies every spot rule of rules.py and chains the orders root through
ord[0], ord[1] and the accounts root through acct[0] and acct[1]. A
*full* slot also builds the derivatives parts of slot_derivatives.py and
rules_derivatives.py: the instrument access (instruments tree), the
position slots of both accounts, cash, the three margin evaluations and
the list op's step of the market digest. A *spot* slot builds none of
them: its accounts' cash and positions hash pass through unchanged, and
it has no selector for a derivatives op, so none can be put there.

A signed op's EdDSA-Poseidon signature is verified in every slot (gated
by the op type) over H(venue, op_hash, nonce) with acct[0]'s key and nonce
(rules.signature). Where a spot slot's constraints go at depths D_A, D_O,
D_B: 2 account updates of D_A * 482 + ~750 with 3 balance legs of
D_B * 482 + ~160, 2 order updates of D_O * 482 + ~1,100, the op hash
(8 inputs, 402), ~450 for the rules, and ~5,340 for authorization. The
commitment and bridge hashes (2 * 240) are added by batch.py. A full slot's
extra parts are listed in slot_derivatives.py.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from ..state.protocol import ACCOUNT_UPDATES, BRIDGE, LEGS_PER_ACCOUNT, OP_TABLE, OPS, ORDER_UPDATES, SIGNED, SlotKind
from ..state.trace import ORDER_LEAF_FIELDS
from . import rules, rules_derivatives, slot_derivatives
from .accounts import alloc_account, alloc_leg, apply_account, created_positions_hash
from .cs import LC, ConstraintSystem, as_lc
from .gadgets.bits import assert_bool
from .gadgets.compare import is_zero
from .gadgets.poseidon import poseidon
from .gadgets.select import select
from .market import market_digest_step
from .rules import Move
from .slot_wires import MarketWires, Slot
from .updates import alloc_order, alloc_order_new, apply_order, pin_unless
from .witness import SlotInput


@dataclass
class Roots:
    """The running roots a slot reads and returns: the three trees and the market digest."""

    accounts: LC
    orders: LC
    instruments: LC
    digest: LC


def _op_inputs(cs: ConstraintSystem, kind: SlotKind, market: MarketWires, inp: Callable[..., SlotInput]) -> Slot:
    """One selector per op type of the kind (``sel[name]``) and the encoding fields f1..f7; f0 = sum code * sel."""
    specs = [spec for spec in OP_TABLE if spec.accepted_by(kind)]
    sel = {spec.name: cs.alloc(f"sel[{spec.name}]", lambda code=spec.code: int(inp().encoding[0] == code))
           for spec in specs}
    f0 = LC()
    for spec in specs:
        f0 = f0 + sel[spec.name] * spec.code
    f = [f0, *(cs.alloc(f"f{j}", lambda j=j: inp().encoding[j]) for j in range(1, 8))]
    return Slot(kind, market, sel, f)


def _sig_inputs(cs: ConstraintSystem, s: Slot, inp: Callable[..., SlotInput]) -> None:
    """The signature wires sig/R8_x, sig/R8_y, sig/S, pinned to 0 unless the op is signed. Costs 3."""
    with cs.namespace("sig"):
        s.sig = [as_lc(cs.alloc(name, lambda k=k: inp().sig[k])) for k, name in enumerate(("R8_x", "R8_y", "S"))]
        pin_unless(cs, s.any(*SIGNED), s.sig, "pin_unsigned")


def _fill_terms(cs: ConstraintSystem, s: Slot) -> None:
    """Buyer, seller, buy and sell prices of the taker/maker pair; the two quote amounts. Costs 4.

    fill and dfill keep taker, maker and qty in the same fields, so one set of terms serves both.
    """
    taker, maker = s.ord[0].old, s.ord[1].old
    qty = s.shared(("fill", "qty"), ("dfill", "qty"))
    with cs.namespace("fill_terms"):
        s.t["buyer"] = select(cs, taker["side"], maker["account"], taker["account"], "buyer")
        s.t["seller"] = taker["account"] + maker["account"] - s.t["buyer"]
        s.t["buy_price"] = select(cs, taker["side"], maker["price"], taker["price"], "buy_price")
        s.t["sell_price"] = taker["price"] + maker["price"] - s.t["buy_price"]
        s.t["trade_quote"] = cs.mul(qty, maker["price"], "trade_quote")
        s.t["fill_refund"] = cs.mul(qty, s.t["buy_price"] - maker["price"], "fill_refund")


def _escrow_terms(cs: ConstraintSystem, s: Slot) -> None:
    """Escrow of the order placed (ord[0]'s new leaf) and of the one cancelled (old leaf). Costs 10.

    A derivatives order holds no escrow: its cancel refunds 0 (on asset 0,
    its base and quote being 0).
    """
    new, old = s.ord[0].new, s.ord[0].old
    with cs.namespace("escrow_terms"):
        product = cs.mul(new["price"], new["remaining"], "place_product")
        s.t["escrow"] = select(cs, new["side"], new["remaining"], product, "escrow")
        s.t["escrow_asset"] = select(cs, new["side"], new["base"], new["quote"], "escrow_asset")
        product = cs.mul(old["price"], old["remaining"], "cancel_product")
        spot = is_zero(cs, old["instrument"], "spot_order")
        s.t["refund"] = cs.mul(spot, select(cs, old["side"], old["remaining"], product, "refund_all"), "refund")
        s.t["refund_asset"] = select(cs, old["side"], old["base"], old["quote"], "refund_asset")


def _orders(cs: ConstraintSystem, s: Slot, inp: Callable[..., SlotInput], op: Callable[[], str],
            orders_root: LC) -> LC:
    """The order updates of the op table's ``orders``, their leaves and rules; returns the orders root."""
    v, params = cs.value, s.market.params
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
            live.append(cs.mul(s.any("fill", "dfill"), 1 - gone, "fill_live"))
    rules.order_ids(cs, s)
    rules.place_order(cs, s)
    rules.place_values(cs, s)
    rules.fill_kind(cs, s)
    if s.kind == "full":
        rules_derivatives.dfill_orders(cs, s)
    rules.fill_match(cs, s)
    rules.fill_orders(cs, s, live)
    rules.cancel_order(cs, s)
    _escrow_terms(cs, s)
    rules.escrow_range(cs, s)
    for j, new_live in enumerate((s.any("place", "dplace") + live[0], live[1])):
        with cs.namespace(f"ord[{j}]"):
            orders_root = apply_order(cs, s.ord[j], new_live, orders_root)
    return orders_root


def _accounts(cs: ConstraintSystem, s: Slot, inp: Callable[..., SlotInput], op: Callable[[], str],
              accounts_root: LC) -> LC:
    """The account updates, balance legs, (full slots) cash and positions; returns the accounts root."""
    v, params = cs.value, s.market.params
    ids = rules.account_ids(s)
    moves = rules.balance_moves(s)

    def move(a: int, k: int) -> Move | None:
        """The op's move on leg k of account update a (witness functions only)."""
        where = rules.leg_positions(op())
        return moves[op()][where.index((a, k))] if (a, k) in where else None

    def account_id(a: int) -> int:
        named = ids.get(op(), ())
        return v(named[a]) if a < len(named) else 0

    with cs.namespace("acct[0]"):
        dep_exists = cs.alloc("dep_exists", lambda: inp().acct[0].exists if op() == "deposit" else 0)
        assert_bool(cs, dep_exists, "dep_exists_bool")
        pin_unless(cs, s.sel["deposit"], [dep_exists], "pin_dep_exists")
    for a in range(ACCOUNT_UPDATES):
        users = [spec.name for spec in OP_TABLE if len(spec.accounts) > a]
        exists = s.any(*(u for u in users if u != "deposit")) + (dep_exists if a == 0 else 0)
        with cs.namespace(f"acct[{a}]"):
            s.acct.append(alloc_account(cs, params.accounts_depth, params.assets_depth, lambda a=a: inp().acct[a],
                                        lambda a=a: account_id(a), s.any(*users), exists))
    for a, acct in enumerate(s.acct):
        for k in range(LEGS_PER_ACCOUNT[a]):
            en = s.any(*(spec.name for spec in OP_TABLE if (a, k) in rules.leg_positions(spec.name)))

            def asset(a: int = a, k: int = k) -> int:
                m = move(a, k)
                return 0 if m is None else v(m.asset)

            def new_amount(old: int, a: int = a, k: int = k) -> int:
                m = move(a, k)
                return 0 if m is None else old + v(m.delta)

            with cs.namespace(f"acct[{a}]/leg[{k}]"):
                alloc_leg(cs, acct, params.assets_depth, lambda a=a, k=k: inp().acct[a].legs[k], asset, new_amount, en)
    rules.balance_legs(cs, s, moves)
    rules.cash_negative(cs, s)
    pk_new0 = rules.deposit_pubkey(cs, s, dep_exists)
    nonce0 = rules.nonce_bump(cs, s)
    cash = [a.cash for a in s.acct]
    positions = [created_positions_hash(a, params.positions) for a in s.acct]
    if s.kind == "full":
        cash, positions = slot_derivatives.margin_accounts(cs, s, inp, positions)
        rules_derivatives.apply_all(cs, s)
    for a, acct in enumerate(s.acct):
        with cs.namespace(f"acct[{a}]"):
            pk = pk_new0 if a == 0 else (acct.pk_x, acct.pk_y)
            accounts_root = apply_account(cs, acct, pk, nonce0 if a == 0 else acct.nonce, cash[a], positions[a],
                                          accounts_root)
    return accounts_root


def slot_circuit(cs: ConstraintSystem, kind: SlotKind, market: MarketWires, inp: Callable[..., SlotInput],
                 roots: Roots) -> tuple[Roots, LC, LC]:
    """Constrain one slot of ``kind``; returns (the roots after it, op_hash, is_bridge)."""
    s = _op_inputs(cs, kind, market, inp)

    def op() -> str:
        """The slot's op type name (witness functions only)."""
        return s.op_name(cs.value(s.f[0]))

    rules.op_type_onehot(cs, s)
    rules.canonical_encoding(cs, s)
    rules.amounts_in_range(cs, s)
    rules.amount_positive(cs, s)
    if kind == "full":
        rules_derivatives.margin_amount(cs, s)
    orders = _orders(cs, s, inp, op, roots.orders)
    if kind == "full":
        slot_derivatives.open_instrument(cs, s, inp)
    accounts = _accounts(cs, s, inp, op, roots.accounts)
    instruments = roots.instruments
    if kind == "full":
        instruments = slot_derivatives.apply_instrument(cs, s, instruments)
    op_hash = poseidon(cs, s.f, "op_hash")
    _sig_inputs(cs, s, inp)
    rules.signature(cs, s, op_hash)
    digest = roots.digest
    if kind == "full":
        digest = market_digest_step(cs, digest, op_hash, s.sel["list"], "market_digest")
    return Roots(accounts, orders, instruments, digest), op_hash, s.any(*BRIDGE)
