"""`zkob keygen`: an owner-only key file that is never overwritten, public key on stdout."""

from __future__ import annotations

import json
import os
import stat

import pytest
from click.testing import CliRunner

from zkob.cli.main import cli
from zkob.zk import babyjub as bj
from zkob.zk.eddsa import (key_file_from_json, key_file_to_json, private_to_public,
                           sign_poseidon, verify_poseidon)
from zkob.zk.errors import MalformedInput


def test_keygen_writes_private_file_and_prints_public_key(tmp_path):
    path = tmp_path / "key.json"
    result = CliRunner().invoke(cli, ["keygen", "-o", str(path)])
    assert result.exit_code == 0, result.output
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
    prv, a = key_file_from_json(json.loads(path.read_text()))
    printed = json.loads(result.stdout)
    assert printed == [str(a[0]), str(a[1])]
    assert bj.public_key_problem(a) is None
    assert verify_poseidon(7, sign_poseidon(prv, 7), a)
    assert not [p for p in tmp_path.iterdir() if p.name != "key.json"]  # no temp file left


def test_two_keys_differ(tmp_path):
    runner = CliRunner()
    outs = [runner.invoke(cli, ["keygen", "-o", str(tmp_path / f"k{i}.json")]).stdout for i in range(2)]
    assert outs[0] != outs[1]


def test_keygen_refuses_existing_file(tmp_path):
    path = tmp_path / "key.json"
    path.write_text("precious")
    result = CliRunner().invoke(cli, ["keygen", "-o", str(path)])
    assert result.exit_code == 2
    assert "already exists" in result.stderr and "Traceback" not in result.output
    assert path.read_text() == "precious"


def test_keygen_missing_directory_is_bad_input(tmp_path):
    result = CliRunner().invoke(cli, ["keygen", "-o", str(tmp_path / "nope" / "key.json")])
    assert result.exit_code == 2
    assert "cannot write" in result.stderr


def test_keygen_requires_output():
    assert CliRunner().invoke(cli, ["keygen"]).exit_code == 2


def test_key_file_parser_is_strict():
    prv = bytes(range(32))
    good = key_file_to_json(prv)
    assert key_file_from_json(good) == (prv, private_to_public(prv))
    other = key_file_to_json(bytes(32))
    bad = [
        {**good, "public_key": other["public_key"]},
        {**good, "private_key": good["private_key"].upper()},
        {**good, "private_key": good["private_key"][:-2]},
        {**good, "type": "something else"},
        {k: v for k, v in good.items() if k != "type"},
        {**good, "extra": 1},
        [good],
    ]
    for obj in bad:
        with pytest.raises(MalformedInput):
            key_file_from_json(obj)
