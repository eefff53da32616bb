"""Where the batch circuit's constraints go, for ``zkob circuit info`` and bench/.

``cost_report(params)`` builds the circuit (cached by build_circuit) and
counts its constraint labels, the one source; nothing here is a constant:

- totals, per slot, outside the slots (by first label component), and by
  gadget kind (the innermost ``kind`` tag of cs.namespace: poseidon,
  merkle swaps, bits, compare, select, eddsa, "rule" for the rules' own);
- per slot kind (spot, full): the slots of that kind, each one's count,
  and the first one's parts (cost_parts.slot_part);
- per op type: the slot kind it needs, its rule section (the labels that
  name it), the updates it enables (the op table's parts it uses, counted
  in the first slot of the smallest kind that holds it) and ``only``: its
  rule section plus the updates no other op type of that kind uses, what
  the slot would shed without the op;
- per gadget (overlapping views, each per unit and in total): the margin
  evaluations of a full slot, a report slot of the market section and one
  signer of its quorum, the positions hash, an EdDSA check, a Merkle
  level, the instruments access of a full slot.

``slot0_by_part`` keeps the finer split of slot 0 of the first version.
Costs one pass over the labels per view (~1 s at the default parameters).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass

from ..state.protocol import OP_TABLE, SLOT_KINDS
from ..state.params import Params
from .batch import build_circuit
from .cost_parts import is_positions_hash, is_update, part_users, slot_part, unit_prefix


@dataclass(frozen=True)
class SlotKindCost:
    """The slots of one kind: their indices, each one's constraints, and the first one's parts."""

    kind: str
    slots: tuple[int, ...]
    constraints: tuple[int, ...]
    parts: dict[str, int]


@dataclass(frozen=True)
class OpCost:
    """One op type: the slot kind it needs, its rule section, the updates it enables, what only it uses."""

    op: str
    needs: str
    measured_in_slot: int | None  # None: no slot of the params holds it
    rules: int
    updates: dict[str, int]
    only: int


@dataclass(frozen=True)
class GadgetCost:
    """One gadget: constraints of one unit of it (the most common count), how many units, the total."""

    gadget: str
    unit: str
    per_unit: int
    units: int
    total: int


@dataclass(frozen=True)
class CostReport:
    params: dict[str, object]
    constraints: int
    wires: int
    public: int
    private: int
    per_slot: tuple[int, ...]
    outside_slots: int
    outside_by_part: dict[str, int]
    by_kind: dict[str, int]
    slot_kinds: tuple[SlotKindCost, ...]
    ops: tuple[OpCost, ...]
    gadgets: tuple[GadgetCost, ...]
    slot0_by_part: dict[str, int]
    digest: str

    def to_dict(self) -> dict[str, object]:
        return asdict(self)


def _slot0_part(label: str) -> str:
    parts = label.split("/")
    if parts[1].startswith("acct[") and len(parts) > 2 and parts[2].startswith("leg["):
        return f"{parts[1]}/{parts[2]}"
    if parts[1].startswith(("acct[", "ord[")):
        return parts[1]
    if parts[1] in ("op_hash", "commitment", "bridge_hash", "bridge", "sig"):
        return parts[1]
    if parts[1] == "pubkey" and len(parts) > 2 and parts[2] == "pubkey_invalid":
        return "pubkey_invalid"
    return "rules and terms"


def _split(labels: Iterable[str], n_slots: int) -> tuple[list[list[str]], list[str]]:
    """Each slot's labels without their ``op[i]/`` prefix, and the labels outside the slots."""
    slots: list[list[str]] = [[] for _ in range(n_slots)]
    outside = []
    for label in labels:
        if label.startswith("op["):
            i = label.index("]")
            slots[int(label[3:i])].append(label[i + 2:])
        else:
            outside.append(label)
    return slots, outside


def _op_costs(params: Params, parts_of: Callable[[int], dict[str, int]]) -> tuple[OpCost, ...]:
    """Each op type measured in the first slot of the smallest kind that holds it."""
    kinds = params.slot_kinds
    out = []
    for spec in OP_TABLE:
        if spec.name == "noop":
            continue
        needs = "full" if spec.full_only else "spot"
        slot = next((i for k in SLOT_KINDS for i, kind in enumerate(kinds) if kind == k and spec.accepted_by(k)), None)
        if slot is None:
            out.append(OpCost(spec.name, needs, None, 0, {}, 0))
            continue
        parts = parts_of(slot)
        here = {s.name for s in OP_TABLE if s.accepted_by(kinds[slot])}
        rules = sum(n for p, n in parts.items() if p == f"rules:{spec.name}")
        updates = {}
        only = rules
        for part, n in parts.items():
            users = part_users(part)
            if users is None or spec.name not in users:
                continue
            if is_update(part):
                updates[part] = n
            if not part.startswith("rules:") and users & here == {spec.name}:
                only += n
        out.append(OpCost(spec.name, needs, slot, rules, updates, only))
    return tuple(out)


def _gadget(name: str, unit: str, prefixes: list[str]) -> GadgetCost:
    """A gadget from the unit prefix of each of its constraints (one unit per distinct prefix)."""
    per = Counter(prefixes)
    mode = Counter(per.values()).most_common(1)[0][0] if per else 0
    return GadgetCost(name, unit, mode, len(per), len(prefixes))


def _gadgets(params: Params, slots: list[list[str]], outside: list[str]) -> tuple[GadgetCost, ...]:
    full = [i for i, k in enumerate(params.slot_kinds) if k == "full"]
    every = [f"op[{i}]/{r}" for i, rest in enumerate(slots) for r in rest] + outside

    def in_full(test: Callable[[str], bool]) -> list[str]:
        return [f"op[{i}]" for i in full for r in slots[i] if test(r)]

    def prefixes(marker: str, labels: Iterable[str]) -> list[str]:
        return [p for p in (unit_prefix(label, marker) for label in labels) if p is not None]

    reports = [label.split("/")[0] for label in outside if label.startswith("report[")]
    signer_units = [label.split("/", 3)[:3] for label in outside
                    if label.startswith("report[") and "/report_quorum/sig[" in label]
    return (
        _gadget("margin evaluations", "full slot (the margin twin: margin.py)", in_full(lambda r: r.startswith("margin_eval/"))),
        _gadget("reports", "report slot of the market section", reports),
        _gadget("report signer", "signer in a report's quorum", ["/".join(u) for u in signer_units]),
        _gadget("positions hash", "full slot (open and re-hash both accounts' slots)", in_full(is_positions_hash)),
        _gadget("EdDSA", "signature check", prefixes("eddsa", every)),
        _gadget("Merkle level", "level of a tree update", prefixes("level", every)),
        _gadget("instruments access", "full slot", in_full(lambda r: r.startswith("instrument/"))),
    )


def _outside_part(label: str) -> str:
    return label.split("/")[0]


def cost_report(params: Params) -> CostReport:
    """Counts for the circuit of ``params`` (builds it once; cached by build_circuit)."""
    r1cs, layout = build_circuit(params)
    labels = [c.label for c in r1cs.constraints]
    slots, outside = _split(labels, len(params.slot_kinds))
    parts = [dict(sorted(Counter(slot_part(r) for r in rest).items())) for rest in slots]
    kinds = tuple(
        SlotKindCost(k, tuple(i for i, kind in enumerate(params.slot_kinds) if kind == k),
                     tuple(layout.slot_constraints[i] for i, kind in enumerate(params.slot_kinds) if kind == k),
                     next((parts[i] for i, kind in enumerate(params.slot_kinds) if kind == k), {}))
        for k in SLOT_KINDS)
    slot0 = Counter(_slot0_part(label) for label in labels if label.startswith("op[0]/"))
    return CostReport(
        params=asdict(params), constraints=layout.n_constraints,
        wires=layout.n_wires, public=layout.n_public, private=layout.n_wires - 1 - layout.n_public,
        per_slot=layout.slot_constraints, outside_slots=layout.n_constraints - sum(layout.slot_constraints),
        outside_by_part=dict(sorted(Counter(_outside_part(label) for label in outside).items())),
        by_kind=dict(layout.by_kind), slot_kinds=kinds, ops=_op_costs(params, lambda i: parts[i]),
        gadgets=_gadgets(params, slots, outside), slot0_by_part=dict(sorted(slot0.items())), digest=r1cs.digest(),
    )
