"""Where the batch circuit's constraints go, for ``zkob circuit info`` and bench/.

``cost_report(params)`` counts the constraints of the built circuit by
gadget kind (the innermost ``kind`` tag of cs.namespace: poseidon, merkle
swaps, bits, compare, select, and "rule" for the rules' own constraints)
and, for slot 0, by component (``acct[j]``, its balance legs
``acct[j]/leg[k]``, ``ord[j]``, ``op_hash``,
``commitment``, ``sig`` (the signature check), ``pubkey_invalid`` (a new
account's key), rules...). Costs one pass over the labels.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import asdict, dataclass

from ..state.params import Params
from .batch import build_circuit


@dataclass(frozen=True)
class CostReport:
    params: dict[str, int]
    constraints: int
    wires: int
    public: int
    private: int
    per_slot: tuple[int, ...]
    outside_slots: int
    by_kind: dict[str, int]
    slot0_by_part: dict[str, int]
    digest: str

    def to_dict(self) -> dict[str, object]:
        return asdict(self)


def _part(label: str) -> str:
    parts = label.split("/")
    if parts[1].startswith("acct[") and parts[2].startswith("leg["):
        return f"{parts[1]}/{parts[2]}"
    if parts[1].startswith(("acct[", "ord[")):
        return parts[1]
    if parts[1] in ("op_hash", "commitment", "bridge_hash", "bridge", "sig"):
        return parts[1]
    if parts[1] == "pubkey" and parts[2] == "pubkey_invalid":
        return "pubkey_invalid"
    return "rules and terms"


def cost_report(params: Params) -> CostReport:
    """Counts for the circuit of ``params`` (builds it once; cached by build_circuit)."""
    r1cs, layout = build_circuit(params)
    slot0 = Counter(_part(c.label) for c in r1cs.constraints if c.label.startswith("op[0]/"))
    return CostReport(
        params=asdict(params), constraints=layout.n_constraints, wires=layout.n_wires,
        public=layout.n_public, private=layout.n_wires - 1 - layout.n_public,
        per_slot=layout.slot_constraints, outside_slots=layout.n_constraints - sum(layout.slot_constraints),
        by_kind=dict(layout.by_kind), slot0_by_part=dict(sorted(slot0.items())), digest=r1cs.digest(),
    )
