"""Poseidon: known answers, the constants' origin, and circomlibjs interop."""

from __future__ import annotations

import json
import random

import pytest

from zkob.zk import poseidon_grain
from zkob.zk.errors import MalformedInput
from zkob.zk.field import R
from zkob.zk.poseidon import hash2, params, poseidon

KNOWN = [
    ([1], 18586133768512220936620570745912940619677854269274689475585506675881198879027),
    ([1, 2], 7853200120776062878684798364095072458815029376092732009249414926327459813530),
    ([1, 2, 3, 4], 18821383157269793795438455681495246036402687001665670618754263018637548127333),
    (list(range(1, 17)), 9989051620750914585850546081941653841776809718687451684622678807385399211877),
]


@pytest.mark.parametrize("inputs,expected", KNOWN)
def test_known_answers(inputs, expected):
    assert poseidon(inputs) == expected


def test_first_round_constant_t3_is_the_published_one():
    assert params(3).C[0] == 0x0EE9A592BA9A9518D05986D656F40C2114C4993C11BB29938D21D47304CD8E6E


def test_shipped_constants_are_regenerated_by_grain_procedure():
    shipped = poseidon_grain.DATA_PATH.read_bytes()
    assert poseidon_grain.serialize(poseidon_grain.generate_all()) == shipped


@pytest.mark.parametrize("bad", [[], list(range(17)), [R], [-1], [True], ["1"]])
def test_rejects_bad_inputs(bad):
    with pytest.raises(MalformedInput):
        poseidon(bad)


def test_order_and_width_matter():
    assert poseidon([1, 2]) != poseidon([2, 1])
    assert poseidon([1, 2]) != poseidon([1, 2, 0])


@pytest.mark.interop
def test_matches_circomlibjs_on_random_inputs(node):
    rng = random.Random(7)
    cases = [[rng.randrange(R) for _ in range(n)] for n in range(1, 17) for _ in range(2)]
    cases.append([R - 1] * 16)
    cases.append([0])

    script = """
    import { buildPoseidon } from "circomlibjs";
    const p = await buildPoseidon();
    const cases = JSON.parse(process.argv[2]);
    console.log(JSON.stringify(cases.map(c => p.F.toString(p(c.map(BigInt))))));
    """
    got = node.json(script, json.dumps([[str(x) for x in c] for c in cases]))
    assert got == [str(poseidon(c)) for c in cases]


def test_hash2_agrees_with_generic_permutation():
    rng = random.Random(3)
    for _ in range(20):
        x, y = rng.randrange(R), rng.randrange(R)
        assert hash2(x, y) == poseidon([x, y])
    assert hash2(R - 1, R - 1) == poseidon([R - 1, R - 1])
