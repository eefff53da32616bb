"""The EdDSA-Poseidon gadget accepts exactly what the native verifier accepts.

Negative tests set a named witness value and expect a named failing
constraint (STYLE.md rule 8).
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from zkob.circuits.cs import ConstraintSystem
from zkob.circuits.gadgets.babyjub import add, assert_on_curve, constant_point, double, mul_fixed, mul_var
from zkob.circuits.gadgets.eddsa import COST, COST_ENABLED, assert_eddsa_poseidon, assert_public_key
from zkob.zk import babyjub as bj
from zkob.zk.eddsa import Signature, private_to_public, sign_poseidon, verify_poseidon
from zkob.zk.field import R
from zkob.zk.poseidon import poseidon

from .helpers import assert_sat, assert_unsat, build

VECTORS = Path(__file__).resolve().parents[2] / "vectors" / "eddsa.json"
PRV = bytes(range(32))
A = private_to_public(PRV)
MSG = 42
SIG = sign_poseidon(PRV, MSG)
ORDER2 = (0, R - 1)


def inputs(msg=MSG, a=A, sig=SIG) -> dict[str, int]:
    return {"in/msg": msg, "in/A_x": a[0], "in/A_y": a[1],
            "in/R8_x": sig.R8[0], "in/R8_y": sig.R8[1], "in/S": sig.S}


def circuit(values: dict[str, int], enabled: int | None = None):
    def fn(cs: ConstraintSystem) -> None:
        with cs.namespace("in"):
            w = {k: cs.alloc(k.split("/")[1], lambda k=k: values[k]) for k in values}
            on = None if enabled is None else cs.alloc("enabled", lambda: enabled)
        assert_eddsa_poseidon(cs, w["in/msg"], (w["in/A_x"], w["in/A_y"]),
                              (w["in/R8_x"], w["in/R8_y"]), w["in/S"], enabled=on)
    return fn


def test_valid_signature_satisfies_and_cost_is_as_documented():
    assert len(assert_sat(circuit(inputs())).constraints) == COST
    assert len(assert_sat(circuit(inputs(), enabled=1)).constraints) == COST_ENABLED


def test_setup_mode_has_the_same_shape_without_witness():
    setup = ConstraintSystem()
    circuit({k: None for k in inputs()})(setup)  # witness functions would fail on None
    proved = build(circuit(inputs()))
    assert setup.r1cs().digest() == proved.r1cs().digest()


@pytest.mark.parametrize("change, fails", [
    ({"in/S": (SIG.S + 1) % bj.L}, "eddsa/check/x"),
    ({"in/msg": MSG + 1}, "eddsa/check/x"),
    ({"in/A_x": private_to_public(bytes(32))[0], "in/A_y": private_to_public(bytes(32))[1]}, "eddsa/check/x"),
    ({"in/R8_x": bj.neg(SIG.R8)[0]}, "eddsa/check/x"),
    ({"in/R8_y": SIG.R8[1] + 1}, "eddsa/R8/on_curve/equation"),
    ({"in/A_y": A[1] + 1}, "eddsa/A/on_curve/equation"),
    ({"in/S": SIG.S + bj.L}, "eddsa/S/bits/sum"),
])
def test_tampered_inputs_fail(change, fails):
    assert_unsat(circuit(inputs()), set=change, fails=fails)


def _signature_with(pred) -> tuple[int, Signature]:
    for msg in range(1000):
        sig = sign_poseidon(PRV, msg)
        if pred(msg, sig):
            return msg, sig
    raise AssertionError("no such message below 1000")


def test_s_plus_l_fails_the_range_check_itself():
    # Pick S with S + l < 2^251, so the bits fit and only S <= l - 1 can refuse it.
    msg, sig = _signature_with(lambda m, s: s.S + bj.L < 1 << 251)
    assert bj.mul(bj.B8, sig.S + bj.L) == bj.mul(bj.B8, sig.S)  # the group equation alone would pass
    assert_unsat(circuit(inputs(msg=msg, sig=sig)), set={"in/S": sig.S + bj.L}, fails="eddsa/S/le_const/zero[248]")


def test_non_canonical_challenge_bits_fail():
    # Bits of h + r sum to h mod r; the canonicity check must refuse them.
    def h_of(msg, sig):
        return poseidon([sig.R8[0], sig.R8[1], A[0], A[1], msg])
    msg, sig = _signature_with(lambda m, s: h_of(m, s) + R < 1 << 254)
    alias = h_of(msg, sig) + R
    bits = {f"eddsa/h/bits/bit[{i}]": (alias >> i) & 1 for i in range(254)}
    assert_unsat(circuit(inputs(msg=msg, sig=sig)), set=bits, fails="eddsa/h/bits/le_const/zero[250]")


def test_torsion_and_low_order_keys_fail():
    forged = Signature(bj.mul(bj.B8, 5), 5)
    assert_unsat(circuit(inputs()), set=inputs(a=bj.IDENTITY, sig=forged), fails="eddsa/A/nonzero")
    assert_unsat(circuit(inputs()), set=inputs(a=ORDER2, sig=forged), fails="eddsa/A/subgroup/y")
    mixed = bj.add(A, ORDER2)
    assert_unsat(circuit(inputs()), set=inputs(a=mixed), fails="eddsa/A/subgroup/x")


def test_subgroup_witness_is_checked():
    assert_unsat(circuit(inputs()), set={"eddsa/A/subgroup/q_x": bj.B8[0], "eddsa/A/subgroup/q_y": bj.B8[1]},
                 fails="eddsa/A/subgroup/x")
    assert_unsat(circuit(inputs()), set={"eddsa/A/subgroup/q_y": 5}, fails="eddsa/A/subgroup/q/on_curve/equation")


def test_intermediate_point_cannot_be_swapped():
    # A prover substituting another point for a step of h*(8A) breaks that step's addition law.
    assert_unsat(circuit(inputs()), set={"eddsa/right/mul/w[5]/add/x": 7}, fails="eddsa/right/mul/w[5]/add/x")


def test_disabled_slot_accepts_junk_and_enabled_refuses_it():
    junk = {"in/msg": 3, "in/A_x": 0, "in/A_y": 0, "in/R8_x": 5, "in/R8_y": 5, "in/S": 0}
    assert_sat(circuit(junk, enabled=0))
    assert_unsat(circuit(junk, enabled=0), set={"in/enabled": 1}, fails="eddsa/A/on_curve/equation")
    assert_unsat(circuit(inputs(), enabled=1), set={"in/S": (SIG.S + 1) % bj.L}, fails="eddsa/check/x")


def test_agrees_with_native_verifier_on_every_vector():
    data = json.loads(VECTORS.read_text())
    seen = set()
    for group in data["testGroups"]:
        a = tuple(int(c) for c in group["publicKey"])
        for t in group["tests"]:
            msg = int(t["msg"])
            if msg >= R:
                continue  # not a field element: cannot be a wire value
            sig = Signature(tuple(int(c) for c in t["sig"]["R8"]), int(t["sig"]["S"]))
            cs = build(circuit(inputs(msg=msg, a=a, sig=sig)))
            ok = cs.r1cs().first_failure(cs.witness()) is None
            assert ok == verify_poseidon(msg, sig, a), t["tcId"]
            seen.add(ok)
    assert seen == {True, False}


def test_curve_gadgets_match_native():
    p, q = bj.mul(bj.B8, 1234), bj.mul(bj.GENERATOR, 99)  # q has a torsion component
    k = 0b1011001110001

    def fn(cs):
        pw = (cs.alloc("p_x", lambda: p[0]), cs.alloc("p_y", lambda: p[1]))
        assert_on_curve(cs, pw)
        bits = [cs.alloc(f"k[{i}]", lambda i=i: (k >> i) & 1) for i in range(13)]
        with cs.namespace("add"):
            s = add(cs, pw, constant_point(q))
        with cs.namespace("dbl"):
            d = double(cs, constant_point(q))
        with cs.namespace("fix"):
            f = mul_fixed(cs, bits, q)
        with cs.namespace("var"):
            v = mul_var(cs, bits, pw)
        return [s, d, f, v]

    cs = ConstraintSystem(prove=True)
    got = [(cs.value(x), cs.value(y)) for x, y in fn(cs)]
    assert cs.first_failure is None
    assert got == [bj.add(p, q), bj.add(q, q), bj.mul(q, k), bj.mul(p, k)]


@pytest.mark.parametrize("key, fails", [
    (A, None),
    (bj.IDENTITY, "pk/nonzero"),
    (ORDER2, "pk/subgroup"),
    (bj.add(A, ORDER2), "pk/subgroup"),
    (bj.GENERATOR, "pk/subgroup"),
    ((1, 2), "pk/on_curve"),
])
def test_public_key_gadget_matches_native_check(key, fails):
    def fn(cs):
        with cs.namespace("in"):
            w = (cs.alloc("x", lambda: key[0]), cs.alloc("y", lambda: key[1]))
        with cs.namespace("pk"):
            assert_public_key(cs, w)

    cs = build(fn)
    failure = cs.r1cs().first_failure(cs.witness())
    assert (failure is None) == (bj.public_key_problem(key) is None)
    if fails:
        assert failure is not None and fails in failure[1]
