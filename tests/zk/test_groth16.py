"""Groth16 setup, prove, keys and batch verification on small hand-built circuits."""

from __future__ import annotations

import dataclasses
import random
import struct

import pytest
from zk_sample_circuits import cubic, keys_and_proof, mul_chain

from zkob.zk.curve import G2_GEN
from zkob.zk.errors import MalformedInput, SetupRefused, Unsatisfied
from zkob.zk.field import Q, R
from zkob.zk.groth16.batch import verify_batch
from zkob.zk.groth16.keys import G1_BYTES, pk_from_bytes, pk_to_bytes
from zkob.zk.groth16.prove import prove, public_inputs
from zkob.zk.groth16.setup import DEV_CEREMONY_WARNING, setup
from zkob.zk.groth16.verify import verify

pytestmark = pytest.mark.prove


def test_proofs_of_one_statement_differ_and_both_verify():
    r1cs, w, pk, vk, first, public = keys_and_proof("cubic")
    second = prove(pk, r1cs, w)  # fresh r, s from the OS
    assert second != first and second.a != first.a and second.c != first.c
    assert verify(vk, public, second).ok


def test_setup_draws_independent_keys():
    r1cs, _ = cubic()
    pk1, vk1 = setup(r1cs)
    pk2, vk2 = setup(r1cs)
    assert len({vk1.alpha1, vk2.alpha1}) == 2 and len({vk1.delta2, vk2.delta2}) == 2
    assert len({vk1.beta2, vk1.gamma2, vk1.delta2, G2_GEN}) == 4
    assert "not" in DEV_CEREMONY_WARNING.lower() and "production" in DEV_CEREMONY_WARNING


def test_prove_refuses_other_circuit_and_names_failing_constraint():
    r1cs, w, pk, _, _, _ = keys_and_proof("cubic")
    other, w_other = mul_chain(2)
    with pytest.raises(MalformedInput, match="digest"):
        prove(pk, other, w_other)
    bad = list(w)
    bad[4] = (bad[4] + 1) % R  # x^3 wire
    with pytest.raises(Unsatisfied) as info:
        prove(pk, r1cs, bad)
    assert info.value.label == "x_cubed"
    with pytest.raises(Unsatisfied):
        prove(pk, r1cs, w[:-1])


def test_key_from_other_circuit_does_not_verify_the_proof():
    _, _, _, vk_cubic, _, _ = keys_and_proof("cubic")
    _, _, _, _, proof_chain, public_chain = keys_and_proof("chain")
    assert not verify(vk_cubic, public_chain, proof_chain).ok


def test_proving_key_file_round_trip_and_strict_load():
    r1cs, w, pk, vk, _, public = keys_and_proof("several")
    data = pk_to_bytes(pk)
    loaded = pk_from_bytes(data)
    assert loaded == pk
    assert verify(vk, public, prove(loaded, r1cs, w, random.Random(9))).ok
    meta_len = struct.unpack_from("<I", data, 8)[0]
    points_at = 12 + meta_len + 32 + 12
    cases = {
        "magic": b"nope" + data[4:],
        "version": data[:4] + struct.pack("<I", 2) + data[8:],
        "truncated": data[:-1],
        "trailing bytes": data + b"\x00",
        "not below q": data[:points_at] + Q.to_bytes(32, "little") + data[points_at + 32:],
        "not on the curve": data[:points_at] + (1).to_bytes(32, "little") + data[points_at + 32:],
    }
    for needle, bad in cases.items():
        with pytest.raises(MalformedInput) as info:
            pk_from_bytes(bad)
        assert needle in str(info.value) or needle in info.value.field, (needle, str(info.value))


def test_key_loader_refuses_unsafe_keys():
    _, _, pk, vk, _, _ = keys_and_proof("several")
    for weak, needle in [(dataclasses.replace(vk, delta2=vk.gamma2), "gamma equals delta"),
                         (dataclasses.replace(vk, delta2=G2_GEN), "G2 generator"),
                         (dataclasses.replace(vk, ic=(vk.ic[0],) * len(vk.ic)), "repeated IC")]:
        with pytest.raises(SetupRefused, match=needle):
            pk_from_bytes(pk_to_bytes(dataclasses.replace(pk, vk=weak)))
    zero_ic = pk_to_bytes(pk)
    meta_len = struct.unpack_from("<I", zero_ic, 8)[0]
    ic_at = 12 + meta_len + 32 + 12 + 3 * G1_BYTES + 3 * 128
    zero_ic = zero_ic[:ic_at] + bytes(G1_BYTES) + zero_ic[ic_at + G1_BYTES:]
    with pytest.raises(SetupRefused, match="identity"):
        pk_from_bytes(zero_ic)


def test_batch_verification_accepts_good_batches_and_names_bad_proofs():
    r1cs, w, pk, vk, proof, public = keys_and_proof("cubic")
    other = prove(pk, r1cs, w, random.Random(4))
    assert verify_batch(vk, [(public, proof), (public, other)]).ok
    assert verify_batch(vk, []).ok
    wrong = [(public[0] + 1) % R]
    verdict = verify_batch(vk, [(public, proof), (wrong, other)])
    assert not verdict.ok and [i for i, _ in verdict.failed] == [1] and "proof 1: pairing" in verdict.reason
    verdict = verify_batch(vk, [(public, proof), (public[:0], proof), (public, dataclasses.replace(proof, a=None))])
    assert [i for i, _ in verdict.failed] == [1, 2]  # shape errors are named before any pairing
    assert not verify_batch(vk, None).ok


def test_batch_weights_defeat_cancelling_pairs():
    """Two bad proofs whose errors cancel in a plain sum are caught by random weights."""
    r1cs, w, pk, vk, proof, public = keys_and_proof("cubic")
    from zkob.zk.backends.pure import PureBackend
    be = PureBackend()
    delta_shift = be.msm_g1([pk.delta1], [1])
    c_plus = be.msm_g1([proof.c, delta_shift], [1, 1])
    c_minus = be.msm_g1([proof.c, delta_shift], [1, R - 1])
    pair = [(public, dataclasses.replace(proof, c=c_plus)), (public, dataclasses.replace(proof, c=c_minus))]
    assert not verify_batch(vk, pair).ok
    assert verify_batch(vk, pair, weight=lambda: 1).ok  # with equal weights the errors cancel


def test_public_inputs_are_wires_one_to_n():
    r1cs, w, *_ = keys_and_proof("several")
    assert public_inputs(r1cs, w) == w[1:5]


class _Scripted:
    """An rng that replays given draws, to steer setup into the cases it must redraw."""

    def __init__(self, values):
        self.values = list(values)

    def randrange(self, start, stop):
        value = self.values.pop(0)
        assert start <= value < stop
        return value


def test_setup_redraws_gamma_equal_delta_delta_one_and_tau_on_domain():
    r1cs, w = cubic()
    omega8 = pow(5, (R - 1) // 8, R)  # tau on the 8-point domain would divide by zero
    rng = _Scripted([11, 2, 3, 7, 7,        # gamma == delta: redrawn
                     11, 2, 3, 7, 1,        # delta == 1 (delta2 = G2 generator): redrawn
                     omega8, 2, 3, 7, 8,    # tau on the domain: redrawn
                     11, 2, 3, 7, 8])
    pk, vk = setup(r1cs, rng)
    assert rng.values == []
    assert vk.gamma2 != vk.delta2 and vk.delta2 != G2_GEN
    proof = prove(pk, r1cs, w, random.Random(1))
    assert verify(vk, public_inputs(r1cs, w), proof).ok


def test_setup_computes_the_large_queries_on_the_engine():
    from zkob.zk.backends.pure import PureBackend

    class Counting(PureBackend):
        calls = 0

        def g1_mul_many(self, base, scalars):
            Counting.calls += 1
            return super().g1_mul_many(base, scalars)

    r1cs, _ = cubic()
    reference = setup(r1cs, random.Random(7))
    assert setup(r1cs, random.Random(7), backend=Counting()) == reference and Counting.calls == 4
