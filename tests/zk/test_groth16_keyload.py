"""Proving-key points are checked exactly once: by the loader (default), or by prove() after a lax load.

A lax load (check_points=False) skips only the Python per-point check of
the large queries; prove() then checks them in the compiled table builder
(checks_points) or, on the pure backend, with the Python decoder. Either
way a bad point is a MalformedInput naming the query entry.
"""

from __future__ import annotations

import dataclasses
import random
import struct

import pytest
from zk_sample_circuits import keys_and_proof

from zkob.zk.backends.compiled import backend as compiled_backend
from zkob.zk.backends.pure import PureBackend
from zkob.zk.errors import MalformedInput
from zkob.zk.field import Q
from zkob.zk.groth16.keys import G1_BYTES, G2_BYTES, pk_from_bytes, pk_to_bytes
from zkob.zk.groth16.prove import prove
from zkob.zk.verifier import verify

pytestmark = pytest.mark.prove

BACKENDS = {"compiled": compiled_backend, "pure": PureBackend}


def _key_bytes():
    r1cs, w, pk, vk, _, public = keys_and_proof("several")
    return r1cs, w, vk, public, pk, pk_to_bytes(pk)


def _query_offset(data: bytes, pk, query: str, index: int) -> int:
    """Byte offset of query[index] in the file (layout in groth16/keys.py)."""
    meta_len = struct.unpack_from("<I", data, 8)[0]
    at = 12 + meta_len + 32 + 12 + 3 * G1_BYTES + 3 * G2_BYTES + (pk.n_public + 1) * G1_BYTES
    starts = {"A": 0, "B1": pk.n_wires * G1_BYTES, "B2": 2 * pk.n_wires * G1_BYTES,
              "C": 2 * pk.n_wires * G1_BYTES + pk.n_wires * G2_BYTES}
    starts["H"] = starts["C"] + (pk.n_wires - pk.n_public - 1) * G1_BYTES
    width = G2_BYTES if query == "B2" else G1_BYTES
    return at + starts[query] + index * width


def _patched(data: bytes, offset: int, coords: list[int]) -> bytes:
    new = b"".join(c.to_bytes(32, "little") for c in coords)
    return data[:offset] + new + data[offset + len(new):]


BAD_POINTS = [  # (query, index, coordinates, message)
    ("A", 2, [1, 1], "not on the curve"),
    ("H", 1, [1, 1], "not on the curve"),
    ("B2", 3, [1, 0, 1, 0], "not on the curve"),
    ("C", 0, [Q, 2], "not below q"),
]


@pytest.mark.parametrize("query,index,coords,message", BAD_POINTS, ids=[b[0] for b in BAD_POINTS])
def test_bad_query_point_is_refused_by_loader_or_by_prove(query, index, coords, message):
    r1cs, w, _, _, pk, data = _key_bytes()
    bad = _patched(data, _query_offset(data, pk, query, index), coords)
    with pytest.raises(MalformedInput) as strict:
        pk_from_bytes(bad)
    assert strict.value.field == f"proving_key.{query}[{index}]" and message in strict.value.reason
    lax = pk_from_bytes(bad, check_points=False)
    assert not lax.points_checked
    for name, make in BACKENDS.items():
        with pytest.raises(MalformedInput) as late:
            prove(lax, r1cs, w, random.Random(1), backend=make())
        assert late.value.field == f"proving_key.{query}[{index}]", name
        assert message in late.value.reason, name


def test_lax_load_equals_strict_load_and_proves_the_same_on_both_backends():
    r1cs, w, vk, public, pk, data = _key_bytes()
    strict, lax = pk_from_bytes(data), pk_from_bytes(data, check_points=False)
    assert strict == lax == pk and strict.points_checked and not lax.points_checked
    proofs = {name: prove(lax, r1cs, w, random.Random("same"), backend=make()) for name, make in BACKENDS.items()}
    assert proofs["compiled"] == proofs["pure"] == prove(strict, r1cs, w, random.Random("same"))
    assert verify(vk, public, proofs["compiled"]).ok


def test_lax_load_still_checks_header_points_and_sizes():
    _, _, _, _, pk, data = _key_bytes()
    meta_len = struct.unpack_from("<I", data, 8)[0]
    alpha_at = 12 + meta_len + 32 + 12
    for bad, needle in [(_patched(data, alpha_at, [1, 1]), "not on the curve"),
                        (data[:-1], "truncated"), (data + b"\0", "trailing")]:
        with pytest.raises(MalformedInput, match=needle):
            pk_from_bytes(bad, check_points=False)


def test_backends_declare_whether_their_byte_tables_check_points():
    assert compiled_backend().checks_points is True
    assert PureBackend().checks_points is False
    off_curve = (1).to_bytes(32, "little") * 2
    with pytest.raises(MalformedInput, match=r"H\[0\]: point is not on the curve"):
        compiled_backend().g1_table_bytes(off_curve, "H")
    assert PureBackend().g1_table_bytes(off_curve) == [(1, 1)]  # decodes only: why prove() must check for it


def test_the_header_alone_names_the_parameters_and_circuit_as_the_full_loader_does():
    from zkob.zk.groth16.keys import pk_header

    _, _, pk, *_ = keys_and_proof("cubic")
    pk = dataclasses.replace(pk, params={"zkob_params": {"accounts_depth": 3}})
    data = pk_to_bytes(pk)
    loaded = pk_from_bytes(data)
    head = 4 + 8 + len(b'{"zkob_params":{"accounts_depth":3}}') + 32
    assert pk_header(data[:head]) == (loaded.params, loaded.digest) == pk_header(data)
    with pytest.raises(MalformedInput, match="proving_key.digest: file is truncated"):
        pk_header(data[:head - 1])
    with pytest.raises(MalformedInput, match="not a zkob proving key"):
        pk_header(b"zkey" + data[4:head])
