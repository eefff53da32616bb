"""The state vectors (vectors/state.json, vectors/derivatives.json) are deterministic and agree with
independent recomputations: dense roots, hand-computed margin figures, signature checks."""

from __future__ import annotations

import copy
import json
from functools import lru_cache

import pytest
from state_helpers import reference_root, snapshot

from zkob.state import vectors_derivatives as dv
from zkob.state.api import apply_batch, new_state
from zkob.state.batchfile import parse_batch, parse_op
from zkob.state.errors import Rejected
from zkob.state.oracle import parse_report
from zkob.state.params import Params
from zkob.state.protocol import RULES
from zkob.state.state import State
from zkob.state.vectors import PARAMS, build
from zkob.zk.eddsa import private_to_public, verify_poseidon
from zkob.zk.poseidon import poseidon


@lru_cache(maxsize=None)
def spot() -> dict:
    return build()


@lru_cache(maxsize=None)
def derivatives() -> dict:
    return dv.build()


@pytest.mark.parametrize("make", [build, dv.build], ids=["state", "derivatives"])
def test_build_is_deterministic_and_json_clean(make):
    a = spot() if make is build else derivatives()
    b = make()
    assert json.dumps(a, sort_keys=True) == json.dumps(b, sort_keys=True)
    ids = [t["tcId"] for g in a["testGroups"] for t in g["tests"]]
    assert ids == list(range(1, len(ids) + 1)) and a["numberOfTests"] == len(ids)
    assert list(a)[:4] == ["algorithm", "generator", "numberOfTests", "header"]
    flags = {f for g in a["testGroups"] for t in g["tests"] for f in t["flags"]}
    assert flags == set(a["notes"]) and all(a["notes"][f] == RULES[f] for f in flags)
    assert Params.from_json(json.dumps(a["params"])) == PARAMS


def _replay(history: list[dict]) -> State:
    state = new_state(PARAMS)
    assert history[0]["old_root"] == str(state.root)
    for prev, case in zip([None, *history], history):
        if prev is not None:
            assert case["old_root"] == prev["new_root"]
        trace = apply_batch(state, parse_batch(case["batch"], PARAMS))
        assert case["new_root"] == str(state.root) == str(reference_root(state))
        assert [case[n] for n in ("old_root", "new_root", "commitment", "bridge", "market", "time")] == \
            [str(v) for v in trace.public_inputs]
    return state


def test_spot_history_roots_match_a_dense_recomputation_and_chain():
    _replay(spot()["testGroups"][0]["tests"])
    rules = {t["flags"][0] for t in spot()["testGroups"][1]["tests"]}
    assert len(rules) >= 18


def test_derivatives_history_roots_match_a_dense_recomputation_and_chain():
    history = derivatives()["testGroups"][0]["tests"]
    state = _replay(history)
    assert any(None in case["slots"] for case in history)  # the packing left some slots to noops
    # every position was settled, and cash conservation holds: what moved in stayed in (sum of cash = margin in
    # - out), since dfill and liquidate move cash between accounts and the settlements sum to zero
    assert all(all(s is None for s in leaf.slots) for _, leaf in state.accounts())
    assert sum(leaf.cash for _, leaf in state.accounts()) == 20_000 + 150 + 30_000 - 1000


def test_derivatives_rejections_name_their_rule_and_change_nothing():
    group = derivatives()["testGroups"][1]["tests"]
    base = new_state(PARAMS)
    for case in derivatives()["testGroups"][0]["tests"][:dv.REJECTION_BASE]:
        apply_batch(base, parse_batch(case["batch"], PARAMS))
    before = snapshot(base)
    for case in group:
        with pytest.raises(Rejected) as info:
            apply_batch(base, parse_batch(case["batch"], PARAMS))
        assert (info.value.rule, info.value.op_type, info.value.op_index) == \
            (case["flags"][0], case["rejected"], case["index"]), case["comment"]
        assert snapshot(base) == before
    covered = {c["flags"][0] for c in group}
    section10 = {"time_monotonic", "report_underlying", "report_price", "report_stale", "report_quorum",
                 "report_instrument", "settle_early", "settle_twice", "slot_layout", "cash_negative", "order_kind",
                 "instrument_free", "list_underlying", "list_strike", "list_expiry", "instrument_listed",
                 "instrument_live", "instrument_settled", "self_trade", "self_liquidation", "positions_full",
                 "position_held", "amount_range", "insufficient_cash", "qty_range", "qty_exceeds_position",
                 "price_stale", "margin_im", "not_liquidatable", "liq_price", "liq_worsens"}
    assert section10 <= covered


# Each line computed by hand from DESIGN section 10 with the default rates (im_future 1000, mm_future 500,
# opt_a 1500, opt_b 1000, opt_mm 750): (equity, IM_bp, MM_bp).
HAND = {
    "long 2 future strike 0 at index 100": (100 + 2 * 100, 2 * 1000 * 100, 2 * 500 * 100),
    "short 2 future strike 0 at index 100": (300 - 200, 200_000, 100_000),
    "short 3 future strike 0 at index 90": (20 - 270, 3 * 1000 * 90, 3 * 500 * 90),
    "long 3 call strike 100 at index 120": (-10 + 3 * 20, 0, 0),                        # in the money
    "short 3 call strike 100 at index 120": (200 - 60, 3 * max(1500 * 120, 1000 * 120), 3 * 750 * 120),
    "short 3 call strike 100 at index 80": (100, 3 * max(1500 * 80 - 10**4 * 20, 1000 * 80), 3 * 750 * 80),
    "long 1 call strike 100 at index 80": (0, 0, 0),                                     # out of the money
    "long 4 put strike 50 at index 40": (-5 + 4 * 10, 0, 0),
    "short 4 put strike 50 at index 40": (100 - 40, 4 * 1500 * 40, 4 * 750 * 40),        # in the money
    "short 4 put strike 50 at index 60": (30, 4 * max(1500 * 60 - 10**4 * 10, 1000 * 60), 4 * 750 * 60),
    "short 1 put strike 50 at index 200": (0, max(1500 * 200 - 10**4 * 150, 1000 * 200), 750 * 200),
}


def test_margin_cases_match_hand_computed_figures():
    cases = derivatives()["testGroups"][2]["tests"]
    assert {c["comment"] for c in cases} == set(HAND)
    for case in cases:
        e, im, mm = HAND[case["comment"]]
        assert (int(case["equity"]), int(case["initial_bp"]), int(case["maintenance_bp"])) == (e, im, mm)
        assert case["meets_im"] == (10**4 * e >= im) and case["below_mm"] == (10**4 * e < mm)
    assert {c["kind"] for c in cases} == {"future", "call", "put"}
    # the OTM relief of a short option: strike 100 call at 80 needs 0.8 * 10^4 * 80 less than at the money
    assert HAND["short 3 call strike 100 at index 80"][1] == 3 * 1000 * 80


def test_report_signature_cases_verify_only_when_valid():
    keys = dv.PARAMS.config.oracle_keys
    cases = derivatives()["testGroups"][3]["tests"]
    for case in cases:
        report = parse_report(case["report"], 0)
        (sig,) = report.sigs
        terms = dv.TERMS[report.instrument] if report.KIND == "settlement" else None
        assert str(report.message(terms)) == case["message"]
        assert [str(c) for c in keys[sig.signer]] == case["pubkey"]
        assert verify_poseidon(report.message(terms), sig.sig, keys[sig.signer]) == (case["result"] == "valid")
    assert sum(c["result"] == "valid" for c in cases) == 2 * len(keys)
    assert [private_to_public(bytes.fromhex(k)) for k in derivatives()["committeeKeys"]] == list(keys)


def test_encodings_hash_with_poseidon():
    for case in spot()["testGroups"][2]["tests"]:
        encoding = [int(x) for x in case["encoding"]]
        assert len(encoding) == 8 and str(poseidon(encoding)) == case["op_hash"]


def test_signature_cases_verify_over_the_venue_and_rejections_cover_signatures():
    data = spot()
    sigs = data["testGroups"][3]["tests"]
    assert {c["op"]["op"] for c in sigs} == {"withdraw", "place", "cancel"}
    keys = {int(a): bytes.fromhex(k) for a, k in data["privateKeys"].items()}
    for case in sigs:
        op = parse_op(case["op"], 0)
        pubkey = tuple(int(c) for c in case["pubkey"])
        assert pubkey == private_to_public(keys[op.account])
        venue, nonce, hashed = int(case["venue"]), int(case["nonce"]), int(case["op_hash"])
        message = poseidon([venue, hashed, nonce])
        assert str(message) == case["message"] and verify_poseidon(message, op.sig, pubkey)
        assert not verify_poseidon(poseidon([venue, hashed, nonce + 1]), op.sig, pubkey)
        assert not verify_poseidon(poseidon([venue + 1, hashed, nonce]), op.sig, pubkey)
    flags = [t["flags"][0] for t in data["testGroups"][1]["tests"]]
    assert flags.count("signature_invalid") >= 5 and flags.count("pubkey_invalid") >= 3


def test_a_vector_batch_mutated_is_still_parsed_strictly():
    case = copy.deepcopy(derivatives()["testGroups"][0]["tests"][1]["batch"])
    case["reports"][0]["sigs"][0]["S"] = "01"
    with pytest.raises(Exception, match="reports\\[0\\]"):
        parse_batch(case, PARAMS)
