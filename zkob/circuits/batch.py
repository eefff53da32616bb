"""The batch-transition circuit of docs/protocol.md section 6, and its public API.

Public inputs, in order: ``[old_root, new_root, commitment, bridge]``
(state/protocol.py's ``PUBLIC_INPUTS``).
Private: the accounts and orders roots behind old_root, the salt, and K
slots (slot.py). The circuit proves

    old_root = H(A_0, O_0),  (A_{i+1}, O_{i+1}) = slot_i(A_i, O_i),
    new_root = H(A_K, O_K),  c_0 = salt, c_{i+1} = H(c_i, op_hash_i),
    b_0 = 0, b_{i+1} = deposit/withdraw_i ? H(b_i, op_hash_i) : b_i,
    commitment = c_K, bridge = b_K.

API::

    r1cs, layout = build_circuit(params)        # cached per params
    witness = witness_for(params, batch_trace)  # list[int], satisfies r1cs

The R1CS depends on the parameters only (setup mode never reads a
witness); ``witness_for`` runs the same code in prove mode.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from functools import lru_cache

from ..state.params import Params
from ..state.protocol import PUBLIC_INPUTS
from ..state.trace import BatchTrace
from ..zk.errors import Unsatisfied
from ..zk.r1cs import R1CS
from .cs import LC, ConstraintSystem
from .gadgets.poseidon import poseidon
from .gadgets.select import select
from .slot import slot_circuit
from .witness import BatchInput, batch_input


@dataclass(frozen=True)
class Layout:
    """What a built circuit looks like: counts, wire names, where constraints go."""

    params: Params
    n_wires: int
    n_public: int
    n_constraints: int
    public: tuple[str, ...]
    slot_constraints: tuple[int, ...]
    by_kind: tuple[tuple[str, int], ...]
    names: tuple[str, ...]

    def wire(self, name: str) -> int:
        """Index of the wire named ``name`` (linear scan; tests and tools only)."""
        return self.names.index(name)


def batch_circuit(cs: ConstraintSystem, params: Params, inp: BatchInput | None = None) -> list[int]:
    """Write the whole circuit into ``cs``; returns the constraint count of each slot.

    ``inp`` is None in setup mode; in prove mode the witness functions read it.
    """
    def given() -> BatchInput:
        assert inp is not None, "witness values are read in prove mode only"
        return inp

    publics = [cs.public(name, lambda k=k: given().public[k]) for k, name in enumerate(PUBLIC_INPUTS)]
    old_root, new_root, commitment, bridge = publics
    accounts = cs.alloc("accounts_root[0]", lambda: given().accounts_root)
    orders = cs.alloc("orders_root[0]", lambda: given().orders_root)
    cs.enforce(poseidon(cs, [accounts, orders], "old_state"), 1, old_root, "old_root")
    chain = cs.alloc("salt", lambda: given().salt)
    bridge_acc = LC.const(0)
    per_slot = []
    for i in range(params.batch_size):
        before = cs.n_constraints
        with cs.namespace(f"op[{i}]"):
            accounts, orders, op_hash, is_bridge = slot_circuit(
                cs, params, lambda i=i: given().slots[i], accounts, orders)
            chain = poseidon(cs, [chain, op_hash], "commitment")
            bridged = poseidon(cs, [bridge_acc, op_hash], "bridge_hash")
            bridge_acc = select(cs, is_bridge, bridged, bridge_acc, "bridge")
        per_slot.append(cs.n_constraints - before)
    cs.enforce(poseidon(cs, [accounts, orders], "new_state"), 1, new_root, "new_root")
    cs.enforce(chain, 1, commitment, "commitment")
    cs.enforce(bridge_acc, 1, bridge, "bridge")
    return per_slot


@lru_cache(maxsize=4)
def build_circuit(params: Params) -> tuple[R1CS, Layout]:
    """The R1CS of a parameter set and its layout; built once per params (setup mode)."""
    cs = ConstraintSystem()
    per_slot = batch_circuit(cs, params)
    layout = Layout(
        params=params, n_wires=cs.n_wires, n_public=cs.n_public, n_constraints=cs.n_constraints,
        public=PUBLIC_INPUTS, slot_constraints=tuple(per_slot),
        by_kind=tuple(sorted(Counter(cs.kinds).items())), names=tuple(cs.names),
    )
    return cs.r1cs(), layout


def prove_cs(params: Params, trace: BatchTrace, overrides: dict[str, int] | None = None,
             record: bool = False) -> ConstraintSystem:
    """Run the circuit in prove mode on a trace (with optional named overrides, for tests)."""
    cs = ConstraintSystem(prove=True, overrides=overrides, record=record)
    batch_circuit(cs, params, batch_input(params, trace))
    return cs


def witness_for(params: Params, batch_trace: BatchTrace) -> list[int]:
    """The full witness [1, public..., private...] of ``batch_trace`` for ``build_circuit(params)``.

    Raises Unsatisfied naming the first failing constraint when the trace
    and the circuit disagree (which a valid trace from the state machine
    never causes). Costs one prove-mode pass over the circuit.
    """
    cs = prove_cs(params, batch_trace)
    if cs.first_failure is not None:
        raise Unsatisfied(*cs.first_failure)
    return cs.witness()
