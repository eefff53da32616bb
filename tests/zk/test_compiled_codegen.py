"""The generated Montgomery kernels are up to date with their generator, and the limb helpers are strict."""

from __future__ import annotations

import numpy as np
import pytest

from zkob.zk.backends.compiled import codegen
from zkob.zk.backends.compiled.params import FQ, FR, ints_to_limbs, limbs_of, limbs_to_ints
from zkob.zk.field import Q, R


def test_generated_arith_matches_generator():
    assert codegen.OUT_PATH.read_text() == codegen.generate()


@pytest.mark.parametrize("f", [FQ, FR], ids=["fq", "fr"])
def test_montgomery_constants(f):
    assert (f.modulus * f.n0_inv) % (1 << 64) == (1 << 64) - 1
    assert f.r_mod == pow(2, 256, f.modulus)
    assert f.r2_mod == pow(2, 512, f.modulus)
    # the no-carry CIOS variant needs the top limb below 2^63 - 1
    assert limbs_of(f.modulus)[-1] < (1 << 63) - 1


def test_limb_round_trip_and_layout():
    values = [0, 1, 2**64 - 1, 2**64, 2**200 + 12345, Q - 1]
    arr = ints_to_limbs(values, Q)
    assert arr.shape == (6, 4) and arr.dtype == np.uint64
    assert tuple(int(v) for v in arr[2]) == (2**64 - 1, 0, 0, 0)
    assert tuple(int(v) for v in arr[4]) == limbs_of(2**200 + 12345) == (12345, 0, 0, 256)
    assert limbs_to_ints(arr) == values
    assert ints_to_limbs([], R).shape == (0, 4)


@pytest.mark.parametrize("bad", [-1, R, R + 5, 2**256])
def test_limbs_refuse_out_of_range(bad):
    with pytest.raises(ValueError):
        ints_to_limbs([1, bad], R)


def test_numba_loads_only_with_the_compiled_package():
    import subprocess
    import sys

    code = (
        "import sys, zkob.zk.verifier, zkob.zk.poseidon, zkob.zk.backends, zkob.zk.groth16.prove;"
        "print('numba' in sys.modules, end=' ');"
        "import zkob.zk.backends.compiled; print('numba' in sys.modules, end=' ');"
        "from zkob.zk.backends import get_backend; print(get_backend('auto').name)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.split() == ["False", "True", "compiled"]
