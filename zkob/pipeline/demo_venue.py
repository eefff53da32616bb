"""The options venue of ``zkob demo``: its cast, its listings and its scripted life, as batches.

A venue on two underlyings (the committee's feeds 0 and 1, shown as ETH
and SOL) lists a future, calls and puts expiring a week after it opens. A
committee of three signs every price; any two of them make a quorum, and
the signers rotate so the demo shows each pair. Three users trade:

    Ana  the market maker: offers futures and puts, and liquidates
    Ben  buys futures with thin margin, and is liquidated when ETH falls
    Cy   buys puts on SOL after the fall

``script(params)`` returns the venue's life as ``Chapter``s, one per batch,
in three scenes: the venue opens (deposits, listings, margin in, the
first prices, futures traded through the price-time engine:
matching_derivatives.VenueFlow's dplace and the dfills it makes), a day
later a price move takes Ben below maintenance margin, Ana liquidates him
and Cy buys puts, and at expiry the committee's settlement prices come in
and every position settles. Every op is made by the engine, which mirrors
the state; the state machine remains the judge when the batches are
applied. A scene becomes batches by ``cut_scene`` (M reports each, ops
packed into the slot kinds, never before the reports they need).

``account_figures`` computes what the demo's table shows per account
(equity, IM, MM, health, delta per underlying) from a state, natively
(state/margin.py and state/risk.py, never proven).

Pure and deterministic (fixed keys, no clock): the same params give the
same batches. Cost: ~5 ms per signature, about 30 signatures.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from ..state.config import Config
from ..state.feed import FeedReport
from ..state.instruments import CALL, FUTURE, PUT, Instrument
from ..state.margin import equity, initial_margin_bp, maintenance_margin_bp
from ..state.matching_derivatives import VenueFlow
from ..state.oracle import INDEX_TAG, SETTLEMENT_TAG, committee_key
from ..state.params import Params, slot_kinds
from ..state.positions import size_of
from ..state.protocol import BUY, OPS, SELL
from ..state.risk import position_risk
from ..state.state import State
from ..zk.errors import InternalError

UNDERLYINGS = ("ETH", "SOL")  # display names of the committee's feeds 0 and 1
USERS = {1: "Ana", 2: "Ben", 3: "Cy"}
ANA, BEN, CY = 1, 2, 3
COMMITTEE = tuple(bytes([0xC0 + k]) * 32 for k in range(3))  # the committee's private keys (a demo stand-in)
USER_KEYS = {a: bytes([0x50 + a]) * 32 for a in USERS}  # the users' private keys (a demo stand-in)
QUORUM = 2
VENUE_ID = 2026
OPEN = 1_767_225_600  # 2026-01-01 00:00 UTC: the venue opens
DAY = 86_400
EXPIRY = OPEN + 7 * DAY
VOL = 0.6  # the volatility behind the table's deltas (display only)
OpJson = dict[str, Any]  # an op or report object as a batch file holds it


@dataclass(frozen=True)
class Listing:
    """One instrument the venue lists: its id, terms and display name."""

    instrument: int
    kind: int
    underlying: int
    strike: int

    @property
    def name(self) -> str:
        tail = {FUTURE: "FUT", CALL: f"{self.strike}-C", PUT: f"{self.strike}-P"}[self.kind]
        return f"{UNDERLYINGS[self.underlying]}-{tail}"


F_ETH, C_ETH, P_ETH, C_SOL, P_SOL = 1, 2, 3, 4, 5
LISTINGS = (Listing(F_ETH, FUTURE, 0, 0), Listing(C_ETH, CALL, 0, 2100), Listing(P_ETH, PUT, 0, 1900),
            Listing(C_SOL, CALL, 1, 110), Listing(P_SOL, PUT, 1, 90))
NAMES = {listing.instrument: listing.name for listing in LISTINGS}


def venue_config(max_age: int = 60) -> Config:
    """The venue's public config: the committee's three keys, quorum 2, default risk rates."""
    return Config(oracle_keys=tuple(committee_key(k) for k in COMMITTEE), quorum=QUORUM, max_age=max_age,
                  venue_id=VENUE_ID)


def venue_params(batch_size: int = 5, derivatives_slots: int = 5, reports: int = 2) -> Params:
    """The smallest trees the story fits (3 users, 5 instruments, at most 2 open orders and 2 positions each).

    Every level and slot costs constraints in every batch, so the demo's
    circuit is as small as its story: accounts depth 2, orders depth 2,
    one asset bit (the collateral, asset 1), instruments depth 3, P = 2,
    U = 2. The defaults (K = R = 5, M = 2) give the fewest batches: the
    story's scenes take 14, 4 and 4 ops and 2 reports each.
    """
    return Params(accounts_depth=2, orders_depth=2, assets_depth=1, batch_size=batch_size,
                  underlyings=len(UNDERLYINGS), instruments_depth=3, positions=2, reports=reports,
                  derivatives_slots=derivatives_slots, config=venue_config())


@dataclass(frozen=True)
class Chapter:
    """One batch of the story: its scene, what happens (the scene's first batch only), time, reports, signed ops."""

    phase: str
    caption: str
    time: int
    reports: tuple[OpJson, ...]
    ops: tuple[OpJson, ...]
    notes: tuple[str, ...] = ()

    def batch_json(self, salt: int) -> dict[str, object]:
        """The batch-file object (parse it with batchfile.parse_batch)."""
        return {"ops": list(self.ops), "time": self.time, "reports": list(self.reports), "salt": str(salt)}


@dataclass
class _Scene:
    """A stretch of the story at one time: reports and ops in order, each op with the reports it needs."""

    phase: str
    caption: str
    time: int
    reports: list[OpJson] = field(default_factory=list)
    ops: list[tuple[OpJson, int]] = field(default_factory=list)  # (op, how many of the reports must precede it)
    notes: list[str] = field(default_factory=list)  # shown with the scene's first batch

    def add(self, *ops: OpJson) -> None:
        """Ops that need every report added so far (the engine made them after those prices)."""
        self.ops.extend((op, len(self.reports)) for op in ops)


def _fits(names: list[str], kinds: tuple[str, ...]) -> bool:
    """True when ops of these types, in order, fit the slot kinds (V2.md's greedy packing)."""
    slot = 0
    for name in names:
        while slot < len(kinds) and not OPS[name].accepted_by(kinds[slot]):  # type: ignore[arg-type]
            slot += 1
        if slot == len(kinds):
            return False
        slot += 1
    return True


def cut_scene(scene: _Scene, params: Params) -> list[Chapter]:
    """A scene as batches: each takes the next M reports, then as many ops as fit its slots and have their reports.

    A batch's reports run before its ops, so an op may go in the batch
    that carries the last report it needs, never earlier; a batch whose
    reports no op can follow yet holds one noop (a batch has 1..K ops).
    Successive batches of a scene are one second apart.
    """
    kinds = slot_kinds(params.batch_size, params.derivatives_slots)
    reports, ops, have = list(scene.reports), list(scene.ops), 0
    chapters: list[Chapter] = []
    while reports or ops:
        take, reports = reports[:params.reports], reports[params.reports:]
        have += len(take)
        batch: list[OpJson] = []
        while ops and ops[0][1] <= have and _fits([o["op"] for o in batch] + [ops[0][0]["op"]], kinds):
            batch.append(ops.pop(0)[0])
        if not batch:  # more reports than one batch holds before the next op: a batch of reports only
            batch.append({"op": "noop"})
        first = not chapters
        chapters.append(Chapter(scene.phase, scene.caption if first else "", scene.time + len(chapters),
                                tuple(take), tuple(batch), tuple(scene.notes) if first else ()))
    return chapters


class _Story:
    """The engine and the committee, with the helpers the script reads as sentences."""

    PAIRS = ((0, 1), (1, 2), (0, 2))  # any two of the three make a quorum; the demo rotates them

    def __init__(self, params: Params):
        self.flow = VenueFlow.for_params(params, dict(USER_KEYS), COMMITTEE)
        self.signed = 0
        self.scenes: list[_Scene] = []

    def scene(self, phase: str, caption: str, time: int) -> _Scene:
        self.flow.time = time
        self.scenes.append(_Scene(phase, caption, time))
        return self.scenes[-1]

    def _pair(self) -> tuple[int, int]:
        self.signed += 1
        return self.PAIRS[(self.signed - 1) % len(self.PAIRS)]

    def index(self, scene: _Scene, underlying: int, price: int) -> None:
        scene.reports.append(self.flow.index_report(underlying, price, self._pair()))

    def settlement(self, scene: _Scene, instrument: int, price: int) -> None:
        scene.reports.append(self.flow.settlement_report(instrument, price, self._pair()))

    def trade(self, scene: _Scene, account: int, instrument: int, side: int, price: int, qty: int,
              fills: int) -> None:
        """A limit order through the engine; ``fills`` dfills must result (the script's claim, checked)."""
        ops = self.flow.dlimit(account, instrument, side, price, qty)
        made = sum(op["op"] == "dfill" for op in ops)
        if not ops or made != fills:
            raise InternalError(f"the demo's engine made {made} fills for {USERS[account]}'s order on "
                                f"{NAMES[instrument]}, the script expects {fills}")
        scene.add(*ops)


def script(params: Params) -> tuple[list[Chapter], tuple[FeedReport, ...]]:
    """The venue's life as batches for ``params`` (venue_params' shape), and the committee's published feed."""
    story = _Story(params)
    flow = story.flow
    feed: list[FeedReport] = []

    s = story.scene("open", "the venue opens: three users deposit collateral and move it to margin, five "
                    "instruments are listed, the committee signs the first prices; Ana offers futures and Ben buys "
                    "them with thin margin", OPEN)
    for account, amount in ((ANA, 60_000), (BEN, 3_000), (CY, 2_000)):
        s.add(flow.deposit(account, params.config.collateral, amount))
    for listing in LISTINGS:
        s.add(flow.list_instrument(listing.instrument, listing.kind, listing.underlying, listing.strike, EXPIRY))
    for account, amount in ((ANA, 50_000), (BEN, 2_500), (CY, 1_500)):
        s.add(flow.margin(account, amount))
    story.index(s, 0, 2_000)
    story.index(s, 1, 100)
    story.trade(s, ANA, F_ETH, SELL, 2_000, 10, fills=0)
    story.trade(s, BEN, F_ETH, BUY, 2_010, 10, fills=1)

    s = story.scene("crash", "a day later ETH falls to 1,820 and SOL to 85: Ben is below maintenance margin and "
                    "Ana liquidates half of his futures at the index; Cy buys SOL puts from Ana", OPEN + DAY)
    story.index(s, 0, 1_820)
    story.index(s, 1, 85)
    if not flow.liquidatable(BEN):
        raise InternalError("the demo's price move left Ben above maintenance margin")
    s.notes.append(_below_mm_note(flow, BEN))
    liquidation = flow.liquidate(BEN, ANA, F_ETH, 5)
    if liquidation is None:
        raise InternalError("the demo's engine refused Ben's liquidation")
    s.add(liquidation)
    story.trade(s, ANA, P_SOL, SELL, 7, 10, fills=0)
    story.trade(s, CY, P_SOL, BUY, 7, 10, fills=1)

    s = story.scene("expiry", "expiry: the committee signs the settlement prices (ETH 1,850, SOL 80) and every "
                    "position settles", EXPIRY)
    prices = {0: 1_850, 1: 80}
    held = sorted({slot.instrument for acct in flow.margin_accounts.values() for slot in acct.slots if slot})
    for instrument in held:
        story.settlement(s, instrument, prices[flow.instruments[instrument].underlying])
        s.add(*[flow.settle(account, instrument) for account in sorted(flow.margin_accounts)
                if size_of(flow.account(account).slots, instrument)])

    chapters = [c for scene in story.scenes for c in cut_scene(scene, params)]
    for chapter in chapters:
        feed.extend(_feed_report(r, flow.instruments) for r in chapter.reports)
    return chapters, tuple(feed)


def _below_mm_note(flow: VenueFlow, account: int) -> str:
    """Why ``account`` may be liquidated: its equity and MM at the engine's (new) prices."""
    acct = flow.account(account)
    prices = [None if p is None else flow.oracle[p.underlying].price for p in acct.slots]
    eq = equity(acct.cash, acct.slots, prices)
    mm = maintenance_margin_bp(acct.slots, prices, flow.config) / 10**4
    return (f"at the new prices {USERS[account]} has equity {eq:,} below maintenance margin {mm:,.0f}: "
            "liquidatable (the proof checks it with the signed prices)")


def _feed_report(report: OpJson, instruments: dict[int, Instrument]) -> FeedReport:
    """A batch's report in the committee's feed form (a settlement names its underlying and expiry)."""
    if report["report"] == "index":
        return FeedReport(INDEX_TAG, int(report["underlying"]), int(report["price"]), int(report["ts"]))
    terms = instruments[int(report["instrument"])]
    return FeedReport(SETTLEMENT_TAG, terms.underlying, int(report["price"]), terms.expiry)


@dataclass(frozen=True)
class AccountFigures:
    """What the demo's table shows of one account (native figures, display only)."""

    account: int
    name: str
    cash: int
    positions: tuple[tuple[str, int], ...]  # (instrument name, signed size)
    equity: int
    initial: float  # IM in collateral units (IM_bp / 10^4)
    maintenance: float
    delta: tuple[float, ...]  # per underlying
    below_mm: bool

    @property
    def health(self) -> float | None:
        """Equity / MM (None when MM is 0: nothing at risk)."""
        return None if self.maintenance == 0 else self.equity / self.maintenance


def account_figures(state: State) -> list[AccountFigures]:
    """Equity, IM, MM, health and delta per underlying of every user, at the state's time and index prices.

    Display only: the prices are used whatever their age (the proofs check
    freshness where a rule needs it).
    """
    cfg, market = state.params.config, state.market
    rows = []
    for account, name in USERS.items():
        leaf = state.account(account)
        if leaf is None:
            continue
        prices = [None if s is None else market.oracle[s.underlying].price for s in leaf.slots]
        eq = equity(leaf.cash, leaf.slots, prices)
        im, mm = initial_margin_bp(leaf.slots, prices, cfg), maintenance_margin_bp(leaf.slots, prices, cfg)
        delta = [0.0] * state.params.underlyings
        for slot, price in zip(leaf.slots, prices):
            if slot is not None and price:
                delta[slot.underlying] += position_risk(slot, price, market.time, VOL).delta
        positions = tuple((NAMES.get(s.instrument, str(s.instrument)), s.size) for s in leaf.slots if s is not None)
        rows.append(AccountFigures(account, name, leaf.cash, positions, eq, im / 10**4, mm / 10**4, tuple(delta),
                                   10**4 * eq < mm))
    return rows
