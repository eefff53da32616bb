"""The public market side of a batch: the committee's feed and a batch's market record.

**The committee's feed** (what an oracle committee publishes, for every
venue): a JSON object ``{"reports": [...]}`` of signed messages, each

    {"report": "index", "underlying": u, "price": p, "ts": t, "sigs": [...]}
    {"report": "settlement", "underlying": u, "expiry": e, "price": P, "sigs": [...]}

whose message is H(1, u, p, t) or H(2, u, e, P) (state/oracle.py). A
settlement names no instrument: the committee signs the price of an
underlying at an expiry, the same for every venue.

**A batch's market record** (``market.json`` beside ``bridge.json``, public):
the batch time, its reports in the feed's form (a settlement with the
listed instrument's underlying and expiry, and the instrument it settled),
its list ops and the market digest they chain to:

    {"time": T, "reports": [...], "lists": [LIST OP, ...], "market": "<digest>"}

A light client checks that the record hashes to the public market digest
and, given the feed, that every report of the record is one the committee
published, and flags an index report when the feed has a newer one of the
same underlying at or before T (lightclient.py). Parsing is strict and
bounded; signatures are carried, not checked (the proof checked them).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from ..zk.errors import MalformedInput
from ..zk.field import parse_decimal
from .batchfile import parse_op
from .oracle import INDEX_TAG, SETTLEMENT_TAG, index_message, settlement_message
from .ops import ListInstrument, Op, op_hash, to_json
from .oracle_rules import market_digest
from .signed import parse_unsigned

MAX_FEED_REPORTS = 1 << 16
MAX_RECORD_BYTES = 1 << 20


@dataclass(frozen=True)
class FeedReport:
    """A report as the committee publishes it: the signed message's terms (sigs kept as JSON, unchecked)."""

    tag: int  # 1 index, 2 settlement
    underlying: int
    price: int
    ts: int  # the index report's ts, or the settlement's expiry
    instrument: int | None = None  # a market record's settlement: the venue's instrument

    @property
    def message(self) -> int:
        if self.tag == INDEX_TAG:
            return index_message(self.underlying, self.price, self.ts)
        return settlement_message(self.underlying, self.ts, self.price)


@dataclass(frozen=True)
class MarketRecord:
    """A batch's public market record: time, reports (feed form), list ops, and the digest claimed."""

    time: int
    reports: tuple[FeedReport, ...]
    lists: tuple[Op, ...]
    market: int

    def digest(self) -> int:
        """The market digest these reports and list ops chain to (compare with ``market``)."""
        return market_digest([r.message for r in self.reports], [op_hash(op) for op in self.lists])


def market_record_json(trace: object) -> dict[str, object]:
    """The market record of a BatchTrace (settlement terms from its instruments reads)."""
    from .trace import BatchTrace

    assert isinstance(trace, BatchTrace)
    reports: list[dict[str, object]] = []
    for slot in trace.market_trace.reports:
        if slot.report is None:
            continue
        r = slot.report
        if slot.instrument is None:
            reports.append({"report": "index", "underlying": str(r.underlying), "price": str(r.price),  # type: ignore[union-attr]
                            "ts": str(r.ts)})  # type: ignore[union-attr]
        else:
            terms = slot.instrument.old
            assert terms is not None
            reports.append({"report": "settlement", "instrument": str(slot.instrument.instrument),
                            "underlying": str(terms.underlying), "expiry": str(terms.expiry), "price": str(r.price)})
    lists = [to_json(t.op) for t in trace.ops if t.op.SPEC.market]
    return {"time": trace.time, "reports": reports, "lists": lists, "market": str(trace.market)}


_FIELDS = {"index": ("underlying", "price", "ts"), "settlement": ("underlying", "expiry", "price")}


def _parse_feed_report(obj: object, where: str, record: bool) -> FeedReport:
    if not isinstance(obj, dict):
        raise MalformedInput(where, "a report must be a JSON object")
    kind = obj.get("report")
    if kind not in _FIELDS:
        raise MalformedInput(f"{where}.report", f"expected \"index\" or \"settlement\", got {kind!r}")
    names = set(_FIELDS[kind]) | {"report"}
    optional = {"sigs"} | ({"instrument"} if record and kind == "settlement" else set())
    if not names <= set(obj) <= names | optional:
        raise MalformedInput(where, f"expected the fields {sorted(names)} (and optionally {sorted(optional)})")
    v = {n: parse_unsigned(obj[n], f"{where}.{n}") for n in _FIELDS[kind]}
    instrument = parse_unsigned(obj["instrument"], f"{where}.instrument") if "instrument" in obj else None
    if kind == "index":
        return FeedReport(INDEX_TAG, v["underlying"], v["price"], v["ts"])
    return FeedReport(SETTLEMENT_TAG, v["underlying"], v["price"], v["expiry"], instrument)


def parse_feed(data: object) -> tuple[FeedReport, ...]:
    """The committee's feed ``{"reports": [...]}`` (at most MAX_FEED_REPORTS); MalformedInput names the flaw."""
    if not isinstance(data, dict) or set(data) != {"reports"} or not isinstance(data["reports"], list):
        raise MalformedInput("feed", 'expected {"reports": [...]}')
    if len(data["reports"]) > MAX_FEED_REPORTS:
        raise MalformedInput("feed.reports", f"at most {MAX_FEED_REPORTS} reports")
    return tuple(_parse_feed_report(r, f"feed.reports[{i}]", False) for i, r in enumerate(data["reports"]))


def parse_market_record(data: object, max_reports: int = 64, max_lists: int = 4096) -> MarketRecord:
    """A market.json object -> MarketRecord; the digest claimed must be the one its contents chain to."""
    keys = {"time", "reports", "lists", "market"}
    if not isinstance(data, dict) or set(data) != keys:
        raise MalformedInput("market record", f"expected exactly {sorted(keys)}")
    raw_reports, raw_lists = data["reports"], data["lists"]
    if not isinstance(raw_reports, list) or len(raw_reports) > max_reports:
        raise MalformedInput("market record.reports", f"expected a list of at most {max_reports} reports")
    if not isinstance(raw_lists, list) or len(raw_lists) > max_lists:
        raise MalformedInput("market record.lists", f"expected a list of at most {max_lists} list ops")
    reports = tuple(_parse_feed_report(r, f"market record.reports[{i}]", True) for i, r in enumerate(raw_reports))
    lists = tuple(parse_op(obj, i) for i, obj in enumerate(raw_lists))
    for i, op in enumerate(lists):
        if not isinstance(op, ListInstrument):
            raise MalformedInput(f"market record.lists[{i}]", f"{op.NAME} is not a list op")
    record = MarketRecord(parse_unsigned(data["time"], "market record.time"), reports, lists,
                          parse_decimal(data["market"], "market record.market"))
    if record.digest() != record.market:
        raise MalformedInput("market record.market", "does not match the digest of its reports and list ops")
    return record


def newer_index_reports(record: MarketRecord, feed: Sequence[FeedReport], time: int) -> list[str]:
    """For each index report of the record, a note when the feed has a newer one of its underlying at or before T."""
    notes = []
    for r in record.reports:
        if r.tag != INDEX_TAG:
            continue
        newer = [f for f in feed if f.tag == INDEX_TAG and f.underlying == r.underlying and r.ts < f.ts <= time]
        if newer:
            best = max(newer, key=lambda f: f.ts)
            notes.append(f"underlying {r.underlying}: used the report of ts {r.ts}; the committee published "
                         f"ts {best.ts} (price {best.price}) at or before the batch time {time}")
    return notes
