"""Atomic writes: whole file or nothing, permissions set before the rename."""

from __future__ import annotations

import stat

import pytest

from zkob.zk.files import write_atomic


def test_writes_and_replaces(tmp_path):
    target = tmp_path / "a.json"
    write_atomic(target, "one")
    write_atomic(target, b"two")
    assert target.read_bytes() == b"two"
    assert [p.name for p in tmp_path.iterdir()] == ["a.json"]


def test_mode_is_applied(tmp_path):
    target = tmp_path / "key.json"
    write_atomic(target, "secret", mode=0o600)
    assert stat.S_IMODE(target.stat().st_mode) == 0o600


def test_refuses_overwrite_when_asked(tmp_path):
    target = tmp_path / "k"
    target.write_text("old")
    with pytest.raises(FileExistsError):
        write_atomic(target, "new", overwrite=False)
    assert target.read_text() == "old"
    assert [p.name for p in tmp_path.iterdir()] == ["k"]


def test_failed_write_leaves_no_temp_file(tmp_path):
    with pytest.raises(TypeError):
        write_atomic(tmp_path / "x", 12345)  # not bytes/str
    assert list(tmp_path.iterdir()) == []


def test_unwritable_directory_names_the_target(tmp_path):
    target = tmp_path / "missing" / "out.json"
    with pytest.raises(OSError) as info:
        write_atomic(target, "x")
    assert info.value.filename == str(target)
