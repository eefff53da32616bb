"""Deployments keyed by a snarkjs .zkey: where the files live, and binding a key to the state's circuit.

A keys directory made by ``zkob setup DIR --ptau P.ptau -o KEYS`` holds

    KEYS/circuit_final.zkey       the proving key (snarkjs format; a ceremony's final key replaces it)
    KEYS/verification_key.json    exported from it (``zkob zkey export verificationkey``)
    KEYS/circuit.json             the binding: the parameter set and the circuit hash (csHash)

The csHash depends on the circuit and the ptau, so only setup can know it;
the prover then refuses a circuit_final.zkey whose csHash is not the
recorded one (another circuit, or a key from another ptau). A key given
directly (``zkob prove --zkey FILE``) is bound by its sizes and its
coefficient section (zk/groth16/zkey_key.py). No click or printing here;
phases go to ``report`` like the rest of the pipeline.
"""

from __future__ import annotations

import json
from dataclasses import asdict
from pathlib import Path
from typing import Any

from ..state.params import Params
from ..zk.errors import MalformedInput
from ..zk.files import write_atomic
from ..zk.formats.zkey import Zkey, read_zkey
from ..zk.groth16.prepared import PreparedR1CS
from ..zk.groth16.zkey_key import ZkeyProvingKey, bind_zkey
from . import Report, quiet

ZKEY_FILE = "circuit_final.zkey"
BINDING_FILE = "circuit.json"


def zkey_in(keys_dir: Path) -> Path | None:
    """KEYS/circuit_final.zkey when the directory is a .zkey deployment, else None."""
    path = keys_dir / ZKEY_FILE
    return path if path.exists() else None


def binding_json(params: Params, key: Zkey, ptau_power: int) -> str:
    """KEYS/circuit.json: the parameter set and the key's circuit hash (with its sizes, for a reader)."""
    record = {"zkob_params": asdict(params), "csHash": key.cs_hash.hex(), "nVars": key.header.n_vars,
              "nPublic": key.header.n_public, "domainSize": key.header.domain_size, "ptauPower": ptau_power}
    return json.dumps(record, indent=1) + "\n"


def read_binding(keys_dir: Path, params: Params) -> bytes:
    """The recorded csHash of KEYS; refuses a binding made for other parameters."""
    path = keys_dir / BINDING_FILE
    try:
        record: Any = json.loads(path.read_text())
        cs_hash = bytes.fromhex(record["csHash"])
        theirs = record["zkob_params"]
    except OSError as exc:
        raise MalformedInput(str(path), f"cannot read the key binding: {exc.strerror}") from None
    except (ValueError, KeyError, TypeError):
        raise MalformedInput(str(path), "not a key binding (csHash, zkob_params)") from None
    if theirs != asdict(params):
        raise MalformedInput(str(path), f"keys were made for parameters {theirs}, this state has {asdict(params)}")
    if len(cs_hash) != 64:
        raise MalformedInput(f"{path}.csHash", "expected 64 bytes in hex")
    return cs_hash


def load_zkey_key(path: Path, circuit: PreparedR1CS, cs_hash: bytes | None = None) -> ZkeyProvingKey:
    """Read a .zkey and bind it to the prepared circuit (MalformedInput/SetupRefused naming the section)."""
    try:
        return bind_zkey(read_zkey(path), circuit, cs_hash)
    except MalformedInput as exc:
        raise MalformedInput(f"{path}: {exc.field}", exc.reason) from None


def make_zkey_keys(params: Params, keys_dir: Path, ptau_path: Path, name: str = "zkob setup",
                   report: Report = quiet, backend: str = "auto", final: Path | None = None) -> tuple[Zkey, Any]:
    """KEYS from a prepared ptau; returns (key, phase-2 verdict or None). Writes nothing on a failed verdict.

    Without ``final``: zkey new and one contribution from this machine (a
    key as trustworthy as that one contributor). With ``final`` (a
    ceremony's last key): its whole phase 2 is verified against this
    state's circuit and the ptau (zkey verify), then it is installed. Either
    way KEYS gets the key, its verification key and the binding.
    """
    from ..circuits.batch import build_circuit
    from ..zk.backends import get_backend
    from ..zk.formats.ptau import read_ptau
    from ..zk.formats.snarkjs_json import dumps, vk_to_json
    from ..zk.formats.zkey import zkey_bytes
    from ..zk.groth16.phase2 import contribute
    from ..zk.groth16.phase2_verify import verify_zkey
    from ..zk.groth16.zkey_columns import file_order
    from ..zk.groth16.zkey_key import zkey_vk
    from ..zk.groth16.zkey_new import new_zkey
    from .keyfiles import VK_FILE

    say = report
    engine = get_backend(backend)
    ptau = read_ptau(ptau_path)
    say("building the circuit")
    r1cs = file_order(build_circuit(params)[0])
    verdict = None
    if final is None:
        say(f"zkey new ({r1cs.n_constraints} constraints, ptau power {ptau.power})")
        initial = new_zkey(r1cs, ptau, engine)
        say("phase-2 contribution from this machine")
        key, _digest = contribute(initial, name, engine)
    else:
        key = read_zkey(final)
        say(f"verifying {final.name}'s phase 2 ({len(key.contributions)} contributions) against the circuit")
        verdict = verify_zkey(r1cs, ptau, key, engine)
        if not verdict.ok:
            return key, verdict
    say("writing keys")
    files: dict[str, bytes | str] = {ZKEY_FILE: zkey_bytes(key), VK_FILE: dumps(vk_to_json(zkey_vk(key))),
                                     BINDING_FILE: binding_json(params, key, ptau.power)}  # before any write
    keys_dir.mkdir(parents=True, exist_ok=True)
    for file_name, data in files.items():
        write_atomic(keys_dir / file_name, data)
    return key, verdict
