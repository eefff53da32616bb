"""Key files on disk: names, strict loading, and the parameter set a proving key carries.

Imports no circuit, so the light-client commands (verify, follow) can use
it without loading the prover.

    KEYS/verification_key.json   snarkjs verification key
    KEYS/proving_key.zkpk        zkob proving key (parameters + circuit digest inside)
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from ..state.params import Params
from ..zk.errors import MalformedInput
from ..zk.formats.snarkjs_json import dumps, parse_vk, vk_to_json
from ..zk.strict_json import load_json
from ..zk.groth16.data import VerifyingKey
from ..zk.groth16.keys import ProvingKey, pk_from_bytes, pk_header

VK_FILE = "verification_key.json"
PK_FILE = "proving_key.zkpk"


def params_meta(params: Params) -> dict[str, Any]:
    """The parameter set as stored in a proving key."""
    return {"zkob_params": params.to_dict()}


def load_vk(path: Path) -> VerifyingKey:
    """Strictly parse a snarkjs verification_key.json (MalformedInput / SetupRefused on bad input)."""
    try:
        text = path.read_bytes()
    except OSError as exc:
        raise MalformedInput(str(path), f"cannot read: {exc.strerror}") from None
    return parse_vk(load_json(text, str(path)))


def load_proving_key(keys_dir: Path, params: Params, check_points: bool = True) -> ProvingKey:
    """Load KEYS/proving_key.zkpk and refuse keys made for other parameters.

    ``check_points=False`` leaves the query points' curve checks to a
    backend that checks them when it builds its tables.
    """
    path = keys_dir / PK_FILE
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise MalformedInput(str(path), f"cannot read proving key: {exc.strerror}") from None
    pk = pk_from_bytes(data, check_points=check_points)
    theirs = pk.params.get("zkob_params")
    if theirs != params.to_dict():
        raise MalformedInput(str(path), f"keys were made for parameters {theirs}, this state has {params.to_dict()}")
    return pk


HEADER_BYTES = 1 << 16  # a proving key's metadata and digest fit well within this prefix


@dataclass(frozen=True)
class KeyIdentity:
    """Which keys a prover holds: the parameter set, the circuit digest and a short key id.

    ``key_id`` hashes the circuit digest with the verification key, so two
    ceremonies for one circuit differ: a proof is useful only under the
    verification key its checker holds. Cost: one SHA-256 of the vk JSON.
    """

    params: Params
    circuit: str
    key_id: str

    def describe(self) -> str:
        return f"circuit {self.circuit[:16]}..., key {self.key_id}, parameters {self.params.to_dict()}"


def key_id(circuit: str, vk: VerifyingKey) -> str:
    """16 hex digits of SHA-256(circuit digest || the vk as snarkjs JSON)."""
    return hashlib.sha256(bytes.fromhex(circuit) + dumps(vk_to_json(vk)).encode()).hexdigest()[:16]


def read_key_header(keys_dir: Path) -> tuple[Params, str]:
    """The parameter set and circuit digest KEYS/proving_key.zkpk was made for, read from its header only."""
    path = keys_dir / PK_FILE
    try:
        with open(path, "rb") as handle:
            head = handle.read(HEADER_BYTES)
    except OSError as exc:
        raise MalformedInput(str(path), f"cannot read proving key: {exc.strerror}") from None
    meta, digest = pk_header(head)
    theirs = meta.get("zkob_params")
    try:
        params = Params.from_json(json.dumps(theirs))
    except MalformedInput as exc:
        raise MalformedInput(str(path), f"no valid parameter set in the key ({exc})") from None
    return params, digest


def keys_identity(keys_dir: Path, params: Params) -> KeyIdentity:
    """The identity of KEYS for ``params`` without loading its points (the checker side of a cluster run).

    Refuses keys made for other parameters, as load_proving_key does.
    """
    theirs, circuit = read_key_header(keys_dir)
    if theirs != params:
        raise MalformedInput(str(keys_dir / PK_FILE),
                             f"keys were made for parameters {theirs.to_dict()}, this state has {params.to_dict()}")
    return KeyIdentity(params, circuit, key_id(circuit, load_vk(keys_dir / VK_FILE)))
