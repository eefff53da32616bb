"""Light client: chains of statements, replays (also malleated), forks, gaps, bridge records, restarts."""

from __future__ import annotations

import random

import pytest

from zkob.state.batchfile import parse_op
from zkob.state.ops import Cancel, Withdraw
from zkob.state.signing import sign_op
from zkob.state.digest import bridge_record_json, record_digest
from zkob.state.lightclient import ClientState, LightClient, Step, advance, parse_bridge_record
from zkob.zk.curve import g1_neg, g2_neg
from zkob.zk.eddsa import private_to_public, public_key_to_json, signature_to_json
from zkob.zk.errors import MalformedInput
from zkob.zk.field import R
from zkob.zk.groth16.data import Proof
from zkob.zk.groth16.prove import prove
from zkob.zk.groth16.setup import setup
from zkob.zk.r1cs import R1CS, Constraint


def _statement_circuit() -> R1CS:
    """4 public inputs bound by one private product, like the batch statement's shape."""
    # wires: 0 one, 1..4 public, 5 = old_root * new_root (private)
    return R1CS(n_wires=6, n_public=4, constraints=[
        Constraint({1: 1}, {2: 1}, {5: 1}, "product"),
        Constraint({3: 1, 4: 1}, {0: 1}, {3: 1, 4: 1}, "bind commitment and bridge"),
    ])


@pytest.fixture(scope="module")
def keys():
    r1cs = _statement_circuit()
    pk, vk = setup(r1cs, random.Random(1))
    return r1cs, pk, vk


def _step(keys, old, new, commitment=7, bridge=0, record=None):
    r1cs, pk, _ = keys
    w = [1, old, new, commitment, bridge, old * new % R]
    return Step((old, new, commitment, bridge), prove(pk, r1cs, w, random.Random(old * 31 + new)), record)


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
    forged = Step((11, 12, 7, 0), other.proof)  # a proof of another statement
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
    with pytest.raises(FileExistsError):
        LightClient.create(path, vk, 10)


def test_bridge_record_json_round_trip_and_strictness():
    ops = (_deposit(), sign_op(Withdraw(1, 1, 2), PRV, 0))
    data = bridge_record_json(ops + (sign_op(Cancel(1, 1), PRV, 1),))
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
