"""Development keys for a parameter set: the circuit, a one-party Groth16 setup, the two key files.

Cost: building the circuit (seconds) and setup's fixed-base
multiplications (about a minute for the default parameters on the
compiled backend).
"""

from __future__ import annotations

import random
from pathlib import Path

from ..circuits.batch import build_circuit
from ..state.params import Params
from ..zk.backends import get_backend
from ..zk.files import write_atomic
from ..zk.formats.snarkjs_json import dumps, vk_to_json
from ..zk.groth16.data import VerifyingKey
from ..zk.groth16.keys import pk_to_bytes
from ..zk.groth16.setup import setup
from . import Report, quiet
from .keyfiles import PK_FILE, VK_FILE, params_meta


def make_keys(params: Params, keys_dir: Path, rng: random.Random | None = None, report: Report = quiet,
              backend: str = "auto") -> VerifyingKey:
    """Development ceremony for ``params``: writes KEYS/verification_key.json and KEYS/proving_key.zkpk.

    The toxic waste comes from this machine's randomness (``rng``, default
    the OS); keys made this way are for development, never production
    (groth16.setup.DEV_CEREMONY_WARNING).
    """
    report("building the circuit")
    r1cs, _ = build_circuit(params)
    report(f"setup ({r1cs.n_constraints} constraints, {r1cs.n_wires} wires)")
    pk, vk = setup(r1cs, rng, params=params_meta(params), backend=get_backend(backend))
    report("writing keys")
    files: dict[str, bytes | str] = {PK_FILE: pk_to_bytes(pk), VK_FILE: dumps(vk_to_json(vk))}  # before any write
    keys_dir.mkdir(parents=True, exist_ok=True)
    for name, data in files.items():
        write_atomic(keys_dir / name, data)
    return vk
