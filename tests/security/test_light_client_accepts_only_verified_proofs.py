"""Item 1 of issue 12: the light client accepts a step only after its proof was checked.

A batch verification that fails without naming a proof (index -1) used to
be sliced as ``staged[:-1]``: every step but the last was accepted, none of
them verified. Each path of ``verify_batch`` that names no proof is driven
here through ``advance``, with forged proofs in the run, and the client
must end where the proofs it really checked take it.
"""

from __future__ import annotations

import dataclasses

import pytest
from py_ecc import optimized_bn128 as bn

from zkob.state import lightclient
from zkob.state.lightclient import ClientState, Step, advance
from zkob.zk.curve import from_ecc_g1
from zkob.zk.groth16.data import Proof
from zkob.zk.groth16 import batch
from zkob.zk.groth16.batch import verify_batch
from zkob.zk.groth16.verify import pairing_product_is_one, public_combination


def _forged(keys, old, new):
    """A proof of (old, new) that does not verify: the proof of another statement."""
    return Step((old, new, 7, 0, 0, 0), keys.proof((old, new + 1, 7, 0, 0, 0)))


def _run(keys, steps, vk=None):
    vk = vk or keys.vk
    return advance(ClientState.start(vk, steps[0].public[0]), vk, steps)


def test_an_unsafe_key_given_through_the_library_refuses_the_whole_run(keys):
    """gamma == delta: 'proofs' (alpha, beta, -IC(x)) satisfy the equation; the client must still refuse."""
    vk = dataclasses.replace(keys.vk, gamma2=keys.vk.delta2)
    steps = []
    for old in (10, 11, 12):
        public = (old, old + 1, 7, 0, 0, 0)
        c = from_ecc_g1(bn.neg(public_combination(vk, public)))
        steps.append(Step(public, Proof(a=vk.alpha1, b=vk.beta2, c=c)))
    assert verify_batch(vk, [(s.public, s.proof) for s in steps]).failed[0][0] == -1  # the path under test
    state, outcome = _run(keys, steps, vk)
    assert state.height == 0 and outcome.accepted == ()
    assert outcome.refused_index == 0 and "unsafe verification key" in outcome.reason


@pytest.fixture
def batch_verdicts(monkeypatch) -> list:
    """The verdicts verify_batch gave the light client (to check which path a test drove)."""
    seen: list = []
    real = lightclient.verify_batch

    def recording(vk, items, **kwargs):
        seen.append(real(vk, items, **kwargs))
        return seen[-1]

    monkeypatch.setattr(lightclient, "verify_batch", recording)
    return seen


@pytest.fixture
def failing_weight(monkeypatch, batch_verdicts):
    """verify_batch raises inside (its weight function does) and answers 'could not verify' (index -1)."""
    real = lightclient.verify_batch

    def boom():
        raise RuntimeError("weight source failed")

    monkeypatch.setattr(lightclient, "verify_batch", lambda vk, items: real(vk, items, weight=boom))


def test_an_internal_exception_falls_back_to_one_proof_at_a_time(keys, failing_weight, batch_verdicts):
    good = [keys.step(10, 11), keys.step(11, 12)]
    state, outcome = _run(keys, good)
    assert outcome.ok and state.height == 2 and state.root == 12

    with_forgery = [keys.step(10, 11), _forged(keys, 11, 12)]
    state, outcome = _run(keys, with_forgery)
    assert all([i for i, _ in v.failed] == [-1] for v in batch_verdicts)  # the path under test
    assert outcome.refused_index == 1 and "invalid proof" in outcome.reason
    assert state.height == 1 and state.root == 11 and len(outcome.accepted) == 1


def test_a_batch_equation_failure_with_every_proof_valid_alone(keys, monkeypatch, batch_verdicts):
    """The batch equation fails (forced) while each proof verifies alone: each is then judged alone."""
    monkeypatch.setattr(batch, "pairing_product_is_one", lambda pairs: False)
    state, outcome = _run(keys, [keys.step(10, 11), keys.step(11, 12)])
    assert [i for i, _ in batch_verdicts[0].failed] == [-1]  # the path under test
    assert outcome.ok and state.height == 2 and state.root == 12


def test_a_forged_proof_before_a_malformed_one_is_not_accepted(keys):
    """A malformed proof (identity point) used to be named alone, so the forged proof before it passed."""
    malformed = keys.step(11, 12)
    malformed = Step(malformed.public, dataclasses.replace(malformed.proof, a=None))
    state, outcome = _run(keys, [_forged(keys, 10, 11), malformed])
    assert outcome.refused_index == 0 and state.height == 0 and outcome.accepted == ()


def test_verify_batch_names_every_bad_proof_when_one_is_malformed(keys):
    forged = _forged(keys, 10, 11)
    malformed = keys.step(11, 12)
    items = [(forged.public, forged.proof), (malformed.public, dataclasses.replace(malformed.proof, c=None))]
    assert [i for i, _ in verify_batch(keys.vk, items).failed] == [0, 1]


def test_the_batch_path_is_the_real_pairing(keys):
    """The monkeypatched name is the one verify_batch calls (else the tests above test nothing)."""
    assert batch.pairing_product_is_one is pairing_product_is_one
