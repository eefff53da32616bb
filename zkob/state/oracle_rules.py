"""The batch time and oracle reports of DESIGN.md section 10 as rules, and the market digest.

A batch sets the time T, then applies its reports in order, before any op:

    time_monotonic     T >= the state's time (T < 2^32 is the batch file's form)
    report_underlying  index: u < U
    report_price       1 <= p < 2^64 (index and settlement)
    report_stale       index: t > ts_u (strictly newer) and t <= T
    report_instrument  settlement: instrument i is listed (1 <= i < 2^D_I, leaf not 0)
    settle_early       settlement: T >= expiry_i
    settle_twice       settlement: settle_price_i == 0 (also within one batch)
    report_quorum      exactly Q signatures, strictly increasing signer indices k < N,
                       each valid by oracle_keys[k] over the report's message

Checked in that order per report, the signatures last (they cost ~6 ms
each). ``report_instrument`` is this module's name for "instrument i
listed", which DESIGN states without naming. Effects: an index report sets
(price_u, ts_u) = (p, t); a settlement report sets settle_price_i = P
(the instruments-tree write is the caller's).

Each violation raises ``MarketRejected``, a ``Rejected`` that names the
report by its position in ``reports`` (or the batch time), so callers that
catch ``Rejected`` report it like an op's.

Market digest (a public input): m_0 = 0; m <- H(m, report_hash) for each
report in order, then m <- H(m, op_hash) for each list op in batch order.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace

from ..zk.eddsa import verify_poseidon
from ..zk.poseidon import hash2
from .config import TIME_BOUND, Config
from .errors import Rejected
from .instruments import Instrument
from .oracle import IndexReport, Market, OracleEntry, OracleSignature, Report, SettlementReport

PRICE_BOUND = 1 << 64
RULES = ("time_monotonic", "report_underlying", "report_price", "report_stale", "report_instrument",
         "settle_early", "settle_twice", "report_quorum")


class MarketRejected(Rejected):
    """The batch time or report ``report_index`` breaks ``rule``; nothing was changed.

    ``op_type`` is "report" (``op_index`` = the report's position in
    ``reports``) or "time" (``op_index`` = -1, ``report_index`` = None).
    """

    def __init__(self, rule: str, report_index: int | None, detail: str = ""):
        kind = "time" if report_index is None else "report"
        super().__init__(rule, -1 if report_index is None else report_index, kind, detail)
        self.report_index = report_index
        where = "batch time" if report_index is None else f"report {report_index}"
        text = f"{where} rejected: rule {rule}" + (f": {detail}" if detail else "")
        self.args = (" ".join(text.split()),)


def _require(ok: bool, rule: str, index: int | None, detail: str) -> None:
    if not ok:
        raise MarketRejected(rule, index, detail)


def time_monotonic(market: Market, time: int) -> None:
    """T >= the state's time (and below 2^32)."""
    _require(market.time <= time < TIME_BOUND, "time_monotonic", None,
             f"batch time {time} is before the state's time {market.time}")


def report_underlying(index: int, report: IndexReport, market: Market) -> None:
    _require(report.underlying < len(market.oracle), "report_underlying", index,
             f"underlying {report.underlying} is not below U = {len(market.oracle)}")


def report_price(index: int, report: Report) -> None:
    _require(1 <= report.price < PRICE_BOUND, "report_price", index,
             f"price {report.price} is not in [1, 2^64)")


def report_stale(index: int, report: IndexReport, market: Market) -> None:
    """t > ts_u (strictly newer than the stored price) and t <= T (the market's time is T)."""
    stored = market.oracle[report.underlying].ts
    _require(report.ts > stored, "report_stale", index,
             f"ts {report.ts} is not newer than the stored ts {stored} of underlying {report.underlying}")
    _require(report.ts <= market.time, "report_stale", index,
             f"ts {report.ts} is after the batch time {market.time}")


def report_instrument(index: int, report: SettlementReport, terms: Instrument | None,
                      instruments_depth: int) -> None:
    _require(1 <= report.instrument < (1 << instruments_depth) and terms is not None, "report_instrument",
             index, f"instrument {report.instrument} is not listed")


def settle_early(index: int, terms: Instrument, market: Market) -> None:
    _require(market.time >= terms.expiry, "settle_early", index,
             f"batch time {market.time} is before the expiry {terms.expiry}")


def settle_twice(index: int, report: SettlementReport, terms: Instrument) -> None:
    _require(terms.settle_price == 0, "settle_twice", index,
             f"instrument {report.instrument} is already settled at {terms.settle_price}")


def quorum_problem(message: int, sigs: Sequence[OracleSignature], cfg: Config) -> str | None:
    """Why ``sigs`` are not exactly Q valid committee signatures in signer order, or None."""
    if len(sigs) != cfg.quorum:
        return f"{len(sigs)} signatures, the quorum is exactly {cfg.quorum}"
    for j, s in enumerate(sigs):
        if s.signer >= cfg.n_keys:
            return f"signer {s.signer} is not a committee member (N = {cfg.n_keys})"
        if j and s.signer <= sigs[j - 1].signer:
            return f"signer indices must strictly increase ({sigs[j - 1].signer} then {s.signer})"
    for s in sigs:
        if not verify_poseidon(message, s.sig, cfg.oracle_keys[s.signer]):
            return f"the signature of member {s.signer} does not verify"
    return None


def report_quorum(index: int, message: int, sigs: Sequence[OracleSignature], cfg: Config) -> None:
    problem = quorum_problem(message, sigs, cfg)
    _require(problem is None, "report_quorum", index, problem or "")


@dataclass(frozen=True)
class ReportEffect:
    """What report ``index`` did: its hash (for the digest), the market after it, a settlement."""

    index: int
    report_hash: int
    market: Market
    settled: tuple[int, Instrument] | None = None


def apply_report(index: int, report: Report, market: Market, cfg: Config,
                 instrument: Callable[[int], Instrument | None], instruments_depth: int) -> ReportEffect:
    """Check report ``index`` against ``market`` (time already T); return its effect."""
    if isinstance(report, IndexReport):
        report_underlying(index, report, market)
        report_price(index, report)
        report_stale(index, report, market)
        message = report.message()
        report_quorum(index, message, report.sigs, cfg)
        oracle = list(market.oracle)
        oracle[report.underlying] = OracleEntry(report.price, report.ts)
        return ReportEffect(index, message, replace(market, oracle=tuple(oracle)))
    terms = instrument(report.instrument) if 1 <= report.instrument < (1 << instruments_depth) else None
    report_instrument(index, report, terms, instruments_depth)
    assert terms is not None
    settle_early(index, terms, market)
    settle_twice(index, report, terms)
    report_price(index, report)
    message = report.message(terms)
    report_quorum(index, message, report.sigs, cfg)
    return ReportEffect(index, message, market, (report.instrument, terms.with_settlement(report.price)))


def apply_market(market: Market, time: int, reports: Sequence[Report], cfg: Config,
                 instrument: Callable[[int], Instrument | None],
                 instruments_depth: int) -> tuple[Market, tuple[ReportEffect, ...]]:
    """time_monotonic, then each report in order; returns the market after all and each effect.

    ``instrument(i)`` reads the state's instruments tree (None for a free
    id); settlements made earlier in the same batch are seen by later
    reports (a second settlement of one instrument is ``settle_twice``).
    """
    time_monotonic(market, time)
    market = replace(market, time=time)
    settled: dict[int, Instrument] = {}

    def current(i: int) -> Instrument | None:
        return settled[i] if i in settled else instrument(i)

    effects = []
    for index, report in enumerate(reports):
        effect = apply_report(index, report, market, cfg, current, instruments_depth)
        if effect.settled is not None:
            settled[effect.settled[0]] = effect.settled[1]
        market = effect.market
        effects.append(effect)
    return market, tuple(effects)


def market_chain(report_hashes: Sequence[int], list_op_hashes: Sequence[int]) -> tuple[int, ...]:
    """m after each step (m_0 = 0 first): the reports' hashes, then the list ops' hashes."""
    chain = [0]
    for h in (*report_hashes, *list_op_hashes):
        chain.append(hash2(chain[-1], h))
    return tuple(chain)


def market_digest(report_hashes: Sequence[int], list_op_hashes: Sequence[int]) -> int:
    """The market digest: m after every report and every list op."""
    return market_chain(report_hashes, list_op_hashes)[-1]
