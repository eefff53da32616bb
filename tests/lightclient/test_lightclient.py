"""Light client: chains of statements, replays (also malleated), forks, gaps, time, bridge and market records,
the committee's feed, restarts."""

from __future__ import annotations

import json
import random

import pytest

from zkob.state.batchfile import parse_op
from zkob.state.ops import Cancel, Withdraw
from zkob.state.signing import sign_op
from zkob.state.digest import bridge_record_json, record_digest
from zkob.state.feed import FeedReport, MarketRecord, parse_feed, parse_market_record
from zkob.state.lightclient import Clock, ClientState, LightClient, Step, advance, parse_bridge_record
from zkob.state.ops import ListInstrument
from zkob.state.oracle import INDEX_TAG, SETTLEMENT_TAG
from zkob.zk.curve import g1_neg, g2_neg
from zkob.zk.eddsa import private_to_public, public_key_to_json, signature_to_json
from zkob.zk.errors import MalformedInput
from zkob.zk.field import R
from zkob.zk.groth16.data import Proof
from zkob.zk.groth16.prove import prove
from zkob.zk.groth16.setup import setup
from zkob.zk.r1cs import R1CS, Constraint


def _statement_circuit() -> R1CS:
    """6 public inputs bound by one private product, like the batch statement's shape."""
    # wires: 0 one, 1..6 public, 7 = old_root * new_root (private)
    return R1CS(n_wires=8, n_public=6, constraints=[
        Constraint({1: 1}, {2: 1}, {7: 1}, "product"),
        Constraint({3: 1, 4: 1, 5: 1, 6: 1}, {0: 1}, {3: 1, 4: 1, 5: 1, 6: 1}, "bind the other four"),
    ])


@pytest.fixture(scope="module")
def keys():
    r1cs = _statement_circuit()
    pk, vk = setup(r1cs, random.Random(1))
    return r1cs, pk, vk


def _step(keys, old, new, commitment=7, bridge=0, record=None, market=0, time=0, market_record=None):
    r1cs, pk, _ = keys
    w = [1, old, new, commitment, bridge, market, time, old * new % R]
    return Step((old, new, commitment, bridge, market, time), prove(pk, r1cs, w, random.Random(old * 31 + new)),
                record, market_record)


PRV = bytes([7]) * 32
PUBKEY = public_key_to_json(private_to_public(PRV))


def _deposit(account=1, amount=5):
    return parse_op({"op": "deposit", "account": account, "asset": 1, "amount": amount, "pubkey": PUBKEY}, 0)


def test_follows_a_chain_and_reports_bridge_ops(keys):
    _, _, vk = keys
    record = (_deposit(),)
    steps = [_step(keys, 10, 11, bridge=record_digest(record), record=record), _step(keys, 11, 12)]
    state, outcome = advance(ClientState.start(vk, 10), vk, steps)
    assert outcome.ok and state.root == 12 and state.height == 2
    assert outcome.accepted[0].bridge_ops == record


@pytest.mark.parametrize("batch", [True, False])
def test_refuses_invalid_proof_and_keeps_the_valid_prefix(keys, batch):
    _, _, vk = keys
    good = _step(keys, 10, 11)
    other = _step(keys, 11, 13)
    forged = Step((11, 12, 7, 0, 0, 0), other.proof)  # a proof of another statement
    state, outcome = advance(ClientState.start(vk, 10), vk, [good, forged], batch=batch)
    assert outcome.refused_index == 1 and "invalid proof" in outcome.reason
    assert state.root == 11 and state.height == 1


def test_replay_is_refused_even_when_malleated(keys):
    _, _, vk = keys
    step = _step(keys, 10, 10)  # a batch that leaves the root unchanged (only noops)
    state, outcome = advance(ClientState.start(vk, 10), vk, [step])
    assert outcome.ok
    p = step.proof
    malleated = Step(step.public, Proof(a=g1_neg(p.a), b=g2_neg(p.b), c=p.c))  # also valid
    after, outcome = advance(state, vk, [malleated])
    assert outcome.refused_index == 0 and outcome.reason.startswith("replay")
    assert after == state


def test_fork_and_gap_are_named(keys):
    _, _, vk = keys
    state, _ = advance(ClientState.start(vk, 10), vk, [_step(keys, 10, 11)])
    _, fork = advance(state, vk, [_step(keys, 10, 99)])
    assert fork.reason.startswith("fork")
    _, gap = advance(state, vk, [_step(keys, 55, 56)])
    assert gap.reason.startswith("gap")


def test_bridge_record_must_match_public_digest(keys):
    _, _, vk = keys
    step = _step(keys, 10, 11, bridge=record_digest((_deposit(amount=5),)), record=(_deposit(amount=6),))
    state, outcome = advance(ClientState.start(vk, 10), vk, [step])
    assert outcome.reason == "bridge record does not match the public bridge digest"
    assert state.height == 0


def test_other_key_is_refused(keys):
    r1cs, _, vk = keys
    _, other_vk = setup(r1cs, random.Random(2))
    _, outcome = advance(ClientState.start(other_vk, 10), vk, [_step(keys, 10, 11)])
    assert "verification key differs" in outcome.reason


def test_state_survives_restart_and_refuses_corruption(keys, tmp_path):
    _, _, vk = keys
    path = tmp_path / "client.json"
    client = LightClient.create(path, vk, 10)
    assert client.follow(vk, [_step(keys, 10, 11)]).ok
    again = LightClient.load(path)
    assert again.state == client.state and again.state.root == 11
    assert not again.follow(vk, [_step(keys, 10, 11)]).ok  # replay after restart
    path.write_text(path.read_text().replace('"height": 1', '"height": 2'))
    with pytest.raises(MalformedInput):
        LightClient.load(path)
    path.write_text(path.read_text().replace('"height": 2', '"height": 1').replace('"time": 0', '"time": -1'))
    with pytest.raises(MalformedInput, match="time"):
        LightClient.load(path)
    with pytest.raises(FileExistsError):
        LightClient.create(path, vk, 10)


def test_bridge_record_json_round_trip_and_strictness():
    ops = (_deposit(), sign_op(Withdraw(1, 1, 2), PRV, 0, 0))
    data = bridge_record_json(ops + (sign_op(Cancel(1, 1), PRV, 1, 0),))
    assert parse_bridge_record(data) == ops
    assert data["ops"][1]["sig"] == signature_to_json(ops[1].sig)  # the bridge sees who authorized it
    with pytest.raises(MalformedInput):
        parse_bridge_record({**data, "bridge": str((int(data["bridge"]) + 1) % R)})
    with pytest.raises(MalformedInput):
        parse_bridge_record({"ops": [{"op": "cancel", "order": 1, "account": 1}], "bridge": "0"})
    with pytest.raises(MalformedInput):  # an unsigned withdrawal is not a valid record
        parse_bridge_record({"ops": [{"op": "withdraw", "account": 1, "asset": 1, "amount": 2}], "bridge": "0"})


def test_malleated_proof_is_itself_valid(keys):
    """Why replays key on statements: (-A, -B, C) verifies, with different bytes."""
    from zkob.zk.verifier import verify

    _, _, vk = keys
    step = _step(keys, 3, 4)
    p = step.proof
    assert verify(vk, list(step.public), Proof(a=g1_neg(p.a), b=g2_neg(p.b), c=p.c)).ok


# -- version 2: time and the market digest -------------------------------------------------
def test_six_public_inputs_are_required(keys):
    _, _, vk = keys
    step = _step(keys, 10, 11)
    short = Step(step.public[:4], step.proof)
    _, outcome = advance(ClientState.start(vk, 10), vk, [short])
    assert "expected 6 public inputs [old_root, new_root, commitment, bridge, market, time]" in outcome.reason


def test_time_never_goes_backwards_and_a_clock_bounds_it(keys):
    _, _, vk = keys
    state, outcome = advance(ClientState.start(vk, 10), vk, [_step(keys, 10, 11, time=100),
                                                           _step(keys, 11, 12, time=100)])  # equal time is fine
    assert outcome.ok and state.time == 100
    after, outcome = advance(state, vk, [_step(keys, 12, 13, time=99)])
    assert outcome.reason == "time goes backwards: batch time 99 is before the last batch's 100" and after == state
    _, outcome = advance(state, vk, [_step(keys, 12, 13, time=131)], clock=Clock(now=100, slack=30))
    assert "more than 30 s ahead" in outcome.reason
    ok, outcome = advance(state, vk, [_step(keys, 12, 13, time=130)], clock=Clock(now=100, slack=30))
    assert outcome.ok and ok.time == 130
    assert ClientState.from_json(ok.to_json()) == ok


LISTING = ListInstrument(1, 2, 0, 100, 1000)
INDEX = FeedReport(INDEX_TAG, 0, 100, 95)
SETTLE = FeedReport(SETTLEMENT_TAG, 0, 120, 1000, instrument=1)


def _record(time=100, reports=(INDEX,), lists=(LISTING,)) -> MarketRecord:
    record = MarketRecord(time, tuple(reports), tuple(lists), 0)
    return MarketRecord(time, record.reports, record.lists, record.digest())


def test_the_market_record_must_hash_to_the_public_digest_and_name_the_time(keys):
    _, _, vk = keys
    record = _record()
    good = _step(keys, 10, 11, market=record.market, time=100, market_record=record)
    state, outcome = advance(ClientState.start(vk, 10), vk, [good])
    assert outcome.ok and outcome.accepted[0].market_record == record
    wrong = _step(keys, 10, 11, market=record.market + 1, time=100, market_record=record)
    assert advance(ClientState.start(vk, 10), vk, [wrong])[1].reason == \
        "market record does not match the public market digest"
    late = _step(keys, 10, 11, market=record.market, time=101, market_record=record)
    assert "names time 100" in advance(ClientState.start(vk, 10), vk, [late])[1].reason
    bare = _step(keys, 10, 11, market=record.market, time=100)  # without a feed, the record is optional
    assert advance(ClientState.start(vk, 10), vk, [bare])[1].ok
    feed = (INDEX, FeedReport(INDEX_TAG, 1, 5, 5))
    assert advance(ClientState.start(vk, 10), vk, [bare], feed=feed)[1].reason.startswith("market record missing")


def test_the_feed_must_hold_every_report_used_and_newer_index_reports_are_flagged(keys):
    _, _, vk = keys
    record = _record(reports=(INDEX, SETTLE))
    step = _step(keys, 10, 11, market=record.market, time=100, market_record=record)
    published_settlement = FeedReport(SETTLEMENT_TAG, 0, 120, 1000)  # the committee names no instrument
    _, outcome = advance(ClientState.start(vk, 10), vk, [step], feed=(INDEX,))
    assert outcome.reason == "market record report 1 is not in the committee's published feed"
    newer = FeedReport(INDEX_TAG, 0, 104, 99)
    later = FeedReport(INDEX_TAG, 0, 107, 101)  # after the batch time: not a reason to flag
    _, outcome = advance(ClientState.start(vk, 10), vk, [step], feed=(INDEX, published_settlement, newer, later))
    assert outcome.ok
    (flag,) = outcome.accepted[0].flags
    assert "used the report of ts 95" in flag and "ts 99 (price 104)" in flag


def test_market_and_feed_files_parse_strictly():
    record = _record(reports=(INDEX, SETTLE))
    data = {"time": 100, "reports": [
        {"report": "index", "underlying": "0", "price": "100", "ts": "95"},
        {"report": "settlement", "instrument": "1", "underlying": "0", "expiry": "1000", "price": "120"}],
        "lists": [{"op": "list", "instrument": "1", "kind": "call", "underlying": "0", "strike": "100",
                   "expiry": "1000"}], "market": str(record.market)}
    assert parse_market_record(data) == record
    for bad in ({**data, "market": str(record.market + 1)}, {**data, "extra": 1},
                {**data, "lists": [{"op": "noop"}]}, {**data, "reports": [{"report": "index"}]}):
        with pytest.raises(MalformedInput):
            parse_market_record(bad)
    feed = parse_feed({"reports": [{"report": "index", "underlying": 0, "price": 100, "ts": 95, "sigs": []},
                                   {"report": "settlement", "underlying": 0, "expiry": 1000, "price": 120}]})
    assert [r.message for r in feed] == [INDEX.message, SETTLE.message]
    with pytest.raises(MalformedInput):
        parse_feed({"reports": [{"report": "settlement", "instrument": 1, "underlying": 0, "expiry": 1000,
                                 "price": 120}]})


def _out_dir(tmp_path, keys, name, record_json, market, time):
    from zkob.zk.formats.snarkjs_json import proof_to_json, public_to_json

    step = _step(keys, 10, 11, market=market, time=time)
    out = tmp_path / name
    out.mkdir()
    (out / "proof.json").write_text(json.dumps(proof_to_json(step.proof)))
    (out / "public.json").write_text(json.dumps(public_to_json(list(step.public))))
    (out / "market.json").write_text(json.dumps(record_json))
    return out


def test_zkob_follow_checks_market_records_against_a_feed_and_the_clock(keys, tmp_path):
    from click.testing import CliRunner

    from zkob.cli.main import cli
    from zkob.zk.formats.snarkjs_json import vk_to_json

    _, _, vk = keys
    (tmp_path / "vk.json").write_text(json.dumps(vk_to_json(vk)))
    record = _record(reports=(INDEX,))
    record_json = {"time": 100, "reports": [{"report": "index", "underlying": "0", "price": "100", "ts": "95"}],
                   "lists": [{"op": "list", "instrument": "1", "kind": "call", "underlying": "0", "strike": "100",
                              "expiry": "1000"}], "market": str(record.market)}
    out = _out_dir(tmp_path, keys, "out", record_json, record.market, 100)
    index = {"report": "index", "underlying": 0, "price": 100, "ts": 95, "sigs": []}
    newer = {"report": "index", "underlying": 0, "price": 104, "ts": 99, "sigs": []}
    (tmp_path / "feed.json").write_text(json.dumps({"reports": [index, newer]}))
    (tmp_path / "other.json").write_text(json.dumps({"reports": [newer]}))
    run = CliRunner().invoke
    base = ["follow", str(tmp_path / "vk.json"), "10", str(out)]
    result = run(cli, [*base, "--reports", str(tmp_path / "feed.json"), "--json"])
    assert result.exit_code == 0, result.output
    answer = json.loads(result.stdout)
    assert answer["root"] == "11" and len(answer["flags"]) == 1 and "ts 99 (price 104)" in answer["flags"][0]
    result = run(cli, [*base, "--feed", str(tmp_path / "other.json")])  # the older name
    assert result.exit_code == 1 and "not in the committee's published feed" in result.stderr
    result = run(cli, [*base, "--reports", str(tmp_path / "vk.json")])  # not a feed: bad input, one line
    assert result.exit_code == 2 and len(result.stderr.strip().splitlines()) == 1
    future = _record(time=(1 << 32) - 1, reports=(INDEX,))
    ahead = _out_dir(tmp_path, keys, "ahead", {**record_json, "time": (1 << 32) - 1, "market": str(future.market)},
                     future.market, (1 << 32) - 1)
    result = run(cli, ["follow", str(tmp_path / "vk.json"), "10", str(ahead), "--max-ahead", "60"])
    assert result.exit_code == 1 and "ahead of this client's clock" in result.stderr
    assert run(cli, ["follow", str(tmp_path / "vk.json"), "10", str(ahead)]).exit_code == 0
