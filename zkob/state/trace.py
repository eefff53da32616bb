"""The witness contract (protocol version 2): what one batch did, step by step, for the circuit.

``trace_batch`` (transition.py) returns a ``BatchTrace``; the circuit and
``zkob export wtns`` read nothing else from the state machine. Every object
is a frozen dataclass of plain ints (signed values as Python ints; the
circuit encodes them x mod r), so a trace can be built, compared and
serialized without touching the store. /work/coord/notes-state2.md and
docs/protocol.md section 13 give the layout tables per op type.

**A batch** runs in this order, and the trace follows it:

1. ``market``: time_monotonic (old time -> T), then the M report slots
   (the real reports first, padding after), each with the oracle entries
   before and after it and, for a settlement, the instrument leaf before
   and after with its instruments-tree path (taken before that write).
2. ``ops``: the K slots in order (the batch's ops packed by V2.md's
   ``slot_layout`` rule, noops elsewhere), each with its slot kind. Every
   op runs with time T and the oracle entries after all reports.
3. the blind: ``new_blind = H(salt, 2)`` replaces ``old_blind``.

**One slot** (``OpTrace``) has the fixed shape of its row of the op table
(protocol.OP_TABLE): ``orders`` follow its ``orders``, ``accounts`` its
``accounts`` (each ``AccountUpdate`` carrying its ``legs`` balance legs,
and a ``PositionChange`` when the row says ``position``), ``instrument``
its ``instrument`` access, ``margin`` its ``margin`` evaluations, in the
row's order. Every Merkle path is taken *before its own update*, against
the tree as the previous update left it, which is what the circuit
chains. Within an op: the instrument (read or list) first, then the order
updates, then the account updates; as in version 1, place and dplace
update the account before inserting the order. A read leaves its tree
unchanged (old == new).

An account update opens the leaf once, applies its balance legs in order
(each leg's path in the account's balances tree is taken after the legs
before it), changes cash and at most one position slot, bumps the nonce
when it is the signer's (always ``accounts[0]``), and writes the leaf once.
A never-used account is ``None`` (leaf 0); a deposit that creates it has
``old=None`` and a ``new`` with the deposit's key, nonce 0, cash 0 and P
free slots.

Signed ops carry an ``Authorization``: the signer's account (the first
account update's), its stored key and nonce before the op, the venue,
the signed message ``H(venue, op_hash, nonce)`` and the signature.
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from functools import cached_property

from ..zk.babyjub import Point
from ..zk.eddsa import Signature
from ..zk.poseidon_fast import hash2, poseidon
from .instruments import Instrument
from .oracle import Market, OracleEntry, OracleSignature, Report
from .ops import Op
from .params import Params
from .positions import Position, Slots, positions_hash_cached
from .protocol import PUBLIC_INPUTS, SlotKind
from .signed import to_field


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


# -- leaves ---------------------------------------------------------------------------
@dataclass(frozen=True)
class AccountLeaf:
    """Account leaf ``H(pk_x, pk_y, nonce, balances_root, cash, positions_hash)``.

    ``cash`` is signed (|cash| < 2^96, hashed as cash mod r); ``slots`` are
    the P position slots (None = free), whose hash is ``positions_hash``.
    """

    pk_x: int
    pk_y: int
    nonce: int
    balances_root: int
    cash: int
    slots: Slots

    @property
    def positions_hash(self) -> int:
        """H(h_1, ..., h_P) over the slots (cached per slots tuple)."""
        return positions_hash_cached(self.slots)

    @cached_property
    def _hash(self) -> int:
        return poseidon([self.pk_x, self.pk_y, self.nonce, self.balances_root, to_field(self.cash),
                         self.positions_hash])

    def hash(self) -> int:
        return self._hash


@dataclass(frozen=True)
class OrderLeaf:
    """Order leaf ``H(account, base, quote, side, price, remaining, instrument)``; side 0 buy, 1 sell.

    A spot order has instrument 0; a derivatives order has base = quote = 0
    and instrument >= 1.
    """

    account: int
    base: int
    quote: int
    side: int
    price: int
    remaining: int
    instrument: int = 0

    @property
    def is_derivative(self) -> bool:
        return self.instrument != 0

    def hash(self) -> int:
        return poseidon([self.account, self.base, self.quote, self.side, self.price, self.remaining,
                         self.instrument])


ORDER_LEAF_FIELDS = tuple(f.name for f in fields(OrderLeaf))  # in hash order
ACCOUNT_LEAF_FIELDS = ("pk_x", "pk_y", "nonce", "balances_root", "cash", "positions_hash")  # hash order


def account_hash(leaf: AccountLeaf | None) -> int:
    """Leaf value in the accounts tree (0 for a never-used account)."""
    return 0 if leaf is None else leaf.hash()


def order_hash(leaf: OrderLeaf | None) -> int:
    """Leaf value in the orders tree (0 for a free slot)."""
    return 0 if leaf is None else leaf.hash()


# -- updates --------------------------------------------------------------------------
@dataclass(frozen=True)
class BalanceLeg:
    """One balance leaf of an account changed: its path in the account's balances tree, taken before this leg.

    ``root_before`` is the balances root the path proves ``old_amount``
    against (the account's stored root for the first leg, the previous
    leg's ``root_after`` for the next); ``root_after`` has ``new_amount``.
    """

    asset: int
    old_amount: int
    new_amount: int
    path: MerklePath
    root_before: int
    root_after: int


@dataclass(frozen=True)
class PositionChange:
    """The one position slot a derivatives op changed in an account.

    ``slot`` is its index j (the slot holding ``instrument``, else the
    lowest free one); ``old_size`` is 0 when the slot was free and
    ``new_size`` 0 when it is freed. The slot's terms come from the
    instrument leaf of the op (``OpTrace.instrument``).
    """

    slot: int
    instrument: int
    old_size: int
    new_size: int


@dataclass(frozen=True)
class AccountUpdate:
    """One account leaf changed once: legs, cash, one position, the nonce; path taken before.

    ``old`` is None for a never-used account. ``old.balances_root`` (or
    the empty balances root) is the first leg's ``root_before``;
    ``new.balances_root`` the last leg's ``root_after``. Cash before and
    after are ``old.cash`` / ``new.cash``, the slots ``old.slots`` /
    ``new.slots``; ``position`` says which slot changed (None when none did).
    """

    account: int
    old: AccountLeaf | None
    new: AccountLeaf
    path: MerklePath
    accounts_root_before: int
    accounts_root_after: int
    legs: tuple[BalanceLeg, ...] = ()
    position: PositionChange | None = None

    @property
    def cash_before(self) -> int:
        return 0 if self.old is None else self.old.cash

    @property
    def cash_after(self) -> int:
        return self.new.cash


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
class InstrumentUpdate:
    """The instrument leaf an op or a settlement report reads or writes, with its path (taken before).

    A read (dplace, dfill, liquidate, settle) has ``old == new`` and equal
    roots; a list has ``old=None``; a settlement report changes only
    ``settle_price``.
    """

    instrument: int
    old: Instrument | None
    new: Instrument | None
    path: MerklePath
    root_before: int
    root_after: int


@dataclass(frozen=True)
class MarginCheck:
    """One margin evaluation of an op, in its row's ``margin`` order (protocol.MarginEvalSpec).

    ``account_update`` indexes the op's ``accounts``; ``when`` is "before"
    (the account's state before the op: that update's ``old``) or "after"
    (its ``new``). ``enabled`` says whether the op's rules judge it (a
    margin transfer in, amount > 0, makes no check): only an enabled
    evaluation requires fresh prices (``price_stale``). ``prices`` holds S
    for each slot in use (None for a free slot), from the oracle entries
    after the reports; the figures are DESIGN's, in integers:
    ``equity`` = cash + sum size * v(S), ``initial_bp`` = IM_bp,
    ``maintenance_bp`` = MM_bp.
    """

    account: int
    account_update: int
    when: str
    checks: tuple[str, ...]
    enabled: bool
    cash: int
    slots: Slots
    prices: tuple[int | None, ...]
    equity: int
    initial_bp: int
    maintenance_bp: int

    @property
    def meets_im(self) -> bool:
        return 10**4 * self.equity >= self.initial_bp

    @property
    def below_mm(self) -> bool:
        return 10**4 * self.equity < self.maintenance_bp

    @property
    def deficit_bp(self) -> int:
        return self.maintenance_bp - 10**4 * self.equity


@dataclass(frozen=True)
class Authorization:
    """Who signed a signed op and what: the circuit verifies ``sig`` over ``message`` with ``pubkey``.

    ``nonce`` is the signer's nonce before the op; ``message`` is
    ``H(venue, op_hash, nonce)`` with ``venue`` the config's venue_id.
    """

    account: int
    pubkey: tuple[int, int]
    nonce: int
    venue: int
    message: int
    sig: Signature


@dataclass(frozen=True)
class OpTrace:
    """One of the K slots: its kind, the op, its encoding and hash, and its updates in the row's shape.

    ``index`` is the slot; ``op_index`` the op's position in the batch
    file's ``ops`` (None for a padding noop). The roots are each tree's
    before and after the slot.
    """

    index: int
    kind: SlotKind
    op_index: int | None
    op: Op
    op_type: str
    encoding: tuple[int, ...]
    op_hash: int
    orders: tuple[OrderUpdate, ...]
    accounts: tuple[AccountUpdate, ...]
    instrument: InstrumentUpdate | None
    margin: tuple[MarginCheck, ...]
    auth: Authorization | None
    accounts_root_before: int
    accounts_root_after: int
    orders_root_before: int
    orders_root_after: int
    instruments_root_before: int
    instruments_root_after: int


# -- the market section -----------------------------------------------------------------
@dataclass(frozen=True)
class ReportTrace:
    """One of the M report slots; ``report`` None is padding (all zeros in the circuit).

    ``message`` is the report hash (what the committee signed, and the
    market digest's item; 0 for padding); ``signer_keys`` the keys of
    ``report.sigs``' signers in order (``oracle_keys[k]``). ``oracle_before``
    and ``oracle_after`` are all U entries around this slot (equal unless an
    index report). A settlement's ``instrument`` is the leaf before and
    after (settle_price set) with its instruments-tree path, taken before
    this write; ``digest_before``/``digest_after`` the market digest chain.
    """

    index: int
    report: Report | None
    message: int
    signer_keys: tuple[Point, ...]
    oracle_before: tuple[OracleEntry, ...]
    oracle_after: tuple[OracleEntry, ...]
    instrument: InstrumentUpdate | None
    digest_before: int
    digest_after: int

    @property
    def kind(self) -> str:
        """"padding", "index" or "settlement"."""
        return "padding" if self.report is None else self.report.KIND

    @property
    def sigs(self) -> tuple[OracleSignature, ...]:
        return () if self.report is None else self.report.sigs


@dataclass(frozen=True)
class MarketTrace:
    """Time, the reports section and the market hash before and after, with the config they run under.

    ``before`` is the stored market (old time, old entries); ``after`` has
    time T and the entries after every report (what every op of the batch
    uses). ``reports`` has exactly M slots. The instruments root runs from
    ``instruments_root_before`` through the settlements to
    ``instruments_root_after`` (the ops' first root).
    """

    config_hash: int
    before: Market
    after: Market
    market_hash_before: int
    market_hash_after: int
    reports: tuple[ReportTrace, ...]
    instruments_root_before: int
    instruments_root_after: int

    @property
    def old_time(self) -> int:
        return self.before.time

    @property
    def time(self) -> int:
        return self.after.time


@dataclass(frozen=True)
class BatchTrace:
    """A whole batch: the market section, exactly ``params.batch_size`` OpTraces, the blinds.

    ``commitment`` is c_K of c_0 = salt, c_{i+1} = H(c_i, op_hash_i);
    ``bridge`` is b after the K slots (b <- H(b, op_hash) for each deposit
    and withdraw); ``market`` is the market digest (m <- H(m, report_hash)
    per real report, then H(m, op_hash) per list op); ``time`` is T.
    ``old_root = H(accounts, orders, instruments, market_hash, old_blind)``
    of the state before, ``new_root`` the same after with
    ``new_blind = H(salt, 2)``. ``public_inputs`` lists them in the order of
    protocol.PUBLIC_INPUTS.
    """

    params: Params
    old_root: int
    new_root: int
    salt: int
    commitment: int
    bridge: int
    market: int
    time: int
    old_blind: int
    new_blind: int
    market_trace: MarketTrace
    ops: tuple[OpTrace, ...]

    @property
    def public_inputs(self) -> tuple[int, ...]:
        """The proof's public inputs, in the order of protocol.PUBLIC_INPUTS."""
        return tuple(getattr(self, name) for name in PUBLIC_INPUTS)

    @property
    def accounts_root_before(self) -> int:
        return self.ops[0].accounts_root_before

    @property
    def orders_root_before(self) -> int:
        return self.ops[0].orders_root_before


def state_root(accounts_root: int, orders_root: int, instruments_root: int, market_hash: int, blind: int) -> int:
    """H(accounts_root, orders_root, instruments_root, market_hash, blind) (docs/protocol.md section 3)."""
    return poseidon([accounts_root, orders_root, instruments_root, market_hash, blind])


def blind_of(salt: int) -> int:
    """The blind a batch with this salt leaves in the root: H(salt, 2)."""
    return hash2(salt, 2)


def position_of(update: AccountUpdate) -> Position | None:
    """The changed slot after an account update (None when freed or unchanged)."""
    if update.position is None:
        return None
    return update.new.slots[update.position.slot]
