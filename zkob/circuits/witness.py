"""The circuit's free inputs, read from the state machine's ``BatchTrace``.

The batch circuit computes every value it can (new amounts, new order
leaves, indices, hashes, roots) from these inputs and its own rules; only
what a prover must supply comes from here: the op encodings, the salt, the
starting roots, the leaves found before each update and their Merkle
siblings. ``witness_for`` (batch.py) then compares the roots the circuit
computes with the trace's, so the circuit and the state machine cannot
disagree silently.

Slots follow trace.py's fixed shape: balance update j of an op goes to
``bal[j]`` and order update j to ``ord[j]``; the ones an op does not use
are disabled and hold zeros (the circuit pins them to zero).
"""

from __future__ import annotations

from dataclasses import dataclass

from ..state.params import Params
from ..state.trace import BalanceUpdate, BatchTrace, OpTrace, OrderLeaf, OrderUpdate

BALANCE_UPDATES = 3
ORDER_UPDATES = 2
ORDER_FIELDS = ("account", "base", "quote", "side", "price", "remaining")


@dataclass(frozen=True)
class BalanceInput:
    """What a balance update needs beyond the op: the account leaf and amount found, and the paths."""

    old_amount: int
    exists: int
    pk_x: int
    pk_y: int
    nonce: int
    balance_siblings: tuple[int, ...]
    account_siblings: tuple[int, ...]


@dataclass(frozen=True)
class OrderInput:
    """The order leaf found (zeros for a free slot) and its path's siblings."""

    old: tuple[int, ...]
    siblings: tuple[int, ...]


@dataclass(frozen=True)
class SlotInput:
    encoding: tuple[int, ...]
    bal: tuple[BalanceInput, ...]
    ord: tuple[OrderInput, ...]
    accounts_root_after: int
    orders_root_after: int


@dataclass(frozen=True)
class BatchInput:
    """Everything the prover supplies for one batch, plus the trace's public inputs."""

    public: tuple[int, int, int, int]
    salt: int
    accounts_root: int
    orders_root: int
    slots: tuple[SlotInput, ...]


def _balance(params: Params, u: BalanceUpdate | None) -> BalanceInput:
    if u is None:
        return BalanceInput(0, 0, 0, 0, 0, (0,) * params.assets_depth, (0,) * params.accounts_depth)
    acct = u.old_account
    return BalanceInput(
        old_amount=u.old_amount, exists=int(acct is not None),
        pk_x=acct.pk_x if acct else 0, pk_y=acct.pk_y if acct else 0, nonce=acct.nonce if acct else 0,
        balance_siblings=tuple(u.balance_path.siblings), account_siblings=tuple(u.account_path.siblings),
    )


def _order_fields(leaf: OrderLeaf | None) -> tuple[int, ...]:
    return (0,) * len(ORDER_FIELDS) if leaf is None else tuple(getattr(leaf, f) for f in ORDER_FIELDS)


def _order(params: Params, u: OrderUpdate | None) -> OrderInput:
    if u is None:
        return OrderInput((0,) * len(ORDER_FIELDS), (0,) * params.orders_depth)
    return OrderInput(_order_fields(u.old), tuple(u.path.siblings))


def _slot(params: Params, op: OpTrace) -> SlotInput:
    bal = [_balance(params, u) for u in op.balance_updates]
    ords = [_order(params, u) for u in op.order_updates]
    bal += [_balance(params, None)] * (BALANCE_UPDATES - len(bal))
    ords += [_order(params, None)] * (ORDER_UPDATES - len(ords))
    return SlotInput(tuple(op.encoding), tuple(bal), tuple(ords),
                     op.accounts_root_after, op.orders_root_after)


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
