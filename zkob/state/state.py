"""``State``: the venue seen through a source (committed, or an overlay).

Read accessors for accounts, balances, orders, instruments, the market,
the blind and the roots, over any source of kv.py. The transition builds a ``State`` on an ``Overlay`` to compute a
batch; nothing here mutates a committed source.
"""

from __future__ import annotations

from collections.abc import Iterator

from .instruments import Instrument
from .kv import (ACCOUNTS, BALANCES, BALANCES_TREE_BASE, BLIND, INSTRUMENTS, INSTRUMENTS_TREE, MARKET, NODES, ORDERS,
                 LogEntry, MemorySource, Overlay, Source)
from .oracle import Market, genesis_market
from .params import Params
from .positions import empty_slots
from .smt import SparseMerkleTree, empty_root
from .trace import AccountLeaf, OrderLeaf, state_root

ACCOUNTS_TREE = 0
ORDERS_TREE = 1


def balances_tree_id(account: int) -> int:
    """Tree id of an account's balances tree in the node table."""
    return BALANCES_TREE_BASE + account


class State:
    """An order-book state with parameters ``params`` held in ``source``.

    Cheap to build: nothing is loaded until asked for; roots are stored
    nodes, so opening a large state costs a few reads.
    """

    def __init__(self, params: Params, source: Source | Overlay | None = None):
        self.params = params
        self.source: Source | Overlay = MemorySource() if source is None else source

    # --- trees --------------------------------------------------------------
    @property
    def accounts_tree(self) -> SparseMerkleTree:
        return SparseMerkleTree(self.params.accounts_depth, self.source, ACCOUNTS_TREE)

    @property
    def orders_tree(self) -> SparseMerkleTree:
        return SparseMerkleTree(self.params.orders_depth, self.source, ORDERS_TREE)

    def balances_tree(self, account: int) -> SparseMerkleTree:
        return SparseMerkleTree(self.params.assets_depth, self.source, balances_tree_id(account))

    @property
    def instruments_tree(self) -> SparseMerkleTree:
        return SparseMerkleTree(self.params.instruments_depth, self.source, INSTRUMENTS_TREE)

    @property
    def accounts_root(self) -> int:
        return self.accounts_tree.root()

    @property
    def orders_root(self) -> int:
        return self.orders_tree.root()

    @property
    def instruments_root(self) -> int:
        return self.instruments_tree.root()

    @property
    def market(self) -> Market:
        """Time and the U oracle entries (the genesis market until the first batch)."""
        stored = self.source.get(MARKET, 0)
        return genesis_market(self.params.underlyings) if stored is None else stored

    @property
    def blind(self) -> int:
        """The last batch's H(salt, 2); 0 in the genesis state."""
        stored = self.source.get(BLIND, 0)
        return 0 if stored is None else stored

    @property
    def market_hash(self) -> int:
        """H(time, config_hash, oracle_hash)."""
        return self.market.market_hash(self.params.config_hash)

    @property
    def root(self) -> int:
        """State root H(accounts_root, orders_root, instruments_root, market_hash, blind)."""
        return state_root(self.accounts_root, self.orders_root, self.instruments_root, self.market_hash, self.blind)

    @property
    def empty_balances_root(self) -> int:
        return empty_root(self.params.assets_depth)

    # --- leaves -------------------------------------------------------------
    def account(self, account: int) -> AccountLeaf | None:
        return self.source.get(ACCOUNTS, account)

    def balance(self, account: int, asset: int) -> int:
        value = self.source.get(NODES, (balances_tree_id(account), 0, asset))
        return 0 if value is None else value

    def new_account(self, pubkey: tuple[int, int]) -> AccountLeaf:
        """The leaf a deposit creates: the key, nonce 0, empty balances, cash 0, P free slots."""
        return AccountLeaf(pubkey[0], pubkey[1], 0, self.empty_balances_root, 0, empty_slots(self.params.positions))

    def order(self, order: int) -> OrderLeaf | None:
        return self.source.get(ORDERS, order)

    def instrument(self, instrument: int) -> Instrument | None:
        """The listed instrument with this id (None: free, or outside the tree)."""
        if not 0 <= instrument < (1 << self.params.instruments_depth):
            return None
        return self.source.get(INSTRUMENTS, instrument)

    # --- scans and the log (committed sources only) ----------------------------
    @property
    def committed(self) -> Source:
        """The committed source; a State over an Overlay (a batch being computed) has none."""
        assert not isinstance(self.source, Overlay), "scans and the log need a committed source"
        return self.source

    def accounts(self) -> Iterator[tuple[int, AccountLeaf]]:
        return self.committed.items(ACCOUNTS)

    def orders(self) -> Iterator[tuple[int, OrderLeaf]]:
        return self.committed.items(ORDERS)

    def instruments(self) -> Iterator[tuple[int, Instrument]]:
        return self.committed.items(INSTRUMENTS)

    def balances(self) -> Iterator[tuple[int, int, int]]:
        """(account, asset, amount) for every non-zero balance."""
        for (account, asset), amount in self.committed.items(BALANCES):
            yield account, asset, amount

    def refresh(self) -> None:
        """See batches committed by other handles on the same store since our last batch.

        A handle refreshes by itself at the start of each batch; call this
        before reading if another process may have written meanwhile.
        """
        self.committed.refresh()

    def log(self) -> list[LogEntry]:
        return self.committed.log()

    @property
    def height(self) -> int:
        """Number of batches applied."""
        return self.committed.height()
