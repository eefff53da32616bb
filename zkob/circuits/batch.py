"""The batch-transition circuit of docs/protocol.md (protocol version 2), and its public API.

Public inputs, in order: ``[old_root, new_root, commitment, bridge, market, time]``
(state/protocol.py's ``PUBLIC_INPUTS``). Private: the trees' roots, the
old market and blind behind old_root, the config, the reports, the salt,
and K slots (slot.py) of the kinds params.slot_kinds gives. The circuit
proves

    old_root = H(A_0, O_0, I_0, H(old_time, config_hash, oracle_0), old_blind)
    old_time <= time < 2^32                                      (time_monotonic)
    (oracle_M, I_M, m_M) = the M report slots on (oracle_0, I_0, 0)  (market_section.py)
    (A_{i+1}, O_{i+1}, I_{i+1}, m_{i+1}) = slot_i(A_i, O_i, I_i, m_i)   (each op with T = time, oracle_M)
    new_root = H(A_K, O_K, I_K, H(time, config_hash, oracle_M), H(salt, 2))
    c_0 = salt, c_{i+1} = H(c_i, op_hash_i),  commitment = c_K
    b_0 = 0, b_{i+1} = deposit/withdraw_i ? H(b_i, op_hash_i) : b_i,  bridge = b_K
    market = m_K   (the reports' hashes, then each list op's hash)

API::

    r1cs, layout = build_circuit(params)        # cached per params
    witness = witness_for(params, batch_trace)  # list[int], satisfies r1cs

The R1CS depends on the parameters (sizes and slot kinds) and on the
config's number of oracle keys N and quorum Q only (setup mode never reads
a witness); ``witness_for`` runs the same code in prove mode.
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
from .cs import LC, ConstraintSystem, StopAtFailure
from .gadgets.poseidon import poseidon
from .gadgets.select import select
from .market import market_hash
from .market_section import market_section
from .slot import Roots, slot_circuit
from .slot_wires import MarketWires
from .witness import BatchInput, batch_input

BLIND_TAG = 2  # blind = H(salt, 2)


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

    publics = {name: cs.public(name, lambda k=k: given().public[k]) for k, name in enumerate(PUBLIC_INPUTS)}
    time = publics["time"]
    roots = Roots(cs.alloc("accounts_root[0]", lambda: given().accounts_root),
                  cs.alloc("orders_root[0]", lambda: given().orders_root),
                  cs.alloc("instruments_root[0]", lambda: given().instruments_root), LC())
    old_blind = cs.alloc("old_blind", lambda: given().old_blind)
    section = market_section(cs, params, given, time, roots.instruments)
    old_state = poseidon(cs, [roots.accounts, roots.orders, roots.instruments, section.old_market_hash, old_blind],
                         "old_state")
    cs.enforce(old_state, 1, publics["old_root"], "old_root")
    roots.instruments, roots.digest = section.instruments_root, section.digest
    market = MarketWires(params, time, section.cfg, section.oracle)
    salt = cs.alloc("salt", lambda: given().salt)
    chain, bridge = LC() + salt, LC()
    per_slot = []
    for i, kind in enumerate(params.slot_kinds):
        before = cs.n_constraints
        with cs.namespace(f"op[{i}]"):
            roots, op_hash, is_bridge = slot_circuit(cs, kind, market, lambda i=i: given().slots[i], roots)
            chain = poseidon(cs, [chain, op_hash], "commitment")
            bridged = poseidon(cs, [bridge, op_hash], "bridge_hash")
            bridge = select(cs, is_bridge, bridged, bridge, "bridge")
        per_slot.append(cs.n_constraints - before)
    new_market = market_hash(cs, time, section.config_hash, section.oracle, "new_market_hash")
    new_blind = poseidon(cs, [salt, BLIND_TAG], "new_blind")
    new_state = poseidon(cs, [roots.accounts, roots.orders, roots.instruments, new_market, new_blind], "new_state")
    cs.enforce(chain, 1, publics["commitment"], "commitment")
    cs.enforce(bridge, 1, publics["bridge"], "bridge")
    cs.enforce(roots.digest, 1, publics["market"], "market")
    cs.enforce(new_state, 1, publics["new_root"], "new_root")
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
             record: bool = False, stop_at_failure: bool = False) -> ConstraintSystem:
    """Run the circuit in prove mode on a trace (with optional named overrides, for tests).

    ``stop_at_failure`` ends the run at the first failing constraint (its
    witness then holds only the wires allocated so far).
    """
    cs = ConstraintSystem(prove=True, overrides=overrides, record=record, stop_at_failure=stop_at_failure)
    try:
        batch_circuit(cs, params, batch_input(params, trace))
    except StopAtFailure:
        assert cs.first_failure is not None
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
