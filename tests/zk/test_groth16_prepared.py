"""A PreparedR1CS (digest + the backend's sparse A, B, C, made once) proves exactly like the plain R1CS."""

from __future__ import annotations

import random

import pytest
from zk_sample_circuits import mul_chain, several_public

from zkob.zk.backends.compiled import backend as compiled_backend
from zkob.zk.backends.pure import PureBackend
from zkob.zk.errors import MalformedInput, Unsatisfied
from zkob.zk.field import R
from zkob.zk.groth16.prepared import prepare
from zkob.zk.groth16.prove import prove, public_inputs
from zkob.zk.groth16.setup import setup
from zkob.zk.verifier import verify

pytestmark = pytest.mark.prove


@pytest.fixture(scope="module")
def chain():
    r1cs, w = mul_chain(20)
    pk, vk = setup(r1cs, random.Random("prepared"), backend=PureBackend())
    return r1cs, w, pk, vk


def test_prepare_builds_each_backends_sparse_form(chain):
    r1cs = chain[0]
    comp = prepare(r1cs, compiled_backend())
    pure = prepare(r1cs, PureBackend())
    assert comp.sparse is not r1cs and pure.sparse is r1cs  # the pure backend works on the R1CS itself
    assert comp.digest == pure.digest == r1cs.digest()
    assert (comp.n_wires, comp.n_public, comp.n_constraints) == (r1cs.n_wires, r1cs.n_public, r1cs.n_constraints)
    assert prepare(comp, compiled_backend()) is comp and prepare(comp) is comp
    assert prepare(comp, PureBackend()).sparse is r1cs  # remade for the other backend


def test_one_prepared_circuit_proves_many_witnesses_identically_on_both_backends(chain):
    r1cs, _, pk, vk = chain
    prep = prepare(r1cs, compiled_backend())
    for start in (7, 8, R - 3):
        _, w = mul_chain(20, start)
        fast = prove(pk, prep, w, random.Random(start))
        assert fast == prove(pk, r1cs, w, random.Random(start), backend=PureBackend())
        assert fast == prove(pk, r1cs, w, random.Random(start))  # plain R1CS, prepared per call
        assert verify(vk, public_inputs(prep, w), fast).ok
        assert not verify(vk, [(public_inputs(r1cs, w)[0] + 1) % R], fast).ok


def test_prepared_for_one_backend_still_proves_on_another(chain):
    r1cs, w, pk, vk = chain
    prep = prepare(r1cs, compiled_backend())
    assert prove(pk, prep, w, random.Random(3), backend=PureBackend()) == \
        prove(pk, prep, w, random.Random(3))


def _failure(pk, circuit, w, backend):
    with pytest.raises(Unsatisfied) as info:
        prove(pk, circuit, w, random.Random(1), backend=backend)
    return info.value.index, info.value.label


def test_compiled_check_names_the_same_first_failing_constraint_as_python(chain):
    r1cs, w, pk, _ = chain
    comp, pure = prepare(r1cs, compiled_backend()), prepare(r1cs, PureBackend())
    bad = list(w)
    bad[4] = (bad[4] + 1) % R  # breaks square[1] (w3^2 = w4) and square[2] (w4^2 = w5)
    assert _failure(pk, comp, bad, comp.backend) == _failure(pk, pure, bad, pure.backend) == (1, "square[1]")
    short, not_one = w[:-1], [2] + w[1:]
    for broken, why in ((short, "wires"), (not_one, "w_0")):
        assert _failure(pk, comp, broken, comp.backend)[0] == -1
        assert why in _failure(pk, comp, broken, comp.backend)[1]


def test_compiled_check_with_long_linear_combinations_and_a_foreign_key(chain):
    r1cs, w = several_public()
    pk, _ = setup(r1cs, random.Random("several-prepared"))
    prep = prepare(r1cs, compiled_backend())
    bad = list(w)
    bad[3] = (bad[3] + 1) % R
    bad[4] = (bad[4] + 1) % R  # out = t + c still holds; (a + b) * c = c0 a + c0 b does not
    assert _failure(pk, prep, bad, prep.backend) == (2, "linear_mix")
    with pytest.raises(MalformedInput, match="digest"):
        prove(chain[2], prep, w)
