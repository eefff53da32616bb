"""Batch time, oracle reports and the market digest (DESIGN.md section 10).

Every rule is rejected by name at its bound and the value just inside it
is accepted: quorum minus one, ts equal to the stored ts, t = T + 1,
u = U, price 0 and 2^64, T = expiry - 1, a second settlement.
"""

from __future__ import annotations

import json
from dataclasses import replace

import pytest

from zkob.state.config import Config
from zkob.state.errors import Rejected
from zkob.state.instruments import CALL, Instrument
from zkob.state.oracle import (
    IndexReport, Market, OracleEntry, SettlementReport, committee_key, genesis_market, index_message,
    parse_batch_time, parse_report, parse_reports, report_to_json, settlement_message, sign_report, signer_index,
)
from zkob.state.oracle_rules import (
    RULES, MarketRejected, apply_market, market_chain, market_digest, quorum_problem,
)
from zkob.zk.errors import MalformedInput
from zkob.zk.poseidon import hash2, poseidon

MEMBERS = tuple(bytes([0x30 + k]) * 32 for k in range(3))
CFG = Config(oracle_keys=tuple(committee_key(m) for m in MEMBERS), quorum=2, venue_id=5)
U, DEPTH = 4, 3
OPTION = Instrument(CALL, 1, 100, 1000)
LISTED = {2: OPTION}
START = Market(900, (OracleEntry(), OracleEntry(50, 880), OracleEntry(), OracleEntry()))


def signed(report, signers=(0, 1), terms=None):
    for k in signers:
        report = sign_report(report, MEMBERS[k], k, terms)
    return report


def run(*reports, time=1000, market=START, cfg=CFG, listed=LISTED):
    return apply_market(market, time, reports, cfg, listed.get, DEPTH)


def rejected(rule, index, *reports, **kw):
    with pytest.raises(MarketRejected) as err:
        run(*reports, **kw)
    assert (err.value.rule, err.value.report_index) == (rule, index), str(err.value)
    return err.value


# -- state and hashes -----------------------------------------------------------------
def test_market_hashes_follow_design():
    m = genesis_market(2)
    assert m.oracle_hash() == poseidon([0, 0, 0, 0]) and m.time == 0
    assert START.market_hash(77) == poseidon([900, 77, START.oracle_hash()])
    assert START.oracle_hash() == poseidon([0, 0, 50, 880, 0, 0, 0, 0])
    assert index_message(1, 2, 3) == poseidon([1, 1, 2, 3])
    assert settlement_message(1, 1000, 7) == poseidon([2, 1, 1000, 7])


def test_index_report_sets_the_entry_and_time():
    report = signed(IndexReport(1, 60, 950))
    market, effects = run(report)
    assert market.time == 1000 and market.oracle[1] == OracleEntry(60, 950)
    assert market.oracle[0] == START.oracle[0] and effects[0].report_hash == index_message(1, 60, 950)


def test_settlement_report_settles_and_hashes_the_underlying_and_expiry():
    report = signed(SettlementReport(2, 130), terms=OPTION)
    market, (effect,) = run(report)
    assert market.oracle == START.oracle
    assert effect.settled == (2, OPTION.with_settlement(130))
    assert effect.report_hash == settlement_message(1, 1000, 130)


# -- rules, each at its bound -------------------------------------------------------------
def test_time_monotonic():
    err = rejected("time_monotonic", None, time=899)
    assert isinstance(err, Rejected) and err.op_type == "time" and "batch time rejected" in str(err)
    assert run(time=900)[0].time == 900
    rejected("time_monotonic", None, time=1 << 32)


def test_report_underlying():
    rejected("report_underlying", 0, signed(IndexReport(U, 60, 950)))
    assert run(signed(IndexReport(U - 1, 60, 950)))[0].oracle[U - 1] == OracleEntry(60, 950)


@pytest.mark.parametrize("price,ok", [(0, False), (1, True), (2**64 - 1, True), (2**64, False)])
def test_report_price(price, ok):
    for report in (IndexReport(1, price, 950), SettlementReport(2, price)):
        report = signed(report, terms=OPTION)
        if ok:
            run(report)
        else:
            rejected("report_price", 0, report)


def test_report_stale():
    rejected("report_stale", 0, signed(IndexReport(1, 60, 880)))  # ts equal to the stored ts
    run(signed(IndexReport(1, 60, 881)))
    rejected("report_stale", 0, signed(IndexReport(1, 60, 1001)))  # t > T
    run(signed(IndexReport(1, 60, 1000)))                          # t = T
    # strictly newer also within a batch: a second report with the same ts is stale
    rejected("report_stale", 1, signed(IndexReport(1, 60, 990)), signed(IndexReport(1, 61, 990)))


def test_report_instrument():
    for i in (0, 3, 1 << DEPTH):
        rejected("report_instrument", 0, signed(SettlementReport(i, 130), terms=OPTION))


def test_settle_early():
    report = signed(SettlementReport(2, 130), terms=OPTION)
    rejected("settle_early", 0, report, time=999)
    run(report, time=1000)


def test_settle_twice():
    report = signed(SettlementReport(2, 130), terms=OPTION)
    rejected("settle_twice", 0, report, listed={2: OPTION.with_settlement(1)})
    rejected("settle_twice", 1, report, report)


def test_report_quorum_exactly_q_in_order_by_members():
    good = IndexReport(1, 60, 950)
    run(signed(good, (0, 2)))
    for signers, why in (((0,), "exactly 2"), ((0, 1, 2), "exactly 2"), ((), "exactly 2")):
        assert why in str(rejected("report_quorum", 0, signed(good, signers)))
    ok = signed(good, (0, 1))
    swapped = replace(ok, sigs=ok.sigs[::-1])
    assert "strictly increase" in str(rejected("report_quorum", 0, swapped))
    twice = replace(ok, sigs=(ok.sigs[0], ok.sigs[0]))
    assert "strictly increase" in str(rejected("report_quorum", 0, twice))
    stranger = replace(ok, sigs=(ok.sigs[0], replace(ok.sigs[1], signer=3)))
    assert "not a committee member" in str(rejected("report_quorum", 0, stranger))
    forged = replace(ok, sigs=(ok.sigs[0], replace(ok.sigs[1], signer=2)))  # member 1's sig claimed by 2
    assert "member 2 does not verify" in str(rejected("report_quorum", 0, forged))
    other_price = replace(ok, price=61)  # signed for 60
    rejected("report_quorum", 0, other_price)


def test_a_settlement_signed_for_another_expiry_fails_quorum():
    report = signed(SettlementReport(2, 130), terms=replace(OPTION, expiry=999))
    rejected("report_quorum", 0, report)


def test_no_committee_rejects_every_report():
    cfg = Config(venue_id=5)
    assert cfg.quorum == 1
    rejected("report_quorum", 0, signed(IndexReport(1, 60, 950), (0,)), cfg=cfg)
    assert "not a committee member" in quorum_problem(1, signed(IndexReport(1, 60, 950), (0,)).sigs, cfg)


def test_rejection_names_the_report_and_is_one_line():
    err = rejected("report_price", 1, signed(IndexReport(1, 60, 950)), signed(IndexReport(2, 0, 950)))
    assert str(err).startswith("report 1 rejected: rule report_price") and "\n" not in str(err)
    assert (err.op_index, err.op_type) == (1, "report")
    assert set(RULES) >= {"time_monotonic", "report_underlying", "report_price", "report_stale",
                          "report_quorum", "settle_early", "settle_twice"}


# -- digest ---------------------------------------------------------------------------------
def test_market_digest_chains_reports_then_list_ops():
    assert market_digest([], []) == 0
    assert market_chain([5], [7]) == (0, hash2(0, 5), hash2(hash2(0, 5), 7))
    assert market_digest([5, 6], []) != market_digest([6, 5], [])
    assert market_digest([5], [6]) == market_digest([5, 6], [])  # the order of the chain is the digest's


# -- JSON and signing -----------------------------------------------------------------------
def test_reports_round_trip_through_json():
    for report in (signed(IndexReport(1, 2**64 - 1, 950)), signed(SettlementReport(2, 130), terms=OPTION)):
        assert parse_report(json.loads(json.dumps(report_to_json(report))), 0) == report


@pytest.mark.parametrize("obj,field", [
    ([], "reports[0]"),
    ({"report": "price"}, "reports[0].report"),
    ({"report": "index", "underlying": 1, "price": 2, "ts": 3}, "reports[0].sigs"),
    ({"report": "index", "underlying": 1, "price": 2, "sigs": []}, "reports[0].ts"),
    ({"report": "index", "underlying": 1, "price": 2, "ts": 3, "sigs": [], "instrument": 1}, "reports[0].instrument"),
    ({"report": "settlement", "instrument": 1, "price": -2, "sigs": []}, "reports[0].price"),
    ({"report": "index", "underlying": "01", "price": 2, "ts": 3, "sigs": []}, "reports[0].underlying"),
    ({"report": "index", "underlying": 1, "price": 2, "ts": 3, "sigs": {}}, "reports[0].sigs"),
    ({"report": "index", "underlying": 1, "price": 2, "ts": 3, "sigs": [{"signer": 0}]}, "reports[0].sigs[0]"),
])
def test_report_parsing_is_strict(obj, field):
    with pytest.raises(MalformedInput) as err:
        parse_report(obj, 0)
    assert err.value.field.startswith(field), str(err.value)


def test_bad_signature_encoding_is_malformed():
    obj = report_to_json(signed(IndexReport(1, 60, 950)))
    obj["sigs"][0]["R8"] = ["1", "2"]
    with pytest.raises(MalformedInput, match="not on Baby Jubjub"):
        parse_report(obj, 0)


def test_batch_time_is_below_2_32():
    assert parse_batch_time(0) == 0 and parse_batch_time(str(2**32 - 1)) == 2**32 - 1
    for bad in (2**32, "-1", 1.5, "01", None):
        with pytest.raises(MalformedInput) as err:
            parse_batch_time(bad)
        assert err.value.field == "time"


def test_more_than_m_reports_is_malformed():
    obj = report_to_json(IndexReport(1, 60, 950))
    assert len(parse_reports([obj, obj], 2)) == 2
    with pytest.raises(MalformedInput, match="at most 2"):
        parse_reports([obj] * 3, 2)


def test_members_sign_in_any_order_and_sigs_stay_sorted():
    report = IndexReport(1, 60, 950)
    a = sign_report(sign_report(report, MEMBERS[2], 2), MEMBERS[0], 0)
    assert [s.signer for s in a.sigs] == [0, 2]
    again = sign_report(a, MEMBERS[2], 2)
    assert again == a  # re-signing replaces, deterministically
    assert signer_index(committee_key(MEMBERS[1]), CFG.oracle_keys) == 1
    assert signer_index((1, 2), CFG.oracle_keys) is None
    with pytest.raises(ValueError, match="terms"):
        sign_report(SettlementReport(2, 1), MEMBERS[0], 0)
