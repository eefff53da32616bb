"""The generated Groth16 verifier in the EVM: vectors/groth16.json's verdicts, inputs + r, the ABI."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from zkob.anchor.abi import call_data, words
from zkob.anchor.calldata import VERIFY_SIGNATURE, parse_for_verifier, verify_calldata
from zkob.anchor.solc import compile_sources
from zkob.anchor.verifier_sol import CONTRACT, verifier_source
from zkob.zk.errors import ZkError
from zkob.zk.field import R
from zkob.zk.formats.snarkjs_json import parse_vk

pytestmark = [pytest.mark.interop, pytest.mark.slow]  # solc-js in node; ~25 pairings in py-evm (~2.5 s each)

VECTORS = json.loads((Path(__file__).resolve().parents[2] / "vectors" / "groth16.json").read_text())
GROUP = VECTORS["testGroups"][0]
VK = parse_vk(GROUP["verificationKey"])
CASES = GROUP["tests"]
GAS = 2_000_000
# Cases whose numbers, read as integers the way snarkjs's soliditycalldata reads them, are
# exactly the valid statement: only their JSON spelling is wrong, so only the encoder can refuse them.
SPELLING_ONLY = {"public input in hex", "public input with a leading zero"}


@pytest.fixture(scope="module")
def verifier(evm_tools):
    from zkob.anchor.evm import Chain

    chain = Chain()
    artifact = compile_sources({"Verifier.sol": verifier_source(VK)})[CONTRACT]
    return chain, chain.deploy(artifact.bytecode)


_VERDICTS: dict[tuple[bytes, bytes], bool] = {}


def accepted(chain, address, data):
    """verifyProof returned true (a transaction with an explicit gas limit); memoized per calldata."""
    key = (address, data)
    if key not in _VERDICTS:
        outcome = chain.transact(address, data, gas=GAS)
        _VERDICTS[key] = outcome.ok and words(outcome.output) == [1]
    return _VERDICTS[key]


def lenient_calldata(case):
    """What a lenient encoder (snarkjs's soliditycalldata) sends: integers as read, z dropped, any count."""
    num = lambda s: int(s, 16) if s.startswith("0x") else int(s)  # noqa: E731
    p = case["proof"]
    a = [num(v) for v in p["pi_a"][:2]]
    b = [[num(p["pi_b"][i][1]), num(p["pi_b"][i][0])] for i in range(2)]
    c = [num(v) for v in p["pi_c"][:2]]
    public = [num(v) for v in case["public"]]
    head = call_data(VERIFY_SIGNATURE.format(n=1), [a, b, c, [0]])[:4 + 32 * 8]
    return head + b"".join(v.to_bytes(32, "big") for v in public)


def test_one_contract_one_verify_proof_and_snarkjs_selector():
    source = verifier_source(VK)
    assert len(re.findall(r"^contract ", source, re.M)) == 1
    assert source.count("function verifyProof(") == 1
    assert "SPDX-License-Identifier: MIT" in source
    artifact = compile_sources({"Verifier.sol": source})[CONTRACT]
    assert artifact.selectors == {VERIFY_SIGNATURE.format(n=1): "43753b4d"}  # snarkjs's verifyProof for n = 1


@pytest.mark.parametrize("case", CASES, ids=[f"{c['tcId']}-{c['comment'][:40]}" for c in CASES])
def test_vector_verdict_through_the_strict_encoder(verifier, case):
    """Parse strictly, encode, call: accepted exactly for the valid cases (malleated included)."""
    chain, address = verifier
    try:
        proof, public = parse_for_verifier(case["proof"], case["public"], VK.n_public)
    except ZkError:
        assert case["result"] == "invalid"
        return
    assert accepted(chain, address, verify_calldata(proof, public)) == (case["result"] == "valid")


@pytest.mark.parametrize("case", CASES, ids=[f"{c['tcId']}-{c['comment'][:40]}" for c in CASES])
def test_vector_verdict_of_the_contract_alone(verifier, case):
    """Sent as a lenient encoder would: the contract itself refuses every invalid case it can see."""
    chain, address = verifier
    expected = case["result"] == "valid" or case["comment"] in SPELLING_ONLY
    assert accepted(chain, address, lenient_calldata(case)) == expected


def test_public_input_plus_r_reverts(verifier):
    chain, address = verifier
    good = CASES[0]
    proof, public = parse_for_verifier(good["proof"], good["public"], 1)
    outcome = chain.transact(address, verify_calldata(proof, [public[0] + R]), gas=GAS)
    assert not outcome.ok
    assert accepted(chain, address, verify_calldata(proof, public))


def test_pairing_false_returns_false_and_bad_points_revert(verifier):
    """A wrong statement answers false; a point the precompile refuses makes it revert (never true)."""
    chain, address = verifier
    proof, public = parse_for_verifier(CASES[0]["proof"], CASES[0]["public"], 1)
    wrong = chain.transact(address, verify_calldata(proof, [public[0] + 1]), gas=GAS)
    assert wrong.ok and words(wrong.output) == [0]
    data = bytearray(verify_calldata(proof, public))
    data[4 + 63] ^= 1  # A.y off the curve: ecPairing fails
    assert not chain.transact(address, bytes(data), gas=GAS).ok


def test_every_call_data_length_but_the_exact_one_reverts(verifier):
    chain, address = verifier
    proof, public = parse_for_verifier(CASES[0]["proof"], CASES[0]["public"], 1)
    data = verify_calldata(proof, public)
    for bad in (data + b"\0" * 32, data + b"\0", data[:-1]):
        assert not chain.transact(address, bad, gas=GAS).ok


def test_a_zkob_statement_proof_with_several_inputs_verifies(chain):
    """A key of another size (6 inputs, one of them 0: its ecMul is skipped) made and proven by zkob."""
    from zkob.anchor.statement import prove_statement, statement_keys

    pk, vk = statement_keys(6, seed=6)
    address = chain.deploy(compile_sources({"V.sol": verifier_source(vk)})[CONTRACT].bytecode)
    public = [5, 0, R - 1, 7, 123456789, 2 ** 200]
    proof = prove_statement(pk, public)
    assert accepted(chain, address, verify_calldata(proof, public))
    assert not accepted(chain, address, verify_calldata(proof, [5, 1, R - 1, 7, 123456789, 2 ** 200]))
