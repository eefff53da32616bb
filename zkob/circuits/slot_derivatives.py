"""The derivatives parts of a full slot: the instrument access, the position slots, cash, the margin evaluations.

Built only for full slots (V2.md); slot.py calls them between its order
and account updates. All of them are in the slot whatever op it holds,
gated by the op-type selectors, so the R1CS is one per slot kind:

- ``open_instrument`` and ``apply_instrument``: the instrument a list inserts or a dplace,
  dfill, liquidate or settle reads, proven in the instruments tree at its
  id (a read's old and new leaves are equal, so the root does not move; a
  list's old leaf is 0: ``instrument_free``; a read's old leaf is
  H(terms), which a free id (leaf 0) cannot match: ``instrument_listed``).
  Also the instrument's index price S (the oracle entry of its
  underlying) and its contract value v at S, or at the settlement price
  for a settle (one evaluation of margin.contract_value serves both).
- ``margin_accounts``: for each account update whose op changes cash or a
  position (margin, dfill, liquidate, settle), its P position slots are
  opened from the leaf's positions hash; account 1's position is updated
  first (a liquidation's direction d = sign(q) * qty follows its size q),
  then account 0's; each new cash is the old one plus the op's move
  (rules_derivatives.cash_move). Then the three margin evaluations of
  the op table's rows, one per (account update, before/after):
  acct[0] after (margin out, dfill buyer, liquidator), acct[1] after
  (dfill seller, liquidated account), acct[1] before (liquidated
  account); their rules are in rules_derivatives.py.

Cost at D_I = 8, U = 4, P = 4: instrument access ~4,560 (tree update
3,856, leaf 321, id and pins ~30, S and v ~150); position slots 2 x
1,765; position updates 2 x ~830; three margin evaluations 3 x 1,283
plus 5 comparisons x 131 (``zkob circuit info`` has the exact split).
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial

from ..state.protocol import ACCOUNT_UPDATES, OP_TABLE, OPS
from . import rules_derivatives
from .cs import LC, ConstraintSystem, as_lc
from .gadgets.merkle import index_bits, merkle_update
from .gadgets.select import mux_onehot
from .gadgets.signed import onehot
from .instruments import alloc_instrument, instrument_leaf
from .margin import AccountWires, contract_value
from .positions import alloc_slots, positions_hash, update_position
from .slot_wires import InstrumentVars, PositionVars, Slot, assert_equal_by_op
from .updates import chain_root, pin_unless
from .witness import SlotInput, opens_positions

INSTRUMENT_USERS = tuple(spec.name for spec in OP_TABLE if spec.instrument is not None)
INSTRUMENT_INSERTS = tuple(spec.name for spec in OP_TABLE if spec.instrument == "insert")


def instrument_ids(s: Slot) -> dict[str, LC]:
    """The instrument id each op type that touches one names (a dfill: its taker order's)."""
    f = s.field
    return {"list": f("list", "instrument"), "dplace": f("dplace", "instrument"),
            "dfill": s.ord[0].old["instrument"], "liquidate": f("liquidate", "instrument"),
            "settle": f("settle", "instrument")}


def open_instrument(cs: ConstraintSystem, s: Slot, inp: Callable[..., SlotInput]) -> None:
    """The op's instrument: id (the op's), leaf fields, siblings (``s.inst``); its index price and value.

    ``apply_instrument`` proves the leaf in the tree after the slot's rules.
    """
    params, market = s.market.params, s.market
    en, inserts = s.any(*INSTRUMENT_USERS), s.any(*INSTRUMENT_INSERTS)
    with cs.namespace("instrument"):
        ident = cs.alloc("id", lambda: inp().instrument.id)
        bits = index_bits(cs, ident, params.instruments_depth, "id_bits")
        leaf = alloc_instrument(cs, lambda: inp().instrument.leaf, "leaf")
        sibs = [cs.alloc(f"sib[{k}]", lambda k=k: inp().instrument.siblings[k])
                for k in range(params.instruments_depth)]
        pin_unless(cs, en, [as_lc(ident), *sibs, leaf.kind.future, leaf.kind.call, leaf.kind.put, leaf.underlying,
                            leaf.strike, leaf.expiry, leaf.settle_price], "pin_disabled")
        s.inst = InstrumentVars(ident, bits, leaf, sibs, en, inserts)
        assert_equal_by_op(cs, s, ident, {op: v for op, v in instrument_ids(s).items() if op in INSTRUMENT_USERS},
                           "id")
        under = onehot(cs, leaf.underlying, params.underlyings, "list_underlying", enabled=en)
        s.t["index_price"] = mux_onehot(cs, list(under), list(market.oracle.prices), "index_price")
        with cs.namespace("value"):
            price = s.t["index_price"] + cs.mul(s.sel["settle"], leaf.settle_price - s.t["index_price"], "price")
            s.t["value"] = contract_value(cs, leaf.kind, leaf.strike, price)


def apply_instrument(cs: ConstraintSystem, s: Slot, root: LC) -> LC:
    """A read proves H(terms) at the id (the root does not move); a list writes it where 0 was. Returns the root."""
    inst = s.inst
    assert inst is not None, "open_instrument runs first"
    with cs.namespace("instrument"):
        leaf_hash = instrument_leaf(cs, inst.leaf, name="leaf_hash")
        old_leaf = cs.mul(inst.en - inst.inserts, leaf_hash, "old_leaf")
        old_root, new_root = merkle_update(cs, old_leaf, leaf_hash, inst.bits, inst.siblings, "tree")
        return chain_root(cs, inst.en, old_root, new_root, root)


def _open_positions(cs: ConstraintSystem, s: Slot, inp: Callable[..., SlotInput], a: int) -> PositionVars:
    """Account update a's P slots, read from the witness and proven against its positions hash when its op
    changes cash or a position; all free (pinned) otherwise. Costs 1,765 at P = 4."""
    params = s.market.params
    opened = s.any(*(spec.name for spec in OP_TABLE if opens_positions(spec, a)))
    with cs.namespace(f"acct[{a}]/positions"):
        before = alloc_slots(cs, params.positions, lambda: inp().acct[a].slots)
        for j, slot in enumerate(before):
            pin_unless(cs, opened, [slot.kind.future, slot.kind.call, slot.kind.put], f"pin_unopened[{j}]")
    digest = positions_hash(cs, before, f"acct[{a}]/positions")
    cs.enforce(opened, digest - s.acct[a].positions_hash, 0, f"acct[{a}]/positions/opened")
    return PositionVars(opened, before)


def margin_accounts(cs: ConstraintSystem, s: Slot, inp: Callable[..., SlotInput],
                    positions: list[LC]) -> tuple[list[LC], list[LC]]:
    """Positions and cash of both account updates after the op, and the slot's margin evaluations.

    ``positions`` are the hashes the new leaves keep when no position
    changes; returns (cash after, positions hash after) per account update.
    """
    assert s.inst is not None, "open_instrument runs first"
    s.pos = [_open_positions(cs, s, inp, a) for a in range(ACCOUNT_UPDATES)]
    changes = [tuple(spec.name for spec in OP_TABLE if len(spec.accounts) > a and spec.accounts[a].position)
               for a in range(ACCOUNT_UPDATES)]
    for a in (1, 0):  # account 1's size fixes a liquidation's direction, which account 0 takes the other side of
        with cs.namespace(f"acct[{a}]"):
            s.pos[a].update = update_position(
                cs, s.pos[a].before, s.inst.id, s.inst.leaf,
                partial(rules_derivatives.position_move, cs, s, a), s.any(*changes[a]), name="position")
    cash, after = [], []
    for a, acct in enumerate(s.acct):
        update = s.pos[a].update
        assert update is not None
        with cs.namespace(f"acct[{a}]"):
            cash.append(acct.cash + rules_derivatives.cash_move(cs, s, a))
            after.append(positions[a] + cs.mul(s.any(*changes[a]), update.positions_hash - acct.positions_hash,
                                               "positions_after"))
    before1 = s.pos[1].before
    slots = [u.slots for u in (s.pos[0].update, s.pos[1].update) if u is not None]
    s.units = {"acct[1]/before": AccountWires(s.acct[1].cash, before1), "acct[0]/after": AccountWires(cash[0], slots[0]),
               "acct[1]/after": AccountWires(cash[1], slots[1])}
    assert set(s.units) == {f"acct[{e.account}]/{e.when}" for spec in OPS.values() for e in spec.margin}
    return cash, after
