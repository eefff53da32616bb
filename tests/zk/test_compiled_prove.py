"""Groth16 proofs made on the compiled backend equal the pure backend's (same r, s) and verify."""

from __future__ import annotations

import random

import pytest
from zk_sample_circuits import mul_chain, several_public

from zkob.zk.backends.compiled import backend as compiled_backend
from zkob.zk.backends.pure import PureBackend
from zkob.zk.errors import Unsatisfied
from zkob.zk.groth16.prove import prove, public_inputs
from zkob.zk.groth16.setup import setup
from zkob.zk.verifier import verify


@pytest.mark.parametrize("make", [lambda: mul_chain(40), several_public], ids=["chain40", "several"])
def test_compiled_proof_equals_pure_proof_and_verifies(make):
    r1cs, w = make()
    pk, vk = setup(r1cs, random.Random("compiled-setup"))
    fast = prove(pk, r1cs, w, random.Random("same-r-s"), backend=compiled_backend())
    slow = prove(pk, r1cs, w, random.Random("same-r-s"), backend=PureBackend())
    assert fast == slow
    assert verify(vk, public_inputs(r1cs, w), fast).ok
    wrong = list(public_inputs(r1cs, w))
    wrong[0] = (wrong[0] + 1)
    assert not verify(vk, wrong, fast).ok


def test_compiled_prover_refuses_bad_witness_before_curve_work():
    r1cs, w = mul_chain(5)
    pk, _ = setup(r1cs, random.Random("compiled-setup-2"))
    w[4] += 1
    with pytest.raises(Unsatisfied):
        prove(pk, r1cs, w, random.Random(1), backend=compiled_backend())
