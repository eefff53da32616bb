"""prove() and setup() pick get_backend("auto") at call time; the pure backend stays the explicit reference."""

from __future__ import annotations

import random
import subprocess
import sys

import pytest
from zk_sample_circuits import mul_chain, several_public

from zkob.zk.backends.pure import PureBackend
from zkob.zk.groth16.keys import pk_to_bytes
from zkob.zk.groth16.prove import prove, public_inputs
from zkob.zk.groth16.setup import setup
from zkob.zk.verifier import verify

pytestmark = pytest.mark.prove

PROBE = """
import sys
import zkob.zk.groth16.prove, zkob.zk.groth16.setup, zkob.zk.groth16.keys, zkob.zk.verifier
print("numba" in sys.modules, "numpy" in sys.modules)
sys.path.insert(0, sys.argv[1])
from zk_sample_circuits import cubic
r1cs, w = cubic()
pk, vk = zkob.zk.groth16.setup.setup(r1cs)
proof = zkob.zk.groth16.prove.prove(pk, r1cs, w)
print("numba" in sys.modules, zkob.zk.verifier.verify(vk, w[1:2], proof).ok)
"""


def test_importing_prover_and_verifier_does_not_import_numba_but_proving_selects_compiled(tmp_path):
    here = str(__import__("pathlib").Path(__file__).parent)
    out = subprocess.run([sys.executable, "-c", PROBE, here], capture_output=True, text=True, check=True,
                         cwd=tmp_path).stdout.split("\n")
    assert out[0] == "False False"  # import time: neither numba nor numpy
    assert out[1] == "True True"  # call time: auto chose the compiled backend, and the proof verifies


@pytest.mark.parametrize("make", [lambda: mul_chain(12), several_public], ids=["chain12", "several"])
def test_default_backend_gives_the_pure_reference_key_and_proof(make):
    r1cs, w = make()
    pk, vk = setup(r1cs, random.Random("defaults"))
    pk_ref, vk_ref = setup(r1cs, random.Random("defaults"), backend=PureBackend())
    assert pk_to_bytes(pk) == pk_to_bytes(pk_ref) and vk == vk_ref
    proof = prove(pk, r1cs, w, random.Random("r-s"))
    assert proof == prove(pk, r1cs, w, random.Random("r-s"), backend=PureBackend())
    assert verify(vk, public_inputs(r1cs, w), proof).ok
    assert proof != prove(pk, r1cs, w, random.Random("other r-s"))
