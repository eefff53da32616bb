"""Kernel timings (MSM G1/G2, NTT: compiled, pure, ffjavascript) and the numba compile/cache-load cost."""

from __future__ import annotations

import json
import os
import random
import subprocess
import sys
import tempfile
import time

import numpy as np

from zkob.zk.field import R

from .common import _emit, _node, _timed


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
