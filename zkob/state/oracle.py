"""The oracle side of DESIGN.md section 10: market state, reports, their hashes and JSON.

**Market state.** The batch time (seconds, < 2^32, 0 at init) and, per
underlying u < U, the last index price and its timestamp (both 0 until
the first report):

    oracle_hash = H(price_0, ts_0, ..., price_{U-1}, ts_{U-1})
    market_hash = H(time, config_hash, oracle_hash)

**Reports.** An oracle committee signs two kinds of report with
EdDSA-Poseidon (zkob.zk.eddsa); what it signs is also the report's hash
in the market digest:

    index       {"report": "index", "underlying": u, "price": p, "ts": t, "sigs": [...]}
                message H(1, u, p, t)
    settlement  {"report": "settlement", "instrument": i, "price": P, "sigs": [...]}
                message H(2, u_i, expiry_i, P)   (the instrument's underlying and expiry)

A sig is ``{"signer": k, "R8": [x, y], "S": s}`` with k the member's index
in the config's oracle_keys. Reports carry no venue: one committee's
report serves every venue (section 10). Parsing checks form only
(canonical numbers below r, R8 on the curve, S < l); the values' rules
(report_price, report_quorum, ...) are in oracle_rules.py, which raises named
rejections.

The committee's side: ``sign_report`` adds one member's signature in
signer order (``zkob oracle sign``). Cost: ~5 ms per signature.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import ClassVar, Union

from ..zk.babyjub import Point
from ..zk.eddsa import Signature, private_to_public, sign_poseidon, signature_from_json, signature_to_json
from ..zk.errors import MalformedInput
from ..zk.poseidon import poseidon
from .config import TIME_BOUND
from .instruments import Instrument
from .signed import parse_unsigned

INDEX_TAG, SETTLEMENT_TAG = 1, 2


@dataclass(frozen=True)
class OracleEntry:
    """The last index price of one underlying and its timestamp (0, 0 before any report)."""

    price: int = 0
    ts: int = 0


@dataclass(frozen=True)
class Market:
    """Batch time and the U oracle entries."""

    time: int
    oracle: tuple[OracleEntry, ...]

    def oracle_hash(self) -> int:
        """H(price_0, ts_0, ..., price_{U-1}, ts_{U-1})."""
        return poseidon([v for e in self.oracle for v in (e.price, e.ts)])

    def market_hash(self, config_hash: int) -> int:
        """H(time, config_hash, oracle_hash)."""
        return poseidon([self.time, config_hash, self.oracle_hash()])


def genesis_market(underlyings: int) -> Market:
    """Time 0 and U empty oracle entries."""
    return Market(0, (OracleEntry(),) * underlyings)


def index_message(underlying: int, price: int, ts: int) -> int:
    """H(1, u, p, t): what the committee signs for an index price, and the report's hash."""
    return poseidon([INDEX_TAG, underlying, price, ts])


def settlement_message(underlying: int, expiry: int, price: int) -> int:
    """H(2, u, expiry, P): the settlement price of an underlying at an expiry, and the report's hash."""
    return poseidon([SETTLEMENT_TAG, underlying, expiry, price])


@dataclass(frozen=True)
class OracleSignature:
    """One committee member's signature: its index k in oracle_keys and (R8, S)."""

    signer: int
    sig: Signature


@dataclass(frozen=True)
class IndexReport:
    """Index price p of underlying u at time t."""

    underlying: int
    price: int
    ts: int
    sigs: tuple[OracleSignature, ...] = ()
    KIND: ClassVar[str] = "index"

    def message(self, terms: Instrument | None = None) -> int:
        return index_message(self.underlying, self.price, self.ts)


@dataclass(frozen=True)
class SettlementReport:
    """Settlement price P of listed instrument i (signed over its underlying and expiry)."""

    instrument: int
    price: int
    sigs: tuple[OracleSignature, ...] = ()
    KIND: ClassVar[str] = "settlement"

    def message(self, terms: Instrument | None = None) -> int:
        """H(2, u_i, expiry_i, P); needs the listed instrument's terms."""
        if terms is None:
            raise ValueError("a settlement report's message needs the instrument's terms")
        return settlement_message(terms.underlying, terms.expiry, self.price)


Report = Union[IndexReport, SettlementReport]
REPORT_FIELDS = {"index": ("underlying", "price", "ts", "sigs"), "settlement": ("instrument", "price", "sigs")}


def report_to_json(report: Report) -> dict[str, object]:
    """The canonical report object (decimal strings)."""
    out: dict[str, object] = {"report": report.KIND}
    for name in REPORT_FIELDS[report.KIND]:
        if name != "sigs":
            out[name] = str(getattr(report, name))
    out["sigs"] = [{"signer": str(s.signer), **signature_to_json(s.sig)} for s in report.sigs]
    return out


def _parse_sig(obj: object, where: str) -> OracleSignature:
    if not isinstance(obj, dict) or set(obj) != {"signer", "R8", "S"}:
        raise MalformedInput(where, "expected exactly {\"signer\": k, \"R8\": [x, y], \"S\": s}")
    signer = parse_unsigned(obj["signer"], f"{where}.signer")
    return OracleSignature(signer, signature_from_json({"R8": obj["R8"], "S": obj["S"]}, where))


def parse_report(obj: object, index: int) -> Report:
    """One report object -> IndexReport | SettlementReport; MalformedInput names ``reports[index]``."""
    where = f"reports[{index}]"
    if not isinstance(obj, dict):
        raise MalformedInput(where, "a report must be a JSON object")
    kind = obj.get("report")
    if not isinstance(kind, str) or kind not in REPORT_FIELDS:
        raise MalformedInput(f"{where}.report", f"expected \"index\" or \"settlement\", got {kind!r}")
    names = REPORT_FIELDS[kind]
    unknown = sorted(set(obj) - {"report", *names})
    if unknown:
        raise MalformedInput(f"{where}.{unknown[0]}", "unknown field")
    missing = [n for n in names if n not in obj]
    if missing:
        raise MalformedInput(f"{where}.{missing[0]}", "missing field")
    raw_sigs = obj["sigs"]
    if not isinstance(raw_sigs, list):
        raise MalformedInput(f"{where}.sigs", "expected a list of signatures")
    sigs = tuple(_parse_sig(s, f"{where}.sigs[{k}]") for k, s in enumerate(raw_sigs))
    values = {n: parse_unsigned(obj[n], f"{where}.{n}") for n in names if n != "sigs"}
    if kind == "index":
        return IndexReport(values["underlying"], values["price"], values["ts"], sigs)
    return SettlementReport(values["instrument"], values["price"], sigs)


def parse_batch_time(value: object, field: str = "time") -> int:
    """A batch file's "time": a JSON integer or decimal string below 2^32 (seconds)."""
    return parse_unsigned(value, field, TIME_BOUND)


def parse_reports(raw: object, max_reports: int) -> tuple[Report, ...]:
    """A batch's "reports" list (0..M reports); more than M is MalformedInput like more than K ops."""
    if not isinstance(raw, list):
        raise MalformedInput("reports", "expected a list of reports")
    if len(raw) > max_reports:
        raise MalformedInput("reports", f"a batch holds at most {max_reports} reports, got {len(raw)}")
    return tuple(parse_report(obj, i) for i, obj in enumerate(raw))


def signer_index(public_key: Point, keys: Sequence[Point]) -> int | None:
    """The committee index k of ``public_key`` in the config's oracle_keys, or None."""
    for k, key in enumerate(keys):
        if tuple(key) == tuple(public_key):
            return k
    return None


def sign_report(report: Report, private_key: bytes, signer: int, terms: Instrument | None = None) -> Report:
    """``report`` with member ``signer``'s signature added (or replaced), sigs kept in signer order.

    ``terms`` (the listed instrument) is needed for a settlement report.
    The signature is over ``report.message(terms)``; deterministic.
    """
    sig = OracleSignature(signer, sign_poseidon(private_key, report.message(terms)))
    others = [s for s in report.sigs if s.signer != signer]
    return replace(report, sigs=tuple(sorted([*others, sig], key=lambda s: s.signer)))


def committee_key(private_key: bytes) -> Point:
    """The public key a member publishes for the venue's config (oracle_keys)."""
    return private_to_public(private_key)
