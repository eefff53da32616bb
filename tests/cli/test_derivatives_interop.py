"""Issue 14: a derivatives batch proven by zkob verifies with snarkjs, and snarkjs proves zkob's exported circuit.

Through the CLI as a user would run it (click's runner for zkob, the
snarkjs CLI for snarkjs). The venue is v2's smallest with derivatives:
depths 1, K = 1 with its one slot full (R = 1), U = D_I = P = M = 1, an
oracle committee of one (quorum 1) and a fixed venue_id: about 30,400
constraints (a 2^15 domain). Single-op batches bring it to a derivatives
trade: two deposits, a listed future with a signed index price, margin
for both accounts, a sell and a buy order; the batch under test is the
dfill between them, carrying a fresh index report (so the proof covers
the committee's EdDSA signature too) and a fixed salt (the commitment
depends on it: with none, apply and prove would each draw their own).

Both paths must agree on the six public inputs with ``zkob apply --json``
on a copy of the state: zkob's proof (public.json) and snarkjs's own
proof of zkob's exported .r1cs/.wtns. snarkjs's setup needs a prepared
Powers of Tau covering the 2^15 domain; the one here is the known-secret
file of tests/zk/known_ptau.py (tests only; DESIGN section 7), made in
about 17 s, where snarkjs's own chain at power 15 took 90 s to contribute
and more than 8 min of CPU to prepare phase 2 (stopped there).

Cost: about 4.5 min of CPU, of which `snarkjs groth16 setup` is 4 min
(its G2 query B2 most of it); the venue and the zkob proof (development
keys) take about 25 s, each snarkjs verify about 1 s.
"""

from __future__ import annotations

import json
import shutil
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "zk"))
from known_ptau import write_known_ptau  # noqa: E402

from zkob.cli.main import cli  # noqa: E402
from zkob.state.protocol import PUBLIC_INPUTS  # noqa: E402

pytestmark = [pytest.mark.interop, pytest.mark.slow, pytest.mark.prove]

SIZES = {"accounts_depth": 1, "orders_depth": 1, "assets_depth": 1, "batch_size": 1, "derivatives_slots": 1,
         "underlyings": 1, "instruments_depth": 1, "positions": 1, "reports": 1, "venue_id": 14}
FUTURE = {"op": "list", "instrument": 1, "kind": "future", "underlying": 0, "strike": 0, "expiry": 1000}
DOMAIN_LOG = 15


def zkob(*args: object):
    result = CliRunner().invoke(cli, [str(a) for a in args], catch_exceptions=False)
    assert result.exit_code == 0, (args, result.output)
    return result


def snarkjs(node, *args: object) -> str:
    proc = node.snarkjs(*(str(a) for a in args))
    assert proc.returncode == 0 and "ERROR" not in proc.stdout, (args, proc.stdout[-1500:], proc.stderr[-1500:])
    return proc.stdout


def batch(path: Path, time: int, op: dict, salt: int | None = None) -> Path:
    path.write_text(json.dumps({"time": time, "ops": [op], **({"salt": str(salt)} if salt is not None else {})}))
    return path


@pytest.fixture(scope="module")
def venue(tmp_path_factory) -> Path:
    """The venue just before its dfill batch (``st``, never changed by the tests) and that batch (``dfill.json``)."""
    d = tmp_path_factory.mktemp("derivatives-interop")
    oracle = json.loads(zkob("oracle", "keygen", "-o", d / "o1.json").stdout)
    pub = {who: json.loads(zkob("keygen", "-o", d / f"{who}.json").stdout) for who in ("ana", "ben")}
    (d / "venue.json").write_text(json.dumps({**SIZES, "oracle_keys": [oracle], "quorum": 1}))
    st = d / "st"
    zkob("init", st, "--config", d / "venue.json")

    def apply(name: str, time: int, op: dict, signer: str | None = None, index: int | None = None) -> None:
        b = batch(d / name, time, op)
        if index is not None:
            zkob("oracle", "sign", d / "o1.json", "index", st, b, "--underlying", 0, "--price", index, "-o", b)
        if signer is not None:
            zkob("sign", d / f"{signer}.json", st, b, "-o", b)
        zkob("apply", st, b)

    for account, who in enumerate(("ana", "ben")):
        apply(f"deposit-{who}.json", 100, {"op": "deposit", "account": account, "asset": 1, "amount": 10000,
                                           "pubkey": pub[who]})
    apply("list.json", 100, FUTURE, index=2000)
    for account, who in enumerate(("ana", "ben")):
        apply(f"margin-{who}.json", 100, {"op": "margin", "account": account, "amount": 5000}, signer=who)
    apply("sell.json", 110, {"op": "dplace", "order": 0, "account": 1, "instrument": 1, "side": "sell",
                             "price": 2000, "qty": 2}, signer="ben")
    apply("buy.json", 110, {"op": "dplace", "order": 1, "account": 0, "instrument": 1, "side": "buy",
                            "price": 2000, "qty": 2}, signer="ana")
    b = batch(d / "dfill.json", 120, {"op": "dfill", "taker": 1, "maker": 0, "qty": 2}, salt=14)
    zkob("oracle", "sign", d / "o1.json", "index", st, b, "--underlying", 0, "--price", 2010, "-o", b)
    return d


@pytest.fixture(scope="module")
def applied(venue: Path) -> list[str]:
    """The dfill batch's six public inputs as ``zkob apply --json`` prints them (on a copy), in statement order."""
    shutil.copytree(venue / "st", venue / "applied")
    named = json.loads(zkob("apply", venue / "applied", venue / "dfill.json", "--json").stdout)
    assert list(named) == list(PUBLIC_INPUTS) and len(named) == 6
    assert named["time"] == "120" and named["market"] != "0"  # the report changed the market
    return [named[name] for name in PUBLIC_INPUTS]


@pytest.fixture(scope="module")
def proven(venue: Path, applied: list[str]) -> Path:
    """``zkob setup`` and ``zkob prove`` of the dfill batch on a copy of the venue (out/ holds the proof)."""
    d = venue / "proven"
    d.mkdir()
    shutil.copytree(venue / "st", d / "st")
    zkob("setup", d / "st", "-o", d / "keys", "--quiet")
    zkob("prove", d / "st", venue / "dfill.json", "--keys", d / "keys", "-o", d / "out", "--quiet")
    return d


def test_the_venue_is_small_enough_for_a_2_15_domain(venue):
    info = json.loads(zkob("circuit", "info", venue / "st", "--json").stdout)
    size = info["constraints"] + len(PUBLIC_INPUTS) + 1  # snarkjs's domain holds one row per public input too
    assert 1 << (DOMAIN_LOG - 1) < size <= 1 << DOMAIN_LOG, info["constraints"]


def test_a_zkob_proof_of_a_dfill_batch_verifies_with_snarkjs_and_states_apply_s_inputs(proven, applied, node):
    out, vk = proven / "out", proven / "keys" / "verification_key.json"
    public = json.loads((out / "public.json").read_text())
    assert public == applied
    assert "OK!" in snarkjs(node, "groth16", "verify", vk, out / "public.json", out / "proof.json")
    for index in (PUBLIC_INPUTS.index("market"), PUBLIC_INPUTS.index("new_root")):
        changed = list(public)
        changed[index] = str(int(changed[index]) + 1)
        (proven / "changed.json").write_text(json.dumps(changed))
        refused = node.snarkjs("groth16", "verify", str(vk), str(proven / "changed.json"), str(out / "proof.json"))
        assert refused.returncode != 0 and "OK!" not in refused.stdout and "Invalid proof" in refused.stdout, index


def test_snarkjs_sets_up_proves_and_verifies_zkob_s_exported_dfill_circuit(venue, applied, node, tmp_path):
    r1cs, wtns = tmp_path / "c.r1cs", tmp_path / "w.wtns"
    zkob("export", "r1cs", venue / "st", r1cs)
    zkob("export", "wtns", venue / "st", venue / "dfill.json", wtns)
    write_known_ptau(tmp_path / "p.ptau", DOMAIN_LOG, blocks={DOMAIN_LOG, DOMAIN_LOG + 1})
    snarkjs(node, "groth16", "setup", r1cs, tmp_path / "p.ptau", tmp_path / "c.zkey")
    snarkjs(node, "zkey", "export", "verificationkey", tmp_path / "c.zkey", tmp_path / "vk.json")
    snarkjs(node, "groth16", "prove", tmp_path / "c.zkey", wtns, tmp_path / "proof.json", tmp_path / "public.json")
    assert "OK!" in snarkjs(node, "groth16", "verify", tmp_path / "vk.json", tmp_path / "public.json",
                            tmp_path / "proof.json")
    assert json.loads((tmp_path / "public.json").read_text()) == applied
