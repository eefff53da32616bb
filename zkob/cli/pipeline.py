"""End-to-end steps shared by the CLI commands and the demo: keys, proving, replay.

Glue only: the state machine (state/), the batch circuit (circuits/) and
Groth16 (zk/) do the work. Each step reports its phases through an
optional ``report(phase)`` callback so the CLI can show progress and
timings; nothing here prints.

Files (snarkjs's names where snarkjs has one):

    KEYS/verification_key.json   snarkjs verification key
    KEYS/proving_key.zkpk        zkob proving key (parameters + circuit digest inside)
    OUT/proof.json, OUT/public.json   snarkjs proof and [old_root, new_root, commitment, bridge]
    OUT/bridge.json              the batch's deposits and withdrawals (public)
    OUT/batch.json               all ops and the salt (private, for replicas)
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from ..circuits.batch import build_circuit, witness_for
from ..state.api import State
from ..state.batchfile import Batch
from ..state.lightclient import bridge_record_json
from ..state.params import Params
from ..state.transition import apply_batch, trace_batch
from ..zk.backends import get_backend, warm_up
from ..zk.backends.base import Backend
from ..zk.errors import MalformedInput
from ..zk.files import write_atomic
from ..zk.formats.snarkjs_json import Proof, VerifyingKey, dumps, proof_to_json, public_to_json, vk_to_json
from ..zk.groth16.keys import ProvingKey, pk_to_bytes
from ..zk.groth16.prepared import PreparedR1CS, prepare
from ..zk.groth16.prove import AnyProvingKey, prove
from ..zk.groth16.setup import setup
from ..zk.verifier import Verdict, verify
from .keyfiles import PK_FILE, VK_FILE, load_proving_key, params_meta
from .zkeyfiles import load_zkey_key, read_binding, zkey_in

OUT_FILES = ("proof.json", "public.json", "bridge.json", "batch.json")

Report = Callable[[str], None]


def _quiet(_: str) -> None:
    pass


def make_keys(params: Params, keys_dir: Path, rng=None, report: Report = _quiet,
              backend: str = "auto") -> VerifyingKey:
    """Development ceremony for ``params``: writes KEYS/verification_key.json and KEYS/proving_key.zkpk.

    The toxic waste comes from this machine's randomness (``rng``, default
    the OS); keys made this way are for development, never production.
    """
    report("building the circuit")
    r1cs, _ = build_circuit(params)
    report(f"setup ({r1cs.n_constraints} constraints, {r1cs.n_wires} wires)")
    pk, vk = setup(r1cs, rng, params=params_meta(params), backend=get_backend(backend))
    report("writing keys")
    keys_dir.mkdir(parents=True, exist_ok=True)
    write_atomic(keys_dir / PK_FILE, pk_to_bytes(pk))
    write_atomic(keys_dir / VK_FILE, dumps(vk_to_json(vk)))
    return vk


@dataclass(frozen=True)
class Prover:
    """Everything that does not change between batches of one deployment, loaded once."""

    params: Params
    pk: AnyProvingKey
    circuit: PreparedR1CS
    backend: Backend
    check: Callable[[list[int], Proof], Verdict]


def load_prover(params: Params, keys_dir: Path | None, backend: str = "auto", report: Report = _quiet,
                zkey: Path | None = None) -> Prover:
    """Kernels, proving key (refused for other parameters) and the prepared circuit.

    Kernel loading is its own phase so a first compilation is reported
    honestly. Key points are checked once: by the loader, or by the backend
    when it builds its tables (``checks_points``). The key is KEYS's
    proving_key.zkpk, or a snarkjs .zkey: ``zkey`` given, or
    KEYS/circuit_final.zkey (bound to the circuit, zkeyfiles.py).
    """
    report("loading prover kernels")
    warm_up(backend)
    engine = get_backend(backend)
    zkey = zkey or (zkey_in(keys_dir) if keys_dir else None)
    cs_hash = read_binding(keys_dir, params) if zkey and keys_dir else None
    if zkey is None:
        report("loading the proving key")
        pk: AnyProvingKey = load_proving_key(keys_dir or Path("."), params,
                                             check_points=not getattr(engine, "checks_points", False))
    report("building the circuit")
    r1cs, _ = build_circuit(params)
    circuit = prepare(r1cs, engine)
    if zkey is not None:
        report("binding the .zkey to the circuit")
        pk = load_zkey_key(zkey, circuit, cs_hash)
    if engine.name == "compiled":
        from ..zk import fast_verify

        key = fast_verify.prepare(pk.vk)
        check = lambda public, proof: fast_verify.verify_prepared(key, public, proof)  # noqa: E731
    else:
        check = lambda public, proof: verify(pk.vk, public, proof)  # noqa: E731
    return Prover(params, pk, circuit, engine, check)


@dataclass(frozen=True)
class ProveResult:
    public: list[int]
    out_dir: Path
    constraints: int


def prove_batch(state: State, batch: Batch, keys_dir: Path | None, out_dir: Path, backend: str = "auto",
                report: Report = _quiet, prover: Prover | None = None, zkey: Path | None = None) -> ProveResult:
    """Prove ``batch`` on ``state``, write OUT/*, then advance the state.

    The batch is checked against the state before anything heavy is loaded.
    Pass a ``prover`` from load_prover to reuse it across batches, or a
    snarkjs ``zkey`` instead of ``keys_dir`` (load_prover). The
    state advances only after the proof was made, checked against the
    verification key and written; a rejected batch (Rejected) or a failed
    proof leaves it untouched. Raises Rejected, MalformedInput or ZkError.
    """
    report("checking the batch against the state")
    trace = trace_batch(state, batch)
    if prover is None:
        prover = load_prover(state.params, keys_dir, backend, report, zkey)
    elif prover.params != state.params:
        raise MalformedInput("prover", "was loaded for other parameters than this state's")
    report("computing the witness")
    witness = witness_for(state.params, trace)
    public = [trace.old_root, trace.new_root, trace.commitment, trace.bridge]
    report(f"proving ({prover.circuit.n_constraints} constraints)")
    proof = prove(prover.pk, prover.circuit, witness, backend=prover.backend)
    report("verifying the proof")
    verdict = prover.check(public, proof)
    if not verdict.ok:
        raise MalformedInput("proof", f"the new proof does not verify: {verdict.reason}")
    report("writing the outputs")
    out_dir.mkdir(parents=True, exist_ok=True)
    contents = {
        "proof.json": dumps(proof_to_json(proof)),
        "public.json": dumps(public_to_json(public)),
        "bridge.json": json.dumps(bridge_record_json(batch.ops), indent=1) + "\n",
        "batch.json": json.dumps(batch.to_json(), indent=1) + "\n",
    }
    for name, text in contents.items():
        write_atomic(out_dir / name, text)
    report("advancing the state")
    applied = apply_batch(state, batch)
    if (applied.old_root, applied.new_root) != (trace.old_root, trace.new_root):
        raise MalformedInput("state", "the state changed while proving; outputs describe the old state")
    return ProveResult(public, out_dir, prover.circuit.n_constraints)
