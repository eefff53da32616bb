"""snarkjs JSON for Groth16 on BN254: verification_key.json, proof.json, public.json.

Parsing is stricter than snarkjs (docs/protocol.md section 7): duplicate keys,
floats, NaN, booleans and non-canonical numbers are refused; coordinates
must be canonical decimals below q with z exactly "1"; G2 points must be in
the r-torsion subgroup; protocol/curve must be "groth16"/"bn128"; counts
must agree (nPublic == len(IC) - 1). A key that anyone could forge with
(gamma == +-delta, delta == the G2 generator, identity, equal or opposite
IC points) is refused with SetupRefused (groth16.data.vk_problem). Every other failure is one
MalformedInput naming the field. Imports only py_ecc and the standard
library (the light-client path).
"""

from __future__ import annotations

import json
from typing import Any

from ..curve import g1_json, g2_json, parse_g1, parse_g2
from ..errors import MalformedInput, SetupRefused
from ..field import Q, R, parse_decimal
from ..groth16.data import Proof, VerifyingKey, vk_problem
from ..strict_json import load_json  # noqa: F401 - re-exported: the formats' loader

MAX_PUBLIC = 1 << 16


def _object(value: object, keys: set[str], optional: set[str], what: str) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise MalformedInput(what, "expected a JSON object")
    missing = sorted(keys - set(value))
    if missing:
        raise MalformedInput(what, f"missing key(s) {missing}")
    unknown = sorted(set(value) - keys - optional)
    if unknown:
        raise MalformedInput(what, f"unknown key(s) {unknown}")
    return value


def _protocol(obj: dict[str, Any], what: str) -> None:
    if obj["protocol"] != "groth16":
        raise MalformedInput(f"{what}.protocol", 'must be "groth16"')
    if obj["curve"] != "bn128":
        raise MalformedInput(f"{what}.curve", 'must be "bn128"')


# --- verification key -------------------------------------------------------------------

def parse_vk(value: object, what: str = "verification_key") -> VerifyingKey:
    """Decode a parsed verification_key.json; raises MalformedInput or SetupRefused."""
    keys = {"protocol", "curve", "nPublic", "vk_alpha_1", "vk_beta_2", "vk_gamma_2", "vk_delta_2", "IC"}
    obj = _object(value, keys, {"vk_alphabeta_12"}, what)
    _protocol(obj, what)
    n_public = obj["nPublic"]
    if isinstance(n_public, bool) or not isinstance(n_public, int) or not 0 <= n_public <= MAX_PUBLIC:
        raise MalformedInput(f"{what}.nPublic", "expected a non-negative JSON integer")
    ic_list = obj["IC"]
    if not isinstance(ic_list, list) or len(ic_list) != n_public + 1:
        raise MalformedInput(f"{what}.IC", f"expected nPublic + 1 = {n_public + 1} points")
    vk = VerifyingKey(
        alpha1=parse_g1(obj["vk_alpha_1"], f"{what}.vk_alpha_1"),
        beta2=parse_g2(obj["vk_beta_2"], f"{what}.vk_beta_2"),
        gamma2=parse_g2(obj["vk_gamma_2"], f"{what}.vk_gamma_2"),
        delta2=parse_g2(obj["vk_delta_2"], f"{what}.vk_delta_2"),
        ic=tuple(parse_g1(p, f"{what}.IC[{i}]") for i, p in enumerate(ic_list)),
    )
    if "vk_alphabeta_12" in obj:
        _check_alphabeta_shape(obj["vk_alphabeta_12"], f"{what}.vk_alphabeta_12")
    problem = vk_problem(vk)
    if problem:
        raise SetupRefused(problem)
    return vk


def _check_alphabeta_shape(value: object, what: str) -> None:
    """vk_alphabeta_12 is informational (verifiers recompute it); only its shape is checked."""
    if not isinstance(value, list) or len(value) != 2:
        raise MalformedInput(what, "expected 2 x 3 x 2 decimal strings")
    for i, half in enumerate(value):
        if not isinstance(half, list) or len(half) != 3:
            raise MalformedInput(what, "expected 2 x 3 x 2 decimal strings")
        for j, pair in enumerate(half):
            if not isinstance(pair, list) or len(pair) != 2:
                raise MalformedInput(what, "expected 2 x 3 x 2 decimal strings")
            for k, c in enumerate(pair):
                parse_decimal(c, f"{what}[{i}][{j}][{k}]", Q)


def vk_to_json(vk: VerifyingKey) -> dict[str, Any]:
    """verification_key.json in snarkjs's shape, without ``vk_alphabeta_12``.

    That field is informational (snarkjs's verifier recomputes from alpha and
    beta). py_ecc's e(G1, G2), mapped into snarkjs's Fq2/Fq6/Fq12 tower,
    did not equal ffjavascript's (a different pairing variant or tower
    basis), so we write no value rather than a different one.
    """
    return {
        "protocol": "groth16", "curve": "bn128", "nPublic": vk.n_public,
        "vk_alpha_1": g1_json(vk.alpha1), "vk_beta_2": g2_json(vk.beta2),
        "vk_gamma_2": g2_json(vk.gamma2), "vk_delta_2": g2_json(vk.delta2),
        "IC": [g1_json(p) for p in vk.ic],
    }


# --- proof and public inputs ------------------------------------------------------------

def parse_proof(value: object, what: str = "proof") -> Proof:
    """Decode a parsed proof.json: on-curve, subgroup, no identity points."""
    obj = _object(value, {"pi_a", "pi_b", "pi_c", "protocol", "curve"}, set(), what)
    _protocol(obj, what)
    return Proof(a=parse_g1(obj["pi_a"], f"{what}.pi_a"), b=parse_g2(obj["pi_b"], f"{what}.pi_b"),
                 c=parse_g1(obj["pi_c"], f"{what}.pi_c"))


def proof_to_json(proof: Proof) -> dict[str, Any]:
    return {"pi_a": g1_json(proof.a), "pi_b": g2_json(proof.b), "pi_c": g1_json(proof.c),
            "protocol": "groth16", "curve": "bn128"}


def parse_public(value: object, what: str = "public") -> list[int]:
    """Decode a parsed public.json: an array of canonical decimal strings below r."""
    if not isinstance(value, list):
        raise MalformedInput(what, "expected a JSON array of decimal strings")
    if len(value) > MAX_PUBLIC:
        raise MalformedInput(what, "too many public signals")
    return [parse_decimal(v, f"{what}[{i}]", R) for i, v in enumerate(value)]


def public_to_json(public: list[int]) -> list[str]:
    return [str(v) for v in public]


def dumps(value: Any) -> str:
    """JSON text as the CLI writes it (indented, trailing newline)."""
    return json.dumps(value, indent=1) + "\n"
