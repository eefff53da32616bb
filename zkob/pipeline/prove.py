"""Proving a batch: the prover loaded once per deployment, and ``prove_batch``.

``prove_batch`` runs the batch once, through the state machine's
``apply_batch``: the state machine checks every rule and computes the
trace, and before anything is committed its ``check`` hook computes the
witness, proves, checks the proof against the verification key and
writes the outputs. Only then does the state advance (one SQLite
transaction), so a rejected batch or a failed proof leaves it untouched.

Cost: the witness is one prove-mode pass over the circuit (about 1 s per
slot at depths 20/20/8); proving is the MSMs and NTTs of groth16.prove.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from ..circuits.batch import build_circuit, witness_for
from ..state.batchfile import Batch
from ..state.params import Params
from ..state.state import State
from ..state.trace import BatchTrace
from ..state.transition import apply_batch
from ..zk.backends import get_backend, warm_up
from ..zk.backends.base import Backend
from ..zk.errors import InternalError, MalformedInput
from ..zk.groth16.data import Proof, VerifyingKey
from ..zk.groth16.prepared import PreparedR1CS, prepare
from ..zk.groth16.prove import AnyProvingKey, prove
from ..zk.groth16.verify import Verdict, verify
from . import Report, quiet
from .keyfiles import load_proving_key
from .outputs import write_outputs
from .zkeyfiles import load_zkey_key, read_binding, zkey_in


@dataclass(frozen=True)
class Prover:
    """Everything that does not change between batches of one deployment, loaded once."""

    params: Params
    pk: AnyProvingKey
    circuit: PreparedR1CS
    backend: Backend
    check: Callable[[Sequence[int], Proof], Verdict]


def load_prover(params: Params, keys_dir: Path | None, backend: str = "auto", report: Report = quiet,
                zkey: Path | None = None) -> Prover:
    """Kernels, proving key (refused for other parameters) and the prepared circuit.

    Kernel loading is its own phase so a first compilation is reported
    honestly. Key points are checked once: by the loader, or by the backend
    when it builds its tables (``checks_points``). The key is KEYS's
    proving_key.zkpk, or a snarkjs .zkey: ``zkey`` given, or
    KEYS/circuit_final.zkey with the circuit hash KEYS records
    (zkeyfiles.py); a .zkey is bound to the circuit once it is built.
    """
    report("loading prover kernels")
    warm_up(backend)
    engine = get_backend(backend)
    zkey = zkey or (zkey_in(keys_dir) if keys_dir else None)
    cs_hash = read_binding(keys_dir, params) if zkey and keys_dir else None
    pk: AnyProvingKey | None = None
    if zkey is None:
        report("loading the proving key")
        pk = load_proving_key(keys_dir or Path("."), params, check_points=not engine.checks_points)
    report("building the circuit")
    r1cs, _ = build_circuit(params)
    circuit = prepare(r1cs, engine)
    if pk is None:
        report("binding the .zkey to the circuit")
        pk = load_zkey_key(zkey or Path("."), circuit, cs_hash)
    return Prover(params, pk, circuit, engine, proof_checker(pk.vk, engine.name))


def proof_checker(vk: VerifyingKey, backend: str = "auto") -> Callable[[Sequence[int], Proof], Verdict]:
    """A verifier for ``vk``: the compiled pairing (about 10 ms a proof) on the compiled backend, else py_ecc's."""
    if get_backend(backend).name == "compiled":
        from ..zk import fast_verify

        key = fast_verify.prepare(vk)
        return lambda public, proof: fast_verify.verify_prepared(key, public, proof)
    return lambda public, proof: verify(vk, public, proof)


def prove_trace(prover: Prover, trace: BatchTrace, report: Report = quiet) -> Proof:
    """The witness of an accepted batch's trace, and a Groth16 proof of it (not yet checked).

    What a cluster worker runs for each batch; ``prove_batch`` runs it
    inside apply_batch. Cost: one prove-mode pass over the circuit, then
    groth16.prove on the prover's backend.
    """
    report("computing the witness")
    witness = witness_for(prover.params, trace)
    report(f"proving ({prover.circuit.n_constraints} constraints)")
    return prove(prover.pk, prover.circuit, witness, backend=prover.backend)


@dataclass(frozen=True)
class ProveResult:
    public: tuple[int, ...]
    out_dir: Path
    constraints: int


def prove_batch(state: State, batch: Batch, keys_dir: Path | None, out_dir: Path, backend: str = "auto",
                report: Report = quiet, prover: Prover | None = None, zkey: Path | None = None) -> ProveResult:
    """Prove ``batch`` on ``state``, write OUT/*, then advance the state; the batch runs once.

    The rules are checked before anything heavy is loaded (``apply_batch``
    calls its check only for a batch it accepts). Pass a ``prover`` from
    load_prover to reuse it across batches, or a snarkjs ``zkey`` instead of
    ``keys_dir`` (load_prover). Raises Rejected or
    MalformedInput for a bad batch or key, InternalError when the new proof
    fails its own check; in every case the state is untouched.
    """
    if prover is not None and prover.params != state.params:
        raise MalformedInput("prover", "was loaded for other parameters than this state's")
    made: list[ProveResult] = []

    def prove_and_write(trace: BatchTrace) -> None:
        nonlocal prover
        if prover is None:
            prover = load_prover(state.params, keys_dir, backend, report, zkey)
        proof = prove_trace(prover, trace, report)
        report("verifying the proof")
        verdict = prover.check(trace.public_inputs, proof)
        if not verdict.ok:
            raise InternalError(f"the new proof does not verify: {verdict.reason}")
        report("writing the outputs")
        write_outputs(out_dir, proof, trace, batch)
        report("advancing the state")
        made.append(ProveResult(trace.public_inputs, out_dir, prover.circuit.n_constraints))

    report("checking the batch against the state")
    apply_batch(state, batch, check=prove_and_write)
    return made[0]
