"""Item 5 of issue 12: every command prints user-supplied text without markup, after its last failure point.

`zkob replay` printed its success line with rich markup after the commit,
so a path holding ``[/x]`` raised a MarkupError (exit 2) once the replica
had already advanced. This walks every command of the CLI (the list is
read from click, so a new command without a case fails here) with every
path inside a directory named ``a[/x]b``, and checks each succeeds and
prints its paths verbatim.
"""

from __future__ import annotations

import json

import click
import pytest
from click.testing import CliRunner

from zkob.cli.main import cli
from zkob.state.api import opened

from .conftest import TINY_ARGS, TINY_CONFIG, pubkey_json

pytestmark = [pytest.mark.prove, pytest.mark.slow]

DEMO: list[str] = []  # the options venue's story at its default sizes (its circuit is already small)


def _leaf_commands(group: click.Group, prefix: str = "") -> set[str]:
    names = set()
    for name, command in group.commands.items():
        if isinstance(command, click.Group):
            names |= _leaf_commands(command, f"{prefix}{name} ")
        else:
            names.add(prefix + name)
    return names


def _zkey_walk(run, base) -> None:
    """The zkey verbs on a 2^5 circuit and a known-secret ptau, every path under the markup-looking base."""
    import sys
    from pathlib import Path

    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "zk"))
    from known_ptau import write_known_ptau
    from zk_sample_circuits import mul_chain

    from zkob.zk.formats.iden3 import r1cs_to_bytes

    write_known_ptau(base / "p5.ptau", 5)
    (base / "m.r1cs").write_bytes(r1cs_to_bytes(mul_chain(20)[0]))
    run("zkey", "new", base / "m.r1cs", base / "p5.ptau", "-o", base / "m0.zkey", shows=base / "m0.zkey")
    run("zkey", "contribute", base / "m0.zkey", base / "m1.zkey", "--name", "[b]x", shows=base / "m1.zkey")
    run("zkey", "beacon", base / "m1.zkey", base / "m2.zkey", "ab" * 16, "10", shows=base / "m2.zkey")
    run("zkey", "verify", base / "m.r1cs", base / "p5.ptau", base / "m2.zkey", shows="[b]x")
    run("zkey", "export", "verificationkey", base / "m2.zkey", "-o", base / "mvk.json", shows=base / "mvk.json")


def test_every_command_takes_a_path_that_looks_like_markup(tmp_path, walkthrough_keys):
    base = tmp_path / "a[/x]b"
    base.mkdir(parents=True)
    ran: set[str] = set()
    problems: list[str] = []

    def run(*args, shows=None):
        args = [str(a) for a in args]
        result = CliRunner().invoke(cli, args)
        name = (args[0] if args[0] not in ("circuit", "export", "anchor", "oracle", "zkey", "client")
                else f"{args[0]} {args[1]}")
        if args[:2] == ["zkey", "export"]:
            name += f" {args[2]}"
        ran.add(name)
        if result.exit_code != 0 or "MarkupError" in result.output:
            why = result.output.strip()[-300:] or repr(result.exception)
            problems.append(f"{name}: exit {result.exit_code}: {why}")
        elif shows is not None and str(shows) not in result.output:
            problems.append(f"{name}: does not print {shows} verbatim: {result.output.strip()[-300:]}")
        return result

    st, replica = base / "st", base / "replica"
    run("init", st, *TINY_ARGS, shows=st)
    run("init", replica, *TINY_ARGS, shows=replica)
    genesis = run("root", st).output.strip()
    run("hash", "1", "2")
    run("keygen", "-o", base / "key.json")
    key_pub = json.loads((base / "key.json").read_text())["public_key"]
    deposit = base / "deposit.json"
    deposit.write_text(json.dumps({"ops": [{"op": "deposit", "account": 1, "asset": 1, "amount": 9,
                                            "pubkey": key_pub}], "time": 1, "salt": "5"}))
    run("apply", st, deposit)
    run("apply", replica, deposit)
    funded = run("root", st).output.strip()
    draft = base / "draft.json"
    draft.write_text(json.dumps({"ops": [{"op": "withdraw", "account": 1, "asset": 1, "amount": 4}], "time": 2, "salt": "6"}))
    run("sign", base / "key.json", st, draft, "-o", base / "signed.json")
    run("show", st, shows=st)
    run("risk", st, shows=st)
    member = json.loads(run("oracle", "keygen", "-o", base / "member.json").output)
    (base / "venue.json").write_text(json.dumps({**json.loads(TINY_CONFIG.read_text()), "oracle_keys": [member]}))
    run("init", base / "venue", "--config", base / "venue.json", shows=base / "venue")
    (base / "report.json").write_text(json.dumps({"ops": [{"op": "noop"}], "time": 5}))
    run("oracle", "sign", base / "member.json", "index", base / "venue", base / "report.json", "--underlying", "0",
        "--price", "7", "-o", base / "report.json")
    run("apply", base / "venue", base / "report.json")
    run("circuit", "info", st)
    run("export", "r1cs", st, base / "c.r1cs", shows=base / "c.r1cs")
    run("export", "wtns", st, base / "signed.json", base / "w.wtns", shows=base / "w.wtns")
    run("setup", st, "-o", base / "keys", "--quiet", shows=base / "keys")
    run("prove", st, base / "signed.json", "--keys", base / "keys", "-o", base / "out", "--quiet",
        shows=base / "out")
    run("worker", "tcp://127.0.0.1:1", "--keys", base / "keys", "--check", shows=base / "keys")
    run_state = base / "run"
    run("init", run_state, *TINY_ARGS)
    deposits = []
    for number in (1, 2):
        deposits.append(base / f"d{number}.json")
        deposits[-1].write_text(json.dumps({"ops": [{"op": "deposit", "account": 1, "asset": 1, "amount": number,
                                                     "pubkey": key_pub}], "time": number, "salt": str(number)}))
    run("prove", run_state, *deposits, "--keys", base / "keys", "-o", base / "outroot", "--quiet",
        shows=base / "outroot" / "000002")
    vk = base / "keys" / "verification_key.json"
    run("verify", vk, base / "out" / "public.json", base / "out" / "proof.json")
    run("export", "solidity", base / "keys", "-o", base / "v.sol", shows=base / "v.sol")
    run("export", "calldata", base / "out", "--verifier")
    run("follow", vk, funded, base / "out", "--state", base / "client.json")
    run("replay", replica, base / "out" / "batch.json", shows=base / "out" / "batch.json")
    run("vectors", "-o", base / "vectors", "--topic", "poseidon", shows=base / "vectors")
    run("demo", "--keep", base / "demo", *DEMO, shows=base / "demo")
    run("anchor", "demo", "--keep", base / "anchor", "--keys", walkthrough_keys, shows=base / "anchor")
    _zkey_walk(run, base)

    _walk_node(run, base, walkthrough_keys, key_pub)

    assert problems == []
    assert ran == _leaf_commands(cli)
    with opened(replica) as state:
        assert state.height == 2 and str(state.root) == run("root", st).output.strip() != genesis
    assert pubkey_json() != key_pub  # the walk used the key it made, not the tests' key


def _walk_node(run, base, keys, key_pub) -> None:
    """serve (in this process, stopped by SIGTERM once it answers), and client/replica against a node process."""
    import os
    import signal
    import socket
    import subprocess
    import sys
    import threading
    import time

    import httpx

    def free_port() -> int:
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            return s.getsockname()[1]

    def wait_up(url: str) -> None:
        for _ in range(600):
            try:
                httpx.get(f"{url}/v1/status", timeout=2).raise_for_status()
                return
            except httpx.HTTPError:
                time.sleep(0.2)
        raise AssertionError(f"{url} did not start")

    served, port = base / "served", free_port()
    run("init", served, *TINY_ARGS)
    url = f"http://127.0.0.1:{port}"
    env = dict(os.environ, ZKOB_OPERATOR_TOKEN="op", ZKOB_REPLICA_TOKEN="rep")
    node = subprocess.Popen([sys.executable, "-m", "zkob.cli.main", "serve", str(served), "--keys", str(base / "keys"),
                             "--port", str(port), "--batch-seconds", "0.2"], env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        wait_up(url)
        key = base / "key.json"
        run("client", "deposit", "--url", url, "--token", "op", "--account", "1", "--asset", "1", "--amount", "9",
            "--key", key)
        run("client", "post", key, '{"op": "withdraw", "account": 1, "asset": 1, "amount": 2}', "--url", url)
        for _ in range(1200):
            status = httpx.get(f"{url}/v1/status", timeout=10).json()
            if status["height"] >= 2 and status["pending_batches"] == 0:
                break
            time.sleep(0.5)
        run("client", "status", "--url", url)
        run("init", base / "node-replica", *TINY_ARGS)
        run("replica", base / "node-replica", "--url", url, "--token", "rep")
    finally:
        node.send_signal(signal.SIGTERM)
        node.wait(60)
    other = base / "served-here"
    run("init", other, *TINY_ARGS)
    here = free_port()

    def stop_when_up() -> None:
        wait_up(f"http://127.0.0.1:{here}")
        os.kill(os.getpid(), signal.SIGTERM)

    stopper = threading.Thread(target=stop_when_up, daemon=True)
    stopper.start()
    run("serve", other, "--keys", base / "keys", "--port", str(here))
    stopper.join(60)
