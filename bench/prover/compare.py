"""``prove``: zkob vs snarkjs on one R1CS and witness per circuit (keys once per work directory)."""

from __future__ import annotations

import json
import random
import subprocess
import sys
from pathlib import Path

from .circuits import chain_circuit, derivatives_circuit, orderbook_circuit, write_known_ptau
from .common import ENTRY, ROOT, SNARKJS, _emit, _time_process, _timed


def prove_bench(sizes: list[int], work_root: Path, reps: int, fast_setup: bool, orderbook: bool,
                baseline: bool = False, orderbook_zkob_only: bool = False, derivatives: bool = False) -> None:
    engine = None
    if fast_setup:
        from zkob.zk.backends.compiled import backend

        engine = backend()
    for k in sizes:
        work = work_root / f"k{k}"
        work.mkdir(parents=True, exist_ok=True)
        r1cs, w = chain_circuit(k)
        _compare(work, r1cs, w, {"what": "prove", "circuit": "chain", "k": k}, reps, engine, baseline)
    if orderbook:
        work = work_root / "orderbook"
        work.mkdir(parents=True, exist_ok=True)
        r1cs, w, secs = orderbook_circuit(work)
        _compare(work, r1cs, w, {"what": "prove", "circuit": "orderbook (default Params)", "witness_s": secs},
                 reps, engine, baseline, snarkjs=not orderbook_zkob_only)
    if derivatives:
        work = work_root / "derivatives"
        work.mkdir(parents=True, exist_ok=True)
        r1cs, w, secs = derivatives_circuit(work)
        _compare(work, r1cs, w, {"what": "prove", "circuit": "v2 derivatives (default Params)", "witness_s": secs},
                 reps, engine, baseline)


def _compare(work: Path, r1cs, w, rec: dict, reps: int, engine, baseline: bool = False,
             snarkjs: bool = True) -> None:
    """Keys for both provers (once per directory, redone when the circuit changed), then reps
    alternating zkob (and with ``baseline`` the pre-change zkob prover) / snarkjs proofs."""
    from zkob.zk.formats.iden3 import r1cs_to_bytes, wtns_to_bytes
    from zkob.zk.formats.snarkjs_json import dumps, public_to_json, vk_to_json
    from zkob.zk.groth16.keys import pk_to_bytes
    from zkob.zk.groth16.prove import public_inputs
    from zkob.zk.groth16.setup import setup
    from zkob.zk.qap import domain_size

    k = domain_size(r1cs).bit_length() - 1
    rec.update({"k": k, "constraints": r1cs.n_constraints, "wires": r1cs.n_wires})
    r1cs_bytes = r1cs_to_bytes(r1cs)
    old = work / "circuit.r1cs"
    if old.exists() and old.read_bytes() != r1cs_bytes:  # keys of an older circuit: make new ones
        for stale in ("zkob.pk", "zkob_vk.json", "circuit.zkey", "snarkjs_vk.json"):
            (work / stale).unlink(missing_ok=True)
    old.write_bytes(r1cs_bytes)
    (work / "witness.wtns").write_bytes(wtns_to_bytes(w))
    (work / "public.json").write_text(dumps(public_to_json(public_inputs(r1cs, w))))
    if not (work / "zkob.pk").exists():
        (pk, vk), rec["zkob_setup_s"] = _timed(lambda: setup(r1cs, random.Random(k), backend=engine))
        rec["zkob_setup_backend"] = "pure" if engine is None else engine.name
        (work / "zkob.pk").write_bytes(pk_to_bytes(pk))
        (work / "zkob_vk.json").write_text(dumps(vk_to_json(vk)))
    if snarkjs and not (work / "known.ptau").exists():
        _, rec["ptau_build_s"] = _timed(write_known_ptau, work / "known.ptau", k)
    if snarkjs and not (work / "circuit.zkey").exists():
        rec["snarkjs_setup_s"], _, _ = _time_process(
            ["node", str(SNARKJS), "groth16", "setup", "circuit.r1cs", "known.ptau", "circuit.zkey"], work)
        _time_process(["node", str(SNARKJS), "zkey", "export", "verificationkey", "circuit.zkey",
                       "snarkjs_vk.json"], work)
    for _ in range(reps):
        wall, peak, out = _time_process([sys.executable, str(ENTRY), "_zkob_child", str(work)], ROOT)
        rec.setdefault("zkob", []).append({"wall_s": wall, "peak_mb": peak / 1024, **json.loads(out)})
        if baseline:
            wall, peak, out = _time_process([sys.executable, str(ENTRY), "_zkob_child", str(work), "--baseline"], ROOT)
            rec.setdefault("zkob_baseline", []).append({"wall_s": wall, "peak_mb": peak / 1024, **json.loads(out)})
        if not snarkjs:
            continue
        wall, peak, _ = _time_process(["node", str(SNARKJS), "groth16", "prove", "circuit.zkey",
                                       "witness.wtns", "snarkjs_proof.json", "snarkjs_public.json"], work)
        rec.setdefault("snarkjs", []).append({"wall_s": wall, "peak_mb": peak / 1024})
    if baseline:
        same = (work / "zkob_proof.json").read_text() == (work / "zkob_baseline_proof.json").read_text()
        rec["baseline_proof_identical"] = same
    if not snarkjs:
        _emit(rec)
        return
    for vk, proof in (("snarkjs_vk.json", "snarkjs_proof.json"), ("zkob_vk.json", "zkob_proof.json")):
        out = subprocess.run(["node", str(SNARKJS), "groth16", "verify", vk, "public.json", proof],
                             cwd=work, capture_output=True, text=True)
        rec[f"snarkjs_verifies_{proof.split('_')[0]}_proof"] = "OK!" in out.stdout
    _emit(rec)
