"""Item 2 of issue 12: a step that moves money across the bridge needs its bridge record.

A step whose public bridge digest is not 0 has deposits or withdrawals; a
light client that accepts it without the record (bridge.json) cannot tell
the bridge what to credit or pay, and ``zkob follow --json`` used to omit
them silently. A step with bridge 0 (no deposit, no withdrawal) needs none.
"""

from __future__ import annotations

import json

from click.testing import CliRunner

from zkob.cli.main import cli
from zkob.state.batchfile import parse_op
from zkob.state.digest import bridge_record_json, record_digest
from zkob.state.lightclient import ClientState, advance
from zkob.zk.eddsa import private_to_public, public_key_to_json

from .conftest import write_out, write_vk

DEPOSIT = parse_op({"op": "deposit", "account": 1, "asset": 1, "amount": 5,
                    "pubkey": public_key_to_json(private_to_public(bytes([7]) * 32))}, 0)
BRIDGE = record_digest((DEPOSIT,))


def test_a_step_with_a_bridge_digest_and_no_record_is_refused(keys):
    start = ClientState.start(keys.vk, 10)
    state, outcome = advance(start, keys.vk, [keys.step(10, 11), keys.step(11, 12, bridge=BRIDGE)])
    assert outcome.refused_index == 1 and "bridge record" in outcome.reason and "missing" in outcome.reason
    assert state.height == 1 and state.root == 11


def test_a_step_with_bridge_zero_needs_no_record_and_carries_no_bridge_ops(keys):
    state, outcome = advance(ClientState.start(keys.vk, 10), keys.vk, [keys.step(10, 11)])
    assert outcome.ok and outcome.accepted[0].bridge_ops == ()


def test_a_record_must_match_the_digest_exactly(keys):
    other = parse_op({**json.loads(json.dumps(bridge_record_json((DEPOSIT,))["ops"][0])), "amount": 6}, 0)
    step = keys.step(10, 11, bridge=BRIDGE, record=(other,))
    state, outcome = advance(ClientState.start(keys.vk, 10), keys.vk, [step])
    assert outcome.refused_index == 0 and "does not match" in outcome.reason and state.height == 0
    state, outcome = advance(ClientState.start(keys.vk, 10), keys.vk, [keys.step(10, 11, bridge=BRIDGE,
                                                                                 record=(DEPOSIT,))])
    assert outcome.ok and outcome.accepted[0].bridge_ops == (DEPOSIT,)


def test_zkob_follow_refuses_a_missing_bridge_json(keys, tmp_path):
    vk = write_vk(tmp_path / "vk.json", keys.vk)
    plain = write_out(tmp_path / "o1", keys.step(10, 11))                    # bridge 0, no bridge.json: fine
    moving = write_out(tmp_path / "o2", keys.step(11, 12, bridge=BRIDGE))    # bridge != 0, no bridge.json
    result = CliRunner().invoke(cli, ["follow", str(vk), "10", str(plain), str(moving), "--json"])
    assert result.exit_code == 1, result.output
    report = json.loads(result.stdout)
    assert report["height"] == 1 and report["root"] == "11"
    assert report["refused"]["index"] == 1 and "bridge record" in report["refused"]["reason"]

    (moving / "bridge.json").write_text(json.dumps(bridge_record_json((DEPOSIT,))))
    result = CliRunner().invoke(cli, ["follow", str(vk), "10", str(plain), str(moving), "--json"])
    assert result.exit_code == 0, result.output
    assert [m["op"] for m in json.loads(result.stdout)["bridge_ops"]] == ["deposit"]
