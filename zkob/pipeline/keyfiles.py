"""Key files on disk: names, strict loading, and the parameter set a proving key carries.

Imports no circuit, so the light-client commands (verify, follow) can use
it without loading the prover.

    KEYS/verification_key.json   snarkjs verification key
    KEYS/proving_key.zkpk        zkob proving key (parameters + circuit digest inside)
"""

from __future__ import annotations

from dataclasses import asdict
from pathlib import Path
from typing import Any

from ..state.params import Params
from ..zk.errors import MalformedInput
from ..zk.formats.snarkjs_json import parse_vk
from ..zk.strict_json import load_json
from ..zk.groth16.data import VerifyingKey
from ..zk.groth16.keys import ProvingKey, pk_from_bytes

VK_FILE = "verification_key.json"
PK_FILE = "proving_key.zkpk"


def params_meta(params: Params) -> dict[str, Any]:
    """The parameter set as stored in a proving key."""
    return {"zkob_params": asdict(params)}


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
    if theirs != asdict(params):
        raise MalformedInput(str(path), f"keys were made for parameters {theirs}, this state has {asdict(params)}")
    return pk
