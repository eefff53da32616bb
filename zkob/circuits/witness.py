"""The circuit's free inputs, read from the state machine's ``BatchTrace``.

The batch circuit computes every value it can (new amounts, new order
leaves, indices, hashes, roots) from these inputs and its own rules; only
what a prover must supply comes from here: the op encodings, the salt, the
starting roots, the leaves found before each update and their Merkle
siblings. ``witness_for`` (batch.py) then checks every constraint, the
public inputs included, so the circuit and the state machine cannot
disagree silently.

Layout of a slot (accounts.py): order update j is trace order update j;
balance update j is leg j, in the same order in the state machine, the
trace and the circuit: ``acct[0]`` carries the first leg (for a fill, the
buyer's base and quote refund as its two legs), ``acct[1]`` the fill
seller's quote credit. Updates an op does not use hold zeros. A signed op's
signature (R8.x, R8.y, S) comes from the trace's Authorization; its key
and nonce are acct[0]'s leaf found (zeros for unsigned ops).
"""

from __future__ import annotations

from dataclasses import dataclass

from ..state.params import Params
from ..state.protocol import ACCOUNT_UPDATES, LEGS_PER_ACCOUNT, OPS, ORDER_UPDATES
from ..state.trace import ORDER_LEAF_FIELDS, BalanceUpdate, BatchTrace, OpTrace, OrderLeaf, OrderUpdate



@dataclass(frozen=True)
class LegInput:
    """A balance leaf before its update, and its siblings in the account's balances tree."""

    old_amount: int
    siblings: tuple[int, ...]


@dataclass(frozen=True)
class AccountInput:
    """The account leaf found (zeros when it does not exist), its siblings, and its legs."""

    exists: int
    pk_x: int
    pk_y: int
    nonce: int
    siblings: tuple[int, ...]
    legs: tuple[LegInput, ...]


@dataclass(frozen=True)
class OrderInput:
    """The order leaf found (zeros for a free slot) and its path's siblings."""

    old: tuple[int, ...]
    siblings: tuple[int, ...]


@dataclass(frozen=True)
class SlotInput:
    encoding: tuple[int, ...]
    acct: tuple[AccountInput, ...]  # in the op table's shape (protocol.ACCOUNT_UPDATES)
    ord: tuple[OrderInput, ...]  # protocol.ORDER_UPDATES
    sig: tuple[int, int, int] = (0, 0, 0)  # R8.x, R8.y, S of a signed op


@dataclass(frozen=True)
class BatchInput:
    """Everything the prover supplies for one batch, plus the trace's public inputs."""

    public: tuple[int, ...]
    salt: int
    accounts_root: int
    orders_root: int
    slots: tuple[SlotInput, ...]


def _no_leg(params: Params) -> LegInput:
    return LegInput(0, (0,) * params.assets_depth)


def _account(params: Params, legs: tuple[BalanceUpdate, ...]) -> AccountInput:
    """One account update carrying ``legs`` (balance updates of one account, in order; none: disabled).

    The account leaf and its path are the first leg's, taken before the
    update; each leg's balance path was taken after the legs before it, as
    the circuit chains them.
    """
    inputs = [LegInput(u.old_amount, tuple(u.balance_path.siblings)) for u in legs]
    inputs += [_no_leg(params)] * (max(LEGS_PER_ACCOUNT) - len(inputs))
    if not legs:
        return AccountInput(0, 0, 0, 0, (0,) * params.accounts_depth, tuple(inputs))
    a = legs[0].old_account
    return AccountInput(int(a is not None), a.pk_x if a else 0, a.pk_y if a else 0, a.nonce if a else 0,
                        tuple(legs[0].account_path.siblings), tuple(inputs))


def _accounts(params: Params, op: OpTrace) -> tuple[AccountInput, ...]:
    """The account updates in the op table's shape: account update a carries ``legs[a]`` balance updates."""
    spec, ups = OPS[op.op_type], op.balance_updates
    groups = []
    for a in range(ACCOUNT_UPDATES):
        first = spec.leg_index(a, 0)
        groups.append(() if first is None else ups[first:first + spec.legs[a]])
    return tuple(_account(params, legs) for legs in groups)


def _order_fields(leaf: OrderLeaf | None) -> tuple[int, ...]:
    return (0,) * len(ORDER_LEAF_FIELDS) if leaf is None else tuple(getattr(leaf, f) for f in ORDER_LEAF_FIELDS)


def _order(params: Params, u: OrderUpdate | None) -> OrderInput:
    if u is None:
        return OrderInput((0,) * len(ORDER_LEAF_FIELDS), (0,) * params.orders_depth)
    return OrderInput(_order_fields(u.old), tuple(u.path.siblings))


def _slot(params: Params, op: OpTrace) -> SlotInput:
    ords = [_order(params, u) for u in op.order_updates]
    ords += [_order(params, None)] * (ORDER_UPDATES - len(ords))
    sig = (0, 0, 0) if op.auth is None else (*op.auth.sig.R8, op.auth.sig.S)
    return SlotInput(tuple(op.encoding), _accounts(params, op), tuple(ords), sig)


def batch_input(params: Params, trace: BatchTrace) -> BatchInput:
    """Read the circuit's free inputs from a trace; refuses a trace of other parameters."""
    if trace.params != params:
        raise ValueError(f"trace is for {trace.params}, circuit for {params}")
    if len(trace.ops) != params.batch_size:
        raise ValueError(f"trace has {len(trace.ops)} slots, expected {params.batch_size}")
    first = trace.ops[0]
    return BatchInput(
        public=trace.public_inputs, salt=trace.salt,
        accounts_root=first.accounts_root_before, orders_root=first.orders_root_before,
        slots=tuple(_slot(params, op) for op in trace.ops),
    )
