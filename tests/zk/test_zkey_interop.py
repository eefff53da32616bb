""".zkey interop with snarkjs 0.7.6: the same initial key, proofs across tools, a mixed phase 2 verified both ways."""

from __future__ import annotations

import json
import struct
from dataclasses import dataclass, replace
from pathlib import Path

import pytest
from zk_sample_circuits import cubic, mul_chain, several_public

from zkob.zk.backends import get_backend
from zkob.zk.backends.pure import PureBackend
from zkob.zk.curve import G1_GEN
from zkob.zk.formats.binfile import container
from zkob.zk.formats.iden3 import r1cs_from_bytes, r1cs_to_bytes, wtns_to_bytes
from zkob.zk.formats.ptau import read_ptau
from zkob.zk.formats.snarkjs_json import dumps, parse_vk, proof_to_json, public_to_json
from zkob.zk.strict_json import load_json
from zkob.zk.formats.zkey import read_zkey, zkey_bytes
from zkob.zk.groth16.phase2 import beacon, contribute, g1_mul, g2_mul
from zkob.zk.groth16.phase2_verify import verify_zkey
from zkob.zk.groth16.prove import prove, public_inputs
from zkob.zk.groth16.zkey_key import bind_zkey, zkey_vk
from zkob.zk.groth16.zkey_new import new_zkey, new_zkey_bytes
from zkob.zk.r1cs import R1CS
from zkob.zk.groth16.verify import verify

pytestmark = [pytest.mark.interop, pytest.mark.prove]

BEACON = "0102030405060708090a0b0c0d0e0f10"


def _ok(node, *args):
    res = node.snarkjs(*map(str, args))
    assert res.returncode == 0, (args, res.stdout[-800:], res.stderr[-800:])
    return res.stdout


def unsorted_r1cs_bytes() -> bytes:
    """several_public as a .r1cs whose linear combinations list wires in decreasing order (as circom may)."""
    r1cs, _ = several_public()
    sorted_bytes = r1cs_to_bytes(r1cs)
    body = b""
    for con in r1cs.constraints:
        for row in (con.a, con.b, con.c):
            body += struct.pack("<I", len(row))
            for wire in sorted(row, reverse=True):
                body += struct.pack("<I", wire) + row[wire].to_bytes(32, "little")
    head = sorted_bytes[24:24 + 64]  # section 1's payload (64 bytes)
    labels = struct.pack(f"<{r1cs.n_wires}Q", *range(r1cs.n_wires))
    return container(b"r1cs", 1, [(1, head), (2, body), (3, labels)])


CIRCUITS = {"cubic": lambda: r1cs_to_bytes(cubic()[0]), "several": lambda: r1cs_to_bytes(several_public()[0]),
            "chain": lambda: r1cs_to_bytes(mul_chain(20)[0]), "unsorted": unsorted_r1cs_bytes}


@pytest.mark.parametrize("name", list(CIRCUITS))
def test_zkey_new_is_snarkjs_groth16_setup_byte_for_byte(name, node, snarkjs_ptau, tmp_path):
    (tmp_path / "c.r1cs").write_bytes(CIRCUITS[name]())
    _ok(node, "groth16", "setup", tmp_path / "c.r1cs", snarkjs_ptau, tmp_path / "theirs.zkey")
    r1cs = r1cs_from_bytes((tmp_path / "c.r1cs").read_bytes())
    pt = read_ptau(snarkjs_ptau)
    ours, cs_hash = new_zkey_bytes(r1cs, pt)
    assert ours == (tmp_path / "theirs.zkey").read_bytes()
    assert read_zkey(tmp_path / "theirs.zkey").cs_hash == cs_hash
    if name == "several":
        assert new_zkey_bytes(r1cs, pt, PureBackend())[0] == ours


@dataclass
class Ceremony:
    dir: Path
    ptau: Path
    r1cs: R1CS
    witness: list[int]


@pytest.fixture(scope="module")
def ceremony(node, snarkjs_ptau, tmp_path_factory) -> Ceremony:
    """mul_chain(20) and a mixed phase 2: zkob new, zkob (alice), snarkjs (bob), zkob (carol), then a beacon each."""
    d = tmp_path_factory.mktemp("ceremony")
    r1cs, w = mul_chain(20)
    (d / "c.r1cs").write_bytes(r1cs_to_bytes(r1cs))
    (d / "w.wtns").write_bytes(wtns_to_bytes(w))
    (d / "c0.zkey").write_bytes(new_zkey_bytes(r1cs, read_ptau(snarkjs_ptau))[0])
    key1, _ = contribute(read_zkey(d / "c0.zkey"), "alice (zkob)")
    (d / "c1.zkey").write_bytes(zkey_bytes(key1))
    _ok(node, "zkey", "contribute", d / "c1.zkey", d / "c2.zkey", "--name=bob (snarkjs)", "-e=bob's entropy")
    key3, _ = contribute(read_zkey(d / "c2.zkey"), "carol (zkob)")
    (d / "c3.zkey").write_bytes(zkey_bytes(key3))
    _ok(node, "zkey", "beacon", d / "c3.zkey", d / "sbeacon.zkey", BEACON, "10", "-n=snarkjs beacon")
    zbeacon, _ = beacon(read_zkey(d / "c3.zkey"), bytes.fromhex(BEACON), 10, "zkob beacon")
    (d / "zbeacon.zkey").write_bytes(zkey_bytes(zbeacon))
    return Ceremony(d, snarkjs_ptau, r1cs, w)


NAMES = ["alice (zkob)", "bob (snarkjs)", "carol (zkob)"]


def test_snarkjs_verifies_a_ceremony_with_zkob_contributions_and_beacon(node, ceremony):
    for final, last in (("c3.zkey", None), ("zbeacon.zkey", "zkob beacon")):
        out = _ok(node, "zkey", "verify", ceremony.dir / "c.r1cs", ceremony.ptau, ceremony.dir / final)
        assert "ZKey Ok!" in out and all(name in out for name in NAMES)
        assert last is None or (last in out and f"Beacon generator: {BEACON}" in out)


def test_zkob_verifies_a_ceremony_with_snarkjs_contribution_and_beacon(ceremony):
    pt = read_ptau(ceremony.ptau)
    for final, names in (("c2.zkey", NAMES[:2]), ("sbeacon.zkey", [*NAMES, "snarkjs beacon"]),
                         ("zbeacon.zkey", [*NAMES, "zkob beacon"])):
        verdict = verify_zkey(ceremony.r1cs, pt, read_zkey(ceremony.dir / final))
        assert verdict.ok, verdict.reason
        assert [c.name for c in verdict.contributions] == names
        assert [c.index for c in verdict.contributions] == list(range(1, len(names) + 1))
    beacon_info = verdict.contributions[-1].beacon
    assert beacon_info == (bytes.fromhex(BEACON), 10)


def test_snarkjs_proves_with_the_zkob_made_key_and_verifies(node, ceremony):
    d = ceremony.dir
    _ok(node, "groth16", "prove", d / "zbeacon.zkey", d / "w.wtns", d / "sproof.json", d / "spublic.json")
    _ok(node, "zkey", "export", "verificationkey", d / "zbeacon.zkey", d / "svk.json")
    assert "OK!" in _ok(node, "groth16", "verify", d / "svk.json", d / "spublic.json", d / "sproof.json")
    ours = zkey_vk(read_zkey(d / "zbeacon.zkey"))
    assert ours == parse_vk(load_json((d / "svk.json").read_bytes(), "vk"))
    assert json.loads((d / "spublic.json").read_text()) == [str(v) for v in public_inputs(ceremony.r1cs,
                                                                                           ceremony.witness)]


@pytest.mark.parametrize("backend", ["pure", "compiled"])
def test_zkob_proves_with_the_snarkjs_key_and_snarkjs_verifies(backend, node, ceremony, tmp_path):
    d = ceremony.dir
    key = bind_zkey(read_zkey(d / "sbeacon.zkey"), ceremony.r1cs)
    proof = prove(key, ceremony.r1cs, ceremony.witness, backend=get_backend(backend))
    public = public_inputs(ceremony.r1cs, ceremony.witness)
    assert verify(key.vk, public, proof).ok
    _ok(node, "zkey", "export", "verificationkey", d / "sbeacon.zkey", tmp_path / "vk.json")
    (tmp_path / "proof.json").write_text(dumps(proof_to_json(proof)))
    (tmp_path / "public.json").write_text(dumps(public_to_json(public)))
    assert "OK!" in _ok(node, "groth16", "verify", tmp_path / "vk.json", tmp_path / "public.json",
                        tmp_path / "proof.json")
    wrong = public[:-1] + [(public[-1] + 1)]
    assert not verify(key.vk, wrong, proof).ok


# --- tampered keys: each check of zkey verify refuses its own kind of tampering ---------------

def _tampered(key, kind):  # type: ignore[no-untyped-def]
    cs = list(key.contributions)
    c = cs[1]
    if kind == "transcript":
        cs[1] = replace(c, transcript=bytes([c.transcript[0] ^ 1]) + c.transcript[1:])
    elif kind == "g2_ratio":
        cs[1] = replace(c, g2_spx=g2_mul(c.g2_spx, 2))
    elif kind == "delta_after":
        cs[1] = replace(c, delta_after=g1_mul(c.delta_after, 2))
    elif kind == "delta1":
        return replace(key, header=replace(key.header, delta1=g1_mul(key.header.delta1, 2)))
    elif kind == "delta2":
        return replace(key, header=replace(key.header, delta2=g2_mul(key.header.delta2, 2)))
    elif kind in ("A", "C", "H"):
        section = {"A": 5, "C": 8, "H": 9}[kind]
        raw = bytearray(key.sections[section])
        raw[64:128] = raw[128:192]  # point 1 replaced by point 2: still on the curve
        return key.with_phase2(key.header, key.contributions, {section: bytes(raw)})
    elif kind == "cs_hash":
        return replace(key, cs_hash=bytes(64))
    return replace(key, contributions=tuple(cs))


TAMPERS = {"transcript": "contribution #2 (bob (snarkjs)): inconsistent transcript",
           "g2_ratio": "contribution #2 (bob (snarkjs)): its G1 and G2 public keys do not have the same ratio",
           "delta_after": "contribution #2 (bob (snarkjs)): deltaAfter does not follow",
           "delta1": "delta1 is not the last contribution's deltaAfter",
           "delta2": "delta2 does not match delta1",
           "A": "zkey.section[5] (A) differs",
           "C": "zkey.section[8] (C) is not the initial key's divided by delta",
           "H": "zkey.section[9] (H) is not the initial key's divided by delta",
           "cs_hash": "contribution #1 (alice (zkob)): inconsistent transcript"}


@pytest.mark.parametrize("kind", list(TAMPERS))
def test_tampered_contributions_and_sections_are_refused_by_name(kind, ceremony):
    key = read_zkey(ceremony.dir / "c3.zkey")
    pt = read_ptau(ceremony.ptau)
    verdict = verify_zkey(ceremony.r1cs, pt, _tampered(key, kind))
    assert not verdict.ok and TAMPERS[kind] in verdict.reason, verdict.reason


def test_a_beacon_whose_key_is_not_its_parameters_is_refused(ceremony):
    key = read_zkey(ceremony.dir / "zbeacon.zkey")
    last = key.contributions[-1]
    forged = replace(key, contributions=(*key.contributions[:-1], replace(last, beacon_hash=b"\x09" * 16)))
    verdict = verify_zkey(ceremony.r1cs, read_ptau(ceremony.ptau), forged)
    assert not verdict.ok and "not the one the beacon parameters give" in verdict.reason


def test_a_key_of_another_circuit_is_refused_and_snarkjs_agrees(node, ceremony, tmp_path):
    other, _ = mul_chain(19)  # same domain, one wire less
    (tmp_path / "o.r1cs").write_bytes(r1cs_to_bytes(other))
    verdict = verify_zkey(other, read_ptau(ceremony.ptau), read_zkey(ceremony.dir / "c3.zkey"))
    assert not verdict.ok and "sizes differ" in verdict.reason
    res = node.snarkjs("zkey", "verify", str(tmp_path / "o.r1cs"), str(ceremony.ptau), str(ceremony.dir / "c3.zkey"))
    assert "ZKey Ok!" not in res.stdout


def test_snarkjs_refuses_a_contribution_whose_transcript_we_tampered(node, ceremony, tmp_path):
    bad = _tampered(read_zkey(ceremony.dir / "c3.zkey"), "transcript")
    (tmp_path / "bad.zkey").write_bytes(zkey_bytes(bad))
    res = node.snarkjs("zkey", "verify", str(ceremony.dir / "c.r1cs"), str(ceremony.ptau), str(tmp_path / "bad.zkey"))
    assert "ZKey Ok!" not in res.stdout and "INVALID(1)" in res.stdout


def test_a_fresh_zkob_contribution_moves_delta_and_keeps_the_rest(ceremony):
    key = read_zkey(ceremony.dir / "c3.zkey")
    nxt, digest = contribute(key, "dave")
    assert nxt.header.delta1 != key.header.delta1 and len(digest) == 64
    assert all(bytes(nxt.sections[k]) == bytes(key.sections[k]) for k in range(3, 8))
    assert bytes(nxt.sections[8]) != bytes(key.sections[8]) and nxt.contributions[-1].g1_s != G1_GEN
    init = new_zkey(ceremony.r1cs, read_ptau(ceremony.ptau))
    assert init.cs_hash == nxt.cs_hash
