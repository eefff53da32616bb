"""The witness contract: what one batch did, step by step, for the circuit.

``trace_batch`` (transition.py) returns a ``BatchTrace``; the circuit and
``zkob export wtns`` read nothing else from the state machine. Every object
is a frozen dataclass of plain ints, so a trace can be built, compared and
serialized without touching the store.

Each op's updates have the fixed shape of its row of the op table
(protocol.OP_TABLE): ``order_updates`` follow its ``orders`` (place
inserts, cancel removes, fill reduces taker then maker) and
``balance_updates`` its ``legs`` (one balance update per leg; a fill's
first two, the buyer's base credit and quote refund, always present even
when +0, share the first account update, the seller's quote credit is the
second). Every path is taken *before* its own update, against the tree as
left by the previous update, which is what the circuit chains.

Order of application: place debits the balance, then inserts the order;
cancel removes the order, then refunds; fill updates taker, maker, then the
three credits. An order leaf whose remaining reaches 0 becomes ``None``
(leaf 0, a free slot). A never-used account is ``None`` (leaf 0); a deposit
that creates it has ``old_account=None`` and ``new_account`` with the
deposit's pubkey and nonce 0.

Signed ops (withdraw, place, cancel; docs/protocol.md section 4) carry an
``Authorization``: the signer's account, its stored key and nonce before
the op, the signed message ``H(op_hash, nonce)`` and the signature. Their
balance update 0 is on the signer's account and its ``new_account`` has
the nonce + 1; no other update changes a nonce.
"""

from __future__ import annotations

from dataclasses import dataclass, fields

from ..zk.eddsa import Signature
from ..zk.poseidon_fast import hash2, poseidon
from .ops import Op
from .params import Params
from .protocol import PUBLIC_INPUTS


@dataclass(frozen=True)
class MerklePath:
    """Siblings of leaf ``index``, leaf level first (``len == depth``).

    Bit i of ``index`` (least significant first) says whether the running
    node is the right child at level i.
    """

    index: int
    siblings: tuple[int, ...]

    @property
    def depth(self) -> int:
        return len(self.siblings)

    def bits(self) -> tuple[int, ...]:
        """Path bits, level 0 first (1 = the running node is a right child)."""
        return tuple((self.index >> i) & 1 for i in range(self.depth))

    def root_with(self, leaf: int) -> int:
        """Root of the tree that has ``leaf`` at ``index`` and these siblings. Costs depth hashes."""
        node = leaf
        for i, sibling in enumerate(self.siblings):
            node = hash2(sibling, node) if (self.index >> i) & 1 else hash2(node, sibling)
        return node

    def verifies(self, leaf: int, root: int) -> bool:
        """True when ``leaf`` sits at ``index`` in the tree with ``root``."""
        return 0 <= self.index < (1 << self.depth) and self.root_with(leaf) == root


@dataclass(frozen=True)
class AccountLeaf:
    """Account leaf ``H(pk_x, pk_y, nonce, balances_root)``."""

    pk_x: int
    pk_y: int
    nonce: int
    balances_root: int

    def hash(self) -> int:
        return poseidon([self.pk_x, self.pk_y, self.nonce, self.balances_root])


@dataclass(frozen=True)
class OrderLeaf:
    """Order leaf ``H(account, base, quote, side, price, remaining)``; side 0 buy, 1 sell."""

    account: int
    base: int
    quote: int
    side: int
    price: int
    remaining: int

    def hash(self) -> int:
        return poseidon([self.account, self.base, self.quote, self.side, self.price, self.remaining])


ORDER_LEAF_FIELDS = tuple(f.name for f in fields(OrderLeaf))  # in hash order


def account_hash(leaf: AccountLeaf | None) -> int:
    """Leaf value in the accounts tree (0 for a never-used account)."""
    return 0 if leaf is None else leaf.hash()


def order_hash(leaf: OrderLeaf | None) -> int:
    """Leaf value in the orders tree (0 for a free slot)."""
    return 0 if leaf is None else leaf.hash()


@dataclass(frozen=True)
class BalanceUpdate:
    """One balance leaf changed, and with it the account leaf.

    ``balance_path`` is in the account's balances tree (index = asset) and
    ``account_path`` in the accounts tree (index = account), both taken
    before this update. ``old_account.balances_root`` (or the empty
    balances root when ``old_account`` is None) is the root
    ``balance_path`` proves ``old_amount`` against; ``new_account``'s
    balances_root is the root with ``new_amount``.
    """

    account: int
    asset: int
    old_amount: int
    new_amount: int
    old_account: AccountLeaf | None
    new_account: AccountLeaf
    balance_path: MerklePath
    account_path: MerklePath
    accounts_root_before: int
    accounts_root_after: int


@dataclass(frozen=True)
class OrderUpdate:
    """One order slot changed: ``old``/``new`` are None for a free slot; path taken before."""

    order: int
    old: OrderLeaf | None
    new: OrderLeaf | None
    path: MerklePath
    orders_root_before: int
    orders_root_after: int


@dataclass(frozen=True)
class Authorization:
    """Who signed a signed op and what: the circuit verifies ``sig`` over ``message`` with ``pubkey``.

    ``nonce`` is the account's nonce before the op; ``message`` is
    ``H(op_hash, nonce)``.
    """

    account: int
    pubkey: tuple[int, int]
    nonce: int
    message: int
    sig: Signature


@dataclass(frozen=True)
class OpTrace:
    """One of the K slots: the op, its encoding and hash, and its updates in order.

    ``op_type`` is the type name (``"fill"``); ``encoding[0]`` holds the
    numeric type. ``root_before``/``root_after`` are state roots
    ``H(accounts_root, orders_root)``.
    """

    index: int
    op: Op
    op_type: str
    encoding: tuple[int, ...]
    op_hash: int
    balance_updates: tuple[BalanceUpdate, ...]
    order_updates: tuple[OrderUpdate, ...]
    root_before: int
    root_after: int
    accounts_root_before: int
    orders_root_before: int
    accounts_root_after: int
    orders_root_after: int
    auth: Authorization | None = None


@dataclass(frozen=True)
class BatchTrace:
    """A whole batch: exactly ``params.batch_size`` OpTraces (noop padding included).

    ``commitment`` is c_K of the chain c_0 = salt, c_{i+1} = H(c_i, op_hash_i);
    ``bridge`` is b after the K slots (b_0 = 0, b <- H(b, op_hash) for each
    deposit and withdraw). ``public_inputs`` lists them in the order of
    protocol.PUBLIC_INPUTS.
    """

    params: Params
    old_root: int
    new_root: int
    salt: int
    commitment: int
    bridge: int
    ops: tuple[OpTrace, ...]

    @property
    def public_inputs(self) -> tuple[int, ...]:
        """The proof's public inputs, in the order of protocol.PUBLIC_INPUTS."""
        return tuple(getattr(self, name) for name in PUBLIC_INPUTS)
