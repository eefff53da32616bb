"""Markdown tables and the plot (bench/prover.png) from the JSON lines of earlier runs."""

from __future__ import annotations

import json
from pathlib import Path

from .common import _median


def plot(paths: list[Path], out: Path) -> None:
    """bench/prover.png: prove wall time vs constraints (zkob, snarkjs) and MSM time vs size, log-log."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    records = [json.loads(line) for p in paths for line in p.read_text().splitlines() if line.startswith("{")]
    fig, (left, right) = plt.subplots(1, 2, figsize=(11, 4.2))
    proves = sorted((r for r in records if r.get("what") == "prove" and r.get("circuit", "chain") == "chain"),
                    key=lambda r: r["k"])
    xs = [r["constraints"] for r in proves]
    for who, style in (("zkob", "o-"), ("snarkjs", "s--")):
        left.plot(xs, [_median([x["wall_s"] for x in r[who]]) for r in proves], style,
                  label=f"{who} prove, chain circuit (process wall)")
    left.plot(xs, [_median([x["prove_s"] for x in r["zkob"]]) for r in proves], "o:", label="zkob prove() call only")
    for r in (r for r in records if r.get("what") == "prove" and r.get("circuit", "chain") != "chain"):
        for who, marker in (("zkob", "o"), ("snarkjs", "s")):
            left.plot([r["constraints"]], [_median([x["wall_s"] for x in r[who]])], marker, markersize=9,
                      markerfacecolor="none", label=f"{who}, order-book circuit (default Params)")
    left.set(xscale="log", yscale="log", xlabel="constraints", ylabel="seconds", title="Groth16 prove, same R1CS")
    left.legend(fontsize=8)
    for what in ("msm_g1", "msm_g2", "ntt"):
        for engine, style in (("compiled", "-"), ("ffjavascript", "--"), ("pure", ":")):
            pts = sorted((r["k"], r["s"]) for r in records if r.get("what") == what and r.get("engine") == engine)
            if pts:
                right.plot([2 ** k for k, _ in pts], [v for _, v in pts], style, marker=".", label=f"{what} {engine}")
    right.set(xscale="log", yscale="log", xlabel="size", ylabel="seconds", title="Kernels (random full-width scalars)")
    right.legend(fontsize=7, ncol=2)
    fig.tight_layout()
    fig.savefig(out, dpi=110)


def _prove_s(run: dict) -> float:
    """prove() plus the per-circuit preparation (digest, sparse form): what one plain-R1CS call costs."""
    return run["prove_s"] + run.get("prepare_s", 0.0)


def tables(paths: list[Path]) -> None:
    """Markdown tables (medians over repetitions) from the JSON lines of components/prove/compile runs."""
    records = [json.loads(line) for p in paths for line in p.read_text().splitlines() if line.startswith("{")]
    proves = sorted((r for r in records if r.get("what") == "prove"), key=lambda r: (r["k"], r.get("circuit", "")))
    print("| circuit | constraints | domain | zkob wall s | zkob prepare + prove() s | snarkjs wall s | ratio wall "
          "| zkob / snarkjs peak MB | snarkjs verifies both |")
    print("|---|---|---|---|---|---|---|---|---|")
    for r in (r for r in proves if r.get("snarkjs")):
        zw, zp = _median([x["wall_s"] for x in r["zkob"]]), _median([_prove_s(x) for x in r["zkob"]])
        sw = _median([x["wall_s"] for x in r["snarkjs"]])
        peaks = f"{max(x['peak_mb'] for x in r['zkob']):.0f} / {max(x['peak_mb'] for x in r['snarkjs']):.0f}"
        ok = r["snarkjs_verifies_zkob_proof"] and r["snarkjs_verifies_snarkjs_proof"]
        print(f"| {r.get('circuit', 'chain')} | {r['constraints']:,} | 2^{r['k']} | {zw:.2f} | {zp:.2f} | {sw:.2f} "
              f"| {zw / sw:.2f} | {peaks} | {'yes' if ok else 'NO'} |")
    print()
    print("| circuit | domain | zkob wall s before / after | read pk before / after | prepare + prove() "
          "before / after | Python outside backend before / after | same proof |")
    print("|---|---|---|---|---|---|---|")
    for r in (r for r in proves if r.get("zkob_baseline")):
        b, a = r["zkob_baseline"], r["zkob"]
        cols = [(_median([x["wall_s"] for x in b]), _median([x["wall_s"] for x in a])),
                (_median([x["read_pk_s"] for x in b]), _median([x["read_pk_s"] for x in a])),
                (_median([_prove_s(x) for x in b]), _median([_prove_s(x) for x in a])),
                (_median([x["python_outside_backend_s"] + x.get("prepare_s", 0) for x in b]),
                 _median([x["python_outside_backend_s"] for x in a]))]
        print(f"| {r.get('circuit', 'chain')} | 2^{r['k']} | " + " | ".join(f"{x:.2f} / {y:.2f}" for x, y in cols)
              + f" | {'yes' if r.get('baseline_proof_identical') else 'NO'} |")
    print()
    print("| circuit | domain | imports | read r1cs+wtns | read pk | kernel cache | prepare | prove() | of which "
          "MSM G1 | MSM G2 | NTT | R1CS rows+check | other backend | Python outside backend |")
    print("|---|---|---|---|---|---|---|---|---|---|---|---|---|---|")
    for r in proves:
        z = min(r["zkob"], key=lambda x: x["wall_s"])
        b = z["backend"]
        g1 = sum(v for key, v in b.items() if key.startswith("msm_g1"))
        rows = b.get("r1cs_rows", 0) + b.get("r1cs_first_unsatisfied", 0)
        other = sum(b.values()) - g1 - b.get("msm_g2", 0) - b.get("ntt", 0) - rows
        print(f"| {r.get('circuit', 'chain')} | 2^{r['k']} | {z['imports_s']:.2f} | {z['read_r1cs_wtns_s']:.2f} "
              f"| {z['read_pk_s']:.2f} | {z['kernel_cache_load_s']:.2f} | {z.get('prepare_s', 0):.2f} "
              f"| {z['prove_s']:.2f} | {g1:.2f} | {b.get('msm_g2', 0):.2f} | {b.get('ntt', 0):.2f} | {rows:.2f} "
              f"| {other:.2f} | {z['python_outside_backend_s']:.2f} |")
    print()
    comp = {(r["what"], r["k"], r["engine"]): r["s"] for r in records if r.get("engine")}
    print("| kernel | size | compiled s | ffjavascript s | pure s | ffjs / compiled |")
    print("|---|---|---|---|---|---|")
    for what in ("msm_g1", "msm_g2", "ntt"):
        for k in sorted({key[1] for key in comp if key[0] == what}):
            c, f, p = (comp.get((what, k, e)) for e in ("compiled", "ffjavascript", "pure"))
            fmt = lambda v: "-" if v is None else f"{v:.3f}"
            ratio = "-" if not (c and f) else f"{f / c:.1f}"
            print(f"| {what} | 2^{k} | {fmt(c)} | {fmt(f)} | {fmt(p)} | {ratio} |")
    for r in records:
        if r.get("what") == "compile":
            print(f"\ncompile, {r['case']}: {r['inside_s']:.1f} s inside the process, {r['process_s']:.1f} s wall")
