"""Item 8 of issue 12: races between writers and limits on what a light client hashes.

- `zkob keygen` checked that the key file did not exist, then renamed over
  it: a key created in between was overwritten. It must create the file
  exclusively.
- Two `zkob follow --state` on one file each read the state, advanced it
  and wrote it back: one update was lost. They must take a lock
  (flock on ``STATE.lock``) around read, advance and write.
- `follow` hashed a bridge.json of any size before checking any proof. The
  file is bounded in bytes and the record in ops (at most MAX_BATCH, a
  batch's size bound) before anything is hashed.
"""

from __future__ import annotations

import fcntl
import json
import os
import subprocess
import sys
import time

from click.testing import CliRunner

from zkob.cli.main import cli
from zkob.state import digest, lightclient
from zkob.state.lightclient import LightClient
from zkob.state.ops import to_json
from zkob.state.params import MAX_BATCH

from .conftest import deposit_batch, write_out, write_vk


def test_keygen_never_replaces_a_key_created_while_it_writes(tmp_path, monkeypatch):
    """Another process creates the key file at the last moment before keygen publishes its own."""
    target = tmp_path / "key.json"
    real_replace, real_link = os.replace, os.link

    def theirs_first(real):
        def publish(src, dst, *args, **kwargs):
            if os.fspath(dst) == os.fspath(target) and not target.exists():
                target.write_text("their key")
            return real(src, dst, *args, **kwargs)
        return publish

    monkeypatch.setattr(os, "replace", theirs_first(real_replace))
    monkeypatch.setattr(os, "link", theirs_first(real_link))
    result = CliRunner().invoke(cli, ["keygen", "-o", str(target)])
    assert result.exit_code == 2 and "already exists" in result.output
    assert target.read_text() == "their key"
    assert [p.name for p in tmp_path.iterdir()] == ["key.json"]  # no temporary file left behind


def _blocked_on(lock_path, proc) -> bool:
    """True once ``proc`` waits for a lock on ``lock_path`` (a '->' line of /proc/locks on its inode)."""
    inode = os.stat(lock_path).st_ino
    with open("/proc/locks") as locks:
        return any("->" in line and line.split()[-3].endswith(f":{inode}") for line in locks)


def test_two_followers_of_one_state_file_lose_no_update(keys, tmp_path):
    """A second follower waits for the first; it then sees the first one's update and refuses its fork."""
    vk_file = write_vk(tmp_path / "vk.json", keys.vk)
    state_file = tmp_path / "client.json"
    LightClient.create(state_file, keys.vk, 10)
    mine, theirs = keys.step(10, 13), keys.step(10, 11)  # two steps from root 10: only one can be applied
    out = write_out(tmp_path / "o1", theirs)
    lock_path = tmp_path / "client.json.lock"
    with open(lock_path, "a") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # this test is the first follower
        proc = subprocess.Popen([sys.executable, "-m", "zkob.cli.main", "follow", str(vk_file), "10", str(out),
                                 "--state", str(state_file)], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                text=True, env=os.environ.copy())
        deadline = time.monotonic() + 120
        while proc.poll() is None and not _blocked_on(lock_path, proc) and time.monotonic() < deadline:
            time.sleep(0.05)
        first = LightClient.load(state_file)  # the second one has either finished or is waiting for us
        outcome = first.follow(keys.vk, [mine])
        fcntl.flock(lock, fcntl.LOCK_UN)
    stdout, stderr = proc.communicate(timeout=120)
    assert outcome.ok, outcome.reason  # nobody applied a step while we held the state
    assert proc.returncode == 1 and "fork" in stderr, stdout + stderr
    final = LightClient.load(state_file).state
    assert final.root == 13 and final.height == 1


HUGE = 8 << 20


def _record_text(n_ops: int, padding: int = 0) -> str:
    ops = [to_json(op) for op in deposit_batch(5).ops] * n_ops  # hashes nothing
    return json.dumps({"ops": ops, "bridge": "0"}) + " " * padding


def test_follow_bounds_bridge_json_before_hashing_anything(keys, tmp_path, monkeypatch):
    hashed = []
    monkeypatch.setattr(digest, "op_hash", lambda op: hashed.append(op) or 0)  # record_digest hashes here
    vk_file = write_vk(tmp_path / "vk.json", keys.vk)
    huge = write_out(tmp_path / "huge", keys.step(10, 11))
    (huge / "bridge.json").write_text(_record_text(1, padding=HUGE))  # one op, then 8 MiB of blanks
    result = CliRunner().invoke(cli, ["follow", str(vk_file), "10", str(huge)])
    assert result.exit_code == 2 and "bridge.json" in result.output and "bytes" in result.output, result.output
    many = write_out(tmp_path / "many", keys.step(10, 11))
    (many / "bridge.json").write_text(_record_text(MAX_BATCH + 1))
    result = CliRunner().invoke(cli, ["follow", str(vk_file), "10", str(many)])
    assert result.exit_code == 2 and f"at most {MAX_BATCH}" in result.output, result.output
    assert hashed == []
    assert len(_record_text(MAX_BATCH).encode()) <= lightclient.MAX_BRIDGE_RECORD_BYTES < HUGE  # a full batch fits
