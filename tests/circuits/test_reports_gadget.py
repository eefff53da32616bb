"""One report slot against state/oracle_rules.py: honest reports match, each rule fails at its label.

Q = 2 of N = 3; the cheating witnesses include a price the committee did
not sign, one signature short of quorum (the second slot holds a
signature by no member), unordered, repeated and unknown signers.
"""

from __future__ import annotations

import pytest

from zkob.circuits.config import alloc_config, config_hash
from zkob.circuits.market import alloc_oracle, market_digest_step
from zkob.circuits.instruments import alloc_instrument
from zkob.circuits.reports import ReportWitness, report_slot
from zkob.state.config import Config
from zkob.state.instruments import CALL, Instrument
from zkob.state.oracle import IndexReport, Market, OracleEntry, SettlementReport, committee_key, sign_report
from zkob.state.oracle_rules import RULES, apply_market, market_digest
from zkob.zk.eddsa import sign_poseidon

from .helpers import assert_sat, assert_unsat, build

MEMBERS = tuple(bytes([0x30 + k]) * 32 for k in range(3))
CFG = Config(oracle_keys=tuple(committee_key(m) for m in MEMBERS), quorum=2, venue_id=5)
U, T = 4, 1000
ORACLE = (OracleEntry(), OracleEntry(50, 880), OracleEntry(), OracleEntry(9, 3))
OPTION = Instrument(CALL, 1, 100, 1000)
COVERED: dict[str, list[str]] = {}


def covers(*rules: str):
    """Mark a test as the cheating-witness test of these rule names (state/oracle_rules.RULES)."""
    def mark(fn):
        for rule in rules:
            COVERED.setdefault(rule, []).append(fn.__name__)
        return fn
    return mark


def signed(report, signers=(0, 1), terms=None):
    for k in signers:
        report = sign_report(report, MEMBERS[k], k, terms)
    return report


def slot_circuit(witness: ReportWitness, terms: Instrument = OPTION, cfg: Config = CFG, out=None):
    def circuit(cs):
        c = alloc_config(cs, cfg.n_keys, cfg.quorum, lambda: cfg)
        o = alloc_oracle(cs, U, lambda: ORACLE)
        t = cs.alloc("time", lambda: T)
        inst = alloc_instrument(cs, lambda: terms)
        before = cs.n_constraints
        res = report_slot(cs, lambda: witness, o, t, c, inst)
        cost = cs.n_constraints - before
        digest = market_digest_step(cs, cs.alloc("m", lambda: 0), res.report_hash, res.real)
        if out is not None:
            out.update(slot=res, cost=cost, digest=digest, config_hash=config_hash(cs, c))
    return circuit


def fails(witness, rule_label, sets=None, **kw):
    """The slot with ``sets`` applied fails first at report/<rule_label>."""
    assert_unsat(slot_circuit(witness, **kw), set=sets or {}, fails=f"report/{rule_label}")


GOOD_INDEX = signed(IndexReport(1, 60, 950))
GOOD_SETTLE = signed(SettlementReport(2, 130), terms=OPTION)


def native(report, terms=OPTION):
    return apply_market(Market(900, ORACLE), T, (report,), CFG, {2: terms}.get, 3)


# -- honest slots match the state machine -----------------------------------------------------
def test_index_report_matches_native():
    out: dict = {}
    cs = assert_sat(slot_circuit(ReportWitness.of(GOOD_INDEX), out=out))
    market, (effect,) = native(GOOD_INDEX)
    s = out["slot"]
    assert cs.value(s.report_hash) == effect.report_hash
    assert [cs.value(p) for p in s.oracle.prices] == [e.price for e in market.oracle]
    assert [cs.value(t) for t in s.oracle.ts] == [e.ts for e in market.oracle]
    assert (cs.value(s.real), cs.value(s.is_index), cs.value(s.settle_price)) == (1, 1, 0)
    assert cs.value(out["digest"]) == market_digest([effect.report_hash], [])
    assert cs.value(out["config_hash"]) == CFG.config_hash()


def test_settlement_report_matches_native():
    out: dict = {}
    cs = assert_sat(slot_circuit(ReportWitness.of(GOOD_SETTLE, OPTION), out=out))
    market, (effect,) = native(GOOD_SETTLE)
    s = out["slot"]
    assert cs.value(s.report_hash) == effect.report_hash
    assert (cs.value(s.instrument), cs.value(s.settle_price)) == (2, effect.settled[1].settle_price)
    assert [cs.value(p) for p in s.oracle.prices] == [e.price for e in ORACLE]


def test_padding_changes_nothing():
    out: dict = {}
    cs = assert_sat(slot_circuit(ReportWitness.padding(2), out=out))
    s = out["slot"]
    assert cs.value(s.real) == 0 and cs.value(out["digest"]) == 0
    assert [cs.value(p) for p in s.oracle.prices] == [e.price for e in ORACLE]
    fails(ReportWitness.padding(2), "padding/price", {"report/price": 5})
    fails(ReportWitness.padding(2), "padding/sig[1]/S", {"report/sig[1]/S": 5})


# -- each rule at its label ------------------------------------------------------------------
def test_report_kind():
    fails(ReportWitness.of(GOOD_INDEX), "report_kind/exclusive", {"report/is_settlement": 1})


@covers("report_underlying")
def test_report_underlying():
    assert_sat(slot_circuit(ReportWitness.of(signed(IndexReport(U - 1, 60, 950)))))
    fails(ReportWitness.of(signed(IndexReport(U, 60, 950))), "report_underlying/sum")


@covers("report_price")
@pytest.mark.parametrize("price,label", [(0, "report_price/nonzero/inv"), (2**64, "report_price/range/sum")])
def test_report_price(price, label):
    fails(ReportWitness.of(signed(IndexReport(1, price, 950))), label)
    fails(ReportWitness.of(signed(SettlementReport(2, price), terms=OPTION), OPTION), label)


def test_report_price_just_inside():
    assert_sat(slot_circuit(ReportWitness.of(signed(IndexReport(1, 1, 950)))))
    assert_sat(slot_circuit(ReportWitness.of(signed(IndexReport(1, 2**64 - 1, 950)))))


@covers("report_stale")
def test_report_stale():
    fails(ReportWitness.of(signed(IndexReport(1, 60, 880))), "report_stale/newer/sum")   # ts equal to the stored ts
    assert_sat(slot_circuit(ReportWitness.of(signed(IndexReport(1, 60, 881)))))
    fails(ReportWitness.of(signed(IndexReport(1, 60, T + 1))), "report_stale/not_after_time/sum")
    assert_sat(slot_circuit(ReportWitness.of(signed(IndexReport(1, 60, T)))))
    fails(ReportWitness.of(signed(IndexReport(0, 60, 0))), "report_stale/newer/sum")      # 0 is never newer


@covers("report_instrument")
def test_report_instrument():
    bad = ReportWitness.of(signed(SettlementReport(0, 130), terms=OPTION), OPTION)
    fails(bad, "report_instrument/inv")


def test_settlement_signs_the_instruments_terms():
    w = ReportWitness.of(GOOD_SETTLE, OPTION)
    fails(w, "settlement/underlying", terms=Instrument(CALL, 2, 100, 1000))
    fails(w, "settlement/expiry", terms=Instrument(CALL, 1, 100, 999))


@covers("settle_early")
def test_settle_early():
    late = Instrument(CALL, 1, 100, T + 1)
    fails(ReportWitness.of(signed(SettlementReport(2, 130), terms=late), late), "settle_early/range/sum", terms=late)
    at = Instrument(CALL, 1, 100, T)
    assert_sat(slot_circuit(ReportWitness.of(signed(SettlementReport(2, 130), terms=at), at), terms=at))


@covers("settle_twice")
def test_settle_twice():
    settled = OPTION.with_settlement(1)
    fails(ReportWitness.of(GOOD_SETTLE, OPTION), "settle_twice", terms=settled)


@covers("report_quorum")
def test_report_quorum_price_not_signed():
    fails(ReportWitness.of(GOOD_INDEX), "report_quorum/sig[0]/eddsa/check/x", {"report/price": 61})


@covers("report_quorum")
def test_report_quorum_one_signature_short():
    """Only member 0 signed: the second of the Q slots must hold something, and nothing else verifies."""
    w = ReportWitness.of(GOOD_INDEX)
    stranger = sign_poseidon(bytes([0x77]) * 32, GOOD_INDEX.message())
    short = ReportWitness(w.kind, w.underlying, w.price, w.ts, 0,
                          (w.sigs[0], (1, stranger.R8[0], stranger.R8[1], stranger.S)))
    fails(short, "report_quorum/sig[1]/eddsa/check/x")
    copied = ReportWitness(w.kind, w.underlying, w.price, w.ts, 0, (w.sigs[0], (1,) + w.sigs[0][1:]))
    fails(copied, "report_quorum/sig[1]/eddsa/check/x")


@covers("report_quorum")
def test_report_quorum_signer_order():
    w = ReportWitness.of(GOOD_INDEX)
    fails(ReportWitness(w.kind, w.underlying, w.price, w.ts, 0, w.sigs[::-1]), "report_quorum/order[1]/range/sum")
    fails(ReportWitness(w.kind, w.underlying, w.price, w.ts, 0, (w.sigs[0], w.sigs[0])), "report_quorum/order[1]/range/sum")
    assert_sat(slot_circuit(ReportWitness.of(signed(IndexReport(1, 60, 950), (0, 2)))))
    assert_sat(slot_circuit(ReportWitness.of(signed(IndexReport(1, 60, 950), (1, 2)))))


@covers("report_quorum")
def test_report_quorum_unknown_signer():
    w = ReportWitness.of(GOOD_INDEX)
    fails(ReportWitness(w.kind, w.underlying, w.price, w.ts, 0, (w.sigs[0], (3,) + w.sigs[1][1:])),
          "report_quorum/sig[1]/signer/sum")


def test_no_committee_accepts_only_padding():
    cfg = Config(venue_id=5)
    assert_sat(slot_circuit(ReportWitness.padding(1), cfg=cfg))
    w = ReportWitness.of(signed(IndexReport(1, 60, 950), (0,)))
    fails(w, "report_quorum/sig[0]/signer/sum", cfg=cfg)


def test_every_report_rule_has_its_cheating_witness():
    """Each rule name of state/oracle_rules.py has a test above that fails at its label."""
    assert sorted(set(RULES) - COVERED.keys()) == []


@covers("time_monotonic")
def test_time_monotonic_label():
    from zkob.circuits.market import time_monotonic

    def circuit(cs, old, new):
        time_monotonic(cs, cs.alloc("old", lambda: old), cs.alloc("t", lambda: new))
    assert_sat(lambda cs: circuit(cs, 900, 900))
    assert_unsat(lambda cs: circuit(cs, 900, 899), set={}, fails="time_monotonic/not_before/sum")
    assert_unsat(lambda cs: circuit(cs, 0, 1 << 32), set={}, fails="time_monotonic/range/sum")


def test_cost_of_a_slot():
    out: dict = {}
    build(slot_circuit(ReportWitness.padding(2), out=out))
    assert out["cost"] == 10546
