"""The node's HTTP edge: bad input gets a 4xx with a JSON error and leaves the log untouched; one node per DIR."""

from __future__ import annotations

import subprocess
import sys

import httpx
import pytest
from node_helpers import PARAMS, NodeProcess, deposit, place, signed

from zkob.node.app import MAX_BODY
from zkob.node.log import NodeLog
from zkob.state.api import close_state, create_state

pytestmark = [pytest.mark.slow]


@pytest.fixture(scope="module")
def node(tmp_path_factory, walkthrough_keys):
    directory = tmp_path_factory.mktemp("node-http") / "st"
    close_state(create_state(directory, PARAMS))
    process = NodeProcess(directory, walkthrough_keys, "--batch-seconds", "3600").start()
    yield process
    assert process.stop() == 0  # SIGTERM: a clean stop


def logged(directory) -> list:
    log = NodeLog(directory)
    try:
        return log.ops_page(0, 1000)
    finally:
        log.close()


def post(node, path, body: bytes | None = None, token: str | None = None, **kwargs):
    headers = {"content-type": "application/json"}
    if token is not None:
        headers["authorization"] = f"Bearer {token}"
    return httpx.post(f"{node.url}{path}", content=body, headers=headers, timeout=60, **kwargs)


BAD = [
    ("/v1/ops", b'{"op": "place", ', None, 400, "not valid JSON"),
    ("/v1/ops", b'{"op": "withdraw", "account": 1, "asset": 1, "amount": 1, "sig": {"R8": ["1", "2"], "S": "3"}, '
                b'"memo": "x"}', None, 400, "unknown field"),
    ("/v1/ops", b'{"op": "withdraw", "account": 1, "account": 2}', None, 400, "duplicate"),
    ("/v1/ops", b'{"op": "withdraw", "account": 1, "asset": 1, "amount": 1.5, "sig": {"R8": ["1", "2"], "S": "3"}}',
     None, 400, "amount"),
    ("/v1/ops", b'{"op": "fill", "taker": 1, "maker": 2, "qty": 1}', None, 400, "not a user op"),
    ("/v1/ops", b"[" * 10 + b"1" + b"]" * 10, None, 400, "op"),
    ("/v1/ops", b" " * (MAX_BODY + 1), None, 413, "larger than"),
    ("/v1/deposits", b'{"deposits": []}', None, 401, "operator token"),
    ("/v1/deposits", b'{"deposits": []}', "wrong", 401, "operator token"),
    ("/v1/deposits", b'{"deposits": [{"op": "withdraw"}]}', "op-token", 400, "deposits only"),
    ("/v1/deposits", b'{"deposits": [], "more": 1}', "op-token", 400, "expected"),
]


@pytest.mark.parametrize("path,body,token,status,says", BAD, ids=[f"{b[0]}-{b[3]}-{b[4]}" for b in BAD])
def test_bad_input_gets_a_4xx_json_error_and_leaves_the_log_untouched(node, path, body, token, status, says):
    before = logged(node.directory)
    answer = post(node, path, body, token)
    assert answer.status_code == status, answer.text
    assert says in answer.json()["error"]
    assert logged(node.directory) == before


def test_a_rule_violation_is_a_422_naming_the_rule_and_is_not_logged(node):
    answer = post(node, "/v1/deposits", httpx.Request("POST", "/", json={"deposits": [deposit(1, 1, 50)]}).read(),
                  "op-token")
    assert answer.status_code == 200, answer.text
    before = logged(node.directory)
    op = signed({"op": "withdraw", "account": 1, "asset": 1, "amount": 51}, 0)
    answer = httpx.post(f"{node.url}/v1/ops", json=op, timeout=60)
    assert answer.status_code == 422 and answer.json()["rule"] == "insufficient_balance"
    wrong_key = signed({"op": "withdraw", "account": 1, "asset": 1, "amount": 5}, 0, key=bytes([9]) * 32)
    answer = httpx.post(f"{node.url}/v1/ops", json=wrong_key, timeout=60)
    assert answer.status_code == 422 and answer.json()["rule"] == "signature_invalid"
    assert logged(node.directory) == before
    answer = httpx.post(f"{node.url}/v1/ops", json=signed(place(1, 1, "sell", 10, 5), 0), timeout=60)
    assert answer.status_code == 200 and answer.json()["seq"] == before[-1][0] + 1


def test_private_batches_need_the_replica_token_and_unknown_paths_are_json_404s(node):
    for headers in ({}, {"authorization": "Bearer op-token"}):
        answer = httpx.get(f"{node.url}/v1/batches/1/batch.json", headers=headers, timeout=30)
        assert answer.status_code == 401 and "replica token" in answer.json()["error"]
    assert httpx.get(f"{node.url}/v1/batches/1/secret.json", timeout=30).status_code == 404
    assert httpx.get(f"{node.url}/v1/nothing", timeout=30).json()["error"].startswith("no such resource")
    assert httpx.get(f"{node.url}/v1/batches/x/public.json", timeout=30).status_code == 400
    assert httpx.delete(f"{node.url}/v1/ops", timeout=30).status_code == 405


def test_a_second_node_on_the_same_directory_is_refused(node):
    result = subprocess.run([sys.executable, "-m", "zkob.cli.main", "serve", str(node.directory), "--keys",
                             str(node.keys), "--port", "0"], capture_output=True, text=True, timeout=120)
    assert result.returncode == 2
    assert "served by another node" in result.stderr
