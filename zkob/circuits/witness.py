"""The circuit's free inputs, read from the state machine's ``BatchTrace`` (protocol version 2).

The batch circuit computes every value it can (new amounts, cash, sizes,
positions, order and instrument leaves, indices, hashes, roots, margin
figures) from these inputs and its own rules; only what a prover must
supply comes from here: the config, the old market, the reports with
their signatures, the op encodings, the salt, the roots and blind behind
old_root, the leaves found before each update and their Merkle siblings.
``witness_for`` (batch.py) then checks every constraint, the public inputs
included, so the circuit and the state machine cannot disagree silently.

Layout of a slot, from the op table's row (state/protocol.py): order
update j is the trace's ``orders[j]``, account update a its
``accounts[a]`` with balance legs ``legs[k]``, the instrument access its
``instrument``. Updates an op does not use hold zeros. An account's P
position slots are read only when the row changes its cash or a position
(``opens_positions``); otherwise they are zeros and its positions hash
passes through unopened. A signed op's signature comes from the trace's
Authorization; its key and nonce are acct[0]'s leaf as found.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..state.config import Config
from ..state.instruments import Instrument
from ..state.oracle import OracleEntry
from ..state.params import Params
from ..state.positions import Position
from ..state.protocol import ACCOUNT_UPDATES, LEGS_PER_ACCOUNT, ORDER_UPDATES, OPS, OpSpec
from ..state.signed import to_field
from ..state.smt import empty_root
from ..state.trace import ORDER_LEAF_FIELDS, AccountUpdate, BatchTrace, OpTrace, OrderLeaf, OrderUpdate, ReportTrace
from .reports import ReportWitness


def opens_positions(spec: OpSpec, a: int) -> bool:
    """True when the op's account update ``a`` changes cash or a position: its P slots are opened."""
    return a < len(spec.accounts) and (spec.accounts[a].cash or spec.accounts[a].position)


@dataclass(frozen=True)
class LegInput:
    """A balance leaf before its update, and its siblings in the account's balances tree."""

    old_amount: int
    siblings: tuple[int, ...]


@dataclass(frozen=True)
class AccountInput:
    """The account leaf found (zeros when it does not exist), its siblings, position slots and legs.

    ``balances_root`` is the empty balances root for an account the op
    creates and 0 for an unused update; ``cash`` is x mod r; ``slots`` are
    the P slots when the op opens them, else all free.
    """

    exists: int
    pk_x: int
    pk_y: int
    nonce: int
    balances_root: int
    cash: int
    positions_hash: int
    slots: tuple[Position | None, ...]
    siblings: tuple[int, ...]
    legs: tuple[LegInput, ...]


@dataclass(frozen=True)
class OrderInput:
    """The order leaf found (zeros for a free slot) and its path's siblings."""

    old: tuple[int, ...]
    siblings: tuple[int, ...]


@dataclass(frozen=True)
class InstrumentInput:
    """The instrument an op reads (or lists: the new leaf), its id and its siblings in the instruments tree."""

    id: int
    leaf: Instrument | None
    siblings: tuple[int, ...]


@dataclass(frozen=True)
class SlotInput:
    encoding: tuple[int, ...]
    acct: tuple[AccountInput, ...]  # protocol.ACCOUNT_UPDATES, in the op table's shape
    ord: tuple[OrderInput, ...]  # protocol.ORDER_UPDATES
    instrument: InstrumentInput
    sig: tuple[int, int, int] = (0, 0, 0)  # R8.x, R8.y, S of a signed op


@dataclass(frozen=True)
class ReportInput:
    """One report slot: its values and signatures, and the settled instrument's leaf before with its siblings."""

    witness: ReportWitness
    instrument: Instrument | None
    siblings: tuple[int, ...]


@dataclass(frozen=True)
class BatchInput:
    """Everything the prover supplies for one batch, plus the trace's public inputs."""

    public: tuple[int, ...]
    config: Config
    old_time: int
    oracle: tuple[OracleEntry, ...]
    old_blind: int
    salt: int
    accounts_root: int
    orders_root: int
    instruments_root: int
    reports: tuple[ReportInput, ...]
    slots: tuple[SlotInput, ...]


def _account(params: Params, spec: OpSpec, a: int, u: AccountUpdate | None) -> AccountInput:
    """Account update ``a`` of an op (None: unused); legs padded to the slot's shape."""
    legs = [] if u is None else [LegInput(leg.old_amount, leg.path.siblings) for leg in u.legs]
    legs += [LegInput(0, (0,) * params.assets_depth)] * (LEGS_PER_ACCOUNT[a] - len(legs))
    free = (None,) * params.positions
    if u is None:
        return AccountInput(0, 0, 0, 0, 0, 0, 0, free, (0,) * params.accounts_depth, tuple(legs))
    old = u.old
    slots = old.slots if old is not None and opens_positions(spec, a) else free
    if old is None:
        return AccountInput(0, 0, 0, 0, empty_root(params.assets_depth), 0, 0, slots, u.path.siblings, tuple(legs))
    return AccountInput(1, old.pk_x, old.pk_y, old.nonce, old.balances_root, to_field(old.cash), old.positions_hash,
                        slots, u.path.siblings, tuple(legs))


def _order_fields(leaf: OrderLeaf | None) -> tuple[int, ...]:
    return (0,) * len(ORDER_LEAF_FIELDS) if leaf is None else tuple(getattr(leaf, f) for f in ORDER_LEAF_FIELDS)


def _order(params: Params, u: OrderUpdate | None) -> OrderInput:
    if u is None:
        return OrderInput((0,) * len(ORDER_LEAF_FIELDS), (0,) * params.orders_depth)
    return OrderInput(_order_fields(u.old), u.path.siblings)


def _slot(params: Params, op: OpTrace) -> SlotInput:
    spec = OPS[op.op_type]
    ords = [_order(params, u) for u in op.orders]
    ords += [_order(params, None)] * (ORDER_UPDATES - len(ords))
    accts = [_account(params, spec, a, op.accounts[a] if a < len(op.accounts) else None)
             for a in range(ACCOUNT_UPDATES)]
    sig = (0, 0, 0) if op.auth is None else (*op.auth.sig.R8, op.auth.sig.S)
    inst = op.instrument
    instrument = (InstrumentInput(0, None, (0,) * params.instruments_depth) if inst is None
                  else InstrumentInput(inst.instrument, inst.new, inst.path.siblings))
    return SlotInput(tuple(op.encoding), tuple(accts), tuple(ords), instrument, sig)


def _report(params: Params, r: ReportTrace) -> ReportInput:
    if r.report is None:
        return ReportInput(ReportWitness.padding(params.config.quorum), None, (0,) * params.instruments_depth)
    u = r.instrument
    if u is None:
        return ReportInput(ReportWitness.of(r.report), None, (0,) * params.instruments_depth)
    return ReportInput(ReportWitness.of(r.report, u.old), u.old, u.path.siblings)


def batch_input(params: Params, trace: BatchTrace) -> BatchInput:
    """Read the circuit's free inputs from a trace; refuses a trace of other parameters."""
    if trace.params != params:
        raise ValueError(f"trace is for {trace.params}, circuit for {params}")
    if len(trace.ops) != params.batch_size or len(trace.market_trace.reports) != params.reports:
        raise ValueError(f"trace has {len(trace.ops)} slots and {len(trace.market_trace.reports)} report "
                         f"slots, expected {params.batch_size} and {params.reports}")
    m = trace.market_trace
    return BatchInput(
        public=trace.public_inputs, config=params.config, old_time=m.before.time, oracle=m.before.oracle,
        old_blind=trace.old_blind, salt=trace.salt, accounts_root=trace.ops[0].accounts_root_before,
        orders_root=trace.ops[0].orders_root_before, instruments_root=m.instruments_root_before,
        reports=tuple(_report(params, r) for r in m.reports),
        slots=tuple(_slot(params, op) for op in trace.ops),
    )
