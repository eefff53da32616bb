"""``zkob zkey new|contribute|verify`` and proving with a .zkey against snarkjs on one .r1cs, .wtns and .ptau.

Both tools read the same files: the order-book circuit at the default
parameters exported as .r1cs, and a timing-only prepared .ptau whose
secrets are known (DESIGN section 7: snarkjs's ``prepare phase2`` needs
hours at these powers here; the Lagrange sections are computed directly,
tests/zk/known_ptau.py). The file is never shipped or used for keys. Its
power is the circuit's domain + 1, since zkob refuses the domain = power
case from 2^15 up (README). Each command runs as its own process under
/usr/bin/time (wall seconds, peak RSS), zkob's kernels compiled before
timing; the two initial keys are compared byte for byte. Both provers use
zkob's contributed key, and snarkjs verifies both proofs with the
verification key zkob exports. snarkjs's ``zkey verify`` recomputes the
initial key, so it costs as much as its setup: --skip-snarkjs-verify
leaves it out on the order-book circuit, and --reuse-snarkjs takes
snarkjs's rows of an earlier run (the report says which and when).

    python bench/bench_zkey.py --out bench/results/keys.md            # order book, default params
    python bench/bench_zkey.py --chain 14 --out /tmp/keys.md            # a 2^14 squaring chain (quick)
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import platform
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests" / "zk"))
sys.path.insert(0, str(ROOT / "bench"))

from prover.common import SNARKJS, _time_process  # noqa: E402


def circuit(args: argparse.Namespace, work: Path):  # type: ignore[no-untyped-def]
    """(r1cs, witness, description): a squaring chain, or the order-book batch of the demo's order flow."""
    if args.chain:
        from prover.circuits import chain_circuit

        r1cs, witness = chain_circuit(args.chain)
        return r1cs, witness, f"squaring chain 2^{args.chain}"
    from prover.circuits import orderbook_circuit
    from zkob.state.params import Params

    r1cs, witness, _ = orderbook_circuit(work)
    return r1cs, witness, f"order book, default parameters {Params()}"


def uptime() -> str:
    return subprocess.run(["uptime"], capture_output=True, text=True).stdout.strip()


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--work", type=Path, default=Path("/tmp/zkob_bench_keys"))
    ap.add_argument("--chain", type=int, help="time a 2^k squaring chain instead of the order-book circuit")
    ap.add_argument("--no-snarkjs", action="store_true", help="zkob only")
    ap.add_argument("--reuse-snarkjs", action="store_true",
                    help="take snarkjs's rows from an earlier run in the same work directory (results.json)")
    ap.add_argument("--skip-snarkjs-verify", action="store_true",
                    help="do not time snarkjs zkey verify (it recomputes the initial key: as long as its setup)")
    ap.add_argument("--out", type=Path, help="write the markdown report here")
    args = ap.parse_args()
    from known_ptau import write_known_ptau

    from zkob.zk.backends import warm_up
    from zkob.zk.formats.iden3 import r1cs_to_bytes, wtns_to_bytes
    from zkob.zk.qap import domain_size
    from zkob.zk.groth16.zkey_new import h_hash_count

    work = args.work / (f"chain{args.chain}" if args.chain else "orderbook")
    work.mkdir(parents=True, exist_ok=True)
    load_before = uptime()
    t = time.perf_counter()
    r1cs, witness, what = circuit(args, work)
    build_s = time.perf_counter() - t
    (work / "circuit.r1cs").write_bytes(r1cs_to_bytes(r1cs))
    (work / "witness.wtns").write_bytes(wtns_to_bytes(witness))
    n = domain_size(r1cs)
    k = n.bit_length() - 1
    ptau = work / f"known{k + 1}.ptau"
    ptau_s = 0.0
    if not ptau.exists():
        t = time.perf_counter()
        write_known_ptau(ptau, k + 1, blocks={k, k + 1}, tau_powers=n + h_hash_count(n))
        ptau_s = time.perf_counter() - t
    warm_s = warm_up()
    zkob = [sys.executable, "-m", "zkob.cli.main"]
    rows = []

    saved_path = work / "results.json"
    saved = json.loads(saved_path.read_text()) if saved_path.exists() else {}
    reused: list[str] = []

    def timed(label: str, cmd: list[str]) -> tuple[float, float]:
        if args.reuse_snarkjs and label.startswith("snarkjs") and label in saved:
            rec = saved[label]
            reused.append(f"{label} ({rec['when']}, load {rec['load']})")
        else:
            wall, peak, _ = _time_process(cmd, work)
            rec = {"wall": wall, "peak_mb": peak / 1024, "when": time.strftime("%Y-%m-%d %H:%M"),
                   "load": uptime().split("load average: ")[-1]}
            saved[label] = rec
            saved_path.write_text(json.dumps(saved, indent=1))
        rows.append((label, rec["wall"], rec["peak_mb"]))
        print(f"{label}: {rec['wall']:.1f} s, peak {rec['peak_mb']:.0f} MB", flush=True)
        return rec["wall"], rec["peak_mb"]

    z_new = timed("zkob zkey new", [*zkob, "zkey", "new", "circuit.r1cs", ptau.name, "-o", "zkob_0000.zkey"])
    z_con = timed("zkob zkey contribute", [*zkob, "zkey", "contribute", "zkob_0000.zkey", "zkob_0001.zkey",
                                           "--name", "bench"])
    z_ver = timed("zkob zkey verify", [*zkob, "zkey", "verify", "circuit.r1cs", ptau.name, "zkob_0001.zkey"])
    z_prv = timed("zkob prove with a .zkey", [sys.executable, str(ROOT / "bench" / "prover" / "zkey_prove_child.py"),
                                             str(work), "zkob_0001.zkey"])
    subprocess.run([*zkob, "zkey", "export", "verificationkey", "zkob_0001.zkey", "-o", "zkob_vk.json"],
                   cwd=work, check=True, capture_output=True)
    s_new = s_con = s_ver = s_prv = None
    identical = None
    checks: list[str] = []
    if not args.no_snarkjs:
        node = ["node", "--max-old-space-size=16000", str(SNARKJS)]
        s_new = timed("snarkjs groth16 setup", [*node, "groth16", "setup", "circuit.r1cs", ptau.name,
                                                "snarkjs_0000.zkey"])
        s_con = timed("snarkjs zkey contribute", [*node, "zkey", "contribute", "snarkjs_0000.zkey",
                                                  "snarkjs_0001.zkey", "--name=bench", "-e=bench entropy"])
        identical = (work / "zkob_0000.zkey").read_bytes() == (work / "snarkjs_0000.zkey").read_bytes()
        if not args.skip_snarkjs_verify:
            s_ver = timed("snarkjs zkey verify", [*node, "zkey", "verify", "circuit.r1cs", ptau.name,
                                                  "snarkjs_0001.zkey"])
        # snarkjs proves with zkob's contributed key (the key of the zkob rows above)
        s_prv = timed("snarkjs groth16 prove with a .zkey", [*node, "groth16", "prove", "zkob_0001.zkey",
                                                            "witness.wtns", "snarkjs_proof.json",
                                                            "snarkjs_public.json"])
        for proof, public in (("zkob_proof.json", "zkob_public.json"), ("snarkjs_proof.json", "snarkjs_public.json")):
            out = subprocess.run([*node, "groth16", "verify", "zkob_vk.json", public, proof], cwd=work,
                                 capture_output=True, text=True)
            checks.append(f"`snarkjs groth16 verify` of {proof} with zkob's exported vk: "
                          f"{'OK' if out.returncode == 0 and 'OK' in out.stdout else 'FAILED'}")
    load_after = uptime()
    lines = [
        "# zkey new, contribute, verify and prove with a .zkey: zkob vs snarkjs 0.7.6",
        "",
        f"- Date: {datetime.date.today()}; machine: {platform.machine()}, {os.cpu_count()} cores, "
        f"Python {platform.python_version()}",
        f"- Circuit: {what}: {r1cs.n_constraints:,} constraints, {r1cs.n_wires:,} wires, domain 2^{k} "
        f"(built in {build_s:.0f} s, not timed below)",
        f"- ptau: timing-only, known secrets, power {k + 1} (Lagrange blocks 2^{k} and 2^{k + 1} and the tau "
        f"powers setup reads; tests/zk/known_ptau.py{f', built in {ptau_s:.0f} s' if ptau_s else ', reused'}); "
        "never shipped or used for keys (DESIGN section 7)",
        f"- Command: `python bench/bench_zkey.py{f' --chain {args.chain}' if args.chain else ''}"
        f"{' --no-snarkjs' if args.no_snarkjs else ''}`; each step a separate process under /usr/bin/time; "
        f"zkob's kernels loaded before timing ({warm_s:.1f} s)",
        f"- Load: before `{load_before}`; after `{load_after}` (2 cores shared with other engineers)",
        *([f"- snarkjs rows reused from an earlier run in the same work directory: {'; '.join(reused)}"]
          if reused else []),
        "",
        "| step | wall s | peak MB |",
        "|---|---|---|",
        *[f"| {label} | {wall:.1f} | {peak:.0f} |" for label, wall, peak in rows],
        "",
    ]
    if s_new:
        lines += [f"- zkey new: zkob / snarkjs = {z_new[0] / s_new[0]:.2f} (time), {z_new[1] / s_new[1]:.2f} "
                  f"(peak memory); the two initial keys are byte-identical: {identical}",
                  f"- zkey contribute: zkob / snarkjs = {z_con[0] / s_con[0]:.2f} (time), "
                  f"{z_con[1] / s_con[1]:.2f} (peak memory)"]  # type: ignore[index]
    if s_ver:
        lines.append(f"- zkey verify (one contribution): zkob / snarkjs = {z_ver[0] / s_ver[0]:.2f} (time), "
                     f"{z_ver[1] / s_ver[1]:.2f} (peak memory)")
    if s_prv:
        lines.append(f"- prove with the contributed .zkey (process: read r1cs, wtns and key, prove): zkob / snarkjs = "
                     f"{z_prv[0] / s_prv[0]:.2f} (time), {z_prv[1] / s_prv[1]:.2f} (peak memory)")
    lines += [f"- {c}" for c in checks]
    report = "\n".join(lines) + "\n"
    print(report)
    if args.out:
        args.out.write_text(report)


if __name__ == "__main__":
    main()
