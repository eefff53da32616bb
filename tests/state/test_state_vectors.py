"""The state vectors (zkob.state.vectors) are deterministic and agree with an independent recomputation."""

from __future__ import annotations

import json

from state_helpers import reference_root

from zkob.state.api import apply_batch, new_state
from zkob.state.batchfile import parse_batch, parse_op
from zkob.state.protocol import RULES
from zkob.state.vectors import PARAMS, build
from zkob.zk.eddsa import private_to_public, verify_poseidon
from zkob.zk.poseidon import poseidon


def test_build_is_deterministic_and_json_clean():
    a, b = build(), build()
    assert json.dumps(a, sort_keys=True) == json.dumps(b, sort_keys=True)
    ids = [t["tcId"] for g in a["testGroups"] for t in g["tests"]]
    assert ids == list(range(1, len(ids) + 1)) and a["numberOfTests"] == len(ids)


def test_wycheproof_header_notes_every_flag_with_its_rule():
    data = build()
    assert list(data)[:4] == ["algorithm", "generator", "numberOfTests", "header"]
    flags = {f for g in data["testGroups"] for t in g["tests"] for f in t["flags"]}
    assert flags == set(data["notes"]) and all(data["notes"][f] == RULES[f] for f in flags)


def test_history_roots_match_a_dense_recomputation_and_chains():
    data = build()
    history = data["testGroups"][0]["tests"]
    state = new_state(PARAMS)
    assert history[0]["old_root"] == str(state.root)
    for prev, case in zip([None, *history], history):
        if prev is not None:
            assert case["old_root"] == prev["new_root"]
        apply_batch(state, parse_batch(case["batch"], PARAMS.batch_size))
        assert case["new_root"] == str(state.root) == str(reference_root(state))
    rules = {t["flags"][0] for t in data["testGroups"][1]["tests"]}
    assert len(rules) >= 18


def test_encodings_hash_with_poseidon():
    for case in build()["testGroups"][2]["tests"]:
        encoding = [int(x) for x in case["encoding"]]
        assert len(encoding) == 8 and str(poseidon(encoding)) == case["op_hash"]


def test_signature_cases_verify_and_rejections_cover_signatures():
    data = build()
    sigs = data["testGroups"][3]["tests"]
    assert {c["op"]["op"] for c in sigs} == {"withdraw", "place", "cancel"}
    keys = {int(a): bytes.fromhex(k) for a, k in data["privateKeys"].items()}
    for case in sigs:
        op = parse_op(case["op"], 0)
        pubkey = tuple(int(c) for c in case["pubkey"])
        assert pubkey == private_to_public(keys[op.account])
        message = poseidon([int(case["op_hash"]), int(case["nonce"])])
        assert str(message) == case["message"] and verify_poseidon(message, op.sig, pubkey)
        assert not verify_poseidon(poseidon([int(case["op_hash"]), int(case["nonce"]) + 1]), op.sig, pubkey)
    flags = [t["flags"][0] for t in data["testGroups"][1]["tests"]]
    assert flags.count("signature_invalid") >= 4 and flags.count("pubkey_invalid") >= 3
