""".ptau and .zkey files without node: strict reading (each refusal names its section), zkey new on both backends."""

from __future__ import annotations

import struct

import pytest
from known_ptau import write_known_ptau
from zk_sample_circuits import cubic, mul_chain, several_public

from zkob.zk.backends.pure import PureBackend
from zkob.zk.errors import MalformedInput, SetupRefused
from zkob.zk.field import R
from zkob.zk.formats.binfile import container
from zkob.zk.formats.lem import g1_from_lem, g1_to_lem
from zkob.zk.formats.ptau import read_ptau
from zkob.zk.formats.zkey import CONTRIBUTE_ORDER, SETUP_ORDER, read_zkey, zkey_bytes
from zkob.zk.groth16.zkey_key import bind_zkey, zkey_vk
from zkob.zk.groth16.zkey_new import h_hash_count, new_zkey, new_zkey_bytes

POWER = 4


@pytest.fixture(scope="module")
def ptau_path(tmp_path_factory):
    path = tmp_path_factory.mktemp("ptau") / "k4.ptau"
    write_known_ptau(path, POWER)
    return path


def sections_of(data: bytes) -> list[tuple[int, bytes]]:
    out, pos = [], 12
    while pos < len(data):
        kind, size = struct.unpack_from("<IQ", data, pos)
        out.append((kind, data[pos + 12:pos + 12 + size]))
        pos += 12 + size
    return out


def rebuilt(data: bytes, magic: bytes, change) -> bytes:
    """The container with ``change(kind, payload)`` applied to every section (None drops it)."""
    parts = [(k, change(k, p)) for k, p in sections_of(data)]
    return container(magic, 1, [(k, p) for k, p in parts if p is not None])


def refusal(tmp_path, data: bytes, reader=read_ptau, name="f.ptau") -> MalformedInput:
    path = tmp_path / name
    path.write_bytes(data)
    with pytest.raises(MalformedInput) as info:
        reader(path)
    return info.value


def test_reads_power_and_lagrange_blocks(ptau_path):
    pt = read_ptau(ptau_path)
    assert (pt.power, pt.ceremony_power) == (POWER, POWER)
    assert [len(pt.lagrange_g1(k)) for k in range(POWER + 2)] == [64 << k for k in range(POWER + 2)]
    assert len(pt.lagrange_g2(POWER)) == 128 << POWER
    with pytest.raises(MalformedInput):
        pt.lagrange_g2(POWER + 1)  # only section 12 has the 2^(p+1) block


def test_ptau_refusals_name_the_section(ptau_path, tmp_path):
    good = ptau_path.read_bytes()
    head = dict(sections_of(good))[1]
    assert "section[15]" in refusal(tmp_path, good[:-100]).field
    assert refusal(tmp_path, b"zkey" + good[4:]).field == "ptau.magic"
    assert refusal(tmp_path, good[:7]).field == "ptau"
    wrong_curve = rebuilt(good, b"ptau", lambda k, p: struct.pack("<I", 48) + bytes(48) + p[-8:] if k == 1 else p)
    assert "wrong curve" in refusal(tmp_path, wrong_curve).reason
    other_q = rebuilt(good, b"ptau", lambda k, p: p[:4] + (int.from_bytes(p[4:36], "little") - 2)
                      .to_bytes(32, "little") + p[36:] if k == 1 else p)
    assert "wrong curve" in refusal(tmp_path, other_q).reason
    unprepared = rebuilt(good, b"ptau", lambda k, p: None if k >= 12 else p)
    assert "not prepared" in refusal(tmp_path, unprepared).reason
    short12 = rebuilt(good, b"ptau", lambda k, p: p[:-64] if k == 12 else p)
    assert refusal(tmp_path, short12).field == "ptau.section[12]"
    unknown = container(b"ptau", 1, [*sections_of(good), (9, b"")])
    assert refusal(tmp_path, unknown).field == "ptau.section[9]"
    assert head[4:36] == (21888242871839275222246405745257275088696311157297823662689037894645226208583)\
        .to_bytes(32, "little")


def test_a_circuit_too_big_for_the_ptau_is_refused(ptau_path):
    r1cs, _ = mul_chain(20)  # 21 constraints + 2 rows: a 2^5 domain
    with pytest.raises(MalformedInput, match="too small for this circuit"):
        new_zkey(r1cs, read_ptau(ptau_path))


def test_a_corrupt_lagrange_point_is_refused_naming_it(ptau_path, tmp_path):
    good = ptau_path.read_bytes()
    block = (1 << 3) - 1  # the 2^3 block, which an 8-row circuit reads
    bad = rebuilt(good, b"ptau", lambda k, p: p[:64 * (block + 2)] + bytes([1]) * 64 + p[64 * (block + 3):]
                  if k == 12 else p)
    path = tmp_path / "bad.ptau"
    path.write_bytes(bad)
    with pytest.raises(MalformedInput, match=r"ptau.section\[12\]\[2\]"):
        new_zkey(cubic()[0], read_ptau(path))


class _FullDomainPtau:
    power = 15

    def require_domain(self, k: int, rows: int) -> None:
        assert k <= self.power


def test_full_domain_quirk_is_refused_not_guessed():
    assert [h_hash_count(1 << k) for k in (3, 14, 15, 18)] == [7, (1 << 14) - 1, 1 << 15, 1 << 18]
    r1cs, _ = mul_chain((1 << 14) + 10)  # a 2^15 domain on a power-15 ptau: snarkjs hashes bytes past section 2
    with pytest.raises(MalformedInput, match="UNSUPPORTED_FULL_DOMAIN"):
        new_zkey(r1cs, _FullDomainPtau())  # type: ignore[arg-type]


@pytest.mark.parametrize("make", [cubic, several_public, lambda: mul_chain(5)], ids=["cubic", "several", "chain"])
def test_zkey_new_same_bytes_on_both_backends_and_reads_back(make, ptau_path, tmp_path):
    r1cs, _ = make()
    pt = read_ptau(ptau_path)
    data, cs_hash = new_zkey_bytes(r1cs, pt)
    assert (data, cs_hash) == new_zkey_bytes(r1cs, pt, PureBackend())
    assert [k for k, _ in sections_of(data)] == list(SETUP_ORDER)
    (tmp_path / "c.zkey").write_bytes(data)
    key = read_zkey(tmp_path / "c.zkey")
    assert key.cs_hash == cs_hash and key.contributions == ()
    assert zkey_bytes(key, SETUP_ORDER) == data
    assert [k for k, _ in sections_of(zkey_bytes(key))] == list(CONTRIBUTE_ORDER)
    with pytest.raises(SetupRefused, match="no phase-2 contribution"):
        zkey_vk(key)  # delta = 1: anyone could forge with it


def test_zkey_refusals_name_the_section(ptau_path, tmp_path):
    data, _ = new_zkey_bytes(several_public()[0], read_ptau(ptau_path))
    read = read_zkey
    assert "section[10]" in refusal(tmp_path, data[:-3], read, "a.zkey").field  # last section in setup order
    assert "section[7]" in refusal(tmp_path, rebuilt(data, b"zkey", lambda k, p: p[:-128] if k == 7 else p),
                                   read, "b.zkey").field
    wrong = rebuilt(data, b"zkey", lambda k, p: struct.pack("<I", 48) + p[4:] if k == 2 else p)
    assert "wrong curve" in refusal(tmp_path, wrong, read, "c.zkey").reason
    plonk = rebuilt(data, b"zkey", lambda k, p: struct.pack("<I", 2) if k == 1 else p)
    assert "not a Groth16 key" in refusal(tmp_path, plonk, read, "d.zkey").reason
    off_curve = bytearray(dict(sections_of(data))[2])
    off_curve[84] ^= 1  # alpha1's x
    bad = rebuilt(data, b"zkey", lambda k, p: bytes(off_curve) if k == 2 else p)
    assert refusal(tmp_path, bad, read, "e.zkey").field == "zkey.section[2].alpha1"
    count = bytearray(dict(sections_of(data))[10])
    count[64] = 1  # claims one contribution that is not there
    assert "section[10]" in refusal(tmp_path, rebuilt(data, b"zkey", lambda k, p: bytes(count) if k == 10 else p),
                                    read, "f.zkey").field


def test_bind_refuses_a_key_for_another_circuit(ptau_path, tmp_path):
    from zkob.zk.groth16.phase2 import contribute

    pt = read_ptau(ptau_path)
    key, _ = contribute(new_zkey(several_public()[0], pt), "t")
    with pytest.raises(MalformedInput, match="sizes"):
        bind_zkey(key, cubic()[0])
    other, _ = several_public(c=19)  # the same shape, another constant in the last constraint's C
    assert bind_zkey(key, other)  # C is not in a .zkey: the proof would fail verification instead
    changed_a = several_public()[0]
    changed_a.constraints[1] = type(changed_a.constraints[1])({5: 2, 3: 1}, {0: 1}, {4: 1}, "x")
    with pytest.raises(MalformedInput, match="section\\[4\\].*constraint 1"):
        bind_zkey(key, changed_a)
    with pytest.raises(MalformedInput, match="circuit hash"):
        bind_zkey(key, several_public()[0], cs_hash=bytes(64))
    assert bind_zkey(key, several_public()[0], cs_hash=key.cs_hash).cs_hash == key.cs_hash


def test_a_corrupt_query_point_is_refused_when_proving(ptau_path, tmp_path):
    from zkob.zk.groth16.phase2 import contribute
    from zkob.zk.groth16.prove import prove

    r1cs, w = several_public()
    key, _ = contribute(new_zkey(r1cs, read_ptau(ptau_path)), "t")
    data = bytearray(zkey_bytes(key))
    a_offset = data.find(bytes(key.sections[5]))
    point = g1_from_lem(bytes(data[a_offset + 64:a_offset + 128]))
    assert point is not None
    data[a_offset + 64:a_offset + 128] = g1_to_lem((point[0], point[1] ^ 1))[:64]
    (tmp_path / "bad.zkey").write_bytes(bytes(data))
    with pytest.raises(MalformedInput, match=r"zkey\.A\[1\]"):
        prove(bind_zkey(read_zkey(tmp_path / "bad.zkey"), r1cs), r1cs, w)


def test_a_contribution_scales_c_and_h_identically_on_both_backends(ptau_path):
    from zkob.zk.curve import G1_GEN
    from zkob.zk.groth16.phase2 import apply_contribution, g1_mul

    key = new_zkey(several_public()[0], read_ptau(ptau_path))
    g1_s = g1_mul(G1_GEN, 12345)
    compiled, digest = apply_contribution(key, 987654321, g1_s, "t")
    pure, digest_pure = apply_contribution(key, 987654321, g1_s, "t", PureBackend())
    assert zkey_bytes(compiled) == zkey_bytes(pure) and digest == digest_pure
    assert compiled.header.delta1 == g1_mul(G1_GEN, 987654321)
    undone, _ = apply_contribution(compiled, pow(987654321, -1, R), g1_s, "undo")
    assert all(bytes(undone.sections[k]) == bytes(key.sections[k]) for k in (8, 9))
