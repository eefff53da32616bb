"""Gas of zkob's Solidity verifier and ZkobRollup against snarkjs's verifier for the same keys.

For each public-input count n, a toy circuit (zkob.anchor.statement) gets
a key from snarkjs itself (powersoftau, prepare phase2, groth16 setup),
snarkjs proves a witness zkob writes, and both verifiers, ours from the
exported verification_key.json and snarkjs's from `zkey export
solidityverifier` (compiled, deployed, never copied), verify the same
proof in py-evm: the gas of each verifyProof transaction, both verdicts
checked. Then ZkobRollup is deployed twice on the n = 4 key, once with
each verifier, and submitBatch is measured per number of deposits d and
withdrawals w in the batch's record (the same proof for both; gas
depends only on the public inputs and the record). Also the gas of
deposit, claim and of one Poseidon hash per width.

    python bench/bench_anchor.py [--inputs 1,2,4,8] [--batches 0x0,1x0,...]

Prints markdown tables (bench/results/anchor.md records a run).
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from zkob.anchor.abi import call_data, words  # noqa: E402
from zkob.anchor.calldata import verify_calldata  # noqa: E402
from zkob.anchor.evm import Chain  # noqa: E402
from zkob.anchor.evmasm import deploy_code  # noqa: E402
from zkob.anchor.poseidon_evm import poseidon_parts  # noqa: E402
from zkob.anchor.record import encode_record  # noqa: E402
from zkob.anchor.rollup import deploy_rollup  # noqa: E402
from zkob.anchor.solc import compile_sources, node_oracle_dir, solc_version  # noqa: E402
from zkob.anchor.statement import statement_r1cs, statement_witness  # noqa: E402
from zkob.anchor.verifier_sol import CONTRACT, verifier_source  # noqa: E402
from zkob.state.digest import record_digest  # noqa: E402
from zkob.state.ops import Deposit, Withdraw  # noqa: E402
from zkob.zk.eddsa import private_to_public  # noqa: E402
from zkob.zk.formats.iden3 import r1cs_to_bytes, wtns_to_bytes  # noqa: E402
from zkob.zk.formats.snarkjs_json import load_json, parse_proof, parse_vk  # noqa: E402

SNARKJS = node_oracle_dir() / "node_modules" / ".bin" / "snarkjs"
GAS = 12_000_000


def snarkjs(*args: str, cwd: Path) -> None:
    proc = subprocess.run(["node", str(SNARKJS), *args], cwd=cwd, capture_output=True, text=True, timeout=1200)
    if proc.returncode != 0:
        raise RuntimeError(f"snarkjs {args[0]} {args[1] if len(args) > 1 else ''} failed: {proc.stdout[-800:]}"
                           f"{proc.stderr[-800:]}")


def ptau(work: Path) -> Path:
    """A small prepared powers of tau (2^6 rows covers n <= 16 inputs of the toy circuit)."""
    final = work / "pot6_final.ptau"
    if not final.exists():
        snarkjs("powersoftau", "new", "bn128", "6", "pot6_0.ptau", cwd=work)
        snarkjs("powersoftau", "contribute", "pot6_0.ptau", "pot6_1.ptau", "--name=bench", "-e=zkob anchor bench",
                cwd=work)
        snarkjs("powersoftau", "prepare", "phase2", "pot6_1.ptau", final.name, cwd=work)
    return final


class SnarkjsKey:
    """A snarkjs Groth16 key of the toy circuit with n inputs: vk, snarkjs's verifier, a prover."""

    def __init__(self, work: Path, n: int):
        self.dir = work / f"n{n}"
        self.dir.mkdir(exist_ok=True)
        (self.dir / "c.r1cs").write_bytes(r1cs_to_bytes(statement_r1cs(n)))
        snarkjs("groth16", "setup", "c.r1cs", str(ptau(work)), "c0.zkey", cwd=self.dir)
        # one phase-2 contribution: without it delta = gamma and zkob refuses the key (forgeable)
        snarkjs("zkey", "contribute", "c0.zkey", "c.zkey", "--name=bench", "-e=zkob anchor bench", cwd=self.dir)
        snarkjs("zkey", "export", "verificationkey", "c.zkey", "vk.json", cwd=self.dir)
        snarkjs("zkey", "export", "solidityverifier", "c.zkey", "snarkjs_verifier.sol", cwd=self.dir)
        self.vk = parse_vk(load_json((self.dir / "vk.json").read_bytes(), "vk.json"))

    def prove(self, public: list[int]):
        (self.dir / "w.wtns").write_bytes(wtns_to_bytes(statement_witness(public)))
        snarkjs("groth16", "prove", "c.zkey", "w.wtns", "proof.json", "public.json", cwd=self.dir)
        assert [int(v) for v in json.loads((self.dir / "public.json").read_text())] == public
        return parse_proof(load_json((self.dir / "proof.json").read_bytes(), "proof.json"))

    def verifiers(self) -> tuple[bytes, bytes]:
        """Creation code of (zkob's, snarkjs's) verifier for this key."""
        ours = compile_sources({"V.sol": verifier_source(self.vk)})[CONTRACT].bytecode
        theirs = compile_sources({"S.sol": (self.dir / "snarkjs_verifier.sol").read_text()})
        (name,) = [k for k, a in theirs.items() if "verifyProof" in " ".join(a.selectors)]
        return ours, theirs[name].bytecode


def bench_verify(key: SnarkjsKey, chain: Chain) -> dict[str, int]:
    n = key.vk.n_public
    public = [(7 + i) * 1_000_003 for i in range(n)]
    proof = key.prove(public)
    ours, theirs = (chain.deploy(code) for code in key.verifiers())
    row = {}
    for name, address in (("zkob", ours), ("snarkjs", theirs)):
        good = chain.transact(address, verify_calldata(proof, public), gas=GAS)
        bad = chain.transact(address, verify_calldata(proof, [public[0] + 1, *public[1:]]), gas=GAS)
        assert good.ok and words(good.output) == [1], name
        assert not (bad.ok and words(bad.output) == [1]), name
        row[name] = good.gas_used
    return row


def bench_batches(key: SnarkjsKey, shapes: list[tuple[int, int]]) -> list[tuple[int, int, int, int]]:
    """submitBatch gas for each (d, w) with zkob's and snarkjs's verifier behind the same rollup.

    The withdrawals' accounts get owners and balances in an earlier batch;
    the d deposits are queued just before the measured batch.
    """
    rows = []
    ours_code, theirs_code = key.verifiers()
    prv = bytes([9]) * 32
    pub = tuple(private_to_public(prv))
    for d, w in shapes:
        gas = []
        for code in (ours_code, theirs_code):
            chain = Chain()
            rollup = deploy_rollup(chain, key.vk, 1, accounts_depth=8, verifier_code=code)
            owners = max(w, 1)
            setup_ops = [Deposit(a, 1, 100, pub) for a in range(1, owners + 1)]
            for op in setup_ops:
                assert rollup.deposit(1, op.account, 1, 100, pub).ok
            root = 1
            public = [root, 2, 3, record_digest(setup_ops)]
            outcome = rollup.submit(key.prove(public), public, encode_record(setup_ops))
            assert outcome.ok, rollup.error_name(outcome)
            deposits = [Deposit(100 + i, 2, 5 + i, pub) for i in range(d)]
            for op in deposits:
                assert rollup.deposit(2, op.account, 2, op.amount, pub).ok
            withdraws = [Withdraw(a, 1, 10) for a in range(1, w + 1)]
            ops = deposits + withdraws
            public = [2, 3, 4, record_digest(ops)]
            outcome = rollup.submit(key.prove(public), public, encode_record(ops))
            assert outcome.ok, rollup.error_name(outcome)
            gas.append(outcome.gas_used)
        rows.append((d, w, gas[0], gas[1]))
    return rows


def bench_misc(key: SnarkjsKey) -> dict[str, int]:
    """One Poseidon hash per width (execution only), deposits and a claim (whole transactions)."""
    out = {}
    chain = Chain()
    for t in (3, 5, 9):
        parts = [chain.deploy(deploy_code(code)) for code in poseidon_parts(t)]
        data = b"".join((i + 1).to_bytes(32, "big") for i in range(t - 1))
        total = 0
        for address in parts:
            tx = chain.transact(address, data, gas=GAS)
            assert tx.ok
            total += tx.gas_used - 21_000 - sum(16 if b else 4 for b in data)
            data = tx.output
        out[f"Poseidon t={t} ({len(parts)} part{'s' if len(parts) > 1 else ''}), execution only"] = total
    rollup = deploy_rollup(chain, key.vk, 1, accounts_depth=8)
    pub = tuple(private_to_public(bytes([9]) * 32))
    steps = {"deposit ETH, naming a key (binds a new account)": (1, 1, 1, 100, pub),
             "deposit ETH, top-up without a key": (2, 1, 1, 50, None),
             "deposit token, naming a key (approve and mint not counted)": (3, 2, 2, 70, pub)}
    for name, (sender, account, asset, amount, key_) in steps.items():
        tx = rollup.deposit(sender, account, asset, amount, key_)
        assert tx.ok, rollup.error_name(tx)
        out[name] = tx.gas_used
    ops = [Deposit(1, 1, 100, pub), Deposit(1, 1, 50), Deposit(2, 2, 70, pub), Withdraw(1, 1, 30)]
    public = [1, 2, 3, record_digest(ops)]
    assert rollup.submit(key.prove(public), public, encode_record(ops)).ok
    tx = rollup.claim(1, 1)
    assert tx.ok
    out["claim ETH"] = tx.gas_used
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--inputs", default="1,2,4,6,8")
    parser.add_argument("--batches", default="0x0,1x0,0x1,1x1,2x2,4x0,0x4,4x4,8x8")
    args = parser.parse_args()
    counts = [int(x) for x in args.inputs.split(",")]
    shapes = [tuple(int(v) for v in s.split("x")) for s in args.batches.split(",")]
    with tempfile.TemporaryDirectory(prefix="zkob-bench-anchor-") as tmp:
        work = Path(tmp)
        keys = {n: SnarkjsKey(work, n) for n in sorted(set(counts) | {4})}
        print(f"solc {solc_version()}; py-evm Cancun rules; gas of whole transactions (21,000 + calldata included)\n")
        print("| public inputs | zkob verifyProof | snarkjs verifyProof | zkob - snarkjs |")
        print("|---|---|---|---|")
        for n in counts:
            row = bench_verify(keys[n], Chain())
            print(f"| {n} | {row['zkob']:,} | {row['snarkjs']:,} | {row['zkob'] - row['snarkjs']:+,} |")
        print("\n| deposits | withdrawals | submitBatch, zkob verifier | submitBatch, snarkjs verifier | difference |")
        print("|---|---|---|---|---|")
        for d, w, ours, theirs in bench_batches(keys[4], shapes):
            print(f"| {d} | {w} | {ours:,} | {theirs:,} | {ours - theirs:+,} |")
        print("\n| step | gas |\n|---|---|")
        for name, gas in bench_misc(keys[4]).items():
            print(f"| {name} | {gas:,} |")


if __name__ == "__main__":
    main()
