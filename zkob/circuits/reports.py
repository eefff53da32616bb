"""One slot of a batch's reports section: padding, an index report or a settlement report.

The twin of state/oracle_rules.py's ``apply_report``, for one of the M
report slots the batch circuit runs before its ops. Labels are the
state machine's rule names:

    report_kind         three exclusive kinds (padding = neither flag)
    padding/<field>     a padding slot is all zeros (one witness per slot)
    report_underlying   index: u < U (one-hot over the U entries)
    report_price        1 <= p < 2^64 for a real report
    report_stale        index: t > ts_u (``newer``) and t <= T (``not_after_time``)
    report_instrument   settlement: instrument id != 0 (the integration proves the
                        leaf is in the instruments tree: that is "listed")
    settlement/...      settlement: the slot's underlying and ts fields equal the
                        instrument's underlying and expiry (what the committee signs)
    settle_early        settlement: T >= expiry
    settle_twice        settlement: the instrument's settle_price is 0
    report_quorum       exactly Q signature slots, signer indices k_0 < ... < k_{Q-1} < N
                        (``sig[j]/signer``, ``order[j]``), each a valid EdDSA-Poseidon
                        signature by key k_j over the message (``sig[j]/eddsa``)

The message, which is also the report hash chained into the market digest:
index H(1, u, p, t), settlement H(2, u_i, expiry_i, P); one Poseidon(4)
with the last two inputs swapped by the kind. Effects: an index report
writes (p, t) into entry u (the returned OracleWires); a settlement
returns the instrument id and its new settle_price = P for the caller's
instruments-tree update (gated by ``is_settlement``).

Preconditions the integration keeps: T < 2^32 (market.time_monotonic),
the entries before the slot have ts_u < 2^32 (they were range-checked
when the previous batch ended: run market.oracle_freshness on every
batch's final entries), the instrument's expiry < 2^32 (list checks it)
and its fields are the leaf found in the tree. The committee keys come
from config.alloc_config, bound by config_hash.

Cost with Q = 2, N = 3, U = 4: 10,546 per slot: two signature checks of
5,017 (EdDSA 5,006, signer one-hot 5, key selection 2N = 6) and one order
check 4; the message 298; rules, padding pins and effects 210. Add 241
for its market-digest step. Each further signature of Q costs 5,012 + 3N.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from ..state.instruments import Instrument
from ..state.oracle import IndexReport, Report
from .config import ConfigWires
from .cs import LC, ConstraintSystem, Operand, as_lc
from .gadgets.bits import assert_bool, range_check
from .gadgets.compare import assert_equal_if, assert_nonzero_if
from .gadgets.eddsa import assert_eddsa_poseidon
from .gadgets.poseidon import poseidon
from .gadgets.signed import onehot
from .instruments import InstrumentWires
from .market import PRICE_BITS, TIME_BITS, OracleWires

PADDING, INDEX, SETTLEMENT = 0, 1, 2
SIG_FIELDS = ("signer", "R8_x", "R8_y", "S")


@dataclass(frozen=True)
class ReportWitness:
    """The values of one report slot. For a settlement ``underlying`` and ``ts`` hold the
    instrument's underlying and expiry (what is signed); padding is all zeros."""

    kind: int
    underlying: int = 0
    price: int = 0
    ts: int = 0
    instrument: int = 0
    sigs: tuple[tuple[int, int, int, int], ...] = ()

    @staticmethod
    def padding(quorum: int) -> "ReportWitness":
        return ReportWitness(PADDING, sigs=((0, 0, 0, 0),) * quorum)

    @staticmethod
    def of(report: Report, terms: Instrument | None = None) -> "ReportWitness":
        """The slot of a parsed report (``terms``: the settled instrument's leaf before)."""
        sigs = tuple((s.signer, s.sig.R8[0], s.sig.R8[1], s.sig.S) for s in report.sigs)
        if isinstance(report, IndexReport):
            return ReportWitness(INDEX, report.underlying, report.price, report.ts, 0, sigs)
        assert terms is not None, "a settlement slot needs the instrument's terms"
        return ReportWitness(SETTLEMENT, terms.underlying, report.price, terms.expiry, report.instrument, sigs)


@dataclass
class ReportSlot:
    """What one report slot proves: its kind, hash, the entries after it, a settlement to write."""

    is_index: LC
    is_settlement: LC
    real: LC
    report_hash: LC
    oracle: OracleWires
    instrument: LC
    settle_price: LC


def _alloc(cs: ConstraintSystem, inp: Callable[[], ReportWitness],
           quorum: int) -> tuple[dict[str, LC], list[dict[str, LC]]]:
    def field_of(n: str) -> Callable[[], int]:
        return lambda: int(getattr(inp(), n))

    def sig_part(j: int, k: int) -> Callable[[], int]:
        return lambda: inp().sigs[j][k]

    f = {n: cs.alloc(n, field_of(n)) for n in ("underlying", "price", "ts", "instrument")}
    f["is_index"] = cs.alloc("is_index", lambda: int(inp().kind == INDEX))
    f["is_settlement"] = cs.alloc("is_settlement", lambda: int(inp().kind == SETTLEMENT))
    sigs = [{n: cs.alloc(f"sig[{j}]/{n}", sig_part(j, k)) for k, n in enumerate(SIG_FIELDS)}
            for j in range(quorum)]
    return f, sigs


def report_slot(cs: ConstraintSystem, inp: Callable[[], ReportWitness], oracle: OracleWires, time: Operand,
                cfg: ConfigWires, instrument: InstrumentWires, name: str = "report") -> ReportSlot:
    """Constrain one report slot; see the module docstring for rules, effects and cost.

    ``instrument`` is the settled instrument as opened from the tree (its
    underlying, expiry and settle_price are read; any values for other kinds).
    """
    time = as_lc(time)
    with cs.namespace(name):
        f, sigs = _alloc(cs, inp, cfg.quorum)
        index, settle = f["is_index"], f["is_settlement"]
        real = index + settle
        with cs.namespace("report_kind"):
            assert_bool(cs, index, "index")
            assert_bool(cs, settle, "settlement")
            assert_bool(cs, real, "exclusive")
        for n in ("underlying", "price", "ts", "instrument"):
            cs.enforce(1 - real, f[n], 0, f"padding/{n}")
        for j, sig in enumerate(sigs):
            for n, w in sig.items():
                cs.enforce(1 - real, w, 0, f"padding/sig[{j}]/{n}")
        cs.enforce(index, f["instrument"], 0, "index/instrument")

        # -- index: u < U, t newer than ts_u and not after T --------------------------------
        sel = onehot(cs, cs.mul(index, f["underlying"], "index_underlying"), oracle.size, "report_underlying",
                     enabled=index)
        ts_before = LC()
        for k, s in enumerate(sel):
            ts_before = ts_before + cs.mul(s, oracle.ts[k], f"ts_before[{k}]")
        with cs.namespace("report_stale", kind="compare"):
            range_check(cs, cs.mul(index, f["ts"] - ts_before - 1, "newer_gap"), TIME_BITS, "newer")
            range_check(cs, cs.mul(index, time - f["ts"], "age"), TIME_BITS, "not_after_time")
        with cs.namespace("report_price", kind="compare"):
            range_check(cs, f["price"], PRICE_BITS, "range")
            assert_nonzero_if(cs, real, f["price"], "nonzero")

        # -- settlement: the instrument's terms, expiry reached, not settled yet -------------
        assert_nonzero_if(cs, settle, f["instrument"], "report_instrument")
        assert_equal_if(cs, settle, f["underlying"], instrument.underlying, "settlement/underlying")
        assert_equal_if(cs, settle, f["ts"], instrument.expiry, "settlement/expiry")
        with cs.namespace("settle_early", kind="compare"):
            range_check(cs, cs.mul(settle, time - f["ts"], "gap"), TIME_BITS, "range")
        cs.enforce(settle, instrument.settle_price, 0, "settle_twice")

        # -- message = report hash, and the quorum over it ------------------------------------
        second = f["price"] + cs.mul(settle, f["ts"] - f["price"], "message_order")
        third = f["price"] + f["ts"] - second
        message = poseidon(cs, [index + 2 * settle, f["underlying"], second, third], "message")
        _quorum(cs, message, sigs, cfg, real)

        # -- effects --------------------------------------------------------------------------
        prices = [p + cs.mul(s, f["price"] - p, f"new_price[{k}]") for k, (s, p) in enumerate(zip(sel, oracle.prices))]
        stamps = [t + cs.mul(s, f["ts"] - t, f"new_ts[{k}]") for k, (s, t) in enumerate(zip(sel, oracle.ts))]
        settle_price = cs.mul(settle, f["price"], "settle_price")
    return ReportSlot(index, settle, real, message, OracleWires(prices, stamps), f["instrument"], settle_price)


def _quorum(cs: ConstraintSystem, message: LC, sigs: list[dict[str, LC]], cfg: ConfigWires, real: LC) -> None:
    """Exactly Q signatures by members k_0 < k_1 < ... < N over ``message`` (when real).

    Costs 5,008 + 3N per signature, plus 4 per order check after the first.
    """
    n = len(cfg.keys)
    order_bits = max(1, n.bit_length())
    with cs.namespace("report_quorum"):
        for j, sig in enumerate(sigs):
            with cs.namespace(f"sig[{j}]"):
                chosen = onehot(cs, sig["signer"], n, "signer", enabled=real)
                key = (LC(), LC())
                for k, (s, (x, y)) in enumerate(zip(chosen, cfg.keys)):
                    key = (key[0] + cs.mul(s, x, f"key_x[{k}]"), key[1] + cs.mul(s, y, f"key_y[{k}]"))
                assert_eddsa_poseidon(cs, message, key, (sig["R8_x"], sig["R8_y"]), sig["S"], enabled=real)
            if j:
                with cs.namespace(f"order[{j}]", kind="compare"):
                    gap = cs.mul(real, sig["signer"] - sigs[j - 1]["signer"] - 1, "gap")
                    range_check(cs, gap, order_bits, "range")
