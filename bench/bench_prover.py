"""Prover benchmark (issue 7): compiled vs pure backends, and zkob vs snarkjs on the same R1CS.

    python bench/bench_prover.py components --sizes 12 14 16 18 --pure-max 13
    python bench/bench_prover.py compile
    python bench/bench_prover.py prove --sizes 12 14 16 18 --orderbook --work /tmp/zkbp
    python bench/bench_prover.py tables results.jsonl ...   (markdown for bench/results/prover.md)
    python bench/bench_prover.py plot results.jsonl ... --out bench/prover.png

``components`` times MSM G1, MSM G2 and the NTT per size for the compiled
backend, the pure backend (up to --pure-max) and ffjavascript, the wasm
engine inside snarkjs (``multiExpAffine``, ``Fr.fft``), on random full-width
scalars. ``compile`` measures the cold numba compile in a fresh cache
directory, then the cache-load cost of a second process. ``prove`` builds
a chain circuit filling a 2^k domain, makes zkob keys (zkob setup on the
compiled backend, or the pure one with --pure-setup) and
snarkjs keys (``groth16 setup`` on a timing-only .ptau with known secrets,
DESIGN section 7: only the Lagrange sections the setup reads are filled,
as L_i(tau)*G), then times ``zkob`` proving (a child process: its wall
time, its prove() time split by backend call, peak RSS) against ``snarkjs
groth16 prove`` on the exported .r1cs/.wtns (wall time, peak RSS), and has
snarkjs verify both proofs. ``--orderbook`` adds the batch circuit at the
default parameters with one batch of the demo's order flow (and times its
witness generation). Results print as JSON lines and markdown rows.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
NODE_DIR = ROOT / "node_oracle"
SNARKJS = NODE_DIR / "node_modules" / ".bin" / "snarkjs"
sys.path.insert(0, str(ROOT))

from zkob.zk.field import R  # noqa: E402


def _emit(record: dict) -> None:
    print(json.dumps(record), flush=True)


def _timed(fn, *args):
    t = time.perf_counter()
    out = fn(*args)
    return out, time.perf_counter() - t


# ----------------------------------------------------------------- components
def _bases(be, group: int, n: int):
    """n bases tiled from 1024 distinct multiples of the generator (MSM cost does not depend on them)."""
    from zkob.zk.backends.compiled.engine import PointTable
    from zkob.zk.curve import G1_GEN, G2_GEN

    gen = G1_GEN if group == 1 else G2_GEN
    fixed = be.g1_fixed_base_many if group == 1 else be.g2_fixed_base_many
    distinct = fixed(gen, range(1, 1025))
    pts = (distinct * (n // 1024 + 1))[:n]
    table = be.g1_table(distinct) if group == 1 else be.g2_table(distinct)
    reps = -(-n // 1024)
    tiled = PointTable(np.ascontiguousarray(np.concatenate([table.points] * reps)[:n]), np.zeros(n, bool))
    return pts, tiled


def components(sizes: list[int], pure_max: int) -> None:
    from zkob.zk.backends.compiled import backend
    from zkob.zk.backends.pure import PureBackend

    comp, pure = backend(), PureBackend()
    rng = random.Random(7)
    comp.msm_g1(comp.g1_table([(1, 2)]), comp.fr_vec([3]))  # load kernels from the cache first
    for k in sizes:
        n = 1 << k
        scalars = [rng.randrange(R) for _ in range(n)]
        vec = comp.fr_vec(scalars)
        for group in (1, 2):
            pts, table = _bases(comp, group, n)
            msm = comp.msm_g1 if group == 1 else comp.msm_g2
            res, secs = _timed(msm, table, vec)
            _emit({"what": f"msm_g{group}", "k": k, "engine": "compiled", "s": secs})
            if k <= pure_max:
                ptab = pure.g1_table(pts) if group == 1 else pure.g2_table(pts)
                pmsm = pure.msm_g1 if group == 1 else pure.msm_g2
                pres, psecs = _timed(pmsm, ptab, pure.fr_vec(scalars))
                assert pres == res, "pure and compiled MSMs disagree"
                _emit({"what": f"msm_g{group}", "k": k, "engine": "pure", "s": psecs})
        _, secs = _timed(comp.ntt, vec)
        _emit({"what": "ntt", "k": k, "engine": "compiled", "s": secs})
        if k <= pure_max:
            _, secs = _timed(pure.ntt, scalars)
            _emit({"what": "ntt", "k": k, "engine": "pure", "s": secs})
    for line in _node("ffjs_components.mjs", FFJS_COMPONENTS, *map(str, sizes)).splitlines():
        _emit(json.loads(line))


FFJS_COMPONENTS = r"""
import { buildBn128 } from "ffjavascript";
const curve = await buildBn128();
const ks = process.argv.slice(2).map(Number);
for (const group of ["G1", "G2"]) {
  const G = curve[group];
  const sz = G.F.n8 * 2;
  const base = new Uint8Array(1024 * sz);
  let p = G.g;
  for (let i = 0; i < 1024; i++) { G.toRprLEM(base, i * sz, G.toAffine(p)); p = G.add(p, G.g); }
  for (const k of ks) {
    const n = 1 << k;
    const bases = new Uint8Array(n * sz);
    for (let i = 0; i < n / 1024; i++) bases.set(base, i * 1024 * sz);
    const sc = new Uint8Array(n * 32);
    for (let i = 0; i < n; i++) curve.Fr.toRprLE(sc, i * 32, curve.Fr.random());
    const t = performance.now();
    await G.multiExpAffine(bases, sc);
    console.log(JSON.stringify({what: "msm_" + group.toLowerCase(), k, engine: "ffjavascript", s: (performance.now() - t) / 1000}));
  }
}
for (const k of ks) {
  const n = 1 << k;
  const buf = new Uint8Array(n * 32);
  for (let i = 0; i < n; i++) curve.Fr.toRprLE(buf, i * 32, curve.Fr.random());
  const t = performance.now();
  await curve.Fr.fft(buf);
  console.log(JSON.stringify({what: "ntt", k, engine: "ffjavascript", s: (performance.now() - t) / 1000}));
}
await curve.terminate();
"""


def _node(name: str, source: str, *args: str) -> str:
    script = NODE_DIR / f".bench_{os.getpid()}_{name}"
    script.write_text(source)
    try:
        return subprocess.run(["node", str(script), *args], cwd=NODE_DIR, check=True,
                              capture_output=True, text=True).stdout
    finally:
        script.unlink(missing_ok=True)


# ----------------------------------------------------------------- compile
COMPILE_PROBE = (
    "import time; t = time.perf_counter();"
    "from zkob.zk.backends.compiled import backend; be = backend();"
    "from zkob.zk.curve import G1_GEN, G2_GEN;"
    "be.msm_g1(be.g1_table([G1_GEN]), be.fr_vec([5])); be.msm_g2(be.g2_table([G2_GEN]), be.fr_vec([5]));"
    "be.ntt(be.ntt(be.fr_vec([1, 2, 3, 4]), shift=5), inverse=True, shift=5);"
    "be.fr_list(be.fr_scale(be.fr_sub(be.fr_mul(be.fr_vec([1]), be.fr_vec([2])), be.fr_vec([1])), 3));"
    "be.g1_table_bytes(bytes(64)); be.g2_table_bytes(bytes(128));"
    "print(time.perf_counter() - t)"
)


def compile_times() -> None:
    with tempfile.TemporaryDirectory() as cache:
        env = dict(os.environ, NUMBA_CACHE_DIR=cache)
        for label in ("cold (empty cache)", "warm (second process)"):
            t = time.perf_counter()
            out = subprocess.run([sys.executable, "-c", COMPILE_PROBE], env=env, check=True,
                                 capture_output=True, text=True).stdout
            _emit({"what": "compile", "case": label, "inside_s": float(out), "process_s": time.perf_counter() - t})


# ----------------------------------------------------------------- prove
def chain_circuit(k: int, seed: int = 1):
    """x_{i+1} = x_i * (x_i + i + 1), out = last x: fills a 2^k domain; every wire full width."""
    from zkob.zk.r1cs import R1CS, Constraint

    n_cons = (1 << k) - 2 - 1  # rows = constraints + public + 1
    w = [1, 0, random.Random(seed).randrange(R)]
    cons = []
    for i in range(n_cons - 1):
        src = 2 + i
        cons.append(Constraint({src: 1}, {src: 1, 0: i + 1}, {src + 1: 1}, f"step[{i}]"))
        w.append(w[src] * (w[src] + i + 1) % R)
    cons.append(Constraint({len(w) - 1: 1}, {0: 1}, {1: 1}, "out"))
    w[1] = w[-1]
    return R1CS(n_wires=len(w), n_public=1, constraints=cons), w


def write_known_ptau(path: Path, k: int, seed: int = 99) -> None:
    """A timing-only prepared .ptau for one 2^k circuit: L_i(tau)G in the levels snarkjs setup reads.

    Never for keys that protect anything: tau, alpha, beta are known here.
    Sections 2-5 hold only their first point (setup reads nothing else).
    """
    from zkob.zk.backends.compiled import _arith, ntt
    from zkob.zk.backends.compiled import backend
    from zkob.zk.backends.compiled.fixed_base import fixed_base_many
    from zkob.zk.backends.compiled.params import le_bytes
    from zkob.zk.curve import G1_GEN, G2_GEN
    from zkob.zk.field import Q

    be = backend()
    rng = random.Random(seed)
    tau, alpha, beta = (rng.randrange(2, R) for _ in range(3))
    g1, g2 = be.g1_table([G1_GEN]).points, be.g2_table([G2_GEN]).points

    def lem(base, scalars_mont):
        pts, _ = fixed_base_many(base, _arith.fr_rows_from_mont(scalars_mont))
        return le_bytes(pts)

    def lagrange(size: int, drop_last: bool):
        vals = ntt.powers(ntt.mont_scalar(1), ntt.mont_scalar(tau), size)
        if drop_last:
            vals[-1] = 0
        return ntt.ntt(vals, inverse=True)

    n = 1 << k
    lag = lagrange(n, False)
    zeros1 = lambda count: bytes(64 * count)  # noqa: E731
    sec12 = zeros1(n - 1) + lem(g1, lag) + lem(g1, lagrange(2 * n, True))
    sec13 = bytes(128 * (n - 1)) + lem(g2, lag)
    sec14 = zeros1(n - 1) + lem(g1, be.fr_scale(lag, alpha))
    sec15 = zeros1(n - 1) + lem(g1, be.fr_scale(lag, beta))
    one = ntt.mont_scalar(1)[None, :]
    header = (32).to_bytes(4, "little") + Q.to_bytes(32, "little") + k.to_bytes(4, "little") + k.to_bytes(4, "little")
    sections = [
        (1, header), (2, lem(g1, one)), (3, lem(g2, one)), (4, lem(g1, ntt.mont_scalar(alpha)[None, :])),
        (5, lem(g1, ntt.mont_scalar(beta)[None, :])), (6, lem(g2, ntt.mont_scalar(beta)[None, :])),
        (7, bytes(4)), (12, sec12), (13, sec13), (14, sec14), (15, sec15),
    ]
    with open(path, "wb") as f:
        f.write(b"ptau" + (1).to_bytes(4, "little") + len(sections).to_bytes(4, "little"))
        for sid, data in sections:
            f.write(sid.to_bytes(4, "little") + len(data).to_bytes(8, "little") + data)


class TimingBackend:
    """Delegates to a backend and adds up the seconds spent in each of its methods."""

    def __init__(self, inner):
        self._inner = inner
        self.seconds: dict[str, float] = {}
        self.name = inner.name

    def __getattr__(self, attr):
        fn = getattr(self._inner, attr)

        def timed(*args, **kwargs):
            t = time.perf_counter()
            try:
                return fn(*args, **kwargs)
            finally:
                key = attr if attr != "msm_g1" else f"msm_g1[{len(args[0])}]"
                self.seconds[key] = self.seconds.get(key, 0.0) + time.perf_counter() - t
        return timed


def zkob_prove_child(work: Path) -> None:
    """Runs in a child process: load key, circuit, witness from files; prove; report the split."""
    t0 = time.perf_counter()
    from zkob.zk.backends.compiled import backend, warm_up
    from zkob.zk.formats.iden3 import r1cs_from_bytes, wtns_from_bytes
    from zkob.zk.formats.snarkjs_json import dumps, proof_to_json
    from zkob.zk.groth16.keys import pk_from_bytes
    from zkob.zk.groth16.prove import prove

    t_import = time.perf_counter()
    r1cs = r1cs_from_bytes((work / "circuit.r1cs").read_bytes())
    witness = wtns_from_bytes((work / "witness.wtns").read_bytes())
    t_circuit = time.perf_counter()
    pk = pk_from_bytes((work / "zkob.pk").read_bytes())
    t_key = time.perf_counter()
    warm_up()  # loads every kernel from numba's disk cache (or compiles on a fresh machine)
    t_warm = time.perf_counter()
    be = TimingBackend(backend())
    proof = prove(pk, r1cs, witness, random.Random(5), backend=be)
    t_prove = time.perf_counter()
    (work / "zkob_proof.json").write_text(dumps(proof_to_json(proof)))
    backend_s = sum(be.seconds.values())
    _emit({"imports_s": t_import - t0, "read_r1cs_wtns_s": t_circuit - t_import, "read_pk_s": t_key - t_circuit,
           "kernel_cache_load_s": t_warm - t_key, "prove_s": t_prove - t_warm,
           "python_outside_backend_s": t_prove - t_warm - backend_s, "backend": be.seconds})


def _time_process(cmd: list[str], cwd: Path) -> tuple[float, int, str]:
    """Wall seconds, peak RSS (KiB) via /usr/bin/time, stdout."""
    t = time.perf_counter()
    proc = subprocess.run(["/usr/bin/time", "-f", "PEAK_KB=%M", *cmd], cwd=cwd, capture_output=True, text=True)
    wall = time.perf_counter() - t
    if proc.returncode != 0:
        raise RuntimeError(f"{cmd[:3]} failed: {proc.stderr[-1500:]}")
    peak = int(proc.stderr.rsplit("PEAK_KB=", 1)[1].split()[0])
    return wall, peak, proc.stdout


def orderbook_circuit(work: Path):
    """The batch circuit at the default Params with the witness of one batch of the demo's order flow.

    Returns (r1cs, witness, seconds of witness generation).
    """
    from zkob.circuits.batch import build_circuit, witness_for
    from zkob.state.api import create_state
    from zkob.state.batchfile import parse_batch
    from zkob.state.matching import random_flow
    from zkob.state.params import Params
    from zkob.state.transition import trace_batch

    params = Params()
    rng = random.Random(1)
    users = {i: rng.randbytes(32) for i in range(1, 4)}  # account -> private key (signed order flow)
    state_dir = work / "state"
    if state_dir.exists():
        import shutil

        shutil.rmtree(state_dir)
    state = create_state(state_dir, params)
    ops = random_flow(rng, users, 1 << params.orders_depth, params.batch_size)
    batch = parse_batch({"ops": ops[:params.batch_size]}, params.batch_size, lambda: rng.randrange(1 << 250))
    r1cs, _ = build_circuit(params)
    t = time.perf_counter()
    witness = witness_for(params, trace_batch(state, batch))
    return r1cs, witness, time.perf_counter() - t


def prove_bench(sizes: list[int], work_root: Path, reps: int, fast_setup: bool, orderbook: bool) -> None:
    engine = None
    if fast_setup:
        from zkob.zk.backends.compiled import backend

        engine = backend()
    for k in sizes:
        work = work_root / f"k{k}"
        work.mkdir(parents=True, exist_ok=True)
        r1cs, w = chain_circuit(k)
        _compare(work, r1cs, w, {"what": "prove", "circuit": "chain", "k": k}, reps, engine)
    if orderbook:
        work = work_root / "orderbook"
        work.mkdir(parents=True, exist_ok=True)
        r1cs, w, secs = orderbook_circuit(work)
        _compare(work, r1cs, w, {"what": "prove", "circuit": "orderbook (default Params)", "witness_s": secs},
                 reps, engine)


def _compare(work: Path, r1cs, w, rec: dict, reps: int, engine) -> None:
    """Keys for both provers (once per directory), then reps alternating zkob / snarkjs proofs."""
    from zkob.zk.formats.iden3 import r1cs_to_bytes, wtns_to_bytes
    from zkob.zk.formats.snarkjs_json import dumps, public_to_json, vk_to_json
    from zkob.zk.groth16.keys import pk_to_bytes
    from zkob.zk.groth16.prove import public_inputs
    from zkob.zk.groth16.setup import setup
    from zkob.zk.qap import domain_size

    k = domain_size(r1cs).bit_length() - 1
    rec.update({"k": k, "constraints": r1cs.n_constraints, "wires": r1cs.n_wires})
    (work / "circuit.r1cs").write_bytes(r1cs_to_bytes(r1cs))
    (work / "witness.wtns").write_bytes(wtns_to_bytes(w))
    (work / "public.json").write_text(dumps(public_to_json(public_inputs(r1cs, w))))
    if not (work / "zkob.pk").exists():
        (pk, vk), rec["zkob_setup_s"] = _timed(lambda: setup(r1cs, random.Random(k), backend=engine))
        rec["zkob_setup_backend"] = "pure" if engine is None else engine.name
        (work / "zkob.pk").write_bytes(pk_to_bytes(pk))
        (work / "zkob_vk.json").write_text(dumps(vk_to_json(vk)))
    if not (work / "known.ptau").exists():
        _, rec["ptau_build_s"] = _timed(write_known_ptau, work / "known.ptau", k)
    if not (work / "circuit.zkey").exists():
        rec["snarkjs_setup_s"], _, _ = _time_process(
            ["node", str(SNARKJS), "groth16", "setup", "circuit.r1cs", "known.ptau", "circuit.zkey"], work)
        _time_process(["node", str(SNARKJS), "zkey", "export", "verificationkey", "circuit.zkey",
                       "snarkjs_vk.json"], work)
    for _ in range(reps):
        wall, peak, out = _time_process([sys.executable, __file__, "_zkob_child", str(work)], ROOT)
        rec.setdefault("zkob", []).append({"wall_s": wall, "peak_mb": peak / 1024, **json.loads(out)})
        wall, peak, _ = _time_process(["node", str(SNARKJS), "groth16", "prove", "circuit.zkey",
                                       "witness.wtns", "snarkjs_proof.json", "snarkjs_public.json"], work)
        rec.setdefault("snarkjs", []).append({"wall_s": wall, "peak_mb": peak / 1024})
    for vk, proof in (("snarkjs_vk.json", "snarkjs_proof.json"), ("zkob_vk.json", "zkob_proof.json")):
        out = subprocess.run(["node", str(SNARKJS), "groth16", "verify", vk, "public.json", proof],
                             cwd=work, capture_output=True, text=True)
        rec[f"snarkjs_verifies_{proof.split('_')[0]}_proof"] = "OK!" in out.stdout
    _emit(rec)


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


def _median(values: list[float]) -> float:
    v = sorted(values)
    return v[len(v) // 2] if len(v) % 2 else (v[len(v) // 2 - 1] + v[len(v) // 2]) / 2


def tables(paths: list[Path]) -> None:
    """Markdown tables (medians over repetitions) from the JSON lines of components/prove/compile runs."""
    records = [json.loads(line) for p in paths for line in p.read_text().splitlines() if line.startswith("{")]
    print("| circuit | constraints | domain | zkob wall s | zkob prove() s | snarkjs wall s | ratio wall "
          "| zkob / snarkjs peak MB | snarkjs verifies both |")
    print("|---|---|---|---|---|---|---|---|---|")
    for r in sorted((r for r in records if r.get("what") == "prove"), key=lambda r: (r["k"], r.get("circuit", ""))):
        zw, zp = _median([x["wall_s"] for x in r["zkob"]]), _median([x["prove_s"] for x in r["zkob"]])
        sw = _median([x["wall_s"] for x in r["snarkjs"]])
        peaks = f"{max(x['peak_mb'] for x in r['zkob']):.0f} / {max(x['peak_mb'] for x in r['snarkjs']):.0f}"
        ok = r["snarkjs_verifies_zkob_proof"] and r["snarkjs_verifies_snarkjs_proof"]
        print(f"| {r.get('circuit', 'chain')} | {r['constraints']:,} | 2^{r['k']} | {zw:.2f} | {zp:.2f} | {sw:.2f} "
              f"| {zw / sw:.2f} | {peaks} | {'yes' if ok else 'NO'} |")
    print()
    print("| circuit | domain | imports | read r1cs+wtns | read pk | kernel cache | prove() | of which "
          "MSM G1 | MSM G2 | NTT | other backend | Python outside backend |")
    print("|---|---|---|---|---|---|---|---|---|---|---|---|")
    for r in sorted((r for r in records if r.get("what") == "prove"), key=lambda r: (r["k"], r.get("circuit", ""))):
        z = min(r["zkob"], key=lambda x: x["wall_s"])
        b = z["backend"]
        g1 = sum(v for key, v in b.items() if key.startswith("msm_g1"))
        other = sum(b.values()) - g1 - b.get("msm_g2", 0) - b.get("ntt", 0)
        print(f"| {r.get('circuit', 'chain')} | 2^{r['k']} | {z['imports_s']:.2f} | {z['read_r1cs_wtns_s']:.2f} "
              f"| {z['read_pk_s']:.2f} | {z['kernel_cache_load_s']:.2f} | {z['prove_s']:.2f} | {g1:.2f} "
              f"| {b.get('msm_g2', 0):.2f} | {b.get('ntt', 0):.2f} | {other:.2f} "
              f"| {z['python_outside_backend_s']:.2f} |")
    print()
    comp = {(r["what"], r["k"], r["engine"]): r["s"] for r in records if r.get("engine")}
    print("| kernel | size | compiled s | ffjavascript s | pure s | ffjs / compiled |")
    print("|---|---|---|---|---|---|")
    for what in ("msm_g1", "msm_g2", "ntt"):
        for k in sorted({key[1] for key in comp if key[0] == what}):
            c, f, p = (comp.get((what, k, e)) for e in ("compiled", "ffjavascript", "pure"))
            fmt = lambda v: "-" if v is None else f"{v:.3f}"  # noqa: E731
            ratio = "-" if not (c and f) else f"{f / c:.1f}"
            print(f"| {what} | 2^{k} | {fmt(c)} | {fmt(f)} | {fmt(p)} | {ratio} |")
    for r in records:
        if r.get("what") == "compile":
            print(f"\ncompile, {r['case']}: {r['inside_s']:.1f} s inside the process, {r['process_s']:.1f} s wall")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = ap.add_subparsers(dest="cmd", required=True)
    c = sub.add_parser("components")
    c.add_argument("--sizes", type=int, nargs="+", default=[12, 14, 16, 18])
    c.add_argument("--pure-max", type=int, default=13)
    sub.add_parser("compile")
    p = sub.add_parser("prove")
    p.add_argument("--sizes", type=int, nargs="*", default=[12, 14, 16])
    p.add_argument("--work", type=Path, default=Path(tempfile.gettempdir()) / "zkob_bench_prover")
    p.add_argument("--reps", type=int, default=2)
    p.add_argument("--pure-setup", action="store_true", help="run zkob setup on the pure backend")
    p.add_argument("--orderbook", action="store_true", help="also the order-book circuit at the default Params")
    tb = sub.add_parser("tables")
    tb.add_argument("jsonl", type=Path, nargs="+")
    pl = sub.add_parser("plot")
    pl.add_argument("jsonl", type=Path, nargs="+")
    pl.add_argument("--out", type=Path, default=ROOT / "bench" / "prover.png")
    ch = sub.add_parser("_zkob_child")
    ch.add_argument("work", type=Path)
    args = ap.parse_args()
    if args.cmd == "components":
        components(args.sizes, args.pure_max)
    elif args.cmd == "compile":
        compile_times()
    elif args.cmd == "prove":
        prove_bench(args.sizes, args.work, args.reps, not args.pure_setup, args.orderbook)
    elif args.cmd == "tables":
        tables(args.jsonl)
    elif args.cmd == "plot":
        plot(args.jsonl, args.out)
    else:
        zkob_prove_child(args.work)


if __name__ == "__main__":
    main()
