"""The circuit's free inputs, read from the state machine's ``BatchTrace``.

The batch circuit computes every value it can (new amounts, new order
leaves, indices, hashes, roots) from these inputs and its own rules; only
what a prover must supply comes from here: the op encodings, the salt, the
starting roots, the leaves found before each update and their Merkle
siblings. ``witness_for`` (batch.py) then checks every constraint, the
public inputs included, so the circuit and the state machine cannot
disagree silently.

Layout of a slot (accounts.py): order update j is trace order update j;
``acct[0]`` holds balance update 0 (and, for a fill, the buyer's refund,
trace update 2, as its second leg), ``acct[1]`` the fill seller's credit
(trace update 1). The trace applies a fill's credits as buyer base, seller
quote, buyer refund; the circuit applies both buyer legs first, so the
seller's path is adjusted here (one sibling, or the amount when the buyer
is the seller). Updates an op does not use hold zeros. A signed op's
signature (R8.x, R8.y, S) comes from the trace's Authorization; its key
and nonce are acct[0]'s leaf found (zeros for unsigned ops).
"""

from __future__ import annotations

from dataclasses import dataclass

from ..state.params import Params
from ..state.trace import BalanceUpdate, BatchTrace, MerklePath, OpTrace, OrderLeaf, OrderUpdate
from ..zk.poseidon_fast import hash2

ORDER_FIELDS = ("account", "base", "quote", "side", "price", "remaining")


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
    acct: tuple[AccountInput, AccountInput]
    ord: tuple[OrderInput, OrderInput]
    sig: tuple[int, int, int] = (0, 0, 0)  # R8.x, R8.y, S of a signed op


@dataclass(frozen=True)
class BatchInput:
    """Everything the prover supplies for one batch, plus the trace's public inputs."""

    public: tuple[int, int, int, int]
    salt: int
    accounts_root: int
    orders_root: int
    slots: tuple[SlotInput, ...]


def _leg(params: Params, old_amount: int = 0, path: MerklePath | None = None) -> LegInput:
    return LegInput(old_amount, tuple(path.siblings) if path else (0,) * params.assets_depth)


def _account(params: Params, u: BalanceUpdate | None, legs: list[LegInput],
             siblings: tuple[int, ...] | None = None) -> AccountInput:
    legs = legs + [_leg(params)] * (2 - len(legs))
    if u is None:
        return AccountInput(0, 0, 0, 0, (0,) * params.accounts_depth, tuple(legs))
    a = u.old_account
    return AccountInput(int(a is not None), a.pk_x if a else 0, a.pk_y if a else 0, a.nonce if a else 0,
                        siblings if siblings is not None else tuple(u.account_path.siblings), tuple(legs))


def _seller_siblings(buyer: BalanceUpdate, refund: BalanceUpdate, seller: BalanceUpdate) -> tuple[int, ...]:
    """The seller's account siblings once both buyer legs are in (the trace took them before the refund).

    Only the sibling at the level where the two paths meet changes: it is
    the buyer's subtree, recomputed from the buyer's final leaf.
    """
    sibs = list(seller.account_path.siblings)
    level = (buyer.account ^ seller.account).bit_length() - 1
    node = refund.new_account.hash()
    for i, sib in enumerate(refund.account_path.siblings[:level]):
        node = hash2(sib, node) if (buyer.account >> i) & 1 else hash2(node, sib)
    sibs[level] = node
    return tuple(sibs)


def _accounts(params: Params, op: OpTrace) -> tuple[AccountInput, AccountInput]:
    ups = op.balance_updates
    if not ups:
        return _account(params, None, []), _account(params, None, [])
    first = _leg(params, ups[0].old_amount, ups[0].balance_path)
    if len(ups) == 1:
        return _account(params, ups[0], [first]), _account(params, None, [])
    buyer, seller, refund = ups
    refund_amount = refund.new_amount - refund.old_amount
    if buyer.account == seller.account:  # one account: the seller leg follows the refund on the same leaf
        refund_leg = _leg(params, seller.old_amount, refund.balance_path)
        seller_leg = _leg(params, seller.old_amount + refund_amount, seller.balance_path)
        seller_sibs = tuple(seller.account_path.siblings)
    else:
        refund_leg = _leg(params, refund.old_amount, refund.balance_path)
        seller_leg = _leg(params, seller.old_amount, seller.balance_path)
        seller_sibs = _seller_siblings(buyer, refund, seller)
    return (_account(params, buyer, [first, refund_leg]),
            _account(params, seller, [seller_leg], seller_sibs))


def _order_fields(leaf: OrderLeaf | None) -> tuple[int, ...]:
    return (0,) * len(ORDER_FIELDS) if leaf is None else tuple(getattr(leaf, f) for f in ORDER_FIELDS)


def _order(params: Params, u: OrderUpdate | None) -> OrderInput:
    if u is None:
        return OrderInput((0,) * len(ORDER_FIELDS), (0,) * params.orders_depth)
    return OrderInput(_order_fields(u.old), tuple(u.path.siblings))


def _slot(params: Params, op: OpTrace) -> SlotInput:
    ords = [_order(params, u) for u in op.order_updates]
    ords += [_order(params, None)] * (2 - len(ords))
    sig = (0, 0, 0) if op.auth is None else (*op.auth.sig.R8, op.auth.sig.S)
    return SlotInput(tuple(op.encoding), _accounts(params, op), (ords[0], ords[1]), sig)


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
