"""The zkob proving process that ``prove`` times: its phases, and prove() split by backend call."""

from __future__ import annotations

import random
import time
from pathlib import Path

from .common import _emit


class TimingBackend:
    """Delegates to a backend and adds up the seconds spent in each of its methods."""

    def __init__(self, inner):
        self._inner = inner
        self.seconds: dict[str, float] = {}
        self.name = inner.name

    def __getattr__(self, attr):
        fn = getattr(self._inner, attr)
        if not callable(fn):  # flags such as checks_points pass through
            return fn

        def timed(*args, **kwargs):
            t = time.perf_counter()
            try:
                return fn(*args, **kwargs)
            finally:
                key = attr if attr != "msm_g1" else f"msm_g1[{len(args[0])}]"
                self.seconds[key] = self.seconds.get(key, 0.0) + time.perf_counter() - t
        return timed


class BaselineBackend(TimingBackend):
    """TimingBackend hiding the compiled sparse R1CS products and the point-check flag.

    Reproduces the prover before the prepared circuit and the single point
    check (Python products and check; strict key load), for before/after in one run.
    """

    def __getattr__(self, attr):
        if attr in ("sparse_r1cs", "checks_points"):
            raise AttributeError(attr)
        return super().__getattr__(attr)


def zkob_prove_child(work: Path, baseline: bool = False) -> None:
    """Runs in a child process: load key, circuit, witness from files; prove; report the split.

    Default: the key loaded with check_points=False (the compiled tables check
    the points), the circuit prepared once (timed apart), prove() on it.
    ``baseline``: strict key load and Python R1CS products, as before.
    """
    t0 = time.perf_counter()
    from zkob.zk.backends.compiled import backend, warm_up
    from zkob.zk.formats.iden3 import r1cs_from_bytes, wtns_from_bytes
    from zkob.zk.formats.snarkjs_json import dumps, proof_to_json
    from zkob.zk.groth16.keys import pk_from_bytes
    from zkob.zk.groth16.prepared import prepare
    from zkob.zk.groth16.prove import prove

    t_import = time.perf_counter()
    r1cs = r1cs_from_bytes((work / "circuit.r1cs").read_bytes())
    witness = wtns_from_bytes((work / "witness.wtns").read_bytes())
    t_circuit = time.perf_counter()
    be = (BaselineBackend if baseline else TimingBackend)(backend())
    pk = pk_from_bytes((work / "zkob.pk").read_bytes(), check_points=baseline or not be.checks_points)
    t_key = time.perf_counter()
    warm_s = warm_up()  # loads every kernel from numba's disk cache (or compiles on a fresh machine)
    t_warm = time.perf_counter()
    prep = prepare(r1cs, be)
    be.seconds.clear()  # the conversion is reported as prepare_s, not as backend time
    t_prep = time.perf_counter()
    proof = prove(pk, prep, witness, random.Random(5), backend=be)
    t_prove = time.perf_counter()
    (work / ("zkob_baseline_proof.json" if baseline else "zkob_proof.json")).write_text(dumps(proof_to_json(proof)))
    backend_s = sum(be.seconds.values())
    _emit({"imports_s": t_import - t0, "read_r1cs_wtns_s": t_circuit - t_import, "read_pk_s": t_key - t_circuit,
           "kernel_cache_load_s": t_warm - t_key, "warm_up_reported_s": warm_s, "prepare_s": t_prep - t_warm,
           "prove_s": t_prove - t_prep, "python_outside_backend_s": t_prove - t_prep - backend_s,
           "backend": be.seconds})
