"""Strict snarkjs JSON and point decoding: each refusal names the part (DESIGN section 6)."""

from __future__ import annotations

import copy
import json

import pytest
from zk_sample_circuits import keys_and_proof

from zkob.zk.curve import G1_GEN, G2_GEN, B2, fq2_add, fq2_mul, g2_in_subgroup, g2_on_curve, parse_g1, parse_g2
from zkob.zk.errors import MalformedInput, SetupRefused
from zkob.zk.field import Q
from zkob.zk.formats.snarkjs_json import (load_json, parse_proof, parse_public, parse_vk, proof_to_json,
                                          vk_to_json)

pytestmark = pytest.mark.prove


def _fq2_sqrt(a):
    """Square root in Fq2 (q = 3 mod 4) via the norm; None when a is not a square."""
    norm = (a[0] * a[0] + a[1] * a[1]) % Q
    s = pow(norm, (Q + 1) // 4, Q)
    if s * s % Q != norm:
        return None
    for sign in (s, Q - s):
        half = (a[0] + sign) * pow(2, -1, Q) % Q
        x0 = pow(half, (Q + 1) // 4, Q)
        if x0 * x0 % Q == half and x0:
            x1 = a[1] * pow(2 * x0, -1, Q) % Q
            if fq2_mul((x0, x1), (x0, x1)) == (a[0] % Q, a[1] % Q):
                return (x0, x1)
    return None


def twist_point_outside_subgroup():
    """A point on the G2 twist that is not in the r-torsion (almost every twist point)."""
    for x0 in range(1, 100):
        x = (x0, 1)
        y = _fq2_sqrt(fq2_add(fq2_mul(fq2_mul(x, x), x), B2))
        if y is not None:
            return (x, y)
    raise AssertionError("no twist point found")


def test_twist_point_is_on_curve_but_refused():
    p = twist_point_outside_subgroup()
    assert g2_on_curve(p) and not g2_in_subgroup(p)
    with pytest.raises(MalformedInput, match="subgroup"):
        parse_g2([[str(p[0][0]), str(p[0][1])], [str(p[1][0]), str(p[1][1])], ["1", "0"]], "pi_b")


@pytest.mark.parametrize("point, needle", [
    (["1", "2", "2"], 'exactly "1"'),
    (["1", "2", "01"], "leading zero"),
    (["0x1", "2", "1"], "canonical"),
    (["1", "2"], "array of 3"),
    ([1, 2, 1], "decimal string"),
    ([str(1 + Q), "2", "1"], "below the field modulus"),
    (["1", "3", "1"], "not on the curve"),
    (["0", "1", "0"], "infinity"),
    (["1", "2", "+1"], "canonical"),
    (["1", "2", "1\u0661"], "canonical"),
    (["1", "-2", "1"], "canonical"),
])
def test_g1_refusals(point, needle):
    with pytest.raises(MalformedInput, match=needle):
        parse_g1(point, "pi_a")


def test_g1_g2_accept_canonical_and_infinity_where_allowed():
    assert parse_g1(["1", "2", "1"], "p") == G1_GEN
    assert parse_g1(["0", "1", "0"], "p", allow_infinity=True) is None
    with pytest.raises(MalformedInput):
        parse_g1(["5", "1", "0"], "p", allow_infinity=True)
    g2 = [[str(c) for c in G2_GEN[0]], [str(c) for c in G2_GEN[1]], ["1", "0"]]
    assert parse_g2(g2, "p") == G2_GEN
    bad = copy.deepcopy(g2)
    bad[2] = ["1", "1"]
    with pytest.raises(MalformedInput, match="z must"):
        parse_g2(bad, "p")


def test_load_json_refuses_duplicates_floats_and_constants():
    for text, needle in [('{"a": 1, "a": 2}', "duplicate"), ("[1.5]", "floating"), ("[1e3]", "floating"),
                         ("[NaN]", "NaN"), ("[Infinity]", "Infinity"), ("[", "not valid JSON")]:
        with pytest.raises(MalformedInput, match=needle):
            load_json(text, "x")


def test_vk_and_proof_round_trip_and_refusals():
    _, _, _, vk, proof, _ = keys_and_proof("several")
    vk_obj, proof_obj = vk_to_json(vk), proof_to_json(proof)
    assert parse_vk(json.loads(json.dumps(vk_obj))) == vk
    assert parse_proof(proof_obj) == proof
    for mutate, exc, needle in [
        (lambda o: o.update(protocol="plonk"), MalformedInput, "protocol"),
        (lambda o: o.update(curve="bls12381"), MalformedInput, "curve"),
        (lambda o: o.update(nPublic=3), MalformedInput, "IC"),
        (lambda o: o.update(nPublic=True), MalformedInput, "nPublic"),
        (lambda o: o.update(extra=1), MalformedInput, "unknown key"),
        (lambda o: o.pop("vk_delta_2"), MalformedInput, "missing"),
        (lambda o: o.update(vk_delta_2=o["vk_gamma_2"]), SetupRefused, "gamma equals delta"),
        (lambda o: o["IC"].__setitem__(1, o["IC"][0]), SetupRefused, "repeated"),
        (lambda o: o["IC"].__setitem__(1, ["0", "1", "0"]), MalformedInput, "infinity"),
    ]:
        obj = copy.deepcopy(vk_obj)
        mutate(obj)
        with pytest.raises(exc, match=needle):
            parse_vk(obj)
    bad = copy.deepcopy(proof_obj)
    bad["pi_c"] = ["0", "1", "0"]
    with pytest.raises(MalformedInput, match="infinity"):
        parse_proof(bad)


def test_public_refusals():
    assert parse_public(["0", "5"]) == [0, 5]
    for value in [["-1"], [5], ["00"], [""], "5", [str(2**254)], [None]]:
        with pytest.raises(MalformedInput):
            parse_public(value)
