"""The light client's Groth16 verifier: one import, py_ecc and the standard library only.

A light client (or anything that vendors zkob's verifier) imports this
module: ``verify(vk, public, proof)`` and ``verify_json(vk_text,
public_text, proof_text)`` return a ``Verdict`` and never raise for bad
input; ``parse_all`` parses the three snarkjs JSON files strictly. The
checks and the equation live in zk/groth16/verify.py (the verifier under
its verb's name); importing this module pulls in neither numpy nor numba
(tests/zk/test_verifier.py checks it).
"""

from __future__ import annotations

from .groth16.data import Proof, VerifyingKey
from .groth16.verify import Verdict, parse_all, verify, verify_json

__all__ = ["Proof", "Verdict", "VerifyingKey", "parse_all", "verify", "verify_json"]
