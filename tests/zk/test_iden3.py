"""iden3 .r1cs / .wtns: round trips, strict refusals, and snarkjs reading what we write."""

from __future__ import annotations

import struct

import pytest
from zk_sample_circuits import cubic, mul_chain, several_public

from zkob.zk.errors import MalformedInput
from zkob.zk.field import R
from zkob.zk.formats.iden3 import r1cs_from_bytes, r1cs_to_bytes, wtns_from_bytes, wtns_to_bytes

CIRCUITS = [cubic, lambda: mul_chain(5), several_public]


@pytest.mark.parametrize("make", CIRCUITS)
def test_r1cs_round_trip_keeps_digest(make):
    r1cs, w = make()
    back = r1cs_from_bytes(r1cs_to_bytes(r1cs))
    assert back.digest() == r1cs.digest()
    assert (back.n_wires, back.n_public, back.n_constraints) == (r1cs.n_wires, r1cs.n_public, r1cs.n_constraints)
    assert back.is_satisfied(w)
    assert wtns_from_bytes(wtns_to_bytes(w)) == w


def test_r1cs_header_fields_at_known_offsets():
    r1cs, _ = several_public()
    data = r1cs_to_bytes(r1cs)
    assert data[:4] == b"r1cs" and struct.unpack_from("<II", data, 4) == (1, 3)
    kind, size = struct.unpack_from("<IQ", data, 12)
    assert (kind, size) == (1, 4 + 32 + 4 * 4 + 8 + 4)
    assert int.from_bytes(data[28:60], "little") == R
    assert struct.unpack_from("<IIIIQI", data, 60) == (6, 0, 4, 0, 6, 3)


def _flip(data: bytes, offset: int, value: bytes) -> bytes:
    return data[:offset] + value + data[offset + len(value):]


def test_r1cs_refusals_name_the_part():
    r1cs, _ = cubic()
    good = r1cs_to_bytes(r1cs)
    cases = {
        "r1cs.magic": _flip(good, 0, b"wtns"),
        "r1cs.version": _flip(good, 4, struct.pack("<I", 2)),
        "r1cs.header.prime": _flip(good, 28, (R - 2).to_bytes(32, "little")),
        "r1cs.header.n8": _flip(good, 24, struct.pack("<I", 48)),
        "r1cs": good + b"\x00",
    }
    for part, data in cases.items():
        with pytest.raises(MalformedInput) as info:
            r1cs_from_bytes(data)
        assert info.value.field == part, (part, str(info.value))
    with pytest.raises(MalformedInput, match="payload"):
        r1cs_from_bytes(good[:-1])
    with pytest.raises(MalformedInput):
        r1cs_from_bytes(b"")


def test_r1cs_refuses_bad_constraint_entries():
    base, _ = cubic()
    data = r1cs_to_bytes(base)
    body_at = 12 + 12 + 64 + 12  # after the header section and the constraints' section header
    # first constraint A: nFactors=1, wire 2, coeff 1
    assert struct.unpack_from("<II", data, body_at) == (1, 2)
    for patch, needle in [
        (struct.pack("<I", 99), "out of range"),
        (None, "not below r"),
        (None, "zero coefficient"),
    ]:
        if patch is not None:
            bad = _flip(data, body_at + 4, patch)
        elif needle == "not below r":
            bad = _flip(data, body_at + 8, R.to_bytes(32, "little"))
        else:
            bad = _flip(data, body_at + 8, bytes(32))
        with pytest.raises(MalformedInput, match=needle):
            r1cs_from_bytes(bad)


def test_wtns_refusals():
    good = wtns_to_bytes([1, 5, R - 1])
    with pytest.raises(MalformedInput, match="not below r"):
        wtns_from_bytes(good[:-32] + R.to_bytes(32, "little"))
    with pytest.raises(MalformedInput, match="expected 4 values"):
        wtns_from_bytes(_flip(good, 12 + 12 + 36, struct.pack("<I", 4)))
    with pytest.raises(MalformedInput, match="wire 0"):
        wtns_from_bytes(wtns_to_bytes([2, 5]))
    with pytest.raises(MalformedInput, match="version"):
        wtns_from_bytes(_flip(good, 4, struct.pack("<I", 1)))
    with pytest.raises(MalformedInput):
        wtns_to_bytes([1, R])


@pytest.mark.interop
def test_snarkjs_reads_our_r1cs_and_checks_our_witness(node, tmp_path):
    r1cs, w = several_public()
    (tmp_path / "c.r1cs").write_bytes(r1cs_to_bytes(r1cs))
    (tmp_path / "ok.wtns").write_bytes(wtns_to_bytes(w))
    bad = list(w)
    bad[5] = (bad[5] + 1) % R
    (tmp_path / "bad.wtns").write_bytes(wtns_to_bytes(bad))
    info = node.snarkjs("r1cs", "info", str(tmp_path / "c.r1cs"))
    assert info.returncode == 0, info.stderr
    text = info.stdout
    assert "# of Wires: 6" in text and "# of Constraints: 3" in text
    assert "# of Public Inputs: 4" in text and "# of Outputs: 0" in text
    ok = node.snarkjs("wtns", "check", str(tmp_path / "c.r1cs"), str(tmp_path / "ok.wtns"))
    assert ok.returncode == 0 and "WITNESS IS CORRECT" in ok.stdout, ok.stdout + ok.stderr
    no = node.snarkjs("wtns", "check", str(tmp_path / "c.r1cs"), str(tmp_path / "bad.wtns"))
    assert "WITNESS IS CORRECT" not in no.stdout


def test_circom_outputs_and_public_inputs_both_count_as_public():
    """circom writes outputs before public inputs; both are our public wires, in wire order."""
    r1cs, w = several_public()
    data = bytearray(r1cs_to_bytes(r1cs))
    struct.pack_into("<III", data, 64, 1, 3, 1)  # nPubOut = 1, nPubIn = 3, nPrvIn = 1
    back = r1cs_from_bytes(bytes(data))
    assert back.n_public == 4 and back.digest() == r1cs.digest()
    struct.pack_into("<III", data, 64, 3, 3, 0)  # 1 + 6 public wires do not fit in 6 wires
    with pytest.raises(MalformedInput, match="wire counts"):
        r1cs_from_bytes(bytes(data))


def test_unsorted_factors_are_read_but_repeated_wires_refused():
    from zkob.zk.r1cs import R1CS, Constraint

    data = r1cs_to_bytes(R1CS(n_wires=3, n_public=1, constraints=[Constraint({1: 1, 2: 1}, {0: 1}, {1: 1})]))
    assert struct.unpack_from("<II", data, 100) == (2, 1) and struct.unpack_from("<I", data, 140) == (2,)
    unsorted = r1cs_from_bytes(_flip(data, 140, struct.pack("<I", 0)))  # circom writes such files
    assert unsorted.constraints[0].a == {1: 1, 0: 1}
    with pytest.raises(MalformedInput, match="repeated"):
        r1cs_from_bytes(_flip(data, 140, struct.pack("<I", 1)))
