"""``zkob verify``: exit 0 valid, 1 invalid with the reason, 2 malformed/unreadable; never a traceback."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner
from zk_sample_circuits import keys_and_proof

from zkob.cli.main import cli
from zkob.zk.field import R
from zkob.zk.formats.snarkjs_json import dumps, proof_to_json, public_to_json, vk_to_json

pytestmark = pytest.mark.prove


@pytest.fixture(scope="module")
def files(tmp_path_factory):
    _, _, _, vk, proof, public = keys_and_proof("several")
    d = tmp_path_factory.mktemp("verify")
    (d / "verification_key.json").write_text(dumps(vk_to_json(vk)))
    (d / "public.json").write_text(dumps(public_to_json(public)))
    (d / "proof.json").write_text(dumps(proof_to_json(proof)))
    return d


def _run(*args):
    result = CliRunner().invoke(cli, ["verify", *map(str, args)])
    assert "Traceback" not in result.output
    return result


def test_valid_proof_exits_zero(files):
    result = _run(files / "verification_key.json", files / "public.json", files / "proof.json")
    assert result.exit_code == 0 and result.stdout.strip() == "valid"


def test_wrong_public_input_exits_one_with_reason(files):
    public = json.loads((files / "public.json").read_text())
    public[0] = str((int(public[0]) + 1) % R)
    (files / "wrong.json").write_text(json.dumps(public))
    result = _run(files / "verification_key.json", files / "wrong.json", files / "proof.json")
    assert result.exit_code == 1 and "invalid proof" in result.stderr and "pairing" in result.stderr
    (files / "short.json").write_text(json.dumps(public[:-1]))
    result = _run(files / "verification_key.json", files / "short.json", files / "proof.json")
    assert result.exit_code == 1 and "expected 4 public inputs" in result.stderr


@pytest.mark.parametrize("text", ["{", '["0x1"]', "[1]", '["1", "1", "1", "01"]', "\u00ff"])
def test_malformed_public_exits_two_on_one_line(files, text):
    (files / "bad.json").write_text(text)
    result = _run(files / "verification_key.json", files / "bad.json", files / "proof.json")
    assert result.exit_code == 2 and result.stderr.startswith("error: malformed input")
    assert len(result.stderr.strip().splitlines()) == 1


def test_unreadable_file_and_unsafe_key_exit_two(files):
    result = _run(files / "verification_key.json", files / "missing.json", files / "proof.json")
    assert result.exit_code == 2 and "cannot read" in result.stderr
    vk = json.loads((files / "verification_key.json").read_text())
    vk["vk_delta_2"] = vk["vk_gamma_2"]
    (files / "weak.json").write_text(json.dumps(vk))
    result = _run(files / "weak.json", files / "public.json", files / "proof.json")
    assert result.exit_code == 2 and "gamma equals delta" in result.stderr
