"""The wires one slot's rules talk about (``Slot``) and the batch-wide wires every slot reads (``MarketWires``).

A slot is ``spot`` or ``full`` (V2.md; state/params.slot_kinds). Its
``sel`` holds one selector per op type its kind accepts (a spot slot has
none for list, margin, dplace, dfill, liquidate or settle, so no witness
can put one there); ``any`` and ``has`` treat an absent op type as a
selector fixed to 0, which is how one rule function serves both kinds.
Ops are read by name, ``s.field("place", "price")``, from the op table
(state/protocol.py).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from dataclasses import field as dc_field

from ..state.params import Params
from ..state.protocol import BY_CODE, OPS, SlotKind
from .accounts import AccountVars, LegVars
from .config import ConfigWires
from .cs import LC, ConstraintSystem, as_lc
from .gadgets.compare import assert_equal_if
from .instruments import InstrumentWires
from .margin import AccountWires
from .market import OracleWires
from .positions import PositionUpdate, SlotWires
from .updates import OrderVars


@dataclass
class MarketWires:
    """What every slot of a batch reads: the params, batch time T, the config, the oracle entries after the reports."""

    params: Params
    time: LC
    cfg: ConfigWires
    oracle: OracleWires


@dataclass
class InstrumentVars:
    """A full slot's instrument access: the id (path bits), the leaf's fields, siblings, enable flags."""

    id: LC
    bits: list[LC]
    leaf: InstrumentWires
    siblings: list[LC]
    en: LC
    inserts: LC


@dataclass
class PositionVars:
    """An account update's position slots in a full slot: opened before, and the update of one of them."""

    opened: LC
    before: list[SlotWires]
    update: PositionUpdate | None = None


@dataclass
class Slot:
    """The wires of one slot that the rules talk about."""

    kind: SlotKind
    market: MarketWires
    sel: dict[str, LC]  # one-hot op-type selectors of the ops this kind accepts, by op name
    f: list[LC]  # the encoding [type, f1..f7]
    ord: list[OrderVars] = dc_field(default_factory=list)
    acct: list[AccountVars] = dc_field(default_factory=list)
    t: dict[str, LC] = dc_field(default_factory=dict)  # derived terms: escrow, buyer, prices, cash moves...
    sig: list[LC] = dc_field(default_factory=list)  # R8.x, R8.y, S (0 unless a signed op)
    inst: InstrumentVars | None = None  # full slots only
    pos: list[PositionVars] = dc_field(default_factory=list)  # full slots only, per account update
    units: dict[str, AccountWires] = dc_field(default_factory=dict)  # full slots: the margin evaluations

    def has(self, op: str) -> bool:
        """True when this slot's kind accepts op type ``op``."""
        return op in self.sel

    def any(self, *names: str) -> LC:
        """Sum of the named selectors (absent op types count 0): 1 when the slot holds one of them."""
        total = LC()
        for n in names:
            if n in self.sel:
                total = total + self.sel[n]
        return total

    def field(self, op: str, name: str) -> LC:
        """The encoding wire that holds field ``name`` of op type ``op`` (``field("place", "price")``)."""
        return self.f[OPS[op].position(name)]

    def shared(self, *uses: tuple[str, str]) -> LC:
        """The one encoding wire that holds every (op, field) of ``uses``; a table change that splits them fails here."""
        wires = {OPS[op].position(name) for op, name in uses}
        assert len(wires) == 1, f"{uses} no longer share an encoding position"
        return self.f[wires.pop()]

    @property
    def legs(self) -> list[LegVars]:
        """Every balance leg in trace order: acct[0]'s legs, then acct[1]'s."""
        return [leg for a in self.acct for leg in a.legs]

    def op_name(self, value: int) -> str:
        """The op type whose code is ``value`` (witness functions only)."""
        return BY_CODE[value].name


def assert_equal_by_op(cs: ConstraintSystem, s: Slot, target: LC, values: Mapping[str, LC], label: str) -> None:
    """target == values[X] whenever the slot holds an X. Costs one constraint per distinct value.

    Op types whose value is the same linear combination share one
    constraint gated by the sum of their selectors; its label names them
    (``label[deposit,withdraw]``). Op types the slot's kind does not accept
    are skipped.
    """
    groups: dict[tuple[tuple[int, int], ...], tuple[LC, list[str]]] = {}
    for op, value in values.items():
        if not s.has(op):
            continue
        key = tuple(sorted(as_lc(value).terms.items()))
        groups.setdefault(key, (as_lc(value), []))[1].append(op)
    for value, ops in groups.values():
        assert_equal_if(cs, s.any(*ops), target, value, f"{label}[{','.join(ops)}]")


def value_by_op(cs: ConstraintSystem, s: Slot, values: Mapping[str, LC], name: str) -> LC:
    """sum over op types X of sel[X] * values[X]: the value of the op the slot holds (0 for others).

    Costs one constraint per op type whose value is not a constant (absent
    op types are skipped).
    """
    total = LC()
    for op, value in values.items():
        if not s.has(op):
            continue
        v = as_lc(value)
        const = v.constant_value()
        total = total + (s.sel[op] * const if const is not None else cs.mul(s.sel[op], v, f"{name}[{op}]"))
    return total
