"""EdDSA-Poseidon: native keygen/sign/verify against circomlibjs in the same run, and gadget cost.

Run from the repository root: ``python bench/eddsa_bench.py [N]``. Needs
node and node_oracle/ installed (``npm ci --prefix node_oracle``). Prints a
Markdown table (per-operation milliseconds, mean of N) and the constraint
count of the verification gadget.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

from zkob.circuits.cs import ConstraintSystem
from zkob.circuits.gadgets.eddsa import assert_eddsa_poseidon
from zkob.zk.eddsa import private_to_public, sign_poseidon, verify_poseidon

ROOT = Path(__file__).resolve().parent.parent
NODE_SCRIPT = """
import { buildEddsa } from "circomlibjs";
const eddsa = await buildEddsa(); const F = eddsa.babyJub.F;
const n = Number(process.argv[2]);
const keys = Array.from({length: n}, (_, i) => Buffer.alloc(32, i + 1));
const t = (f) => { const s = process.hrtime.bigint(); const r = f(); return [r, Number(process.hrtime.bigint() - s) / 1e6 / n]; };
const [pubs, keygen] = t(() => keys.map((k) => eddsa.prv2pub(k)));
const [sigs, sign] = t(() => keys.map((k, i) => eddsa.signPoseidon(k, F.e(BigInt(i)))));
const [oks, verify] = t(() => sigs.map((s, i) => eddsa.verifyPoseidon(F.e(BigInt(i)), s, pubs[i])));
if (!oks.every(Boolean)) throw new Error("circomlibjs failed to verify");
console.log(JSON.stringify({keygen, sign, verify}));
"""


def _per_op(fn, items) -> tuple[list, float]:
    start = time.perf_counter()
    out = [fn(*x) for x in items]
    return out, (time.perf_counter() - start) * 1000 / len(items)


def native(n: int) -> dict[str, float]:
    keys = [bytes([i + 1]) * 32 for i in range(n)]
    pubs, keygen = _per_op(private_to_public, [(k,) for k in keys])
    sigs, sign = _per_op(sign_poseidon, [(k, i) for i, k in enumerate(keys)])
    oks, verify = _per_op(verify_poseidon, [(i, s, pubs[i]) for i, s in enumerate(sigs)])
    assert all(oks)
    return {"keygen": keygen, "sign": sign, "verify": verify}


def circomlibjs(n: int) -> dict[str, float]:
    script = ROOT / "node_oracle" / f".bench_eddsa_{os.getpid()}.mjs"
    script.write_text(NODE_SCRIPT)
    try:
        proc = subprocess.run(["node", str(script), str(n)], cwd=script.parent,
                              capture_output=True, text=True, check=True)
    finally:
        script.unlink(missing_ok=True)
    return json.loads(proc.stdout)


def gadget_cost() -> int:
    cs = ConstraintSystem()
    w = [cs.alloc(k) for k in ("msg", "A_x", "A_y", "R8_x", "R8_y", "S")]
    assert_eddsa_poseidon(cs, w[0], (w[1], w[2]), (w[3], w[4]), w[5])
    return len(cs.constraints)


def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 50
    ours, theirs = native(n), circomlibjs(n)
    print(f"| op (mean of {n}) | zkob ms | circomlibjs ms | ratio |")
    print("|---|---|---|---|")
    for op in ("keygen", "sign", "verify"):
        print(f"| {op} | {ours[op]:.2f} | {theirs[op]:.2f} | {ours[op] / theirs[op]:.2f} |")
    print(f"\nEdDSA-Poseidon verifier gadget: {gadget_cost()} constraints")


if __name__ == "__main__":
    main()
