"""``zkob zkey ...`` through click: a phase 2 from new to export, and every bad input refused in one line."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "zk"))
from known_ptau import write_known_ptau  # noqa: E402
from zk_sample_circuits import mul_chain, several_public  # noqa: E402

from zkob.cli.main import cli  # noqa: E402
from zkob.zk.formats.iden3 import r1cs_to_bytes  # noqa: E402
from zkob.zk.formats.zkey import read_zkey  # noqa: E402

pytestmark = pytest.mark.prove


def run(*args):
    return CliRunner().invoke(cli, [str(a) for a in args], catch_exceptions=False)


def ok(*args):
    result = run(*args)
    assert result.exit_code == 0, result.output
    return result


@pytest.fixture(scope="module")
def files(tmp_path_factory):
    d = tmp_path_factory.mktemp("zkeycli")
    write_known_ptau(d / "p5.ptau", 5)
    (d / "c.r1cs").write_bytes(r1cs_to_bytes(mul_chain(20)[0]))
    (d / "other.r1cs").write_bytes(r1cs_to_bytes(several_public()[0]))
    ok("zkey", "new", d / "c.r1cs", d / "p5.ptau", "-o", d / "c0.zkey")
    ok("zkey", "contribute", d / "c0.zkey", d / "c1.zkey", "--name", "alice")
    ok("zkey", "contribute", d / "c1.zkey", d / "c2.zkey", "--name", "bob")
    ok("zkey", "beacon", d / "c2.zkey", d / "final.zkey", "0x" + "ab" * 16, "10", "--name", "sealed")
    return d


def one_line_error(result, code=2) -> str:
    assert result.exit_code == code, result.output
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: "), result.stderr
    return lines[0]


def test_new_prints_the_circuit_hash_and_contribute_the_contribution_hash(files):
    out = ok("zkey", "new", files / "c.r1cs", files / "p5.ptau", "-o", files / "again.zkey").stdout
    assert "Circuit hash:" in out and len(out.splitlines()) == 6
    assert (files / "again.zkey").read_bytes() == (files / "c0.zkey").read_bytes()
    out = ok("zkey", "contribute", files / "c0.zkey", files / "x.zkey", "--name", "x").stdout
    assert "contribution #1" in out and "Contribution hash:" in out
    assert (files / "x.zkey").read_bytes() != (files / "c1.zkey").read_bytes()  # fresh OS randomness


def test_verify_lists_contributions_newest_first_like_snarkjs(files):
    out = ok("zkey", "verify", files / "c.r1cs", files / "p5.ptau", files / "final.zkey").stdout
    lines = out.splitlines()
    heads = [line for line in lines if line.startswith("contribution #")]
    assert heads == ["contribution #3 sealed:", "contribution #2 bob:", "contribution #1 alice:"]
    assert "Beacon generator: " + "ab" * 16 in out and "Beacon iterations Exp: 10" in out
    assert lines[-1] == "ZKey Ok!"


def test_verify_fails_with_exit_1_for_another_circuit_and_for_a_tampered_key(files, tmp_path):
    line = one_line_error(run("zkey", "verify", files / "other.r1cs", files / "p5.ptau", files / "final.zkey",
                              "--quiet"), 1)
    assert "INVALID" in line and "sizes differ" in line
    data = bytearray((files / "final.zkey").read_bytes())
    at = data.find(read_zkey(files / "final.zkey").contributions[1].transcript)
    data[at] ^= 1
    (tmp_path / "t.zkey").write_bytes(bytes(data))
    line = one_line_error(run("zkey", "verify", files / "c.r1cs", files / "p5.ptau", tmp_path / "t.zkey", "--quiet"), 1)
    assert "contribution #2 (bob): inconsistent transcript" in line


def test_export_verification_key_and_refuse_the_uncontributed_key(files, tmp_path):
    ok("zkey", "export", "verificationkey", files / "final.zkey", "-o", tmp_path / "vk.json")
    vk = json.loads((tmp_path / "vk.json").read_text())
    assert vk["protocol"] == "groth16" and vk["nPublic"] == 1 and len(vk["IC"]) == 2
    line = one_line_error(run("zkey", "export", "verificationkey", files / "c0.zkey", "-o", tmp_path / "v0.json"))
    assert "no phase-2 contribution" in line and not (tmp_path / "v0.json").exists()


def test_bad_files_exit_2_name_the_section_and_write_nothing(files, tmp_path):
    ptau = (files / "p5.ptau").read_bytes()
    (tmp_path / "cut.ptau").write_bytes(ptau[:-1000])
    line = one_line_error(run("zkey", "new", files / "c.r1cs", tmp_path / "cut.ptau", "-o", tmp_path / "n.zkey",
                              "--quiet"))
    assert "ptau.section[15]" in line and not (tmp_path / "n.zkey").exists()
    zkey = (files / "c1.zkey").read_bytes()
    (tmp_path / "cut.zkey").write_bytes(zkey[:-10])
    line = one_line_error(run("zkey", "contribute", tmp_path / "cut.zkey", tmp_path / "o.zkey", "--quiet"))
    assert "zkey.section[10]" in line and not (tmp_path / "o.zkey").exists()
    (tmp_path / "not.zkey").write_bytes(b"ptau" + zkey[4:])
    line = one_line_error(run("zkey", "beacon", tmp_path / "not.zkey", tmp_path / "o.zkey", "abcd", "10", "--quiet"))
    assert "zkey.magic" in line and not (tmp_path / "o.zkey").exists()
    big = r1cs_to_bytes(mul_chain(40)[0])  # a 2^6 domain on a power-5 ptau
    (tmp_path / "big.r1cs").write_bytes(big)
    line = one_line_error(run("zkey", "new", tmp_path / "big.r1cs", files / "p5.ptau", "-o", tmp_path / "b.zkey",
                              "--quiet"))
    assert "too small for this circuit" in line and not (tmp_path / "b.zkey").exists()


@pytest.mark.parametrize("args, message", [
    (["zz", "10"], "not a hexadecimal string"),
    (["abc", "10"], "odd number of hex digits"),
    (["abcd", "9"], "between 10 and 63"),
])
def test_beacon_parameters_are_checked(files, tmp_path, args, message):
    line = one_line_error(run("zkey", "beacon", files / "c1.zkey", tmp_path / "o.zkey", *args, "--quiet"))
    assert message in line and not (tmp_path / "o.zkey").exists()


def test_prove_needs_exactly_one_key_source(tmp_path):
    line = one_line_error(run("prove", tmp_path / "st", tmp_path / "b.json", "-o", tmp_path / "out"))
    assert "exactly one of --keys KEYS and --zkey FILE" in line
    line = one_line_error(run("prove", tmp_path / "st", tmp_path / "b.json", "-o", tmp_path / "out",
                              "--keys", tmp_path, "--zkey", tmp_path / "k.zkey"))
    assert "exactly one" in line


def test_long_steps_show_their_phases_on_stderr_and_quiet_hides_them(files, tmp_path):
    loud = ok("zkey", "verify", files / "c.r1cs", files / "p5.ptau", files / "final.zkey")
    assert "checking 3 contribution(s)" in loud.stderr and "ZKey Ok!" in loud.stdout
    assert "checking" not in loud.stdout  # stdout keeps only snarkjs's listing
    hushed = ok("zkey", "contribute", files / "c1.zkey", tmp_path / "q.zkey", "--quiet")
    assert hushed.stderr == "" and "contribution #2" in hushed.stdout
    shown = ok("zkey", "new", files / "c.r1cs", files / "p5.ptau", "-o", tmp_path / "n.zkey")
    assert "computing the key" in shown.stderr and "writing" in shown.stderr
